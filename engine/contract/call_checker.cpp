#include "engine/contract/call_checker.hpp"

#include <optional>
#include <utility>

#include "engine/contract/call_rules.hpp"
#include "engine/contract/profile.hpp"

namespace ringstorm::contract {
namespace {

// The one end-or-sequence rule an ended call breaks, the most specific first: what the
// target did (its end), then the callbacks; nullptr when it passes.
const call_rule* judge(const phone::call_episode& c, const std::vector<std::string_view>& expected,
                       const std::vector<std::string_view>& observed) {
    if (const call_rule* r = find_end_rule(c.end)) {
        return r;
    }
    if (observed != expected) {
        return find_call_rule(call_sequence_rule);
    }
    return nullptr;
}

}  // namespace

std::vector<std::vector<std::string_view>> call_events_by_call(const phone::timeline& history) {
    std::vector<std::vector<std::string_view>> out(history.calls.size());
    for (const phone::recorded_event& e : history.events) {
        if (e.callback == scenario::callback_kind::call_event && e.call < out.size()) {
            out[e.call].push_back(e.name);
        }
    }
    return out;
}

std::string call_summary(const phone::call_episode& c) {
    std::string text = " [";
    text += phone::to_string(c.end);
    text += ", Call-ID ";
    text += c.call_id;
    if (c.final_status != 0) {
        text += ", final ";
        text += std::to_string(c.final_status);
    }
    text += "]";
    return text;
}

bool judge_calls(scenario::contract_profile profile, const phone::timeline& history,
                 std::vector<violation>& out) {
    bool judged = false;
    std::vector<std::vector<std::string_view>> events = call_events_by_call(history);
    for (std::size_t i = 0; i < history.calls.size(); ++i) {
        const phone::call_episode& c = history.calls[i];
        const auto index = static_cast<std::uint32_t>(i);
        // A live call (or one cut by the run's end) has not shown all its callbacks, so its
        // sequence is not judged; what the target already broke on the wire still counts.
        const call_rule* r = nullptr;
        std::optional<std::vector<std::string_view>> expected;
        if (c.ended) {
            judged = true;
            // No row: an end added to engine/phone before its rows here; findings still count.
            expected = expected_call_events(profile, c);
            r = expected ? judge(c, *expected, events[i]) : nullptr;
        }
        judged = judged || !c.findings.empty();
        if (r != nullptr) {
            violation v;
            v.rule = r->id;
            v.expected = std::move(*expected);
            v.observed = std::move(events[i]);
            v.detail = std::string(r->description) + call_summary(c);
            v.call = index;
            out.push_back(std::move(v));
        }
        for (const phone::call_finding& f : c.findings) {
            violation v;
            // The table's copy of a known id; the phone's own (static) text otherwise, so a
            // finding is never lost for want of a row.
            const call_rule* known = find_call_rule(f.rule);
            v.rule = known != nullptr ? known->id : f.rule;
            v.detail = f.detail;
            v.call = index;
            out.push_back(std::move(v));
        }
    }
    return judged;
}

}  // namespace ringstorm::contract
