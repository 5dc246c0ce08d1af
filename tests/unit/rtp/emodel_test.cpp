// E-model MOS estimate (ITU-T G.107, simplified; see emodel.hpp for the assumptions): known
// points, monotonic in loss, burstiness and delay, and clamped to its scales.

#include <chrono>

#include <gtest/gtest.h>

#include "media/rtp/emodel.hpp"

namespace ringstorm::rtp {
namespace {

using namespace std::chrono_literals;
using ms = std::chrono::duration<double, std::milli>;

emodel_input at(double loss, ms delay, double burst = 1.0) {
    emodel_input in;
    in.loss_ratio = loss;
    in.one_way_delay = delay;
    in.burst_ratio = burst;
    return in;
}

TEST(Emodel, PerfectNarrowbandCallIsAbout4Point4) {
    const auto r = estimate_mos(at(0.0, ms(40)));
    EXPECT_DOUBLE_EQ(r.r, 93.2);
    EXPECT_DOUBLE_EQ(r.id, 0.0);
    EXPECT_DOUBLE_EQ(r.ie_eff, 0.0);
    // 1 + 0.035·93.2 + 93.2·33.2·6.8·7e-6 = 4.4093...
    EXPECT_NEAR(r.mos, 4.409, 0.001);
}

TEST(Emodel, RToMosKnownPointsAndClamps) {
    EXPECT_DOUBLE_EQ(r_to_mos(-5), 1.0);
    EXPECT_DOUBLE_EQ(r_to_mos(0), 1.0);
    EXPECT_DOUBLE_EQ(r_to_mos(100), 4.5);
    EXPECT_DOUBLE_EQ(r_to_mos(120), 4.5);
    EXPECT_NEAR(r_to_mos(50), 1.0 + 1.75 + 50 * -10 * 50 * 7e-6, 1e-12);  // 2.575
    EXPECT_NEAR(r_to_mos(80), 4.024, 1e-9);
    // The cubic dips under 1 just above R = 0; the clamp keeps it at 1 there.
    EXPECT_DOUBLE_EQ(r_to_mos(3), 1.0);
}

TEST(Emodel, MosNeverFallsAsRRises) {
    double previous = r_to_mos(-1);
    for (double r = 0; r <= 101; r += 0.25) {
        const double mos = r_to_mos(r);
        EXPECT_GE(mos, previous) << r;
        previous = mos;
    }
}

TEST(Emodel, DelayImpairmentFollowsG107Idd) {
    EXPECT_DOUBLE_EQ(delay_impairment(ms(0)), 0.0);
    EXPECT_DOUBLE_EQ(delay_impairment(ms(100)), 0.0);
    // X = 1: 25·((2)^(1/6) - 3·(1 + 1/729)^(1/6) + 2)
    EXPECT_NEAR(delay_impairment(ms(200)), 3.04, 0.01);
    // X = 2: 25·((65)^(1/6) - 3·(1 + (2/3)^6)^(1/6) + 2)
    EXPECT_NEAR(delay_impairment(ms(400)), 24.07, 0.02);
    double previous = 0;
    for (int d = 0; d <= 1000; d += 10) {
        const double id = delay_impairment(ms(d));
        EXPECT_GE(id, previous) << d;
        previous = id;
    }
}

TEST(Emodel, LossImpairmentUsesBplAndBurstRatio) {
    const codec_impairment opus = opus_impairment;
    // Ie_eff = 0 + 95 · 1 / (1 / 1 + 25.1) at 1 % random loss.
    EXPECT_NEAR(effective_equipment_impairment(opus, 0.01, 1.0), 95.0 / 26.1, 1e-9);
    // Bursty loss hurts more than the same amount of random loss (G.107 §7.4).
    EXPECT_GT(effective_equipment_impairment(opus, 0.05, 2.0),
              effective_equipment_impairment(opus, 0.05, 1.0));
    // Total loss approaches 95 · 100 / (100 + 25.1).
    EXPECT_NEAR(effective_equipment_impairment(opus, 1.0, 1.0), 95.0 * 100.0 / 125.1, 1e-9);
}

TEST(Emodel, MosFallsWithLossAndDelay) {
    double previous = 5.0;
    for (double loss = 0.0; loss <= 0.5; loss += 0.01) {
        const double mos = estimate_mos(at(loss, ms(50))).mos;
        EXPECT_LT(mos, previous) << loss;
        previous = mos;
    }
    previous = 5.0;
    for (int d = 100; d <= 800; d += 50) {
        const double mos = estimate_mos(at(0.01, ms(d))).mos;
        EXPECT_LT(mos, previous) << d;
        previous = mos;
    }
    // Heavy loss is a bad call; 20 % in bursts is worse still.
    const double heavy = estimate_mos(at(0.20, ms(50))).mos;
    EXPECT_LT(heavy, 3.0);  // R ≈ 51: "many users dissatisfied"
    EXPECT_LT(estimate_mos(at(0.20, ms(50), 3.0)).mos, heavy);
    // 1 % random loss on a short path is still a good call.
    EXPECT_GT(estimate_mos(at(0.01, ms(50))).mos, 4.2);
}

TEST(Emodel, EverythingBadStaysOnTheScale) {
    const auto r = estimate_mos(at(1.0, ms(3000), 10.0));
    EXPECT_DOUBLE_EQ(r.r, 0.0);
    EXPECT_DOUBLE_EQ(r.mos, 1.0);
    emodel_input advantage = at(0.0, ms(0));
    advantage.advantage = 20;  // A pushes R past 100: clamped
    EXPECT_DOUBLE_EQ(estimate_mos(advantage).r, 100.0);
    EXPECT_DOUBLE_EQ(estimate_mos(advantage).mos, 4.5);
}

TEST(Emodel, OneWayDelayAndBurstRatioHelpers) {
    EXPECT_DOUBLE_EQ(one_way_delay(100ms, 60ms).count(), 110.0);
    EXPECT_DOUBLE_EQ(burst_ratio(1.0, 0.0), 1.0);
    // Random loss at 10 %: mean run 1/0.9 gives BurstR 1.
    EXPECT_NEAR(burst_ratio(1.0 / 0.9, 0.1), 1.0, 1e-12);
    EXPECT_NEAR(burst_ratio(4.0, 0.1), 3.6, 1e-12);
}

}  // namespace
}  // namespace ringstorm::rtp
