// serve's /metrics families: each target counter under its documented name and type, the
// media ones included (socket drops: serve's own overload, which phones read as loss).

#include <gtest/gtest.h>

#include <string>

#include "engine/app/target_metrics.hpp"

namespace ringstorm::app {
namespace {

const prometheus::MetricFamily* find(const std::vector<prometheus::MetricFamily>& families,
                                     const std::string& name) {
    for (const auto& f : families) {
        if (f.name == name) {
            return &f;
        }
    }
    return nullptr;
}

TEST(target_metrics, media_counters_and_gauges_carry_the_targets_figures) {
    target::target_stats s;
    s.media_ports = 12;
    s.media_streams = 40;
    s.media_srtp_auth_failures = 2;
    s.media_socket_drops = 17;
    const auto families = target_families(s);
    struct expected {
        const char* name;
        prometheus::MetricType type;
        double value;
    };
    for (const expected& e : {
             expected{"ringstorm_target_media_ports", prometheus::MetricType::Gauge, 12},
             expected{"ringstorm_target_media_streams_total", prometheus::MetricType::Counter, 40},
             expected{"ringstorm_target_media_srtp_auth_failures_total",
                      prometheus::MetricType::Counter, 2},
             expected{"ringstorm_target_media_socket_drops_total",
                      prometheus::MetricType::Counter, 17},
         }) {
        const prometheus::MetricFamily* f = find(families, e.name);
        ASSERT_NE(f, nullptr) << e.name;
        EXPECT_EQ(f->type, e.type) << e.name;
        ASSERT_EQ(f->metric.size(), 1U) << e.name;
        const double v = e.type == prometheus::MetricType::Counter ? f->metric[0].counter.value
                                                                   : f->metric[0].gauge.value;
        EXPECT_EQ(v, e.value) << e.name;
        EXPECT_FALSE(f->help.empty()) << e.name;
    }
}

}  // namespace
}  // namespace ringstorm::app
