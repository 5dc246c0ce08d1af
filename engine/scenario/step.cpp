#include "engine/scenario/step.hpp"

#include <array>

namespace ringstorm::scenario {
namespace {

// The callbacks the phones emit (sdk-callback-contract.md, "Callbacks"). Left out: the
// documented `activeSession` and 2.0.5's ice_* and media_permission_denied session
// events, which signalling-only phones never produce, so expecting them could only fail.
constexpr std::array<event_name, 12> events{{
    {callback_kind::register_event, "sent_request"},
    {callback_kind::register_event, "registered"},
    {callback_kind::register_event, "unregistered"},
    {callback_kind::register_event, "terminated"},
    {callback_kind::call_event, "incoming"},
    {callback_kind::call_event, "connected"},
    {callback_kind::call_event, "callEnded"},
    {callback_kind::call_event, "terminated"},
    {callback_kind::session_event, "incoming"},
    {callback_kind::session_event, "connected"},
    {callback_kind::session_event, "callEnded"},
    {callback_kind::session_event, "re-register"},
}};

// One overload per step: a step type without one fails to compile in step_name().
constexpr std::string_view name_of(const register_step&) noexcept {
    return "register";
}
constexpr std::string_view name_of(const unregister_step&) noexcept {
    return "unregister";
}
constexpr std::string_view name_of(const think_step&) noexcept {
    return "think";
}
constexpr std::string_view name_of(const expect_step&) noexcept {
    return "expect";
}
constexpr std::string_view name_of(const repeat_step&) noexcept {
    return "repeat";
}
constexpr std::string_view name_of(const loop_step&) noexcept {
    return "loop";
}
constexpr std::string_view name_of(const wait_call_step&) noexcept {
    return "wait_call";
}
constexpr std::string_view name_of(const answer_step&) noexcept {
    return "answer";
}
constexpr std::string_view name_of(const reject_step&) noexcept {
    return "reject";
}
constexpr std::string_view name_of(const hangup_step&) noexcept {
    return "hangup";
}
constexpr std::string_view name_of(const hold_step&) noexcept {
    return "hold";
}
constexpr std::string_view name_of(const unhold_step&) noexcept {
    return "unhold";
}
constexpr std::string_view name_of(const mute_step&) noexcept {
    return "mute";
}
constexpr std::string_view name_of(const unmute_step&) noexcept {
    return "unmute";
}
constexpr std::string_view name_of(const dtmf_step&) noexcept {
    return "dtmf";
}
constexpr std::string_view name_of(const call_step&) noexcept {
    return "call";
}
constexpr std::string_view name_of(const wait_end_step&) noexcept {
    return "wait_end";
}
constexpr std::string_view name_of(const close_tab_step&) noexcept {
    return "close_tab";
}

}  // namespace

std::string_view step_name(const step_action& action) noexcept {
    return std::visit([](const auto& s) { return name_of(s); }, action);
}

std::string_view to_string(callback_kind kind) noexcept {
    switch (kind) {
        case callback_kind::register_event:
            return "register";
        case callback_kind::call_event:
            return "call";
        case callback_kind::session_event:
            return "session";
    }
    return "?";
}

std::span<const event_name> known_events() noexcept {
    return events;
}

std::string written_name(const event_name& event) {
    if (event.callback == callback_kind::register_event) {
        return std::string(event.name);
    }
    return std::string(to_string(event.callback)) + ":" + std::string(event.name);
}

}  // namespace ringstorm::scenario
