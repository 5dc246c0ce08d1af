#pragma once
// What one SDK instance (one browser tab) lived through: the callbacks the app would have
// received, grouped into episodes (a register, a refresh, an unregister, a recovery after
// a drop), and the SIP ladder that explains them. The phone writes it; the contract
// checker (engine/contract) and the reporters read it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/scenario/step.hpp"

namespace ringstorm::phone {

// One SDK callback as the app would see it. `name` points into a static table (the SDK's
// own strings: "sent_request", "registered", ...), so recording costs no allocation.
struct recorded_event {
    core::time_point at{};
    scenario::callback_kind callback = scenario::callback_kind::register_event;
    std::string_view name;
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

struct timeline {
    std::vector<recorded_event> events;
    std::vector<episode> episodes;
    // The most recent SIP messages, oldest first. Bounded (ladder_limit_bytes) so an idle
    // phone that refreshes for hours does not grow: the oldest entries are dropped first,
    // `ladder_dropped` counts them.
    std::vector<ladder_entry> ladder;
    std::uint32_t ladder_dropped = 0;
};

}  // namespace ringstorm::phone
