#pragma once
// One outgoing call of a tab as a sans-I/O state machine: Ringstorm's caller role, which
// the SDK itself does not have (its phones only answer), so that phones can call each
// other through a proxy such as Kamailio. Shaped like call.hpp (the incoming call) so the
// tab drives both alike: the app's commands, wire messages and timer expiries go in with
// the current time; call_actions come out (send, emit, latency, sip_count,
// protocol_error, refused).
//
// What it does on the wire (RFC 3261 unless said otherwise):
// - INVITE to the callee's AOR with a WebRTC SDP offer as a browser makes it (one bundled
//   audio section, UDP/TLS/RTP/SAVPF, Opus 111 first, setup actpass), our AOR in From,
//   the tab's `.invalid` Contact and Via sent-by (RFC 7118 §5);
// - a 401/407 answered once with digest credentials (§22.2, §22.3); a second challenge
//   after our credentials fails the call (remote_rejected), a `stale` one is answered;
// - every 2xx ACKed (§13.2.2.4: retransmissions too), the route set taken from its
//   Record-Route; a 2xx of another fork is ACKed and sent a BYE (§13.2.2.4);
// - hangup: CANCEL while ringing (§9.1: only after a provisional response; a 2xx crossing
//   it gets ACK + BYE), BYE once connected (§15.1.1);
// - hold/unhold re-INVITE (a=sendonly, a=sendrecv; RFC 3264 §8.4, RFC 6337 §5.3) with the
//   answer's direction checked; DTMF INFO; the callee's re-INVITE, BYE, INFO answered.
//
// Files: outgoing_call.cpp (INVITE, app commands), _response.cpp (answers to our
// requests), _inbound.cpp (the callee's requests), _media.cpp (SDP), _timers.cpp.
//
// Callbacks, both profiles alike where the SDK has no outgoing call to copy:
// `connected` on the 2xx; a local end (hangup, cancel) `callEnded` at once; an end the far
// side caused (BYE, 3xx-6xx, no final answer, a 2xx without a usable answer, a re-INVITE
// timeout, our 2xx to their re-INVITE never ACKed) `terminated` under `documented` and
// `callEnded` under `exotel-web-sdk-2.0.5`, as for incoming calls (contract table
// "remote BYE"). A WebSocket lost during the call: `terminated` (documented), no event
// at all (2.0.5: the zombie call of the contract table).

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/result.hpp"
#include "engine/phone/call.hpp"
#include "engine/phone/dialog_requests.hpp"
#include "engine/sip/client_transaction.hpp"
#include "engine/sip/dialog.hpp"
#include "engine/sip/digest.hpp"
#include "media/sdp/session.hpp"

namespace ringstorm::phone {

struct outgoing_call_config {
    // Profile, our Contact and Via sent-by, media parameters and timers, as for an incoming
    // call; `call.user` is the digest user name (the SDK's userName).
    call_config call;
    std::string from_uri;      // our AOR, "sip:{authUser}@{sipdomain}"
    std::string display_name;  // the From display name; empty for none
    std::string password;      // the digest secret
};

// Where the call is, finer than call_state (which record().state keeps for the tab).
enum class outgoing_state : std::uint8_t {
    calling,     // INVITE sent, no provisional response yet
    ringing,     // a provisional response (180/183) arrived
    cancelling,  // hangup() before the answer: CANCEL sent (or due at the first 1xx)
    connected,   // 2xx received and ACKed
    ended,
};
std::string_view to_string(outgoing_state s) noexcept;  // "calling", "ringing", ...

// The Request-URI of a call to `to`: a SIP or SIPS URI as given, or the user `to` at
// `sipdomain` ("sip:{to}@{sipdomain}"). The error says what is wrong with `to`.
core::result<std::string, std::string> callee_uri(std::string_view to, std::string_view sipdomain);

class outgoing_call {
public:
    // `target_uri`: the callee's AOR (see callee_uri()), put in the Request-URI and To.
    // `seed` makes Call-ID, tag, CSeq, branches, SDP ids and cnonces reproducible.
    outgoing_call(std::string target_uri, outgoing_call_config config, std::uint64_t seed);

    // Sends the INVITE with its offer. `due` is when the script wanted the call (the
    // record's start); `now` is when it runs.
    call_actions start(core::time_point due, core::time_point now);

