#pragma once
// A call-quality estimate from the ITU-T G.107 E-model, reduced to what a receiver measures:
//
//   R = R0 - Is - Id - Ie_eff + A            (G.107 §7.1)
//
// with R0 - Is at G.107's default parameters (the well-known 93.2: no noise, default loudness
// ratings and sidetone), Id from one-way delay, Ie_eff from packet loss and its burstiness,
// and A = 0 (wired, no advantage). MOS follows from R by G.107's conversion (Annex B).
// It is a planning model used as a monitor: good for comparing calls and spotting trouble,
// not a substitute for a listening test.

#include <chrono>

namespace ringstorm::rtp {

// A codec's G.107/G.113 impairment: Ie under no loss, Bpl its robustness to loss.
struct codec_impairment {
    double ie = 0.0;    // equipment impairment factor with no loss
    double bpl = 25.1;  // packet-loss robustness factor
};

// Opus at WebRTC's usual 20-40 kbit/s mono is rated transparent on G.107's narrowband scale
// (Ie = 0, as for G.711): it is wideband or better, and G.107 cannot credit that without
// G.107.1's wideband scale. ITU-T publishes no Opus Bpl; we assume 25.1, G.113 Appendix I's
// value for G.711 with packet loss concealment, since Opus always conceals losses (and does
// better with in-band FEC). Both are assumptions: change them here if measured values exist.
inline constexpr codec_impairment opus_impairment{0.0, 25.1};

struct emodel_input {
    double loss_ratio = 0.0;   // Ppl as a fraction 0..1 of packets lost (after duplicates)
    double burst_ratio = 1.0;  // BurstR: 1 for random loss, > 1 when losses come in runs
    std::chrono::duration<double, std::milli> one_way_delay{0};  // Ta, mouth to ear
    codec_impairment codec = opus_impairment;
    double advantage = 0.0;  // A (G.107 §7.5): 0 for wired access
};

struct emodel_result {
    double r = 0.0;       // transmission rating, clamped to 0..100
    double mos = 1.0;     // conversational MOS estimate, 1..4.5
    double id = 0.0;      // delay impairment
    double ie_eff = 0.0;  // effective equipment impairment including loss
};

// R0 - Is at G.107 defaults: the rating of a perfect narrowband connection.
inline constexpr double emodel_default_base = 93.2;

emodel_result estimate_mos(const emodel_input& input) noexcept;

// G.107 Annex B: R → MOS. R < 0 → 1, R > 100 → 4.5, and below R ≈ 6.5 where the cubic dips
// under 1 the result is held at 1 so that MOS never falls while R rises.
double r_to_mos(double r) noexcept;

// G.107 §7.3's Idd (pure delay) at default mT = 100 ms, sT = 1: zero up to 100 ms. The echo
// terms Idte/Idle are left out: WebRTC endpoints cancel echo, so TELR is assumed high.
double delay_impairment(std::chrono::duration<double, std::milli> one_way_delay) noexcept;

// G.107 §7.4: Ie_eff = Ie + (95 - Ie) · Ppl / (Ppl / BurstR + Bpl), Ppl in percent.
double effective_equipment_impairment(const codec_impairment& codec, double loss_ratio,
                                      double burst_ratio) noexcept;

// Ta estimated as half the RTCP round trip plus the receiver's jitter buffer delay.
std::chrono::duration<double, std::milli> one_way_delay(
    std::chrono::nanoseconds round_trip, std::chrono::nanoseconds jitter_buffer) noexcept;

// BurstR from the observed mean loss-run length: for random (Bernoulli) loss at ratio p the
// mean run is 1 / (1 - p), so BurstR = mean_run · (1 - p); this matches G.107 §7.4's
// two-state Markov definition BurstR = 1 / (p + q) with q = 1 / mean_run and p = loss
// probability after a received packet. 1 when there is no loss.
double burst_ratio(double mean_loss_run, double loss_ratio) noexcept;

}  // namespace ringstorm::rtp
