// Folding one call's media::stream_stats into a worker's core::stats: counters live and at
// the end, one distribution sample per call, latencies only when reached, no double count.
#include "engine/media/record.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

using namespace std::chrono_literals;
using namespace ringstorm;
using media::media_progress;
using media::record_media;
using media::record_media_live;

namespace {

// A call that got through ICE and DTLS and exchanged audio.
media::stream_stats good_call() {
    media::stream_stats m;
    m.ice = 12ms;
    m.dtls_handshake = 3ms;
    m.first_packet = 21ms;
    m.srtp_up = true;
    m.packets_sent = 500;
    m.packets_received = 490;
    m.packets_lost = 10;
    m.jitter_seconds = 0.0015;
    m.jitter_seconds_max = 0.004;
    m.rtt_seconds = 0.0008;
    m.mos = 4.3;
    m.srtp_auth_failures = 1;
    return m;
}

const core::histogram& latency(const core::stats& s, core::step step) {
    return s.latency[core::index(step)];
}

}  // namespace

TEST(record_media, folds_a_whole_call_at_its_end) {
    auto s = std::make_unique<core::stats>();
    record_media(*s, good_call());
    EXPECT_EQ(s->media_streams, 1u);
    EXPECT_EQ(s->media_streams_active, 0);
    EXPECT_EQ(s->media_packets_sent, 500u);
    EXPECT_EQ(s->media_packets_received, 490u);
    EXPECT_EQ(s->media_packets_lost, 10u);
    EXPECT_EQ(s->media_srtp_auth_failures, 1u);
    ASSERT_EQ(latency(*s, core::step::ice).count(), 1u);
    EXPECT_EQ(latency(*s, core::step::ice).max(), 12ms);
    EXPECT_EQ(latency(*s, core::step::dtls_handshake).max(), 3ms);
    EXPECT_EQ(latency(*s, core::step::media_first_packet).max(), 21ms);
    // The final jitter, not the worst one: one sample per call.
    ASSERT_EQ(s->media_jitter.count(), 1u);
    EXPECT_EQ(s->media_jitter.max(), 1500us);
    ASSERT_EQ(s->media_rtt.count(), 1u);
    EXPECT_EQ(s->media_rtt.max(), 800us);
    ASSERT_EQ(s->media_mos.count(), 1u);
    EXPECT_DOUBLE_EQ(s->media_mos.mean(), 4.3);
}

TEST(record_media, a_failed_stream_gives_only_what_it_reached) {
    auto s = std::make_unique<core::stats>();
    media::stream_stats m;  // ICE never completed: nothing but a few packets counted
    m.packets_sent = 0;
    m.packets_received = 1;  // one stray packet: no jitter from a single transit time
    m.jitter_seconds = 0;
    record_media(*s, m);
    EXPECT_EQ(s->media_streams, 0u);
    EXPECT_EQ(s->media_packets_received, 1u);
    EXPECT_EQ(latency(*s, core::step::ice).count(), 0u);
    EXPECT_EQ(latency(*s, core::step::dtls_handshake).count(), 0u);
    EXPECT_EQ(latency(*s, core::step::media_first_packet).count(), 0u);
    EXPECT_EQ(s->media_jitter.count(), 0u);
    EXPECT_EQ(s->media_rtt.count(), 0u);
    EXPECT_EQ(s->media_mos.count(), 0u);

    // ICE and DTLS done, no RTP yet: the two handshakes count, first packet does not.
    media::stream_stats half;
    half.ice = 5ms;
    half.dtls_handshake = 2ms;
    half.srtp_up = true;
    record_media(*s, half);
    EXPECT_EQ(s->media_streams, 1u);
    EXPECT_EQ(latency(*s, core::step::ice).count(), 1u);
    EXPECT_EQ(latency(*s, core::step::dtls_handshake).count(), 1u);
    EXPECT_EQ(latency(*s, core::step::media_first_packet).count(), 0u);
}