    // ---- app commands ----
    // `due` is when the script wanted the command: the latencies it starts (cancel, bye,
    // hold, unhold) are measured from it (coordinated omission); `now` is when it runs.
    //
    // Calling or ringing: CANCEL (deferred to the first provisional response, RFC 3261
    // §9.1), callEnded at once; the call ends when the INVITE's final answer arrives (the
    // `cancel` latency runs to its 487) or 64·T1 after the CANCEL (no_final). Connected:
    // BYE and callEnded at once.
    call_actions hangup(core::time_point due, core::time_point now);
    // re-INVITE a=sendonly (inactive if the far end holds us)
    call_actions hold(core::time_point due, core::time_point now);
    call_actions unhold(core::time_point due, core::time_point now);  // re-INVITE a=sendrecv
    void mute() noexcept { record_.muted = true; }
    void unmute() noexcept { record_.muted = false; }
    // INFO application/dtmf-relay; `digit` one of 0-9 * # A-D.
    call_actions dtmf(char digit, core::time_point now);

    // ---- wire ----
    // A response to one of our requests, or a request of this call (the callee's BYE,
    // re-INVITE, INFO...). Anything else gets a located protocol error.
    call_actions on_message(const sip::message& m, core::time_point now);
    // The WebSocket under the call is gone: nothing more can be sent.
    call_actions on_transport_lost(core::time_point now);

    // ---- time ----
    std::optional<core::time_point> next_deadline() const noexcept;
    call_actions on_timer(core::time_point now);

    const call_record& record() const noexcept { return record_; }
    const std::string& call_id() const noexcept { return record_.call_id; }
    const std::string& target_uri() const noexcept { return target_uri_; }
    outgoing_state state() const noexcept { return state_; }
    // Status of the INVITE's final response (the last one when challenged); 0 before one.
    // The record keeps it too (record().final_status).
    std::uint16_t final_status() const noexcept { return record_.final_status; }
    // When our ACK of the kept 2xx went out (record().acked), if it did.
    std::optional<core::time_point> acked() const noexcept { return record_.acked; }
    // Nothing left to send or wait for: the owner may destroy the call.
    bool finished() const noexcept;
    // A request of ours (BYE, INFO, re-INVITE, the CANCEL's INVITE) awaits its final
    // response: what a page unload lets finish.
    bool busy() const noexcept;
    sdp::direction local_direction() const noexcept { return local_direction_; }
    // The SDP answer of the kept 2xx (empty before it): the call's stream starts from it.
    const std::string& remote_answer() const noexcept { return remote_answer_; }
    // Our offer's parameters (the Opus payload type the answer must use, RFC 3264 §6.1).
    const sdp::webrtc_audio_params& media() const noexcept { return media_; }
    // The INVITE on the wire (the one with credentials once challenged).
    const sip::message& invite() const noexcept { return invite_; }

private:
    using out_t = call_actions;
    // A 2xx from another fork than the one we kept: ACKed and sent a BYE.
    struct extra_leg {
        std::string tag;
        sip::message ack;
    };

    bool sdk_2_0_5() const noexcept {
        return config_.call.profile == scenario::contract_profile::exotel_web_sdk_2_0_5;
    }
    // The event of an end the far side caused (contract row "remote BYE").
    std::string_view remote_end_event() const noexcept {
        return sdk_2_0_5() ? "callEnded" : "terminated";
    }
    void emit(std::string_view name, core::time_point now, out_t& out);
    void send(const sip::message& m, out_t& out);
    void count_received(const sip::message& m, out_t& out);
    void end(call_end why, core::time_point now);
    void end_remote(call_end why, core::time_point now, out_t& out);

    // outgoing_call.cpp
    sip::message build_invite(std::string_view branch,
                              std::span<const sip::credential_header> credentials) const;
    void send_invite(core::time_point now, out_t& out);
    void send_cancel(core::time_point now, out_t& out);
    // `due`: the latency origin of its final response (the bye step for a BYE).
    void start_request(sip::message request, core::time_point due, core::time_point now,
                       out_t& out);
    void send_bye(core::time_point due, core::time_point now, out_t& out);
    void start_reinvite(sdp::hold_intent intent, core::time_point due, core::time_point now,
                        out_t& out);
    bool reinvite_pending() const noexcept { return invite_pending(reinvite_); }

