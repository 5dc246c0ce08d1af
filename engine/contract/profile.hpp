#pragma once
// What the app sees, per contract profile: the "Expected sequences" table of
// sdk-callback-contract.md as data. One table per profile for registration episodes (a row
// per episode kind) and one for calls (a row per role for how a call opens, a row per
// call_end for how it closes).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/phone/timeline.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/scenario/step.hpp"

namespace ringstorm::contract {

// The expected callbacks of one episode kind under one profile: `lead`, then `per_request`
// once per request the phone sent (1 + challenges when `per_challenge`, else once), then
// `trail`. Only events of `callback` are compared, so a session event of another tab that
// lands inside a register episode does not break it.
struct sequence_shape {
    phone::episode_kind kind = phone::episode_kind::register_;
    scenario::callback_kind callback = scenario::callback_kind::register_event;
    // false: a phone under this profile never lives such an episode (documented phones do
    // not retry), so any one of them is a violation whatever its events.
    bool in_profile = true;
    std::span<const std::string_view> lead;
    std::string_view per_request;  // empty: the requests give no callback
    bool per_challenge = false;    // 2.0.5 emits sent_request for every REGISTER it sends
    std::span<const std::string_view> trail;
};

// The row for `kind` under `profile`; nullptr when the profile's table has none (an episode
// kind added to engine/phone before its row here: such episodes are not judged).
const sequence_shape* find_shape(scenario::contract_profile profile,
                                 phone::episode_kind kind) noexcept;

// The events `shape` expects for episode `e` (its challenges count the requests). Empty for
// a shape that is not in the profile.
std::vector<std::string_view> expected_events(const sequence_shape& shape, const phone::episode& e);

// ---- calls (CallListenerCallback) ----

// When the app is told `connected`.
enum class connected_on : std::uint8_t {
    answer,  // callee: when the phone sends its 200 (2.0.5); caller: when the 2xx arrives
    ack,     // callee: when the ACK of our 200 arrives (documented)
};

// How a call of `role` opens: `lead` once the call reaches the app (a callee's
// "incoming"; a caller placed the call itself and is told nothing), then "connected" as
// `connected` says, if the call got that far.
struct call_opening {
    phone::call_role role = phone::call_role::callee;
    std::span<const std::string_view> lead;
    connected_on connected = connected_on::answer;
};

// How a call that ended for `end` closes. `rang`: the call reached the app (false for an
// INVITE answered 400 or 488 at once, which gives no callback at all). `trail`: the events
// at the end; empty for 2.0.5's zombie call (the WebSocket lost: no event ever).
struct call_closing {
    phone::call_end end = phone::call_end::none;
    bool rang = true;
    std::span<const std::string_view> trail;
};

// The rows of `profile` for a call's role and end; nullptr when the table has none
// (call_end::none: a live call is never judged).
const call_opening* find_call_opening(scenario::contract_profile profile,
                                      phone::call_role role) noexcept;
const call_closing* find_call_closing(scenario::contract_profile profile,
                                      phone::call_end end) noexcept;

// The call events the app sees under `profile` for call `c` given what happened to it (its
// role, whether it was answered and acknowledged, and its end); nullopt when the profile's
// tables have no row for it.
std::optional<std::vector<std::string_view>> expected_call_events(
    scenario::contract_profile profile, const phone::call_episode& c);

}  // namespace ringstorm::contract
