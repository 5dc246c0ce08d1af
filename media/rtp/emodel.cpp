#include "media/rtp/emodel.hpp"

#include <algorithm>
#include <cmath>

namespace ringstorm::rtp {

double r_to_mos(double r) noexcept {
    if (r <= 0.0) {
        return 1.0;
    }
    if (r >= 100.0) {
        return 4.5;
    }
    const double mos = 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6;
    return std::clamp(mos, 1.0, 4.5);
}

double delay_impairment(std::chrono::duration<double, std::milli> one_way_delay) noexcept {
    const double ta = one_way_delay.count();
    constexpr double mt = 100.0;  // G.107 default minimum perceivable delay (ms)
    if (ta <= mt) {
        return 0.0;
    }
    const double x = std::log10(ta / mt) / std::log10(2.0);
    const double idd = 25.0 * (std::pow(1.0 + std::pow(x, 6.0), 1.0 / 6.0) -
                               3.0 * std::pow(1.0 + std::pow(x / 3.0, 6.0), 1.0 / 6.0) + 2.0);
    return std::max(idd, 0.0);
}

double effective_equipment_impairment(const codec_impairment& codec, double loss_ratio,
                                      double burst_ratio) noexcept {
    const double ppl = std::clamp(loss_ratio, 0.0, 1.0) * 100.0;
    const double burst = std::max(burst_ratio, 1e-3);  // keeps the formula finite
    if (ppl == 0.0) {
        return codec.ie;
    }
    return codec.ie + (95.0 - codec.ie) * ppl / (ppl / burst + codec.bpl);
}

emodel_result estimate_mos(const emodel_input& input) noexcept {
    emodel_result out;
    out.id = delay_impairment(input.one_way_delay);
    out.ie_eff = effective_equipment_impairment(input.codec, input.loss_ratio, input.burst_ratio);
    const double r = emodel_default_base - out.id - out.ie_eff + input.advantage;
    out.r = std::clamp(r, 0.0, 100.0);
    out.mos = r_to_mos(out.r);
    return out;
}

std::chrono::duration<double, std::milli> one_way_delay(
    std::chrono::nanoseconds round_trip, std::chrono::nanoseconds jitter_buffer) noexcept {
    return std::chrono::duration<double, std::milli>(round_trip) / 2.0 +
           std::chrono::duration<double, std::milli>(jitter_buffer);
}

double burst_ratio(double mean_loss_run, double loss_ratio) noexcept {
    if (loss_ratio <= 0.0 || loss_ratio >= 1.0) {
        return 1.0;
    }
    return std::max(mean_loss_run, 1.0) * (1.0 - loss_ratio);
}

}  // namespace ringstorm::rtp
