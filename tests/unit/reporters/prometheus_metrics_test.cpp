// The Prometheus families: interface names, base units, cumulative histogram buckets, and
// labels that never identify a phone.
#include "reporters/prometheus_metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include <prometheus/metric_family.h>

namespace ringstorm::reporters {
namespace {

using namespace std::chrono_literals;

core::stats sample_stats() {
    core::stats s;
    s.phones_planned = 10;
    s.phones_started = 9;
    s.phones_registered = 8;
    s.phones_failed = 1;
    s.count_registration(core::registration_result::ok);
    s.count_registration(core::registration_result::ok);
    s.count_registration(core::registration_result::auth_failed);
    s.record(core::step::register_, 3ms);
    s.record(core::step::register_, 40ms);
    s.record(core::step::register_, 2s);
    s.count_sip(core::direction::sent, core::sip_method::register_, core::status_class::request);
    s.count_sip(core::direction::received, core::sip_method::register_, core::status_class::s4xx);
    s.contract_violations.add("register.refused");
    s.protocol_errors.add("sip_parse", 2);
    return s;
}

TEST(prometheus_metrics, exposes_the_interface_names_with_their_labels) {
    std::string text = prometheus_text(metric_families(sample_stats(), "soak", 7));
    for (const char* line : {
             "ringstorm_phones{scenario=\"soak\",state=\"planned\"} 10",
             "ringstorm_phones{scenario=\"soak\",state=\"live\"} 7",
             "ringstorm_phones{scenario=\"soak\",state=\"failed\"} 1",
             "ringstorm_registrations_total{scenario=\"soak\",result=\"ok\"} 2",
             "ringstorm_registrations_total{scenario=\"soak\",result=\"auth_failed\"} 1",
             "ringstorm_calls_total{scenario=\"soak\",result=\"offered\"} 0",
             "ringstorm_active_calls{scenario=\"soak\"} 0",
             "ringstorm_contract_violations_total{scenario=\"soak\",rule=\"register.refused\"} 1",
             "ringstorm_sip_messages_total{scenario=\"soak\",direction=\"sent\",method=\"REGISTER\","
             "status_class=\"request\"} 1",
             "ringstorm_sip_messages_total{scenario=\"soak\",direction=\"received\",method=\"REGISTER\","
             "status_class=\"4xx\"} 1",
             "ringstorm_protocol_errors_total{scenario=\"soak\",kind=\"sip_parse\"} 2",
             "ringstorm_media_packets_total{scenario=\"soak\",direction=\"sent\"} 0",
             "ringstorm_media_packets_lost_total{scenario=\"soak\"} 0",
         }) {
        EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\n" << text;
    }
    EXPECT_NE(text.find("# TYPE ringstorm_step_duration_seconds histogram"), std::string::npos);
    EXPECT_NE(text.find("# TYPE ringstorm_registrations_total counter"), std::string::npos);
    // Low cardinality: no per-phone label, and SIP series only for what happened.
    EXPECT_EQ(text.find("phone="), std::string::npos);
    EXPECT_EQ(text.find("method=\"INVITE\""), std::string::npos);
}

TEST(prometheus_metrics, step_histograms_are_cumulative_in_seconds) {
    auto families = metric_families(sample_stats(), "soak", 0);
    const prometheus::MetricFamily* steps = nullptr;
    for (const auto& f : families) {
        if (f.name == "ringstorm_step_duration_seconds") {
            steps = &f;
        }
    }
    ASSERT_NE(steps, nullptr);
    ASSERT_EQ(steps->metric.size(), core::step_count);  // one series per step, even empty
    const prometheus::ClientMetric& reg = steps->metric[core::index(core::step::register_)];
    EXPECT_EQ(reg.histogram.sample_count, 3u);
    EXPECT_NEAR(reg.histogram.sample_sum, 2.043, 1e-3);
    std::uint64_t previous = 0;
    for (const auto& b : reg.histogram.bucket) {
        EXPECT_GE(b.cumulative_count, previous);
        previous = b.cumulative_count;
        if (b.upper_bound == 0.005) {
            EXPECT_EQ(b.cumulative_count, 1u);  // 3 ms
        }
        if (b.upper_bound == 0.05) {
            EXPECT_EQ(b.cumulative_count, 2u);  // + 40 ms
        }
        if (b.upper_bound == 1) {
            EXPECT_EQ(b.cumulative_count, 2u);  // 2 s is above
        }
    }
    EXPECT_TRUE(std::isinf(reg.histogram.bucket.back().upper_bound));
    EXPECT_EQ(reg.histogram.bucket.back().cumulative_count, 3u);
}

}  // namespace
}  // namespace ringstorm::reporters
