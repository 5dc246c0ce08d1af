#include "engine/scenario/step.hpp"

#include <type_traits>

namespace ringstorm::scenario {

std::string_view step_name(const step_action& action) noexcept {
    return std::visit(
        [](const auto& s) -> std::string_view {
            using s_type = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<s_type, register_step>) {
                return "register";
            } else if constexpr (std::is_same_v<s_type, unregister_step>) {
                return "unregister";
            } else if constexpr (std::is_same_v<s_type, think_step>) {
                return "think";
            } else if constexpr (std::is_same_v<s_type, expect_step>) {
                return "expect";
            } else if constexpr (std::is_same_v<s_type, repeat_step>) {
                return "repeat";
            } else {
                static_assert(std::is_same_v<s_type, loop_step>, "name every step");
                return "loop";
            }
        },
        action);
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

}  // namespace ringstorm::scenario
