#include "engine/core/step.hpp"

#include <utility>

namespace ringstorm::core {
namespace {

// Indexed by step; spelled exactly as in the interface spec.
constexpr std::array<std::string_view, step_count> names{
    "ws_connect",
    "tls_handshake",
    "register",
    "unregister",
    "invite_to_incoming",
    "answer_to_connected",
    "answer_to_ack",
    "hold",
    "unhold",
    "bye",
    "cancel",
    "ice",
    "dtls_handshake",
    "media_first_packet",
};

static_assert(index(step::media_first_packet) + 1 == step_count);

}  // namespace

std::string_view to_string(step s) noexcept {
    std::size_t i = index(s);
    return i < names.size() ? names[i] : std::string_view{};
}

result<step, std::string> step_from_string(std::string_view name) {
    for (step s : all_steps) {
        if (names[index(s)] == name) {
            return s;
        }
    }
    std::string message = "unknown step '" + std::string(name) + "' (expected one of: ";
    for (std::size_t i = 0; i < names.size(); ++i) {
        message += i == 0 ? "" : ", ";
        message += names[i];
    }
    message += ")";
    return unexpected{std::move(message)};
}

}  // namespace ringstorm::core