    // outgoing_call_timers.cpp
    void on_invite_timer(core::time_point now, out_t& out);
    void on_midcall_timers(core::time_point now, out_t& out);

    // outgoing_call_response.cpp
    void on_response(const sip::message& m, core::time_point now, out_t& out);
    void on_invite_response(const sip::message& m, core::time_point now, out_t& out);
    void on_provisional(const sip::message& m, core::time_point now, out_t& out);
    void on_invite_2xx(const sip::message& m, core::time_point now, out_t& out);
    void on_extra_2xx(const sip::message& m, core::time_point now, out_t& out);
    void on_invite_failure(const sip::message& m, core::time_point now, out_t& out);
    bool answer_challenge(const sip::message& m, core::time_point now, out_t& out);
    void on_reinvite_response(const sip::message& m, core::time_point now, out_t& out);
    void on_reinvite_final(const sip::message& m, core::time_point now, out_t& out);

    // outgoing_call_inbound.cpp
    void on_request(const sip::message& m, core::time_point now, out_t& out);
    void on_dialog_request(const sip::message& m, core::time_point now, out_t& out);
    void on_ack(const sip::message& m, core::time_point now, out_t& out);
    void on_bye(const sip::message& m, core::time_point now, out_t& out);
    void on_remote_reinvite(const sip::message& m, core::time_point now, out_t& out);
    sip::message make_local_response(const sip::message& request, int status) const;

    // outgoing_call_media.cpp
    std::string offer_sdp(sdp::direction d);
    // Checks the answer to our last offer: false when it is no usable answer (no SDP,
    // no audio, no Opus); a direction RFC 3264 §6.1 forbids is reported and tolerated.
    bool take_answer(std::string_view answer, out_t& out);
    std::optional<std::string> answer_sdp(std::string_view offer, sdp::direction wish);

    outgoing_call_config config_;
    std::mt19937_64 rng_;
    sip::digest_client digest_;
    std::string target_uri_;
    std::string from_tag_;
    std::uint32_t cseq_ = 1;  // of the INVITE on the wire
    std::string offer_;       // the SDP of the initial INVITE (repeated after a challenge)
    sip::message invite_;
    std::optional<sip::client_invite_transaction> invite_tx_;
    std::uint8_t challenges_ = 0;  // 401/407 answered with credentials
    outgoing_state state_ = outgoing_state::calling;
    call_record record_;

    // hangup() before the answer: when it was due, whether the CANCEL went out, and when
    // the INVITE is given up for lack of a final answer (RFC 3261 §9.1: 64·T1).
    core::time_point cancel_due_{};
    std::optional<pending_request> cancel_;
    std::optional<core::time_point> cancel_give_up_;

    std::optional<sip::dialog> dialog_;
    sip::message ack_;  // our ACK of the kept 2xx, resent for each retransmission
    std::vector<extra_leg> extra_legs_;

    // Our re-INVITE (hold/unhold), what it offered and the ACK of its 2xx.
    std::optional<sip::client_invite_transaction> reinvite_;
    sdp::hold_intent reinvite_intent_ = sdp::hold_intent::hold;
    sdp::direction offered_direction_ = sdp::direction::sendrecv;
    core::time_point reinvite_sent_{};
    bool reinvite_answered_ = false;
    sip::message reinvite_ack_;

    // Our 2xx to the callee's re-INVITE, until its ACK; with an offer of ours in it when
    // their re-INVITE had none (RFC 3261 §14.2: the answer comes in the ACK).
    pending_2xx answer_2xx_;
    bool offer_in_2xx_ = false;

    dialog_requests requests_;  // BYE, INFO

    // Media negotiation (outgoing_call_media.cpp): the parameters of our offers (session
    // version bumped per offer, RFC 3264 §8), our DTLS role once answered, the direction
    // both ends allow, and our last offer to check its answer against.
    sdp::webrtc_audio_params media_;
    sdp::setup_role dtls_role_ = sdp::setup_role::actpass;
    sdp::direction local_direction_ = sdp::direction::sendrecv;
    std::optional<sdp::session_description> last_offer_;
    std::string remote_answer_;  // the kept 2xx's SDP answer
};

}  // namespace ringstorm::phone
