#pragma once
// The per-call part of check(), and what check_session() shares with it. Internal to
// engine/contract.

#include <string>
#include <string_view>
#include <vector>

#include "engine/contract/checker.hpp"
#include "engine/phone/timeline.hpp"
#include "engine/scenario/scenario.hpp"

namespace ringstorm::contract {

// The names of each call's CallListenerCallback events, by index into history.calls, in
// the order recorded. One pass over the events; an event naming no recorded call is
// dropped (a malformed timeline gives a wrong sequence, never a read past the end).
std::vector<std::vector<std::string_view>> call_events_by_call(const phone::timeline& history);

// Appends the violations of every ended call of `history` to `out`: at most one for its end
// or its callbacks, then one per finding. Returns whether any call was judged.
bool judge_calls(scenario::contract_profile profile, const phone::timeline& history,
                 std::vector<violation>& out);

// "[<end>, Call-ID <id>, final <status>]": what a call violation's detail ends with.
std::string call_summary(const phone::call_episode& c);

}  // namespace ringstorm::contract
