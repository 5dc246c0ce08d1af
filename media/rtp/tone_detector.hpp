#pragma once
// Which tone a stretch of decoded audio carries: the Goertzel algorithm measures each
// candidate frequency per block of PCM, and the verdict says tone, silence or unclear. Pure
// maths on samples: no codec, no allocation after create. The decoding (libopus, a sample of
// streams, a budget) is media/stream/tone_sampler's; it checks two-way audio (we hear the
// peer's tone, not another call's) and mute (we hear silence).

#include <array>
#include <cstddef>
#include <span>
#include <string>

#include "engine/core/result.hpp"

namespace ringstorm::rtp {

struct tone_verdict {
    enum class kind {
        silence,  // level below the silence threshold
        tone,     // one candidate holds most of the energy
        unclear,  // audible, but no candidate dominates (noise, speech, mixed tones)
        nothing,  // no audio measured yet
    };
    kind what = kind::nothing;
    double frequency_hz = 0;   // the strongest candidate (also set when unclear)
    double tone_fraction = 0;  // its share of the signal energy, 0..1
    double level_dbfs = -200;  // mean power relative to a full-scale square wave
    std::size_t samples = 0;   // samples measured
};

struct tone_detector_options {
    double silence_dbfs = -60.0;  // below: silence (encoded silence decodes far below this)
    double min_fraction = 0.5;    // a tone holds at least this share of the energy
};

class tone_detector {
public:
    // Lanes measured together on every sample: the 55 tones of the grid (opus_tone.hpp)
    // padded to a multiple of the vector width. A fixed count lets the compiler vectorise the
    // recurrences across lanes, so a 160-sample block costs ~2 µs instead of the ~50 µs of
    // 55 sequential double-precision loops.
    static constexpr std::size_t max_candidates = 56;

    // candidates_hz: the frequencies to tell apart, 1..max_candidates of them, each above 0
    // and below sample_rate / 2; sample_rate: of the PCM that measure() gets. The error names
    // the offending candidate. Bins stay orthogonal when every candidate fits a whole number
    // of periods in the blocks measured (the grid's 50 Hz steps in 20 ms).
    static core::result<tone_detector, std::string> create(std::span<const double> candidates_hz,
                                                           int sample_rate,
                                                           tone_detector_options options = {});
    // The tone grid of opus_tone.hpp (tone_grid_size tones from tone_grid_low_hz).
    static core::result<tone_detector, std::string> for_tone_grid(
        int sample_rate, tone_detector_options options = {});

    // One block of mono PCM (full scale ±1), typically one decoded frame: Goertzel over the
    // block, energies added to what was measured since reset().
    void measure(std::span<const float> pcm) noexcept;

    tone_verdict verdict() const noexcept;

    // Forget what was measured (the candidates stay).
    void reset() noexcept;

    std::size_t candidate_count() const noexcept { return count_; }
    int sample_rate() const noexcept { return sample_rate_; }

private:
    tone_detector() = default;

    tone_detector_options options_;
    int sample_rate_ = 0;
    std::size_t count_ = 0;                             // candidates in use
    std::array<double, max_candidates> frequencies_{};  // Hz, the first count_
    std::array<float, max_candidates> coefficients_{};  // 2·cos(2π f / fs); 0 when unused
    std::array<double, max_candidates> tone_energy_{};  // energy attributed, all blocks
    double energy_ = 0;                                 // Σ x² over all samples
    std::size_t samples_ = 0;
};

}  // namespace ringstorm::rtp
