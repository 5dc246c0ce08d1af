#pragma once
// What one SDK instance (one browser tab) lived through: the callbacks the app would have
// received, grouped into episodes (a register, a refresh, an unregister, a recovery after
// a drop), and the SIP ladder that explains them. The phone writes it; the contract
// checker (engine/contract) and the reporters read it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/scenario/step.hpp"
#include "media/stream/stream_stats.hpp"

namespace ringstorm::phone {

// recorded_event::call of an event that belongs to no call (register events).
inline constexpr std::uint32_t no_call = 0xffffffffU;

// One SDK callback as the app would see it. `name` points into a static table (the SDK's
// own strings: "sent_request", "registered", ...), so recording costs no allocation.
struct recorded_event {
    core::time_point at{};
    scenario::callback_kind callback = scenario::callback_kind::register_event;
    std::string_view name;
    // The call this event is about: an index into timeline::calls (call events, and the
    // session events another tab's call caused); no_call otherwise.
    std::uint32_t call = no_call;
};

// Why an episode began.
enum class episode_kind : std::uint8_t {
    register_,   // DoRegister() (the `register` step)
    refresh,     // the automatic refresh at 80 % of the granted expiry
    unregister,  // UnRegister() (the `unregister` step)
    recover,     // 2.0.5 retry loop: a new REGISTER after a failure or a dropped socket
    drop,        // the target dropped the WebSocket of a registered phone, nothing in flight
};
std::string_view to_string(episode_kind k) noexcept;  // "register", "refresh", ...

// How an episode ended, from the wire: what the target did.
enum class episode_outcome : std::uint8_t {
    pending,           // still in progress (or cut by the run's end)
    ok,                // final 2xx listing our binding with an expiry (or the 200 to a de-REGISTER)
    auth_failed,       // 403, or 401/407 again after our credentials
    rejected,          // another final non-2xx
    binding_missing,   // 2xx whose Contact list lacks our binding
    expiry_missing,    // 2xx listing our binding without an expiry
    contact_missing,   // 2xx without any Contact
    timeout,           // no final response in time (Timer F, 64·T1 = 32 s)
    transport_error,   // connect, TLS, upgrade failed, or the socket dropped mid-episode
    not_sent,          // nothing was sent (e.g. unregister while not registered)
};
std::string_view to_string(episode_outcome o) noexcept;  // "ok", "auth_failed", ...

struct episode {
    episode_kind kind = episode_kind::register_;
    episode_outcome outcome = episode_outcome::pending;
    core::time_point due{};         // when the action was due (latency origin)
    core::time_point ended{};       // when the outcome was decided; {} while pending
    std::uint32_t first_event = 0;  // index of its first event in timeline::events
    std::uint32_t end_event = 0;    // one past its last event (set when it ends)
    std::uint16_t final_status = 0; // final SIP status seen; 0 if none
    std::uint8_t challenges = 0;    // 401/407 answered with credentials
    std::string detail;             // short human text: "403 Forbidden", "tls_handshake: ..."
};

// One SIP message in or out, for the ladder kept with a failed verdict.
struct ladder_entry {
    core::time_point at{};
    bool sent = false;  // true: phone -> target
    std::string text;   // the whole message (or a transport note such as "ws closed 1000")
};

// Why a call ended (from the wire or the app).
enum class call_end : std::uint8_t {
    none,              // still live (or cut by the run's end)
    remote_bye,        // the target's BYE
    remote_cancel,     // the target's CANCEL while ringing (200 + 487)
    local_hangup,      // Hangup(): BYE when established, 480 while ringing
    local_reject,      // reject: 486 Busy Here
    no_answer,         // 2.0.5: 60 s without Answer, 480 sent
    no_ack,            // the 2xx was never acknowledged: BYE after 64·T1
    bad_offer,         // the INVITE could not be answered (no SDP, no Opus): 488
    bad_invite,        // the INVITE lacked what a dialog needs: 400
    reinvite_timeout,  // our re-INVITE got no answer: BYE (RFC 3261 §14.1)
    transport_error,   // the WebSocket was lost during the call
    // The phone closed its own WebSocket during the call (2.0.5 closes it right after its
    // de-REGISTER, and in its retry loop): the app's doing, not the target's, so the
    // contract has no row for it and does not judge the call's callbacks.
    local_close,
    remote_rejected,   // caller role: a 3xx-6xx final answer to our INVITE
    no_final,          // caller role: no final answer to our INVITE (Timer B) or our CANCEL
};
std::string_view to_string(call_end e) noexcept;  // "remote_bye", ...

// Which side of the call the tab is.
enum class call_role : std::uint8_t {
    callee,  // an incoming INVITE (the SDK's only role)
    caller,  // Ringstorm's caller phones: a UAC INVITE through a proxy
};

// A rule the target broke during a call, as the phone saw it on the wire. `rule` is a
// stable contract rule id ("call.ack_missing", ...; engine/contract/README.md lists them).
struct call_finding {
    std::string_view rule;
    std::string detail;  // what was seen, with the RFC section
    core::time_point at{};
};

// One call of a tab, as the contract judges it. Its events are the timeline's events whose
// `call` is this call's index.
struct call_episode {
    std::string call_id;
    call_role role = call_role::callee;
    core::time_point started{};                // INVITE received (callee) or due (caller)
    std::optional<core::time_point> answered;  // callee: Answer(); caller: the 2xx received
    std::optional<core::time_point> acked;     // callee: the ACK of our 2xx arrived
    std::optional<core::time_point> ended;     // nullopt while live or cut by the run's end
    call_end end = call_end::none;
    // A CANCEL carrying `Reason: SIP;cause=200` (the call was answered on another tab).
    bool completed_elsewhere = false;
    bool forked = false;              // the phone has several tabs: the call rang on all
    std::uint16_t final_status = 0;   // our final answer to the INVITE (callee), or theirs
    std::vector<call_finding> findings;
    // The call's media as its stream ended (engine/phone/README.md, "Media"): set when the
    // call ran a stream (answered, the far end's SDP had ICE, the scenario's media on),
    // copied when the stream stopped (the call's end, or the tab dropped while it ran).
    // Its findings are also in `findings` under their media.* rule ids.
    std::optional<media::stream_stats> media;
};

struct timeline {
    std::vector<recorded_event> events;
    std::vector<episode> episodes;
    std::vector<call_episode> calls;  // every call of the tab, in order of arrival
    // The most recent SIP messages, oldest first. Bounded (ladder_limit_bytes) so an idle
    // phone that refreshes for hours does not grow: the oldest entries are dropped first,
    // `ladder_dropped` counts them.
    std::vector<ladder_entry> ladder;
    std::uint32_t ladder_dropped = 0;
};

}  // namespace ringstorm::phone
