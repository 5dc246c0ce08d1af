// The console's final table: the media line appears for runs whose calls carried media,
// with loss, jitter, RTT and MOS read from the merged stats.
#include "engine/app/console.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace ringstorm::app {
namespace {

using namespace std::chrono_literals;

std::string printed_summary(const reporters::run_report& r) {
    std::FILE* f = std::tmpfile();
    EXPECT_NE(f, nullptr);
    {
        console c(f, false);
        c.summary(r, "");
    }
    std::string out;
    std::rewind(f);
    char buf[512];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) {
        out.append(buf, n);
    }
    std::fclose(f);
    return out;
}

TEST(console, media_line_reads_the_merged_media_figures) {
    core::stats s;
    EXPECT_EQ(media_line(s), "");  // no media: no line
    s.media_streams = 10;
    s.media_packets_sent = 5000;
    s.media_packets_received = 4900;
    s.media_packets_lost = 100;
    s.media_jitter.record(1250us);
    s.media_mos.record(4.3);
    s.media_mos.record(4.1);
    EXPECT_EQ(media_line(s),
              "media          streams 10, RTP sent 5000 / received 4900, loss 2.000 %, "
              "jitter p99 1.25 ms, RTT p50 n/a, MOS mean 4.20, SRTP auth failures 0");
}

TEST(console, final_table_has_the_media_line_only_with_media) {
    reporters::run_report r;
    r.scenario = "calls";
    r.totals.calls_offered = 2;
    EXPECT_EQ(printed_summary(r).find("\nmedia "), std::string::npos);
    r.totals.media_streams = 2;
    r.totals.media_packets_sent = 100;
    r.totals.media_packets_received = 100;
    r.totals.media_rtt.record(2ms);
    const std::string out = printed_summary(r);
    EXPECT_NE(out.find("\nmedia          streams 2, RTP sent 100 / received 100, loss 0.000 %, "
                       "jitter p99 n/a, RTT p50 2.00 ms"),
              std::string::npos)
        << out;
    EXPECT_LT(out.find("\ncalls "), out.find("\nmedia "));  // after the calls line
}

}  // namespace
}  // namespace ringstorm::app
