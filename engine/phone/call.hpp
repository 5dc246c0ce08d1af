#pragma once
// One incoming call of one tab as a sans-I/O state machine, built like registration.hpp:
// the INVITE, the app's commands (Answer, Hangup, Hold, sendDTMF...), in-dialog wire
// messages and timer expiries go in with the current time; actions come out as values
// for the driver (the tab) to perform. It decides what goes on the wire (100/180/200 with
// the SDP answer, 486, 480, 487, BYE, re-INVITE, INFO, answers to the target's requests)
// and which CallListenerCallback events the app would see under each contract profile
// (sdk-callback-contract.md, rows "incoming INVITE" to "Hold / UnHold / Mute / UnMute").
//
// The SIP mechanics come from engine/sip: the INVITE server transaction (RFC 6026), the
// 2xx retransmitter (RFC 3261 §13.3.1.4), the UAS dialog and the client transactions of
// our re-INVITE, BYE and INFO. Media parameters (ICE credentials, fingerprint,
// candidates) are plain config values here; the media engine supplies them later.

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/phone/call_actions.hpp"
#include "engine/phone/dialog_requests.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/sip/client_transaction.hpp"
#include "engine/sip/dialog.hpp"
#include "engine/sip/server_transaction.hpp"
#include "media/sdp/webrtc.hpp"

namespace ringstorm::phone {

struct call_config {
    scenario::contract_profile profile = scenario::contract_profile::documented;
    // The tab's Contact URI (registration identity), put in our 180/200 and requests.
    std::string contact_uri;
    std::string user;  // the SIP user name of the tab (userName)
    // How our own requests' Via starts: "SIP/2.0/WSS df7jal23ls0d.invalid".
    std::string via_sent_by;
    bool secure_transport = true;  // wss:// (a SIPS Request-URI makes the dialog secure)
    // Our media for the SDP answer and the hold offers; `direction` and `setup` are
    // chosen by the call, `session_version` is where our versions start.
    sdp::webrtc_audio_params media;
    // 2.0.5: an unanswered call is refused with 480 after this long. The documented
    // profile specifies no such timeout: the call rings until the target cancels it.
    std::chrono::milliseconds no_answer_timeout{60'000};
    sip::timer_config timers;  // T1 = 0.5 s, T2 = 4 s: the 2xx retransmission schedule
};

class call {
public:
    // `invite`: the parsed initial INVITE routed to this tab. `seed` makes the To tag
    // and branches reproducible.
    call(sip::message invite, call_config config, std::uint64_t seed);

    // The INVITE arrives: 100 Trying, 180 Ringing (no SDP), then `incoming`. A bad
    // INVITE is answered 400 or 488 with no event.
    call_actions start(core::time_point now);

    // ---- app commands ----
    // `due` is when the script wanted the command: the latencies it starts
    // (answer_to_connected, answer_to_ack, bye, hold, unhold) are measured from it, so a
    // late harness shows in them (coordinated omission). `now` is when it runs.
    // Ringing: 200 OK with the SDP answer.
    call_actions answer(core::time_point due, core::time_point now);
    // Ringing: 486 (reason "Busy" under 2.0.5, as the SDK sends it; "Busy Here" otherwise).
    call_actions reject(core::time_point now);
    // Hangup(). Ringing: 486 as reject; answering: BYE once the ACK is in (RFC 3261 §15);
    // connected: BYE. callEnded at once in both profiles.
    call_actions hangup(core::time_point due, core::time_point now);
    // The page unloads (the tab's shutdown): as hangup(), but a ringing call gets 480.
    call_actions unload(core::time_point due, core::time_point now);
    // re-INVITE a=sendonly (inactive if held by them)
    call_actions hold(core::time_point due, core::time_point now);
    call_actions unhold(core::time_point due, core::time_point now);  // re-INVITE a=sendrecv
    void mute() noexcept { record_.muted = true; }
    void unmute() noexcept { record_.muted = false; }
    // INFO application/dtmf-relay; `digit` one of 0-9 * # A-D.
    call_actions dtmf(char digit, core::time_point now);

    // ---- wire ----
    // A request of this call (ACK, BYE, CANCEL, re-INVITE, INFO, a retransmitted INVITE)
    // or a response to our re-INVITE, BYE or INFO. Anything else gets a located
    // protocol error; a malformed request is answered 400 when it can be answered.
    call_actions on_message(const sip::message& m, core::time_point now);
    // The WebSocket the call lives on is gone: nothing more can be sent or received, so
    // every transaction and timer is dropped. Documented: `terminated` (the contract row
    // "WebSocket lost during a call"); 2.0.5 gives no callback at all (the app keeps a
    // zombie call). A call already ended only drops its timers.
    call_actions on_transport_lost(core::time_point now);

    // ---- time ----
    std::optional<core::time_point> next_deadline() const noexcept;
    call_actions on_timer(core::time_point now);

