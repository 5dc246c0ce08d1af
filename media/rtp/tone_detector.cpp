#include "media/rtp/tone_detector.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <opus.h>

#include "media/rtp/opus_tone.hpp"

namespace ringstorm::rtp {

using core::unexpected;

namespace {

// RFC 6716 §3.2: a packet holds at most 120 ms.
constexpr std::size_t max_packet_samples = 120 * opus_sample_rate / 1000;

}  // namespace

void tone_detector::decoder_deleter::operator()(OpusDecoder* d) const noexcept {
    opus_decoder_destroy(d);
}

core::result<tone_detector, errc> tone_detector::create(std::span<const double> candidates,
                                                        tone_detector_options options) {
    int err = OPUS_OK;
    OpusDecoder* raw = opus_decoder_create(opus_sample_rate, 1, &err);
    if (err != OPUS_OK || raw == nullptr) {
        return unexpected(errc::opus_error);
    }
    tone_detector d;
    d.decoder_.reset(raw);
    d.options_ = options;
    d.frequencies_.assign(candidates.begin(), candidates.end());
    for (double f : candidates) {
        d.coefficients_.push_back(2.0 * std::cos(2.0 * std::numbers::pi * f / opus_sample_rate));
    }
    d.tone_energy_.assign(candidates.size(), 0.0);
    d.pcm_.resize(max_packet_samples);
    return d;
}

core::result<std::size_t, errc> tone_detector::feed(std::span<const std::uint8_t> packet) noexcept {
    const int n =
        opus_decode_float(decoder_.get(), packet.data(), static_cast<opus_int32>(packet.size()),
                          pcm_.data(), static_cast<int>(pcm_.size()), 0);
    if (n < 0) {
        return unexpected(errc::opus_error);
    }
    const auto count = static_cast<std::size_t>(n);
    double energy = 0;
    for (std::size_t i = 0; i < count; ++i) {
        energy += static_cast<double>(pcm_[i]) * pcm_[i];
    }
    energy_ += energy;
    samples_ += count;
    if (count == 0 || energy == 0) {
        return count;
    }
    // Goertzel: |X(f)|² over the packet's N samples. A sine of amplitude A at f gives
    // |X|² ≈ (A·N/2)² while carrying A²·N/2 of energy, so 2·|X|²/N is the energy at f.
    for (std::size_t k = 0; k < coefficients_.size(); ++k) {
        const double c = coefficients_[k];
        double s1 = 0;
        double s2 = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const double s0 = pcm_[i] + c * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        const double power = s1 * s1 + s2 * s2 - c * s1 * s2;
        tone_energy_[k] += 2.0 * power / static_cast<double>(count);
    }
    return count;
}

tone_verdict tone_detector::verdict() const noexcept {
    tone_verdict v;
    v.samples = samples_;
    if (samples_ == 0) {
        return v;
    }
    const double mean_power = energy_ / static_cast<double>(samples_);
    v.level_dbfs = mean_power > 0 ? 10.0 * std::log10(mean_power) : -200.0;
    if (v.level_dbfs < options_.silence_dbfs) {
        v.what = tone_verdict::kind::silence;
        return v;
    }
    const auto best = std::max_element(tone_energy_.begin(), tone_energy_.end());
    if (best != tone_energy_.end()) {
        const auto k = static_cast<std::size_t>(best - tone_energy_.begin());
        v.frequency_hz = frequencies_[k];
        v.tone_fraction = std::min(*best / energy_, 1.0);
    }
    v.what = v.tone_fraction >= options_.min_fraction ? tone_verdict::kind::tone
                                                      : tone_verdict::kind::unclear;
    return v;
}

void tone_detector::reset() noexcept {
    std::fill(tone_energy_.begin(), tone_energy_.end(), 0.0);
    energy_ = 0;
    samples_ = 0;
}

}  // namespace ringstorm::rtp
