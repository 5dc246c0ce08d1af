#pragma once
// Sampled tone detection for a worker's streams: one Opus decoder shared by all of them,
// reset before each window, and a budget of windows per second. Decoding every stream
// would cost a core on its own (≈25 µs per 20 ms frame, 3,000 streams × 50 frames/s), so a
// worker decodes a short window of each stream now and then (issue 5: "decoding of a
// sample of received streams for content checks").
//
// Decoding is at 8 kHz: the tone grid (300..3000 Hz on 50 Hz steps, media/rtp/opus_tone.hpp)
// fits below 4 kHz and every grid tone is still a whole number of periods in 20 ms (160
// samples), so the Goertzel bins stay orthogonal at a sixth of the work of 48 kHz. The
// measuring and the verdict are rtp::tone_detector's (media/rtp/tone_detector.hpp).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "engine/core/clock.hpp"
#include "media/rtp/tone_detector.hpp"

struct OpusDecoder;

namespace ringstorm::media {

struct tone_sampler_options {
    // Windows granted per second (token bucket, burst of one second's worth). A window
    // costs about 5 Opus decodes plus a decoder reset: ≈150 µs measured under load
    // (benchmarks/micro/stream_bench.cpp), so 250/s stays near 4 % of a core.
    double windows_per_second = 250;
    double silence_dbfs = -60.0;  // below: silence (encoded silence decodes far below it)
    double min_fraction = 0.5;    // a tone holds at least this share of the energy
};

class tone_sampler {
public:
    // Frames a window holds: the first primes the freshly reset decoder (its output is
    // skipped), the rest are measured.
    static constexpr std::size_t window_frames = 5;
    static constexpr int sample_rate = 8000;
    static constexpr std::size_t frame_samples = 160;  // 20 ms at 8 kHz

    // nullptr when libopus cannot make a decoder (or the detector cannot be made).
    static std::unique_ptr<tone_sampler> create(const tone_sampler_options& options = {});
    ~tone_sampler();
    tone_sampler(const tone_sampler&) = delete;
    tone_sampler& operator=(const tone_sampler&) = delete;

    // Takes one window from the budget; false when the budget is spent for now.
    bool try_acquire(core::time_point now) noexcept;
    // Resets the decoder, decodes `frames` in order (consecutive packets of one stream) and
    // tells which grid tone (media/rtp/opus_tone.hpp) holds the measured frames, if any.
    rtp::tone_verdict analyse(std::span<const std::span<const std::uint8_t>> frames) noexcept;

    std::uint64_t windows_analysed() const noexcept { return windows_; }
    std::uint64_t windows_refused() const noexcept { return refused_; }

private:
    tone_sampler(const tone_sampler_options& options, OpusDecoder* decoder,
                 rtp::tone_detector detector);

    tone_sampler_options options_;
    OpusDecoder* decoder_ = nullptr;  // owned
    rtp::tone_detector detector_;     // the grid at 8 kHz; reset before each window
    std::array<float, 960> pcm_{};    // one packet of up to 120 ms at 8 kHz
    double tokens_ = 0;
    core::time_point last_refill_{};
    bool refilled_ = false;
    std::uint64_t windows_ = 0;
    std::uint64_t refused_ = 0;
};

}  // namespace ringstorm::media