    const call_record& record() const noexcept { return record_; }
    const std::string& call_id() const noexcept { return record_.call_id; }
    // Nothing left to send or wait for: the owner may destroy the call.
    bool finished() const noexcept;
    // A request of ours (BYE, INFO, re-INVITE) awaits its final response, or a hangup
    // waits for the ACK before its BYE: what a page unload lets finish.
    bool busy() const noexcept;
    // Our media direction as last negotiated (sendrecv until a hold).
    sdp::direction local_direction() const noexcept { return local_direction_; }
    // The initial INVITE (its body is the far end's offer, which the call's stream starts
    // from) and what our answer fixed: the Opus payload type and our a=setup role.
    const sip::message& invite() const noexcept { return invite_; }
    const sdp::webrtc_audio_params& negotiated() const noexcept { return negotiated_; }

private:
    using out_t = call_actions;

    bool sdk_2_0_5() const noexcept {
        return config_.profile == scenario::contract_profile::exotel_web_sdk_2_0_5;
    }
    void emit(std::string_view name, core::time_point now, out_t& out);
    void send(const sip::message& m, out_t& out);
    void count_received(const sip::message& m, out_t& out);
    void end(call_end why, core::time_point now);
    sip::message busy_here() const;  // our 486 to the INVITE, per profile
    sip::message make_local_response(const sip::message& request, int status,
                                     std::string_view reason = {}) const;
    void respond_invite(sip::message response, core::time_point now, out_t& out);
    // `due`: the latency origin of its final response (the bye step for a BYE).
    void start_request(sip::message request, core::time_point due, core::time_point now,
                       out_t& out);
    // `reason`: a Reason header value (RFC 3326) when the SDK itself ends the call.
    void send_bye(core::time_point due, core::time_point now, out_t& out,
                  std::string_view reason = {});
    void start_reinvite(sdp::hold_intent intent, core::time_point due, core::time_point now,
                        out_t& out);
    bool reinvite_pending() const noexcept { return invite_pending(reinvite_); }

    // call_inbound.cpp
    void on_request(const sip::message& m, core::time_point now, out_t& out);
    void on_ack(const sip::message& m, core::time_point now, out_t& out);
    void on_cancel(const sip::message& m, core::time_point now, out_t& out);
    void on_bye(const sip::message& m, core::time_point now, out_t& out);
    void on_remote_reinvite(const sip::message& m, core::time_point now, out_t& out);
    void on_response(const sip::message& m, core::time_point now, out_t& out);
    void on_reinvite_final(const sip::message& m, core::time_point now, out_t& out);

    // call_media.cpp
    // The SDP answer to `offer` with our wish `wish`; nullopt when it cannot be answered.
    std::optional<std::string> answer_sdp(std::string_view offer, sdp::direction wish);
    std::string offer_sdp(sdp::direction d);
    // Checks the answer to our re-INVITE offer and updates local_direction_. false when the
    // browser could not apply it (a DTLS role clash): the SDK then hangs up.
    bool take_answer(std::string_view answer, out_t& out);

    call_config config_;
    std::mt19937_64 rng_;
    sip::message invite_;
    std::string to_tag_;
    call_record record_;
    sip::server_invite_transaction invite_tx_;
    std::optional<sip::dialog> dialog_;
    // The 2xx in flight (to the INVITE or a remote re-INVITE) and the CSeq its ACK carries.
    pending_2xx answer_2xx_;
    core::time_point answered_at_{};  // when answer() was due: answer_* latency origin
    std::optional<core::time_point> no_answer_at_;
    bool bye_after_ack_ = false;   // hangup() while the 200 waited for its ACK
    core::time_point bye_due_{};   // that hangup's due time, the BYE's latency origin
    bool transport_lost_ = false;  // on_transport_lost(): no timer runs any more

    // Our re-INVITE (hold/unhold) and what it offered.
    std::optional<sip::client_invite_transaction> reinvite_;
    sdp::hold_intent reinvite_intent_ = sdp::hold_intent::hold;
    sdp::direction offered_direction_ = sdp::direction::sendrecv;
    // When the hold/unhold was due (latency origin); {} once its first final arrived.
    core::time_point reinvite_sent_{};
    dialog_requests requests_;  // our BYE and INFO

    // Media negotiation state (call_media.cpp).
    sdp::direction local_direction_ = sdp::direction::sendrecv;
    // config_.media with what the first answer fixed: payload types, mid, DTLS role
    // (kept in later offers, RFC 5763 §5) and the o= version (RFC 3264 §8).
    sdp::webrtc_audio_params negotiated_;
    std::optional<sdp::session_description> last_offer_;  // our last re-INVITE offer
};

// A tab that already has a live call and receives another INVITE (contract row "second
// INVITE during a call"): 2.0.5 answers 100, 180 and 480 with reason phrase "4001" and
// gives no callback; the documented profile answers 486 Busy Here. `seed` draws the To tag.
call_actions refuse_second_invite(const sip::message& invite, scenario::contract_profile profile,
                                  std::string_view contact_uri, std::uint64_t seed);

}  // namespace ringstorm::phone
