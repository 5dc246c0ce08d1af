// check_session(): the rules across the tabs of one user (multi-tab). README.md, "Across
// tabs", says how calls and events are matched between tabs.

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/contract/call_checker.hpp"
#include "engine/contract/call_rules.hpp"
#include "engine/contract/checker.hpp"
#include "engine/contract/profile.hpp"

namespace ringstorm::contract {
namespace {

using phone::call_end;
using phone::call_episode;

// ---- session.cancel_elsewhere ----

struct call_ref {
    std::uint32_t tab = 0;
    std::uint32_t call = 0;
};

const call_episode& call_at(std::span<const phone::timeline* const> tabs, call_ref r) {
    return tabs[r.tab]->calls[r.call];
}

// Per Call-ID, the callee call answered first across the tabs (the one the target's CANCELs
// to the others follow from); ties go to the lower tab.
std::unordered_map<std::string_view, call_ref> first_answers(
    std::span<const phone::timeline* const> tabs) {
    std::unordered_map<std::string_view, call_ref> out;
    for (std::uint32_t t = 0; t < tabs.size(); ++t) {
        if (tabs[t] == nullptr) {
            continue;
        }
        for (std::uint32_t i = 0; i < tabs[t]->calls.size(); ++i) {
            const call_episode& c = tabs[t]->calls[i];
            if (c.role != phone::call_role::callee || !c.answered || c.call_id.empty()) {
                continue;
            }
            auto [it, inserted] = out.try_emplace(c.call_id, call_ref{t, i});
            if (!inserted && *c.answered < *call_at(tabs, it->second).answered) {
                it->second = call_ref{t, i};
            }
        }
    }
    return out;
}

// What is wrong with how `loser` (the same call on another tab) ended, given that `winner`
// answered it; nullopt when nothing is, or when there is nothing of the target to judge.
std::optional<std::string> cancel_problem(const call_episode& winner, const call_episode& loser) {
    // Answered too: two 200s crossed, and the target rightly ends the later one with ACK
    // and BYE (RFC 3261 §13.2.2.4). Not a tab that was left ringing.
    if (loser.answered) {
        return std::nullopt;
    }
    // Refused at once (400/488): it never rang, so there was nothing to cancel.
    if (loser.end == call_end::bad_invite || loser.end == call_end::bad_offer) {
        return std::nullopt;
    }
    if (loser.ended && *loser.ended < *winner.answered) {
        return std::nullopt;  // over before the other tab answered
    }
    const bool outlived_winner = winner.ended && (!loser.ended || *loser.ended >= *winner.ended);
    if (!loser.ended) {
        if (outlived_winner) {
            return std::string("still ringing when the answered call ended");
        }
        return std::nullopt;  // the winner's call is live: the CANCEL may be on its way
    }
    switch (loser.end) {
        case call_end::remote_cancel:
            if (loser.completed_elsewhere) {
                return std::nullopt;
            }
            return std::string("CANCEL without Reason: SIP;cause=200");
        case call_end::transport_error:
            return std::nullopt;  // no CANCEL can cross a lost socket: call.transport_error
        case call_end::local_hangup:
        case call_end::local_reject:
        case call_end::no_answer:
            // The phone gave up by itself. Before the answered call ended, the CANCEL may
            // merely have been slower than the app; after it, the tab was left ringing.
            if (outlived_winner) {
                return std::string(
                           "still ringing when the answered call ended, then ended "
                           "by the phone (") +
                       std::string(phone::to_string(loser.end)) + ")";
            }
            return std::nullopt;
        default:
            return std::string("ended by ") + std::string(phone::to_string(loser.end)) +
                   " instead of a CANCEL";
    }
}

void judge_cancels(scenario::contract_profile profile, std::span<const phone::timeline* const> tabs,
                   std::vector<violation>& out) {
    const auto winners = first_answers(tabs);
    const call_rule* rule = find_call_rule(cancel_elsewhere_rule);
    for (std::uint32_t t = 0; t < tabs.size(); ++t) {
        if (tabs[t] == nullptr) {
            continue;
        }
        std::optional<std::vector<std::vector<std::string_view>>> events;  // made on demand
        for (std::uint32_t i = 0; i < tabs[t]->calls.size(); ++i) {
            const call_episode& loser = tabs[t]->calls[i];
            if (loser.role != phone::call_role::callee) {
                continue;
            }
            auto w = winners.find(loser.call_id);
            if (w == winners.end() || w->second.tab == t) {
                continue;
            }
            const call_episode& winner = call_at(tabs, w->second);
            std::optional<std::string> problem = cancel_problem(winner, loser);
            if (!problem) {
                continue;
            }
            if (!events) {
                events = call_events_by_call(*tabs[t]);
            }
            // Expected: what the app sees when the CANCEL comes as it should.
            call_episode cancelled;
            cancelled.role = loser.role;
            cancelled.end = call_end::remote_cancel;
            cancelled.completed_elsewhere = true;
            violation v;
            v.rule = rule->id;
            v.expected =
                expected_call_events(profile, cancelled).value_or(std::vector<std::string_view>{});
            v.observed = (*events)[i];
            v.detail = std::string(rule->description) + ": tab " + std::to_string(t) + " " +
                       *problem + ", answered on tab " + std::to_string(w->second.tab) +
                       call_summary(loser);
            v.call = i;
            v.tab = t;
            out.push_back(std::move(v));
        }
    }
}

// ---- session.sequence ----

// The call events a tab posts on the BroadcastChannel, which its siblings see as session
// events of the same name. `re-register` is the parent tab closing, not a call: not here.
constexpr std::array<std::string_view, 3> mirrored{"incoming", "connected", "callEnded"};

bool is_mirrored(std::string_view name) noexcept {
    return std::find(mirrored.begin(), mirrored.end(), name) != mirrored.end();
}

struct sibling_event {
    core::time_point at{};
    std::string_view name;
};

// The mirrored call events of every tab but `self`, in time order (tab order, then
// recording order, among equal times).
std::vector<sibling_event> sibling_events(std::span<const phone::timeline* const> tabs,
                                          std::size_t self) {
    std::vector<sibling_event> out;
    for (std::size_t t = 0; t < tabs.size(); ++t) {
        if (t == self || tabs[t] == nullptr) {
            continue;
        }
        for (const phone::recorded_event& e : tabs[t]->events) {
            if (e.callback == scenario::callback_kind::call_event && is_mirrored(e.name)) {
                out.push_back({e.at, e.name});
            }
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const sibling_event& a, const sibling_event& b) { return a.at < b.at; });
    return out;
}

// Whether `observed` holds each name at most as often as `block` does.
bool sub_multiset(std::span<const std::string_view> observed,
                  std::span<const sibling_event> block) {
    std::vector<bool> used(block.size(), false);
    for (std::string_view name : observed) {
        bool found = false;
        for (std::size_t i = 0; i < block.size() && !found; ++i) {
            if (!used[i] && block[i].name == name) {
                used[i] = true;
                found = true;
            }
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

// Whether `observed` mirrors `expected`. Events of one instant may come in any order.
// Those before `open_until` (the tab's last recorded event: it was open then) must all be
// there; later ones only as far as the tab recorded them, since a closed tab hears nothing.
bool mirrors(std::span<const std::string_view> observed, std::span<const sibling_event> expected,
             core::time_point open_until) {
    std::size_t o = 0;
    for (std::size_t b = 0; b < expected.size();) {
        std::size_t e = b;
        while (e < expected.size() && expected[e].at == expected[b].at) {
            ++e;
        }
        const std::size_t block = e - b;
        const std::size_t take = std::min(block, observed.size() - o);
        if (expected[b].at < open_until && take < block) {
            return false;  // the tab was open, yet missed one
        }
        if (!sub_multiset(observed.subspan(o, take), expected.subspan(b, block))) {
            return false;
        }
        o += take;
        if (take < block) {
            // The tab recorded no more; what follows is after it was last seen open (times
            // only grow, and this block was not required), so it may have been closed.
            return true;
        }
        b = e;
    }
    return o == observed.size();  // anything left is a session event no sibling caused
}

void judge_sequences(std::span<const phone::timeline* const> tabs, std::vector<violation>& out) {
    const call_rule* rule = find_call_rule(session_sequence_rule);
    for (std::size_t t = 0; t < tabs.size(); ++t) {
        if (tabs[t] == nullptr) {
            continue;
        }
        const phone::timeline& self = *tabs[t];
        std::vector<std::string_view> observed;
        core::time_point open_until = core::time_point::min();
        for (const phone::recorded_event& e : self.events) {
            open_until = std::max(open_until, e.at);
            if (e.callback == scenario::callback_kind::session_event && is_mirrored(e.name)) {
                observed.push_back(e.name);
            }
        }
        const std::vector<sibling_event> expected = sibling_events(tabs, t);
        if (mirrors(observed, expected, open_until)) {
            continue;
        }
        const auto required =
            std::count_if(expected.begin(), expected.end(),
                          [&](const sibling_event& e) { return e.at < open_until; });
        violation v;
        v.rule = rule->id;
        for (const sibling_event& e : expected) {
            v.expected.push_back(e.name);
        }
        v.observed = std::move(observed);
        v.detail = std::string(rule->description) + " [tab " + std::to_string(t) + " recorded " +
                   std::to_string(v.observed.size()) + " of " + std::to_string(expected.size()) +
                   " sibling call events (" + std::to_string(required) +
                   " before its last recorded event)]";
        v.tab = static_cast<std::uint32_t>(t);
        out.push_back(std::move(v));
    }
}

}  // namespace

std::vector<violation> check_session(scenario::contract_profile profile,
                                     std::span<const phone::timeline* const> tabs) {
    std::vector<violation> out;
    judge_cancels(profile, tabs, out);
    judge_sequences(tabs, out);
    return out;
}

}  // namespace ringstorm::contract
