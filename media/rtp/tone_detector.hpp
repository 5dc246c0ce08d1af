#pragma once
// Which tone a received Opus stream carries: decode with libopus, then measure each candidate
// frequency with the Goertzel algorithm per decoded frame. Used on a sample of streams to check
// two-way audio (we hear the peer's tone, not another call's) and mute (we hear silence).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/core/result.hpp"
#include "media/rtp/error.hpp"

struct OpusDecoder;

namespace ringstorm::rtp {

struct tone_verdict {
    enum class kind {
        silence,  // level below the silence threshold
        tone,     // one candidate holds most of the energy
        unclear,  // audible, but no candidate dominates (noise, speech, mixed tones)
        nothing,  // no audio decoded yet
    };
    kind what = kind::nothing;
    double frequency_hz = 0;   // the strongest candidate (also set when unclear)
    double tone_fraction = 0;  // its share of the signal energy, 0..1
    double level_dbfs = -200;  // mean power relative to a full-scale square wave
    std::size_t samples = 0;   // decoded samples measured
};

struct tone_detector_options {
    double silence_dbfs = -60.0;  // below: silence (encoded silence decodes far below this)
    double min_fraction = 0.5;    // a tone holds at least this share of the energy
};

class tone_detector {
public:
    // candidates: the frequencies to tell apart (e.g. the tone grid of opus_tone.hpp).
    static core::result<tone_detector, errc> create(std::span<const double> candidates,
                                                    tone_detector_options options = {});

    // Decodes one Opus packet (48 kHz mono) and accumulates; returns samples decoded.
    core::result<std::size_t, errc> feed(std::span<const std::uint8_t> packet) noexcept;

    tone_verdict verdict() const noexcept;

    // Forget what was measured (the decoder keeps its state).
    void reset() noexcept;

private:
    struct decoder_deleter {
        void operator()(OpusDecoder* d) const noexcept;
    };

    tone_detector() = default;

    tone_detector_options options_;
    std::unique_ptr<OpusDecoder, decoder_deleter> decoder_;
    std::vector<double> frequencies_;
    std::vector<double> coefficients_;  // 2·cos(2π f / fs) per candidate
    std::vector<double> tone_energy_;   // per candidate: energy attributed over all frames
    std::vector<float> pcm_;            // one decoded packet, up to 120 ms
    double energy_ = 0;                 // Σ x² over all decoded samples
    std::size_t samples_ = 0;
};

}  // namespace ringstorm::rtp
