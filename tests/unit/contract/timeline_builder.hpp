#pragma once
// Hand-made timelines for the contract tests: episodes and calls with the callbacks a tab
// recorded.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/phone/timeline.hpp"

namespace ringstorm::contract::testing {

// A time `ms` milliseconds after the clock's epoch: tests only compare times.
inline core::time_point at_ms(std::int64_t ms) {
    return core::time_point{} + std::chrono::milliseconds(ms);
}

struct timeline_builder {
    phone::timeline history;

    // Appends an episode whose register callbacks are `events`.
    timeline_builder& episode(phone::episode_kind kind, phone::episode_outcome outcome,
                              const std::vector<std::string_view>& events,
                              std::uint8_t challenges = 0, std::string detail = {}) {
        phone::episode e;
        e.kind = kind;
        e.outcome = outcome;
        e.challenges = challenges;
        e.detail = std::move(detail);
        e.first_event = static_cast<std::uint32_t>(history.events.size());
        for (std::string_view name : events) {
            event(name);
        }
        e.end_event = static_cast<std::uint32_t>(history.events.size());
        history.episodes.push_back(std::move(e));
        return *this;
    }

    // Appends one event outside any episode (or inside the last one, see extend_last).
    timeline_builder& event(std::string_view name, scenario::callback_kind callback =
                                                       scenario::callback_kind::register_event) {
        history.events.push_back(phone::recorded_event{{}, callback, name});
        return *this;
    }

    // Appends call `c` with its CallListenerCallback `events`, recorded at `c.started`.
    timeline_builder& call(phone::call_episode c, const std::vector<std::string_view>& events) {
        const auto index = static_cast<std::uint32_t>(history.calls.size());
        const core::time_point t = c.started;
        history.calls.push_back(std::move(c));
        for (std::string_view name : events) {
            call_event(index, name, t);
        }
        return *this;
    }

    // Appends one CallListenerCallback event of call `index` at `at`.
    timeline_builder& call_event(std::uint32_t index, std::string_view name, core::time_point at) {
        history.events.push_back(
            phone::recorded_event{at, scenario::callback_kind::call_event, name, index});
        return *this;
    }

    // Appends one SessionCallback event at `at` (another tab's call: no call index).
    timeline_builder& session(std::string_view name, core::time_point at) {
        history.events.push_back(
            phone::recorded_event{at, scenario::callback_kind::session_event, name});
        return *this;
    }

    // Moves the last episode's end past every event recorded so far.
    timeline_builder& extend_last() {
        history.episodes.back().end_event = static_cast<std::uint32_t>(history.events.size());
        return *this;
    }
};

}  // namespace ringstorm::contract::testing
