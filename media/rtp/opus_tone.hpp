#pragma once
// The Opus test signal (RFC 7587): a sine tone encoded once with libopus into 20 ms frames and
// replayed by every call that uses that tone, plus the encoded-silence frame a muted track
// sends. Each call gets its own tone (frequency_for_call), so a receiver that decodes what it
// hears (tone_detector) can tell its peer's audio from cross-talk or one-way audio.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/core/result.hpp"
#include "media/rtp/error.hpp"

namespace ringstorm::rtp {

// RFC 7587 §4.1: the Opus RTP clock is 48 kHz whatever the coded bandwidth, so a 20 ms
// frame advances the timestamp by 960.
inline constexpr int opus_sample_rate = 48000;
inline constexpr int opus_frame_samples = 960;
inline constexpr std::uint32_t opus_timestamp_step = 960;
// RFC 6716 §3.2.1: a frame is at most 1275 bytes.
inline constexpr std::size_t opus_max_frame_bytes = 1275;

// The RTP timestamp of frame `index` of a stream that started at `base` (wraps mod 2^32).
constexpr std::uint32_t opus_frame_timestamp(std::uint32_t base, std::uint64_t index) noexcept {
    return base + static_cast<std::uint32_t>(index * opus_timestamp_step);
}

// Tones sit on a 50 Hz grid from 300 to 3000 Hz (55 tones). 50 Hz multiples fit a whole number
// of periods in 20 ms, so each is exactly one Goertzel bin of a 960-sample frame and any two are
// orthogonal there; the clip also loops without a phase jump. Call n gets grid step
// (23 · n) mod 55: 23 is coprime with 55, so 55 consecutive calls get 55 different tones, and
// neighbouring calls (the likeliest to cross) are at least 1150 Hz apart, not 50.
inline constexpr double tone_grid_low_hz = 300.0;
inline constexpr double tone_grid_step_hz = 50.0;
inline constexpr std::uint64_t tone_grid_size = 55;
double frequency_for_call(std::uint64_t call_index) noexcept;

struct tone_clip_options {
    double frequency_hz = 1000.0;
    std::size_t frames = 50;  // 1 s of 20 ms frames; replayed in a loop
    int bitrate = 32000;      // bit/s; WebRTC's usual mono Opus rate
    double amplitude = 0.5;   // of full scale (-6 dBFS peak), clear of clipping
    int complexity = 5;       // encoder effort; encoding happens once, so any is fine
};

class opus_tone_clip {
public:
    // Encodes the clip (and the silence frame) once. The encoder is primed with the clip's last
    // frames first, so frame 0 follows frame N-1 smoothly when the clip is looped.
    static core::result<opus_tone_clip, errc> encode(const tone_clip_options& options);

    std::size_t frame_count() const noexcept { return offsets_.size() - 1; }
    // Frame i mod frame_count(): callers index by their running frame counter.
    std::span<const std::uint8_t> frame(std::uint64_t i) const noexcept;
    // 20 ms of digital silence from the same encoder settings: what a muted (disabled) track
    // sends in WebRTC, which keeps sending frames rather than stopping.
    std::span<const std::uint8_t> silence_frame() const noexcept { return silence_; }
    double frequency_hz() const noexcept { return frequency_hz_; }
    // Bytes of all frames: what a pre-encoded clip costs in memory.
    std::size_t encoded_bytes() const noexcept { return bytes_.size(); }

private:
    opus_tone_clip() = default;

    double frequency_hz_ = 0;
    std::vector<std::uint8_t> bytes_;     // frames back to back
    std::vector<std::uint32_t> offsets_;  // frame i is bytes_[offsets_[i], offsets_[i+1])
    std::vector<std::uint8_t> silence_;
};

}  // namespace ringstorm::rtp
