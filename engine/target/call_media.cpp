// The names of the target's media modes, as `serve --media` and `target.media` spell them.

#include "engine/target/call_media.hpp"

#include <array>

namespace ringstorm::target {

namespace {
constexpr std::array<std::string_view, 3> mode_names{"echo", "tone", "none"};
}  // namespace

std::string_view to_string(media_mode m) noexcept {
    return mode_names[static_cast<std::size_t>(m)];
}

std::optional<media_mode> media_mode_from_string(std::string_view s) noexcept {
    for (std::size_t i = 0; i < mode_names.size(); ++i) {
        if (mode_names[i] == s) {
            return static_cast<media_mode>(i);
        }
    }
    return std::nullopt;
}

}  // namespace ringstorm::target
