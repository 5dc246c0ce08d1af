#pragma once
// The contract verdict of one tab: its recorded callbacks, episode by episode and call by
// call, against what the profile says the app sees when the target behaves
// (sdk-callback-contract.md, "Expected sequences"), and of one user's tabs together
// (multi-tab). The callbacks are the verdict; the SIP ladder is the evidence.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/phone/timeline.hpp"
#include "engine/scenario/scenario.hpp"

namespace ringstorm::contract {

// One broken expectation. `rule` is a stable id (a Prometheus label value and the key of
// summary.json's contract.by_rule), e.g. "register.sequence", "call.no_ack".
struct violation {
    std::string_view rule;
    std::size_t episode = 0;                 // index into timeline::episodes (register rules)
    std::vector<std::string_view> expected;  // the event names the profile expects
    std::vector<std::string_view> observed;  // what was recorded in that episode or call
    std::string detail;                      // one line for people: why
    // The call the violation is about: an index into timeline::calls (call.* rules and
    // session.cancel_elsewhere); phone::no_call for register and session.sequence rules.
    std::uint32_t call = phone::no_call;
    // The tab whose timeline holds the evidence: its index in check_session's `tabs`.
    // check() knows no tabs and leaves 0; its caller sets it when it matters.
    std::uint32_t tab = 0;
};

struct verdict {
    bool checked = false;  // false when there was nothing to judge (no episode or call ended)
    std::vector<violation> violations;
    bool passed() const noexcept { return checked && violations.empty(); }
};

// Judges every ended episode and every ended call of `history` under `profile`: at most
// one violation per episode, at most one per call for its callbacks or its end, plus one per
// phone::call_finding of the call. Pending episodes and live calls (cut by the run's end)
// are not judged.
verdict check(scenario::contract_profile profile, const phone::timeline& history);

// Judges the rules that span the tabs of one user (multi-tab): session.cancel_elsewhere and
// session.sequence (README.md says how they match calls and events across tabs). `tabs` are
// the user's tabs by tab index (0 = the parent); a null entry is a tab that does not exist.
// Each violation's `tab` is the index of the tab that holds the evidence. The per-tab rules
// are check()'s: call both.
std::vector<violation> check_session(scenario::contract_profile profile,
                                     std::span<const phone::timeline* const> tabs);

// Every rule id check() and check_session() can report, for documentation and zero-filled
// reports.
std::vector<std::string_view> rule_ids();

}  // namespace ringstorm::contract
