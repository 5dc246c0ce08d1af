// The console's final table: the media line appears for runs whose calls carried media,
// with loss, jitter, RTT, MOS and the engine's send lateness read from the merged stats;
// the live line shows media streams and packets received while streams run.
#include "engine/app/console.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace ringstorm::app {
namespace {

using namespace std::chrono_literals;

std::string read_all(std::FILE* f) {
    std::string out;
    std::rewind(f);
    char buf[512];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) {
        out.append(buf, n);
    }
    std::fclose(f);
    return out;
}

std::string printed_summary(const reporters::run_report& r) {
    std::FILE* f = std::tmpfile();
    EXPECT_NE(f, nullptr);
    {
        console c(f, false);
        c.summary(r, "");
    }
    return read_all(f);
}

// One live line as a non-terminal (CI log) prints it: the tmpfile is not a tty.
std::string printed_progress(const worker_progress& p) {
    std::FILE* f = std::tmpfile();
    EXPECT_NE(f, nullptr);
    {
        console c(f, false);
        c.progress(6.0, p, false);
    }
    return read_all(f);
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
              "jitter p99 1.25 ms, RTT p50 n/a, MOS mean 4.20, SRTP auth failures 0, "
              "send lateness p99 n/a");
    s.media_send_lateness.record(150us);
    s.media_send_lateness.record(3ms);
    EXPECT_NE(media_line(s).find(", send lateness p99 3.00 ms"), std::string::npos)
        << media_line(s);
    EXPECT_EQ(media_line(s).find("OVERLOADED"), std::string::npos);
    s.media_socket_drops = 42;  // our own full receive buffers: said on the same line
    EXPECT_NE(media_line(s).find("send lateness p99 3.00 ms, OVERLOADED: our own sockets dropped "
                                 "42 datagrams (run fewer calls per process)"),
              std::string::npos)
        << media_line(s);
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

TEST(console, live_line_shows_media_only_while_streams_run) {
    worker_progress p;
    p.planned = 4;
    p.started = 4;
    p.calls_offered = 4;
    p.active_calls = 3;
    p.media_packets_received = 1234;  // streams that ended earlier: no media part
    EXPECT_EQ(printed_progress(p).find("media"), std::string::npos);
    p.media_streams_active = 3;
    const std::string line = printed_progress(p);
    EXPECT_NE(line.find("  |  media 3 up, 1234 pkts in  |  violations 0"), std::string::npos)
        << line;
    EXPECT_LT(line.find("calls 3 up"), line.find("media 3 up"));  // after the calls part
}

}  // namespace
}  // namespace ringstorm::app
