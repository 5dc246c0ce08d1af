// Receive statistics per source (RFC 3550 A.1, A.3, A.8) and RTT from LSR/DLSR (§6.4.1):
// loss, reordering, duplicates, sequence wraparound, probation, restarts, and jitter against a
// series computed by hand.

#include <chrono>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "media/rtp/ntp_time.hpp"
#include "media/rtp/receive_stats.hpp"

namespace ringstorm::rtp {
namespace {

using namespace std::chrono_literals;
using verdict = receive_stats::verdict;

// Feeds sequence numbers sent every 20 ms (timestamps 960 apart) arriving on time.
void feed(receive_stats& s, const std::vector<std::uint16_t>& seqs, std::uint16_t first) {
    for (std::size_t i = 0; i < seqs.size(); ++i) {
        const auto offset = static_cast<std::uint16_t>(seqs[i] - first);
        s.on_packet(seqs[i], 960U * offset, std::chrono::milliseconds(20 * i));
    }
}

std::vector<std::uint16_t> range(std::uint16_t first, std::size_t count) {
    std::vector<std::uint16_t> out;
    for (std::size_t i = 0; i < count; ++i) {
        out.push_back(static_cast<std::uint16_t>(first + i));
    }
    return out;
}

TEST(ReceiveStats, InOrderStreamHasNoLossAfterProbation) {
    receive_stats s;
    EXPECT_EQ(s.on_packet(1000, 0, 0ms), verdict::probation);
    EXPECT_EQ(s.on_packet(1001, 960, 20ms), verdict::accepted);
    feed(s, range(1002, 98), 1000);
    // A.1: the first packet only opens probation; counting starts at the confirming one.
    EXPECT_EQ(s.expected(), 99);
    EXPECT_EQ(s.received(), 99u);
    EXPECT_EQ(s.cumulative_lost(), 0);
    EXPECT_EQ(s.extended_highest_sequence(), 1099u);
    EXPECT_EQ(s.packets_seen(), 100u);
    EXPECT_DOUBLE_EQ(s.loss_ratio(), 0.0);
}

TEST(ReceiveStats, LossCountsAndFractionPerInterval) {
    receive_stats s;
    std::vector<std::uint16_t> seqs;
    for (std::uint16_t q = 0; q < 100; ++q) {
        if (q != 10 && q != 11 && q != 12 && q != 50) {
            seqs.push_back(q);
        }
    }
    feed(s, seqs, 0);
    EXPECT_EQ(s.expected(), 99);
    EXPECT_EQ(s.cumulative_lost(), 4);
    EXPECT_NEAR(s.loss_ratio(), 4.0 / 99.0, 1e-12);
    EXPECT_DOUBLE_EQ(s.mean_loss_burst(), 2.0);  // runs of 3 and 1
    const report_block first = s.make_report_block(0x55, 2s);
    EXPECT_EQ(first.ssrc, 0x55u);
    EXPECT_EQ(first.cumulative_lost, 4);
    EXPECT_EQ(first.fraction_lost, 4 * 256 / 99);
    EXPECT_EQ(first.extended_highest_seq, 99u);
    EXPECT_EQ(first.lsr, 0u);  // no SR heard yet
    EXPECT_EQ(first.dlsr, 0u);
    // Next interval: 20 more packets, one lost: fraction is 1/20 of 256, cumulative 5.
    std::vector<std::uint16_t> more;
    for (std::uint16_t q = 100; q < 120; ++q) {
        if (q != 110) {
            more.push_back(q);
        }
    }
    for (auto q : more) {
        s.on_packet(q, 960U * q, std::chrono::milliseconds(20 * q));
    }
    const report_block second = s.make_report_block(0x55, 3s);
    EXPECT_EQ(second.cumulative_lost, 5);
    EXPECT_EQ(second.fraction_lost, 256 / 20);
}

TEST(ReceiveStats, ReorderedPacketsAreNotLoss) {
    receive_stats s;
    feed(s, {0, 1, 2, 4, 3, 5, 7, 6, 8}, 0);
    EXPECT_EQ(s.expected(), 8);
    EXPECT_EQ(s.cumulative_lost(), 0);
    EXPECT_EQ(s.duplicates(), 0u);
    EXPECT_DOUBLE_EQ(s.loss_ratio(), 0.0);
    EXPECT_EQ(s.extended_highest_sequence(), 8u);
}

TEST(ReceiveStats, DuplicatesAreCountedAsTheRfcSaysButDoNotHideLoss) {
    receive_stats s;
    feed(s, {0, 1, 2, 2, 3, 3, 3}, 0);
    EXPECT_EQ(s.duplicates(), 3u);
    // A.3: received includes duplicates, so cumulative lost goes negative.
    EXPECT_EQ(s.expected(), 3);
    EXPECT_EQ(s.received(), 6u);
    EXPECT_EQ(s.cumulative_lost(), -3);
    const report_block b = s.make_report_block(1, 1s);
    EXPECT_EQ(b.cumulative_lost, -3);
    EXPECT_EQ(b.fraction_lost, 0);  // negative interval loss reports 0
    // A duplicate next to a real loss: the loss ratio still shows the loss.
    receive_stats t;
    feed(t, {0, 1, 2, 2, 4}, 0);
    EXPECT_EQ(t.cumulative_lost(), 0);
    EXPECT_NEAR(t.loss_ratio(), 1.0 / 4.0, 1e-12);
    EXPECT_EQ(t.on_packet(4, 960 * 4, 200ms), verdict::duplicate);
}

TEST(ReceiveStats, SequenceWraparoundExtendsTheCounter) {
    receive_stats s;
    // 65530..65535 then 0..9, with 65533 arriving late (after 2).
    std::vector<std::uint16_t> seqs{65530, 65531, 65532, 65534, 65535, 0, 1, 2,
                                    65533, 3,     4,     5,     6,     7, 8, 9};
    std::size_t i = 0;
    for (auto q : seqs) {
        const std::uint32_t ts = 960U * static_cast<std::uint16_t>(q - 65530);
        const auto v = s.on_packet(q, ts, std::chrono::milliseconds(20 * i++));
        if (q == 65533) {
            EXPECT_EQ(v, verdict::accepted);  // late, from the previous cycle: not a duplicate
        }
    }
    EXPECT_EQ(s.extended_highest_sequence(), 65536u + 9);
    EXPECT_EQ(s.expected(), 15);
    EXPECT_EQ(s.cumulative_lost(), 0);
    EXPECT_EQ(s.duplicates(), 0u);
    EXPECT_EQ(s.make_report_block(1, 1s).extended_highest_seq, 0x00010009u);
}

TEST(ReceiveStats, ProbationNeedsConsecutivePackets) {
    receive_stats s;
    EXPECT_EQ(s.on_packet(10, 0, 0ms), verdict::probation);
    EXPECT_EQ(s.on_packet(20, 0, 20ms), verdict::probation);  // not 11: probation restarts
    EXPECT_EQ(s.expected(), 0);
    EXPECT_EQ(s.on_packet(21, 960, 40ms), verdict::accepted);
    EXPECT_EQ(s.expected(), 1);
    EXPECT_EQ(s.received(), 1u);
}

TEST(ReceiveStats, BigJumpTwiceRestartsTheSource) {
    receive_stats s;
    feed(s, range(100, 11), 100);
    EXPECT_EQ(s.expected(), 10);
    // A jump of more than MAX_DROPOUT (3000) is ignored once...
    EXPECT_EQ(s.on_packet(9000, 0, 1s), verdict::bad_jump);
    EXPECT_EQ(s.expected(), 10);
    // ...and taken as a restart when the next packet follows it.
    EXPECT_EQ(s.on_packet(9001, 960, 1020ms), verdict::accepted);
    EXPECT_EQ(s.expected(), 1);
    EXPECT_EQ(s.extended_highest_sequence(), 9001u);
    // The restarted stream then counts from its new base.
    EXPECT_EQ(s.on_packet(9002, 1920, 1040ms), verdict::accepted);
    EXPECT_EQ(s.cumulative_lost(), 0);
}

TEST(ReceiveStats, JitterMatchesAHandComputedSeries) {
    receive_stats s(48000);
    // Sent every 20 ms (960 ticks at 48 kHz); arrivals 0, 20, 40, 65, 80, 100 ms. The first two
    // packets confirm the source; differences start at the third.
    const std::vector<std::int64_t> arrival_ms{0, 20, 40, 65, 80, 100};
    for (std::size_t i = 0; i < arrival_ms.size(); ++i) {
        s.on_packet(static_cast<std::uint16_t>(500 + i), 1000 + 960 * static_cast<std::uint32_t>(i),
                    std::chrono::milliseconds(arrival_ms[i]));
    }
    // D (ticks): 40-20 ms -> 0; 65-40 = 25 ms -> 1200-960 = 240; 80-65 = 15 ms -> |720-960| = 240;
    // 100-80 -> 0.  J: 0 -> 0; 0 + (240-0)/16 = 15; 15 + (240-15)/16 = 29.0625;
    // 29.0625 + (0-29.0625)/16 = 27.24609375.
    EXPECT_EQ(s.jitter_units(), 27u);
    EXPECT_NEAR(s.jitter_seconds(), 27.24609375 / 48000.0, 1e-12);
}

TEST(ReceiveStats, JitterSurvivesTimestampWrap) {
    receive_stats s(48000);
    const std::uint32_t start = 0xFFFFFFFFU - 960 * 2;
    for (std::uint32_t i = 0; i < 10; ++i) {
        s.on_packet(static_cast<std::uint16_t>(i), start + 960 * i,
                    std::chrono::milliseconds(20 * i));
    }
    EXPECT_EQ(s.jitter_units(), 0u);
}

TEST(ReceiveStats, ReportCarriesLsrAndDelaySinceIt) {
    receive_stats s;
    feed(s, range(0, 5), 0);
    const std::uint64_t sr_ntp = 0x0000ABCD'12340000ULL;
    s.on_sender_report(sr_ntp, 1s);
    const report_block b = s.make_report_block(7, 1500ms);
    EXPECT_EQ(b.lsr, 0xABCD1234u);
    EXPECT_EQ(b.dlsr, 32768u);  // 0.5 s in 1/65536 s
}

TEST(Rtt, Rfc3550Example) {
    // RFC 3550 §6.4.1 figure: A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 0x0005:4000 -> 6.125 s.
    auto rtt = round_trip_time(0xB7108000, 0xB7052000, 0x00054000);
    ASSERT_TRUE(rtt);
    EXPECT_EQ(*rtt, 6125ms);
    EXPECT_FALSE(round_trip_time(0xB7108000, 0, 0x00054000));           // no SR seen
    EXPECT_FALSE(round_trip_time(0xB7050000, 0xB7052000, 0x00054000));  // negative
}

TEST(Rtt, NtpConversions) {
    EXPECT_EQ(ntp_from_unix(0ns), 0x83AA7E80ULL << 32);
    EXPECT_EQ(ntp_from_unix(1500ms), ((0x83AA7E80ULL + 1) << 32) | 0x80000000ULL);
    EXPECT_EQ(ntp_middle32(ntp_from_unix(1500ms)),
              ((0x83AA7E80U + 1) << 16 | 0x8000U) & 0xFFFFFFFFU);
    EXPECT_EQ(to_ntp_short(250ms), 16384u);
    EXPECT_EQ(to_ntp_short(-5ms), 0u);
    EXPECT_EQ(to_ntp_short(std::chrono::hours(24)), 0xFFFFFFFFu);
    EXPECT_EQ(from_ntp_short(16384), 250ms);
}

TEST(Rtt, SenderComputesRoundTripFromAReceiversBlock) {
    // We send an SR at wallclock T; it takes 40 ms to arrive; the peer holds it 250 ms before
    // reporting; its RR takes 40 ms back. RTT must come out as 80 ms (to 1/65536 s).
    const auto t0 = std::chrono::nanoseconds(1'700'000'000'000'000'000LL);
    const std::uint64_t sr_ntp = ntp_from_unix(t0);
    receive_stats peer;
    feed(peer, range(0, 3), 0);
    peer.on_sender_report(sr_ntp, 10s + 40ms);  // the peer's own monotonic clock
    const report_block b = peer.make_report_block(1, 10s + 40ms + 250ms);
    const std::uint32_t arrival = ntp_middle32(ntp_from_unix(t0 + 40ms + 250ms + 40ms));
    auto rtt = round_trip_time(arrival, b.lsr, b.dlsr);
    ASSERT_TRUE(rtt);
    const double rtt_ms = std::chrono::duration<double, std::milli>(*rtt).count();
    EXPECT_NEAR(rtt_ms, 80.0, 0.1);
}

}  // namespace
}  // namespace ringstorm::rtp