TEST(record_media, live_updates_add_growth_and_the_end_adds_the_rest) {
    auto s = std::make_unique<core::stats>();
    media_progress p;
    media::stream_stats m;
    record_media_live(*s, m, p);  // the stream started
    EXPECT_EQ(s->media_streams_active, 1);
    EXPECT_EQ(s->media_packets_sent, 0u);

    m.packets_sent = 50;
    m.packets_received = 48;
    m.packets_lost = 2;
    record_media_live(*s, m, p);
    EXPECT_EQ(s->media_packets_sent, 50u);
    EXPECT_EQ(s->media_packets_received, 48u);
    EXPECT_EQ(s->media_packets_lost, 2u);
    record_media_live(*s, m, p);  // nothing new: nothing added
    EXPECT_EQ(s->media_packets_sent, 50u);
    EXPECT_EQ(s->media_streams_active, 1);
    EXPECT_EQ(s->media_jitter.count(), 0u);  // distributions wait for the end

    media::stream_stats end = good_call();
    record_media(*s, end, p);
    EXPECT_EQ(s->media_packets_sent, 500u);
    EXPECT_EQ(s->media_packets_received, 490u);
    EXPECT_EQ(s->media_packets_lost, 10u);
    EXPECT_EQ(s->media_streams_active, 0);
    EXPECT_EQ(s->media_streams, 1u);
    EXPECT_EQ(s->media_jitter.count(), 1u);

    // Once ended, neither kind of update changes anything.
    end.packets_sent = 900;
    record_media(*s, end, p);
    record_media_live(*s, end, p);
    EXPECT_EQ(s->media_packets_sent, 500u);
    EXPECT_EQ(s->media_streams, 1u);
    EXPECT_EQ(s->media_streams_active, 0);
    EXPECT_EQ(s->media_jitter.count(), 1u);
    EXPECT_EQ(latency(*s, core::step::ice).count(), 1u);
}

TEST(record_media, lost_never_goes_back_and_negative_lost_counts_zero) {
    auto s = std::make_unique<core::stats>();
    media_progress p;
    media::stream_stats m;
    m.packets_received = 100;
    m.packets_lost = 5;
    record_media_live(*s, m, p);
    // Late packets arrived: A.3's cumulative lost fell to 3. The counter keeps 5.
    m.packets_received = 102;
    m.packets_lost = 3;
    record_media(*s, m, p);
    EXPECT_EQ(s->media_packets_lost, 5u);
    EXPECT_EQ(s->media_packets_received, 102u);

    // Duplicates make A.3's lost negative: no packet lost.
    media::stream_stats dup;
    dup.packets_received = 10;
    dup.packets_lost = -2;
    record_media(*s, dup);
    EXPECT_EQ(s->media_packets_lost, 5u);
    EXPECT_EQ(s->media_packets_received, 112u);
}

TEST(record_media, streams_of_many_calls_make_distributions_over_calls) {
    auto s = std::make_unique<core::stats>();
    for (int i = 1; i <= 100; ++i) {
        media::stream_stats m = good_call();
        m.jitter_seconds = 0.0001 * i;  // 0.1 ms … 10 ms
        m.mos = i <= 50 ? 4.0 : 3.0;
        record_media(*s, m);
    }
    EXPECT_EQ(s->media_streams, 100u);
    EXPECT_EQ(s->media_packets_sent, 50'000u);
    EXPECT_EQ(s->media_jitter.count(), 100u);
    // p99 by nearest rank is the 99th call's 9.9 ms, within the histogram's 1/128.
    EXPECT_NEAR(static_cast<double>(s->media_jitter.value_at_quantile(0.99).count()), 9.9e6,
                9.9e6 / 128);
    EXPECT_DOUBLE_EQ(s->media_mos.mean(), 3.5);
    EXPECT_EQ(latency(*s, core::step::ice).count(), 100u);
}
