// The top-level `media:` section (the phones' media) and `target.media` (the embedded
// target's), checked at their values.
#include <array>
#include <chrono>

#include "engine/scenario/load_context.hpp"
#include "engine/scenario/suggest.hpp"

namespace ringstorm::scenario {
namespace {

constexpr std::array<std::string_view, 3> media_mode_names{"echo", "tone", "none"};

}  // namespace

std::string_view to_string(target_media_mode m) noexcept {
    return media_mode_names[static_cast<std::size_t>(m)];
}

std::span<const std::string_view> target_media_mode_names() noexcept {
    return media_mode_names;
}

namespace detail {
namespace {

constexpr std::array<std::string_view, 2> media_keys{"enabled", "detect_every"};
// A tone verdict needs a few frames decoded (20 ms each): below this a window says little.
constexpr core::duration min_detect_every = std::chrono::milliseconds(100);

void load_detect_every(load_state& st, const field& f) {
    auto d = read_duration(st.diags, f, true);
    if (!d) {
        return;
    }
    if (d->count() != 0 && *d < min_detect_every) {
        st.diags.error(f.value_at,
                       "media.detect_every " + core::format_duration(*d) +
                           " is too short to tell a tone from silence",
                       "give 0 (never decode) or at least 100ms, e.g. detect_every: 1s");
        return;
    }
    st.out.media.detect_every = *d;
    st.out.media.detect_every_at = f.value_at;
}

}  // namespace

void load_media(load_state& st, const field& f) {
    st.out.media.at = f.key_at;
    if (!f.value.IsDefined() || f.value.IsNull()) {
        return;  // `media:` alone: every default
    }
    if (f.value.IsScalar()) {
        // `media: false` is short for `media: {enabled: false}`.
        const field enabled{f.path + ".enabled", f.value, f.key_at, f.value_at, f.quoted};
        if (auto b = read_bool(st.diags, enabled)) {
            st.out.media.enabled = *b;
            st.out.media.enabled_at = f.value_at;
        }
        return;
    }
    const field_map m(st.diags, f, media_keys);
    if (!m.is_map()) {
        return;
    }
    if (const field* enabled = m.get("enabled")) {
        if (auto b = read_bool(st.diags, *enabled)) {
            st.out.media.enabled = *b;
            st.out.media.enabled_at = enabled->value_at;
        }
    }
    if (const field* detect = m.get("detect_every")) {
        load_detect_every(st, *detect);
        if (!st.out.media.enabled && st.out.media.enabled_at.known()) {
            st.diags.error(detect->key_at,
                           "media.detect_every has no effect with media.enabled: false",
                           "remove detect_every, or turn media on");
        }
    }
}

void load_target_media(load_state& st, const field& f) {
    auto text = read_text(st.diags, f);
    if (!text) {
        return;
    }
    for (std::size_t i = 0; i < media_mode_names.size(); ++i) {
        if (media_mode_names[i] == *text) {
            st.out.target.media = static_cast<target_media_mode>(i);
            st.out.target.media_at = f.value_at;
            return;
        }
    }
    st.diags.error(f.value_at,
                   "unknown target.media '" + *text + "'" + did_you_mean(*text, media_mode_names),
                   "write echo (send the phone's audio back), tone (send a tone of its own) or "
                   "none (no media)");
}

}  // namespace detail
}  // namespace ringstorm::scenario
