// The Prometheus families: interface names, base units, cumulative histogram buckets, and
// labels that never identify a phone.
#include "reporters/prometheus_metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string_view>
#include <vector>

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

const prometheus::MetricFamily* family(const std::vector<prometheus::MetricFamily>& families,
                                       std::string_view name) {
    for (const auto& f : families) {
        if (f.name == name) {
            return &f;
        }
    }
    return nullptr;
}

// The cumulative count at `le`, or -1 when the series has no such bucket.
long long bucket_at(const prometheus::ClientMetric& m, double le) {
    for (const auto& b : m.histogram.bucket) {
        if (b.upper_bound == le) {
            return static_cast<long long>(b.cumulative_count);
        }
    }
    return -1;
}

TEST(prometheus_metrics, media_histograms_have_their_own_buckets) {
    core::stats s;
    for (std::chrono::microseconds j : {300us, 1500us, 4000us, 25000us, 500000us}) {
        s.media_jitter.record(j);
    }
    for (double mos : {4.41, 4.41, 4.1, 2.6}) {
        s.media_mos.record(mos);
    }
    s.media_rtt.record(800us);
    const auto families = metric_families(s, "soak", 0);

    const prometheus::MetricFamily* jitter = family(families, "ringstorm_media_jitter_seconds");
    ASSERT_NE(jitter, nullptr);
    EXPECT_EQ(jitter->type, prometheus::MetricType::Histogram);
    ASSERT_EQ(jitter->metric.size(), 1u);
    const prometheus::ClientMetric& j = jitter->metric[0];
    EXPECT_EQ(bucket_at(j, 0.0005), 1);  // 0.3 ms
    EXPECT_EQ(bucket_at(j, 0.002), 2);   // + 1.5 ms
    EXPECT_EQ(bucket_at(j, 0.005), 3);   // + 4 ms
    EXPECT_EQ(bucket_at(j, 0.03), 4);    // + 25 ms
    EXPECT_EQ(bucket_at(j, 0.2), 4);     // 500 ms is beyond every bound
    EXPECT_EQ(bucket_at(j, 1.0), -1);    // not the step buckets
    EXPECT_TRUE(std::isinf(j.histogram.bucket.back().upper_bound));
    EXPECT_EQ(j.histogram.bucket.back().cumulative_count, 5u);
    EXPECT_EQ(j.histogram.sample_count, 5u);
    EXPECT_NEAR(j.histogram.sample_sum, 0.5308, 1e-9);

    const prometheus::MetricFamily* mos = family(families, "ringstorm_media_mos");
    ASSERT_NE(mos, nullptr);
    EXPECT_EQ(mos->type, prometheus::MetricType::Histogram);
    const prometheus::ClientMetric& m = mos->metric[0];
    ASSERT_EQ(m.histogram.bucket.size(), 16u);  // 1, 1.25 … 4.5 and +Inf
    EXPECT_EQ(m.histogram.bucket.front().upper_bound, 1.0);
    EXPECT_EQ(bucket_at(m, 2.5), 0);
    EXPECT_EQ(bucket_at(m, 2.75), 1);
    EXPECT_EQ(bucket_at(m, 4.0), 1);
    EXPECT_EQ(bucket_at(m, 4.25), 2);
    EXPECT_EQ(bucket_at(m, 4.5), 4);
    EXPECT_EQ(m.histogram.sample_count, 4u);
    EXPECT_NEAR(m.histogram.sample_sum, 15.52, 1e-9);

    const std::string text = prometheus_text(families);
    for (const char* line : {
             "# TYPE ringstorm_media_jitter_seconds histogram",
             "ringstorm_media_jitter_seconds_bucket{scenario=\"soak\",le=\"0.005\"} 3",
             "ringstorm_media_jitter_seconds_count{scenario=\"soak\"} 5",
             "# TYPE ringstorm_media_mos histogram",
             "ringstorm_media_mos_bucket{scenario=\"soak\",le=\"4.25\"} 2",
             "ringstorm_media_mos_bucket{scenario=\"soak\",le=\"+Inf\"} 4",
             "ringstorm_media_rtt_seconds_count{scenario=\"soak\"} 1",
         }) {
        EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\n" << text;
    }
}

TEST(prometheus_metrics, media_counters_and_the_live_gauge) {
    core::stats s;
    s.media_streams = 3;
    s.media_streams_active = 2;
    s.media_packets_sent = 150;
    s.media_packets_received = 140;
    s.media_packets_lost = 4;
    s.media_srtp_auth_failures = 1;
    const std::string text = prometheus_text(metric_families(s, "soak", 0));
    for (const char* line : {
             "ringstorm_media_packets_total{scenario=\"soak\",direction=\"sent\"} 150",
             "ringstorm_media_packets_total{scenario=\"soak\",direction=\"received\"} 140",
             "ringstorm_media_packets_lost_total{scenario=\"soak\"} 4",
             "ringstorm_media_streams_total{scenario=\"soak\"} 3",
             "ringstorm_media_active_streams{scenario=\"soak\"} 2",
             "ringstorm_media_srtp_auth_failures_total{scenario=\"soak\"} 1",
         }) {
        EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\n" << text;
    }
}

TEST(prometheus_metrics, media_send_lateness_histogram_and_the_engine_counters) {
    core::stats s;
    for (std::chrono::microseconds late : {30us, 80us, 400us, 900us, 1800us, 12000us}) {
        s.media_send_lateness.record(late);
    }
    s.media_ticks_skipped = 41;
    s.media_unroutable = 6;
    s.media_send_errors = 3;
    s.media_receive_errors = 2;
    s.media_socket_drops = 8;
    const std::string text = prometheus_text(metric_families(s, "soak", 0));
    for (const char* line : {
             "# TYPE ringstorm_media_send_lateness_seconds histogram",
             "ringstorm_media_send_lateness_seconds_bucket{scenario=\"soak\",le=\"5e-05\"} 1",
             "ringstorm_media_send_lateness_seconds_bucket{scenario=\"soak\",le=\"0.001\"} 4",
             "ringstorm_media_send_lateness_seconds_bucket{scenario=\"soak\",le=\"0.002\"} 5",
             "ringstorm_media_send_lateness_seconds_bucket{scenario=\"soak\",le=\"0.02\"} 6",
             "ringstorm_media_send_lateness_seconds_bucket{scenario=\"soak\",le=\"+Inf\"} 6",
             "ringstorm_media_send_lateness_seconds_count{scenario=\"soak\"} 6",
             "# TYPE ringstorm_media_ticks_skipped_total counter",
             "ringstorm_media_ticks_skipped_total{scenario=\"soak\"} 41",
             "# TYPE ringstorm_media_unroutable_total counter",
             "ringstorm_media_unroutable_total{scenario=\"soak\"} 6",
             "# TYPE ringstorm_media_send_errors_total counter",
             "ringstorm_media_send_errors_total{scenario=\"soak\"} 3",
             "# HELP ringstorm_media_receive_errors_total Media receive failures and truncated "
             "datagrams (dropped)",
             "# TYPE ringstorm_media_receive_errors_total counter",
             "ringstorm_media_receive_errors_total{scenario=\"soak\"} 2",
             "# TYPE ringstorm_media_socket_drops_total counter",
             "ringstorm_media_socket_drops_total{scenario=\"soak\"} 8",
         }) {
        EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\n" << text;
    }
}

}  // namespace
}  // namespace ringstorm::reporters
