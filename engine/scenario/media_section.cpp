// The top-level `media:` section (the phones' media) and `target.media` (the embedded
// target's), checked at their values.
#include <array>
#include <chrono>

#include "engine/scenario/load_context.hpp"
#include "engine/scenario/suggest.hpp"

namespace ringstorm::scenario {
namespace {

constexpr std::array<std::string_view, 3> media_mode_names{"echo", "tone", "none"};
constexpr std::array<std::string_view, 2> encode_names{"replay", "live"};

}  // namespace

std::string_view to_string(target_media_mode m) noexcept {
    return media_mode_names[static_cast<std::size_t>(m)];
}

std::string_view to_string(media_encode e) noexcept {
    return encode_names[static_cast<std::size_t>(e)];
}

std::span<const std::string_view> target_media_mode_names() noexcept {
    return media_mode_names;
}

namespace detail {
namespace {

constexpr std::array<std::string_view, 4> media_keys{"enabled", "detect_every", "encode",
                                                     "complexity"};
// A tone verdict needs a few frames decoded (20 ms each): below this a window says little.
constexpr core::duration min_detect_every = std::chrono::milliseconds(100);
// libopus' OPUS_SET_COMPLEXITY range (media/rtp/opus_live_encoder.hpp).
constexpr std::uint64_t max_complexity = 10;

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

void load_encode(load_state& st, const field& f) {
    auto text = read_text(st.diags, f);
    if (!text) {
        return;
    }
    for (std::size_t i = 0; i < encode_names.size(); ++i) {
        if (encode_names[i] == *text) {
            st.out.media.encode = static_cast<media_encode>(i);
            st.out.media.encode_at = f.value_at;
            return;
        }
    }
    st.diags.error(f.value_at,
                   "unknown media.encode '" + *text + "'" + did_you_mean(*text, encode_names),
                   "write replay (each tone encoded once per worker and replayed: cheap) or live "
                   "(every call encodes its tone each 20 ms with libopus: real CPU load)");
}

// `encode_failed`: media.encode was given but wrong (already reported), so whether the
// complexity has an effect is unknown: only its range is checked.
void load_complexity(load_state& st, const field& f, bool encode_failed) {
    auto c = read_count(st.diags, f, 0, max_complexity);
    if (!c || encode_failed) {
        return;
    }
    if (st.out.media.encode != media_encode::live) {
        st.diags.error(f.key_at,
                       "media.complexity has no effect with media.encode: replay (the default)",
                       "add encode: live (complexity is the live encoder's), or remove complexity");
        return;
    }
    st.out.media.complexity = static_cast<std::uint32_t>(*c);
    st.out.media.complexity_at = f.value_at;
}

// A key that tunes the phones' media means nothing with media off.
void reject_without_media(load_state& st, const field& f) {
    if (!st.out.media.enabled && st.out.media.enabled_at.known()) {
        st.diags.error(f.key_at, f.path + " has no effect with media.enabled: false",
                       "remove " + f.path.substr(f.path.find('.') + 1) + ", or turn media on");
    }
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
        reject_without_media(st, *detect);
    }
    // encode before complexity, whatever their order in the file: complexity needs live.
    const field* encode = m.get("encode");
    if (encode != nullptr) {
        load_encode(st, *encode);
        reject_without_media(st, *encode);
    }
    if (const field* complexity = m.get("complexity")) {
        if (st.out.media.enabled || !st.out.media.enabled_at.known()) {
            load_complexity(st, *complexity, encode != nullptr && !st.out.media.encode_at.known());
        } else {
            reject_without_media(st, *complexity);
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
