#include "engine/contract/checker.hpp"

#include <algorithm>
#include <optional>

#include "engine/contract/call_checker.hpp"
#include "engine/contract/call_rules.hpp"
#include "engine/contract/profile.hpp"
#include "engine/contract/rules.hpp"

namespace ringstorm::contract {
namespace {

using phone::episode_outcome;

// The names of the episode's events of `callback`, in order. Indices are clamped to the
// recorded events, so a malformed timeline gives a wrong sequence, never a read past the end.
std::vector<std::string_view> observed_events(const phone::timeline& history,
                                              const phone::episode& e,
                                              scenario::callback_kind callback) {
    const std::size_t end = std::min<std::size_t>(e.end_event, history.events.size());
    const std::size_t first = std::min<std::size_t>(e.first_event, end);
    std::vector<std::string_view> out;
    for (std::size_t i = first; i < end; ++i) {
        if (history.events[i].callback == callback) {
            out.push_back(history.events[i].name);
        }
    }
    return out;
}

// The one rule an ended episode breaks, the most specific first: an episode the profile
// never has, then what the target did, then the callbacks; nullopt when it passes.
std::optional<failure> judge(const sequence_shape& shape, const phone::episode& e,
                             const std::vector<std::string_view>& expected,
                             const std::vector<std::string_view>& observed) {
    if (!shape.in_profile) {
        return failure::unexpected;
    }
    if (auto f = failure_of(e.kind, e.outcome)) {
        return f;
    }
    if (observed != expected) {
        return failure::sequence;
    }
    return std::nullopt;
}

std::string describe(const rule& r, const phone::episode& e) {
    std::string text(r.description);
    text += " [";
    text += phone::to_string(e.outcome);
    if (!e.detail.empty()) {
        text += ": ";
        text += e.detail;
    }
    text += "]";
    return text;
}

}  // namespace

verdict check(scenario::contract_profile profile, const phone::timeline& history) {
    verdict v;
    for (std::size_t i = 0; i < history.episodes.size(); ++i) {
        const phone::episode& e = history.episodes[i];
        // Pending: cut by the run's end. not_sent: nothing reached the target (an
        // UnRegister() while not registered), so there is nothing of the target to judge.
        if (e.outcome == episode_outcome::pending || e.outcome == episode_outcome::not_sent) {
            continue;
        }
        const sequence_shape* shape = find_shape(profile, e.kind);
        if (shape == nullptr) {
            continue;
        }
        v.checked = true;
        std::vector<std::string_view> expected = expected_events(*shape, e);
        std::vector<std::string_view> observed = observed_events(history, e, shape->callback);
        const std::optional<failure> broken = judge(*shape, e, expected, observed);
        if (!broken) {
            continue;
        }
        const rule* r = find_rule(e.kind, *broken);
        if (r == nullptr) {
            // Every (kind, failure) judge() can return has a row; a missing one is a bug in
            // the rules table, reported under the kind's sequence rule rather than lost.
            r = find_rule(e.kind, failure::sequence);
        }
        if (r == nullptr) {
            continue;
        }
        v.violations.push_back(
            violation{r->id, i, std::move(expected), std::move(observed), describe(*r, e)});
    }
    const bool calls_judged = judge_calls(profile, history, v.violations);
    v.checked = v.checked || calls_judged;
    return v;
}

std::vector<std::string_view> rule_ids() {
    std::vector<std::string_view> ids;
    for (const rule& r : all_rules()) {
        ids.push_back(r.id);
    }
    for (const call_rule& r : call_rules()) {
        ids.push_back(r.id);
    }
    return ids;
}

}  // namespace ringstorm::contract
