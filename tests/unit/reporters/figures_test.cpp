// Every threshold metric read from a run report, including the "no data" cases.

#include "reporters/figures.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>

#include "engine/scenario/threshold.hpp"

namespace ringstorm::reporters {
namespace {

using namespace std::chrono_literals;

double value_of(std::string_view metric, const run_report& r) {
    auto v = figure(metric, r);
    EXPECT_TRUE(v.has_value()) << metric;
    return v ? *v : -1;
}

TEST(Figures, EveryThresholdMetricIsKnown) {
    run_report r;
    for (std::string_view metric : scenario::threshold_metrics()) {
        EXPECT_TRUE(figure(metric, r).has_value()) << metric;
    }
}

TEST(Figures, AnUnknownMetricIsAnErrorNamingIt) {
    run_report r;
    for (std::string_view metric : {"register.p98", "nothing", "phones.lost", "", "register."}) {
        auto v = figure(metric, r);
        ASSERT_FALSE(v.has_value()) << metric;
        EXPECT_NE(v.error().find("'" + std::string(metric) + "'"), std::string::npos);
    }
}

TEST(Figures, LatencyOfAStepInSeconds) {
    run_report r;
    for (int i = 1; i <= 100; ++i) {
        r.totals.record(core::step::register_, std::chrono::milliseconds(i));
    }
    EXPECT_EQ(value_of("register.count", r), 100);
    EXPECT_NEAR(value_of("register.min", r), 0.001, 1e-5);
    EXPECT_NEAR(value_of("register.p50", r), 0.050, 0.050 / 100);
    EXPECT_NEAR(value_of("register.p90", r), 0.090, 0.090 / 100);
    EXPECT_NEAR(value_of("register.p99", r), 0.099, 0.099 / 100);
    EXPECT_NEAR(value_of("register.p999", r), 0.100, 0.100 / 100);
    EXPECT_NEAR(value_of("register.max", r), 0.100, 1e-9);
    // Other steps are untouched.
    EXPECT_EQ(value_of("unregister.count", r), 0);
}

TEST(Figures, LatencyOfAStepWithoutSamplesIsNoDataButItsCountIsZero) {
    run_report r;
    EXPECT_EQ(value_of("media_first_packet.count", r), 0);
    for (std::string_view stat : {"min", "p50", "p90", "p99", "p999", "max"}) {
        EXPECT_TRUE(std::isnan(value_of("ws_connect." + std::string(stat), r))) << stat;
    }
}

TEST(Figures, Phones) {
    run_report r;
    EXPECT_TRUE(std::isnan(value_of("phones.failed_ratio", r)));  // nothing planned
    r.totals.phones_planned = 200;
    r.totals.phones_registered = 190;
    r.totals.phones_failed = 10;
    EXPECT_EQ(value_of("phones.planned", r), 200);
    EXPECT_EQ(value_of("phones.registered", r), 190);
    EXPECT_EQ(value_of("phones.failed", r), 10);
    EXPECT_DOUBLE_EQ(value_of("phones.failed_ratio", r), 0.05);
}

TEST(Figures, RegistrationsFailedIsEveryResultButOk) {
    run_report r;
    EXPECT_EQ(value_of("registrations.total", r), 0);
    EXPECT_TRUE(std::isnan(value_of("registrations.failed_ratio", r)));
    using core::registration_result;
    for (int i = 0; i < 12; ++i) {
        r.totals.count_registration(registration_result::ok);
    }
    r.totals.count_registration(registration_result::auth_failed);
    r.totals.count_registration(registration_result::rejected);
    r.totals.count_registration(registration_result::timeout);
    r.totals.count_registration(registration_result::transport_error);
    EXPECT_EQ(value_of("registrations.total", r), 16);
    EXPECT_EQ(value_of("registrations.failed", r), 4);
    EXPECT_DOUBLE_EQ(value_of("registrations.failed_ratio", r), 0.25);
}

TEST(Figures, Calls) {
    run_report r;
    EXPECT_TRUE(std::isnan(value_of("calls.failed_ratio", r)));  // no call offered
    r.totals.calls_offered = 8;
    r.totals.calls_answered = 7;
    r.totals.calls_completed = 6;
    r.totals.calls_failed = 2;
    EXPECT_EQ(value_of("calls.offered", r), 8);
    EXPECT_EQ(value_of("calls.answered", r), 7);
    EXPECT_EQ(value_of("calls.completed", r), 6);
    EXPECT_EQ(value_of("calls.failed", r), 2);
    EXPECT_DOUBLE_EQ(value_of("calls.failed_ratio", r), 0.25);
}

TEST(Figures, ContractAndProtocolErrors) {
    run_report r;
    EXPECT_EQ(value_of("contract.violations", r), 0);
    EXPECT_EQ(value_of("protocol_errors.total", r), 0);
    r.totals.contract_checked = 10;
    r.totals.contract_passed = 7;
    r.totals.contract_violations.add("register.sequence", 2);
    r.totals.contract_violations.add("refresh.timeout");
    r.totals.protocol_errors.add("unparsable", 3);
    r.totals.protocol_errors.add("unexpected_response", 4);
    EXPECT_EQ(value_of("contract.checked", r), 10);
    EXPECT_EQ(value_of("contract.passed", r), 7);
    EXPECT_EQ(value_of("contract.violations", r), 3);
    EXPECT_EQ(value_of("protocol_errors.total", r), 7);
}

TEST(Figures, Media) {
    run_report r;
    EXPECT_TRUE(std::isnan(value_of("media.loss_ratio", r)));  // nothing expected
    // No call measured them: never a made-up zero that would pass "< 0.03".
    EXPECT_TRUE(std::isnan(value_of("media.jitter_seconds_p99", r)));
    EXPECT_TRUE(std::isnan(value_of("media.rtt_seconds_p50", r)));
    EXPECT_TRUE(std::isnan(value_of("media.mos_mean", r)));
    r.totals.media_streams = 2;
    r.totals.media_packets_sent = 1000;
    r.totals.media_packets_received = 990;
    r.totals.media_packets_lost = 10;
    r.totals.media_srtp_auth_failures = 1;
    EXPECT_EQ(value_of("media.streams", r), 2);
    EXPECT_EQ(value_of("media.packets_sent", r), 1000);
    EXPECT_EQ(value_of("media.packets_received", r), 990);
    EXPECT_EQ(value_of("media.packets_lost", r), 10);
    EXPECT_DOUBLE_EQ(value_of("media.loss_ratio", r), 0.01);  // lost over expected
    EXPECT_EQ(value_of("media.srtp_auth_failures", r), 1);
}

TEST(Figures, MediaQualityIsOverCalls) {
    run_report r;
    for (int i = 1; i <= 100; ++i) {
        r.totals.media_jitter.record(std::chrono::microseconds(100 * i));  // 0.1 … 10 ms
        r.totals.media_rtt.record(std::chrono::microseconds(10 * i));      // 10 µs … 1 ms
        r.totals.media_mos.record(i <= 25 ? 3.0 : 4.4);
    }
    EXPECT_NEAR(value_of("media.jitter_seconds_p99", r), 0.0099, 0.0099 / 128);
    EXPECT_NEAR(value_of("media.rtt_seconds_p50", r), 0.0005, 0.0005 / 128);
    EXPECT_NEAR(value_of("media.mos_mean", r), (25 * 3.0 + 75 * 4.4) / 100, 1e-9);
}

TEST(Figures, MediaSendLatenessIsOverEngineTicks) {
    run_report r;
    EXPECT_TRUE(std::isnan(value_of("media.send_lateness_seconds_p99", r)));  // no engine ticked
    for (int i = 1; i <= 1000; ++i) {
        r.totals.media_send_lateness.record(std::chrono::microseconds(i));  // 1 µs … 1 ms
    }
    EXPECT_NEAR(value_of("media.send_lateness_seconds_p99", r), 0.00099, 0.00099 / 128);
}

scenario::threshold threshold(std::string_view text) {
    auto t = scenario::parse_threshold(text);
    EXPECT_TRUE(t.has_value()) << text;
    return *t;
}

TEST(EvaluateThresholds, JudgesEachInOrderWithItsObservedValue) {
    run_report r;
    r.totals.record(core::step::register_, 300ms);
    r.totals.contract_violations.add("register.refused");
    const std::vector<scenario::threshold> ts{
        threshold("register.p99 < 200ms"),     threshold("register.count == 1"),
        threshold("contract.violations == 0"),
        threshold("phones.failed_ratio < 1%"),  // no phone planned: no data
        threshold("unregister.p99 != 0"),       // no sample: no data even for !=
    };
    const std::vector<threshold_result> out = evaluate_thresholds(ts, r);
    ASSERT_EQ(out.size(), 5u);
    EXPECT_EQ(out[0].metric, "register.p99");
    EXPECT_EQ(out[0].condition, ts[0].condition);
    EXPECT_NEAR(out[0].value, 0.3, 0.3 / 100);
    EXPECT_FALSE(out[0].passed);
    EXPECT_EQ(out[1].value, 1);
    EXPECT_TRUE(out[1].passed);
    EXPECT_EQ(out[2].value, 1);
    EXPECT_FALSE(out[2].passed);
    EXPECT_TRUE(std::isnan(out[3].value));
    EXPECT_FALSE(out[3].passed);
    EXPECT_TRUE(std::isnan(out[4].value));
    EXPECT_FALSE(out[4].passed);
}

TEST(EvaluateThresholds, AnUnknownMetricFails) {
    scenario::threshold t;
    t.metric = "no.such";
    t.condition = "< 1";
    t.value = 1;
    const auto out = evaluate_thresholds({t}, run_report{});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(std::isnan(out[0].value));
    EXPECT_FALSE(out[0].passed);
}

TEST(EvaluateThresholds, MediaQualityThresholds) {
    run_report r;
    const std::vector<scenario::threshold> ts{
        threshold("media.jitter_seconds_p99 < 30ms"),
        threshold("media.rtt_seconds_p50 < 0.1"),
        threshold("media.mos_mean >= 4"),
    };
    // No call measured anything: every one fails rather than passing on a zero.
    for (const threshold_result& t : evaluate_thresholds(ts, r)) {
        EXPECT_FALSE(t.passed) << t.metric;
        EXPECT_TRUE(std::isnan(t.value)) << t.metric;
    }
    r.totals.media_jitter.record(2ms);
    r.totals.media_jitter.record(40ms);  // the p99 of two calls is the worse one
    r.totals.media_rtt.record(20ms);
    r.totals.media_mos.record(4.2);
    r.totals.media_mos.record(3.6);
    const std::vector<threshold_result> out = evaluate_thresholds(ts, r);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_NEAR(out[0].value, 0.040, 0.040 / 128);
    EXPECT_FALSE(out[0].passed);
    EXPECT_NEAR(out[1].value, 0.020, 0.020 / 128);
    EXPECT_TRUE(out[1].passed);
    EXPECT_NEAR(out[2].value, 3.9, 1e-12);
    EXPECT_FALSE(out[2].passed);
}

}  // namespace
}  // namespace ringstorm::reporters
