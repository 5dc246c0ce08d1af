#pragma once
// The embedded target's call originator, one call at a time: an INVITE from the target to
// one registered binding, driven through the behaviour a scenario asked for so that every
// row of sdk-callback-contract.md ("incoming INVITE", "remote BYE", "remote CANCEL while
// ringing", "ACK never arrives", "Hold") can be exercised against a phone.
//
// Sans-I/O like the sip transactions: messages and timer expiries go in with the current
// time; the texts to send on the binding's connection, the call's result and its findings
// come out as values. The owner routes every message with this call's Call-ID here and
// calls on_timer() once next_deadline() has passed. Web-phone Contacts are `.invalid`
// (RFC 7118 §5.2), so everything goes back over the WebSocket the binding arrived on.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.hpp"
#include "engine/sip/client_transaction.hpp"
#include "engine/sip/dialog.hpp"
#include "engine/sip/message.hpp"
#include "engine/target/bindings.hpp"
#include "media/sdp/session.hpp"
#include "media/sdp/webrtc.hpp"
#include "media/stream/stream.hpp"

namespace ringstorm::target {

using call_duration = std::chrono::milliseconds;

// What the target does with the call (and so which contract row it exercises).
enum class call_behaviour : unsigned char {
    answered_then_target_bye,     // ACK the 2xx, talk for talk_time, then BYE ("remote BYE")
    target_cancel_while_ringing,  // CANCEL cancel_after the first provisional ("remote CANCEL")
    remote_hold_then_bye,         // ACK, re-INVITE a=sendonly after hold_after, BYE at talk_time
    no_ack,          // never ACK the 2xx; wait for the phone's BYE ("ACK never arrives")
    phone_hangs_up,  // ACK and wait for the phone's BYE ("local hangup")
};

std::string_view to_string(call_behaviour b) noexcept;
std::optional<call_behaviour> call_behaviour_from_string(std::string_view s) noexcept;

struct call_plan {
    call_behaviour behaviour = call_behaviour::answered_then_target_bye;
    // No final answer this long after the INVITE: the target CANCELs and the call fails.
    // Above the SDK's own 60 s no-answer 480 by default, so that row shows first.
    call_duration ring_timeout{65'000};
    // From the 2xx to the target's BYE; for phone_hangs_up and no_ack, the longest wait
    // for the phone's BYE before the target sends one (the 2.0.5 SDK BYEs an un-ACKed
    // call after 32 s, so no_ack needs more than that).
    call_duration talk_time{40'000};
    call_duration cancel_after{2'000};  // from the first provisional response (RFC 3261 §9.1)
    call_duration hold_after{3'000};    // from the 2xx to the hold re-INVITE

    // Empty when usable, else what is wrong ("hold_after 5000 ms not below talk_time ...").
    std::string validate() const;
};

// Who the target says it is, the same for every call a target places.
struct caller_identity {
    std::string display_name = "Ringstorm Target";
    std::string uri = "sip:08047112233@ringstorm.invalid";  // From (RFC 3261 §8.1.1.3)
    std::string contact = "sip:ringstorm@ringstorm.invalid;transport=ws";
    std::string via_host = "ringstorm.invalid";  // sent-by of our Via (RFC 7118 §5.2)
    // The target's DTLS certificate fingerprint (RFC 8122 §5), put in offers without media
    // (with media, the worker's own, of the certificate its DTLS contexts present).
    std::string fingerprint;
    std::string fingerprint_hash = "sha-256";

    std::string validate() const;
};

// The default identity with the fingerprint of a DTLS certificate made for it (ECDSA
// P-256, the kind browsers make, RFC 8827 §6.5), so every offer names a real certificate
// (with `--media none`; with media the offer names the worker's DTLS identity instead). The
// error says what failed.
core::result<caller_identity, std::string> make_caller_identity();

// Whom to call: a binding as registrar::bindings_of() lists it.
struct call_target {
    std::string contact;  // "<sip:…>;+sip.instance=…" or a bare URI: the Request-URI
    std::string aor;      // "sip:10001@example.com": the To
    connection_ref via;   // where everything for this call is sent
};

enum class call_outcome : unsigned char {
    completed,  // answered and ended by a BYE from either side
    failed,     // no answer (Timer B, ring_timeout), transport error, or an unusable 2xx
    cancelled,  // the target's CANCEL ended it (487, or a 2xx that crossed it, then BYE)
    rejected,   // a 3xx-6xx final response other than the 487 to our CANCEL
};
std::string_view to_string(call_outcome o) noexcept;

enum class call_side : unsigned char { none, target, phone };

struct call_result {
    call_outcome outcome = call_outcome::failed;
    int final_status = 0;  // of the INVITE; 0 when none arrived
    std::string reason;    // why it failed or was rejected, empty otherwise
    call_side ended_by = call_side::none;
    std::optional<call_duration> invite_to_ringing;  // first 180/183
    std::optional<call_duration> invite_to_answer;   // 2xx
    std::optional<call_duration> talk;               // 2xx to the end (BYE answered)
    call_duration total{0};                          // INVITE to the end
    std::uint32_t ok_retransmissions = 0;            // extra 2xx copies seen (no_ack)
    // Another leg of a forked call answered first: this leg got CANCEL (or, answered
    // too, BYE) with `Reason: SIP;cause=200;text="Call completed elsewhere"`.
    bool completed_elsewhere = false;
};

// A breach by the phone, kept for the contract rules to judge.
enum class finding_kind : unsigned char {
    malformed_message,      // unparsable, or a response the dialog cannot use
    bad_answer_sdp,         // RFC 3264 §6 violation in an answer, or no SDP where one is due
    hold_answer_direction,  // RFC 3264 §6.1 / RFC 6337 §5.2: answer adds a direction
    hold_refused,           // non-2xx to the hold re-INVITE
    phone_did_not_hang_up,  // phone_hangs_up / no_ack: no BYE within talk_time
    unexpected_request,     // an in-dialog request we do not handle (answered 501)
};
std::string_view to_string(finding_kind k) noexcept;

struct finding {
    finding_kind kind = finding_kind::malformed_message;
    std::string detail;   // what was seen, with the RFC section
    call_duration at{0};  // since the INVITE
};

// What the call's media (the owner's media::stream, when the offer carried real media)
// should do after one event. Empty when nothing changed.
struct media_change {
    // The 2xx to the INVITE brought a usable answer: start the stream against it.
    std::optional<media::remote_media> start;
    // The negotiated direction, from our side (with start, or after a re-INVITE either
    // way): RFC 3264 §6.1, a phone holding us with sendonly leaves us receive-only.
    std::optional<media::flow> flow;
    // The answer cannot start media (what remote_from_sdp found missing); the call goes on.
    std::string unusable;

    bool empty() const noexcept { return !start && !flow && unusable.empty(); }
};

// What one event asks of the owner.
struct call_actions {
    std::vector<std::string> send;        // SIP texts for the call's connection, in order
    std::optional<call_result> finished;  // set by the event that ended the call, once
    std::vector<finding> findings;        // raised by this event
    media_change media;                   // only with real media in the offer
};

enum class call_state : unsigned char { idle, calling, ringing, talking, ending, done };

// Removes the ICE credentials and options from every section: the target's offers and
// answers without media (`serve --media none`) carry none.
void strip_ice(sdp::session_description& sd);
// The first audio section that is not rejected, or null.
const sdp::media_description* first_audio(const sdp::session_description& sd) noexcept;

class originated_call {
public:
    // Checks plan, identity and target ("contact: <…> is not a SIP URI"). `seed` makes
    // the Call-ID, tags, branches and Sids (tests pass fixed seeds). `our_media` is our
    // side of real media as media::describe_local wrote it (ICE-lite credentials, the
    // host candidate of the call's own port, the worker's DTLS fingerprint, SSRC): the
    // offer carries it and the call reports media_change. Null: the offer carries no ICE
    // lines at all (`serve --media none`: not a WebRTC media offer, so phones run none).
    static core::result<originated_call, std::string> create(
        call_plan plan, const caller_identity& who, const call_target& to, std::uint64_t seed,
        const sdp::webrtc_audio_params* our_media = nullptr);

    // Another leg of this call to binding `to`, before start(): the same Call-ID, From tag,
    // X-Exotel-CallSid and SDP offer, its own Request-URI, To, Via branch and LegSid, as a
    // forking proxy's branches (RFC 3261 §16.6). The phones of one user's tabs then see
    // one call, which is what lets the contract relate their CANCELs (multi-tab).
    core::result<originated_call, std::string> fork(const call_target& to,
                                                    std::uint64_t seed) const;

    // Sends the INVITE with its SDP offer and arms ring_timeout.
    call_actions start(core::time_point now);
    // A message received on the connection with this call's Call-ID.
    call_actions on_message(const sip::message& m, core::time_point now);
    // The same from a raw frame; an unparsable one is counted and reported as a finding.
    call_actions on_text(std::string_view frame, core::time_point now);
    call_actions on_timer(core::time_point now);
    // The connection closed or a send failed: the call fails at once.
    call_actions on_transport_error(core::time_point now);
    // The caller gives up on this leg (another leg of its group was cancelled by the
    // behaviour or timed out): CANCEL without Reason. RFC 3261 §9.1: before any
    // provisional response the CANCEL waits for one; a 2xx that crosses it is ACKed and
    // BYEd. Outcome cancelled.
    call_actions cancel(core::time_point now);
    // Another leg answered: the same, with `Reason: SIP;cause=200;text="Call completed
    // elsewhere"` (RFC 3326 §2; sdk-callback-contract.md "Multi-tab"). A leg that is
    // already talking (its 2xx raced the winner's) gets BYE with that Reason.
    call_actions cancel_elsewhere(core::time_point now);

    // Whether `m` belongs to this leg: a response to one of its transactions (Via branch
    // and CSeq method, RFC 3261 §17.1.3) or a request within its dialog (§12.2.2). Legs of
    // one forked call share the Call-ID, so this is how a group tells them apart.
    bool matches(const sip::message& m) const;

    std::optional<core::time_point> next_deadline() const noexcept;
    call_state state() const noexcept { return state_; }
    bool finished() const noexcept { return state_ == call_state::done; }
    bool answered() const noexcept { return answered_at_.has_value(); }  // a 2xx arrived
    // A CANCEL was sent or waits for a provisional response (§9.1).
    bool cancelling() const noexcept { return cancel_sent_ || cancel_pending_; }
    const std::string& call_id() const noexcept { return call_id_; }
    const connection_ref& connection() const noexcept { return to_.via; }
    const call_plan& plan() const noexcept { return plan_; }
    std::uint64_t malformed() const noexcept { return malformed_; }
    // The INVITE as sent (tests, ladders).
    const sip::message& invite() const noexcept { return invite_; }
    // Our offer (tests; the same on every leg of a forked call).
    const sdp::session_description& offer() const noexcept { return offer_; }
    bool real_media() const noexcept { return real_media_; }

private:
    originated_call() = default;

    void make_offer(const caller_identity& who, const sdp::webrtc_audio_params* our_media);
    sip::message build_invite();
    call_actions abandon(core::time_point now, std::string reason);
    sip::message build_hold();
    std::string next_branch();
    call_duration since_invite(core::time_point now) const;

    static void sends(const sip::action_list& list, call_actions& out);
    void on_invite_response(const sip::message& r, call_actions& out, core::time_point now);
    void on_ok(const sip::message& r, call_actions& out, core::time_point now);
    void on_hold_response(const sip::message& r, call_actions& out, core::time_point now);
    void on_request(const sip::message& r, call_actions& out, core::time_point now);
    void answer_reinvite(const sip::message& r, call_actions& out, core::time_point now);
    void send_cancel(call_actions& out, core::time_point now);
    void send_bye(call_actions& out, core::time_point now);
    // The answer in `r`, checked against `offer` (findings for breaches); nullopt when there
    // is none to use.
    std::optional<sdp::session_description> check_answer_sdp(const sip::message& r,
                                                             const sdp::session_description& offer,
                                                             bool hold, call_actions& out,
                                                             core::time_point now);
    // The stream's start (2xx to the INVITE) from the phone's answer.
    void media_from_answer(const sdp::session_description& answer, call_actions& out) const;
    void flag(call_actions& out, finding_kind k, std::string detail, core::time_point now);
    void finish(call_actions& out, call_outcome o, core::time_point now, std::string reason = {});

    call_plan plan_;
    call_target to_;
    std::string call_id_;
    std::string from_;      // From with our tag: the same on every leg of a forked call
    std::string contact_;   // our Contact
    std::string via_host_;  // sent-by of our Via
    std::string call_sid_;  // X-Exotel-CallSid: one per call, each leg has its own LegSid
    std::uint64_t rng_ = 0;
    sip::message invite_;
    sdp::webrtc_audio_params media_;  // of our offer; re-used to answer the phone's re-INVITEs
    sdp::session_description offer_;
    sip::message hold_invite_;
    sdp::session_description hold_offer_;
    std::optional<sip::client_invite_transaction> invite_tx_;
    std::optional<sip::client_invite_transaction> hold_tx_;
    std::optional<sip::client_non_invite_transaction> cancel_tx_;
    std::optional<sip::client_non_invite_transaction> bye_tx_;
    std::optional<sip::dialog> dialog_;
    std::string ack_text_;  // ACK of the 2xx, re-sent for each retransmission (§13.2.2.4)
    call_state state_ = call_state::idle;
    call_result result_;
    core::time_point invite_at_{};
    std::optional<core::time_point> answered_at_;
    std::optional<core::time_point> ring_deadline_;
    std::optional<core::time_point> cancel_at_;
    std::optional<core::time_point> hold_at_;
    std::optional<core::time_point> bye_at_;
    call_outcome end_outcome_ = call_outcome::completed;  // once the dialog or INVITE ends
    bool cancel_sent_ = false;
    bool cancel_pending_ = false;  // cancel() before any provisional: sent on the first one
    std::string cancel_reason_;    // Reason header value of our CANCEL/BYE; "" for none
    bool hold_answered_ = false;
    bool real_media_ = false;  // the offer carries our ICE candidate and fingerprint
    bool ring_timed_out_ = false;
    std::uint64_t malformed_ = 0;
};

}  // namespace ringstorm::target
