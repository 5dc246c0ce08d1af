#include "media/rtp/tone_detector.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "media/rtp/opus_tone.hpp"

namespace ringstorm::rtp {

using core::unexpected;

core::result<tone_detector, std::string> tone_detector::create(
    std::span<const double> candidates_hz, int sample_rate, tone_detector_options options) {
    if (sample_rate <= 0) {
        return unexpected("tone detector: sample rate " + std::to_string(sample_rate) +
                          " Hz is not above 0");
    }
    if (candidates_hz.empty() || candidates_hz.size() > max_candidates) {
        return unexpected("tone detector: " + std::to_string(candidates_hz.size()) +
                          " candidate tones; give 1 to " + std::to_string(max_candidates));
    }
    const double nyquist = sample_rate / 2.0;
    tone_detector d;
    d.options_ = options;
    d.sample_rate_ = sample_rate;
    d.count_ = candidates_hz.size();
    for (std::size_t k = 0; k < candidates_hz.size(); ++k) {
        const double f = candidates_hz[k];
        // Not `f <= 0 || f >= nyquist`: that lets NaN through.
        if (!(f > 0 && f < nyquist)) {
            return unexpected("tone detector: candidate " + std::to_string(k) + " (" +
                              std::to_string(f) +
                              " Hz) is not between 0 and half the sample rate (" +
                              std::to_string(nyquist) + " Hz)");
        }
        d.frequencies_[k] = f;
        d.coefficients_[k] =
            static_cast<float>(2.0 * std::cos(2.0 * std::numbers::pi * f / sample_rate));
    }
    // Unused lanes keep coefficient 0 (a tone at fs/4): their recurrence stays bounded and
    // they are never reported.
    return d;
}

core::result<tone_detector, std::string> tone_detector::for_tone_grid(
    int sample_rate, tone_detector_options options) {
    static_assert(tone_grid_size <= max_candidates);
    std::array<double, tone_grid_size> grid{};
    for (std::size_t k = 0; k < grid.size(); ++k) {
        grid[k] = tone_grid_low_hz + tone_grid_step_hz * static_cast<double>(k);
    }
    return create(grid, sample_rate, options);
}

void tone_detector::measure(std::span<const float> pcm) noexcept {
    // Goertzel for all lanes at once: the inner loop runs over independent lanes of a
    // fixed count, so the compiler vectorises it.
    std::array<float, max_candidates> s1{};
    std::array<float, max_candidates> s2{};
    double energy = 0;
    for (const float x : pcm) {
        energy += static_cast<double>(x) * x;
        for (std::size_t k = 0; k < max_candidates; ++k) {
            const float s0 = x + coefficients_[k] * s1[k] - s2[k];
            s2[k] = s1[k];
            s1[k] = s0;
        }
    }
    energy_ += energy;
    samples_ += pcm.size();
    if (pcm.empty() || energy == 0) {
        return;
    }
    // |X(f)|² over the block's N samples. A sine of amplitude A at f gives |X|² ≈ (A·N/2)²
    // while carrying A²·N/2 of energy, so 2·|X|²/N is the energy at f.
    for (std::size_t k = 0; k < count_; ++k) {
        const double a = s1[k];
        const double b = s2[k];
        const double power = a * a + b * b - static_cast<double>(coefficients_[k]) * a * b;
        tone_energy_[k] += 2.0 * power / static_cast<double>(pcm.size());
    }
}

tone_verdict tone_detector::verdict() const noexcept {
    tone_verdict v;
    v.samples = samples_;
    if (samples_ == 0) {
        return v;  // nothing measured: kind::nothing
    }
    const double mean_power = energy_ / static_cast<double>(samples_);
    v.level_dbfs = mean_power > 0 ? 10.0 * std::log10(mean_power) : -200.0;
    if (v.level_dbfs < options_.silence_dbfs) {
        v.what = tone_verdict::kind::silence;
        return v;
    }
    const auto used_end = tone_energy_.begin() + static_cast<std::ptrdiff_t>(count_);
    const auto best = std::max_element(tone_energy_.begin(), used_end);
    const auto k = static_cast<std::size_t>(best - tone_energy_.begin());
    v.frequency_hz = frequencies_[k];
    v.tone_fraction = std::min(*best / energy_, 1.0);
    v.what = v.tone_fraction >= options_.min_fraction ? tone_verdict::kind::tone
                                                      : tone_verdict::kind::unclear;
    return v;
}

void tone_detector::reset() noexcept {
    tone_energy_.fill(0.0);
    energy_ = 0;
    samples_ = 0;
}

}  // namespace ringstorm::rtp
