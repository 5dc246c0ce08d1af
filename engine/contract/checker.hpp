#pragma once
// The contract verdict of one tab: its recorded callbacks, episode by episode, against
// what the profile says the app sees when the target behaves (sdk-callback-contract.md,
// "Expected sequences"). The callbacks are the verdict; the SIP ladder is the evidence.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/phone/timeline.hpp"
#include "engine/scenario/scenario.hpp"

namespace ringstorm::contract {

// One broken expectation. `rule` is a stable id (a Prometheus label value and the key of
// summary.json's contract.by_rule), e.g. "register.sequence", "register.binding_missing".
struct violation {
    std::string_view rule;
    std::size_t episode = 0;                 // index into timeline::episodes
    std::vector<std::string_view> expected;  // the event names the profile expects
    std::vector<std::string_view> observed;  // what was recorded in that episode
    std::string detail;                      // one line for people: why
};

struct verdict {
    bool checked = false;  // false when there was nothing to judge (no episode ended)
    std::vector<violation> violations;
    bool passed() const noexcept { return checked && violations.empty(); }
};

// Judges every ended episode of `history` under `profile`. Pending episodes (cut by the
// run's end) are not judged.
verdict check(scenario::contract_profile profile, const phone::timeline& history);

// Every rule id `check` can report, for documentation and zero-filled reports.
std::vector<std::string_view> rule_ids();

}  // namespace ringstorm::contract
