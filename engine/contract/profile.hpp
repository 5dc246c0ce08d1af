#pragma once
// What the app sees, per contract profile, in an episode that went well: the "Expected
// sequences" table of sdk-callback-contract.md as data. One table per profile, one row per
// episode kind, so the calls work adds its episode kinds as rows next to these.

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

}  // namespace ringstorm::contract
