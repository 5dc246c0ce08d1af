// Quality figures and the end of a call: loss and jitter from what arrives, RTT from the
// peer's reports over a 40 ms path, BYE on stop and silence after it, and a lost final
// DTLS flight recovered by the server's kept session.

#include <thread>

#include "tests/unit/stream/stream_harness.hpp"

namespace ringstorm::media::test {
namespace {

bool from_b_rtp(const call& c, const datagram& d) {
    return d.from == c.b_addr && classify(d.bytes) == kind::rtp;
}

TEST(StreamQuality, CleanPathHasNoLossNoJitterAndAGoodMos) {
    call c(phone(1), target(send_mode::tone, 2));
    c.start();
    c.net.run_for(5s);
    const stream_stats& a = c.a->stats();
    EXPECT_EQ(a.packets_lost, 0);
    EXPECT_EQ(a.loss_ratio, 0.0);
    EXPECT_EQ(a.jitter_seconds, 0.0);
    ASSERT_TRUE(a.mos);
    EXPECT_GT(*a.mos, 4.3);
}

TEST(StreamQuality, DroppedPacketsAreLossAndLowerTheMos) {
    call c(phone(1), target(send_mode::tone, 2));
    std::size_t n = 0;
    c.net.drop = [&](const datagram& d) { return from_b_rtp(c, d) && ++n % 10 == 5; };
    c.start();
    c.net.run_for(10s);
    const stream_stats& a = c.a->stats();
    ASSERT_GT(a.packets_received, 400U);
    const double expected_loss = 0.1;
    EXPECT_NEAR(a.loss_ratio, expected_loss, 0.01);
    EXPECT_NEAR(static_cast<double>(a.packets_lost), static_cast<double>(a.packets_received) / 9.0,
                2.0);
    ASSERT_TRUE(a.mos);
    EXPECT_LT(*a.mos, 4.0);
    EXPECT_GT(*a.mos, 2.5);
    // Loss is judged by RTCP too: the target's report of our stream says nothing was lost.
    EXPECT_EQ(c.b->stats().packets_lost, 0);
}

TEST(StreamQuality, VaryingDelayIsJitter) {
    call c(phone(1), target(send_mode::tone, 2));
    std::size_t n = 0;
    c.net.delay = [&](const datagram& d) -> core::duration {
        if (!from_b_rtp(c, d)) {
            return 10ms;
        }
        return 10ms + 5ms * static_cast<int>(n++ % 3);
    };
    c.start();
    c.net.run_for(5s);
    const stream_stats& a = c.a->stats();
    EXPECT_GT(a.jitter_seconds, 0.001);
    EXPECT_LT(a.jitter_seconds, 0.010);
    EXPECT_GE(a.jitter_seconds_max, a.jitter_seconds);
    EXPECT_EQ(c.b->stats().jitter_seconds, 0.0);  // the other direction had a fixed delay
}

TEST(StreamQuality, RoundTripTimeFromReportsOverA40msPath) {
    call c(phone(1), target(send_mode::tone, 2));
    c.net.delay = [](const datagram&) { return 40ms; };
    c.start();
    c.net.run_for(15s);
    ASSERT_TRUE(c.a->stats().rtt_seconds);
    ASSERT_TRUE(c.b->stats().rtt_seconds);
    EXPECT_NEAR(*c.a->stats().rtt_seconds, 0.080, 0.001);
    EXPECT_NEAR(*c.b->stats().rtt_seconds, 0.080, 0.001);
    EXPECT_GE(c.a->stats().rtcp_sent, 2U);
    EXPECT_GE(c.b->stats().rtcp_received, 2U);
}

TEST(StreamQuality, EchoTargetReportsRttToo) {
    side p = phone(1);
    p.peer_echoes = true;
    side t = target(send_mode::tone, 0);
    t.mode = send_mode::echo;
    call c(p, t);
    c.net.delay = [](const datagram&) { return 40ms; };
    c.start();
    c.net.run_for(15s);
    ASSERT_TRUE(c.a->stats().rtt_seconds);
    EXPECT_NEAR(*c.a->stats().rtt_seconds, 0.080, 0.001);
}

TEST(StreamQuality, StopSendsByeAndThenNothing) {
    call c(phone(1), target(send_mode::tone, 2));
    c.start();
    c.net.run_for(8s);
    std::size_t last_report = 0;
    for (const datagram& d : c.net.log) {
        if (d.from == c.a_addr && classify(d.bytes) == kind::rtcp) {
            last_report = d.bytes.size();
        }
    }
    ASSERT_GT(last_report, 0U);
    const auto rtcp_in = c.b->stats().rtcp_received;
    const auto stopped_at = c.net.now();
    c.a->stop(stopped_at, *c.a_port);
    c.a->stop(stopped_at, *c.a_port);  // twice is harmless
    c.net.run_for(3s);
    EXPECT_EQ(c.net.count(c.a_addr, kind::rtcp, stopped_at), 1U);
    EXPECT_EQ(c.net.count(c.a_addr, kind::rtp, stopped_at), 0U);
    EXPECT_EQ(c.net.count(c.a_addr, kind::stun, stopped_at), 0U);
    // The same SR and SDES as before plus a BYE for our one SSRC (RFC 3550 §6.6: 8 bytes).
    for (const datagram& d : c.net.log) {
        if (d.from == c.a_addr && d.sent >= stopped_at) {
            EXPECT_EQ(d.bytes.size(), last_report + 8);
        }
    }
    EXPECT_GE(c.b->stats().rtcp_received, rtcp_in + 1);  // it authenticated
    // The peer keeps sending; the stopped stream counts nothing more.
    const auto received = c.a->stats().packets_received;
    EXPECT_GT(c.net.count(c.b_addr, kind::rtp, stopped_at), 100U);
    EXPECT_EQ(c.a->stats().packets_received, received);
    EXPECT_TRUE(c.a->stats().mos.has_value());
}

TEST(StreamQuality, LostFinalDtlsFlightIsAnsweredAgain) {
    // OpenSSL times retransmissions on its own clock: fast contexts and real sleeps.
    dtls::context_options fast;
    fast.initial_retransmit = std::chrono::milliseconds(20);
    static worker wa(fast);
    static worker wb(fast);
    call c(phone(1), target(send_mode::tone, 2), 1, wa, wb);
    std::size_t server_dtls = 0;
    c.net.drop = [&](const datagram& d) {
        // The server's second flight is ChangeCipherSpec + Finished.
        return d.from == c.b_addr && classify(d.bytes) == kind::dtls && ++server_dtls == 2;
    };
    c.start();
    c.net.run_for(2s, [] {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        return false;
    });
    const stream_stats& a = c.a->stats();
    const stream_stats& b = c.b->stats();
    ASSERT_TRUE(a.srtp_up) << findings(a);
    ASSERT_TRUE(b.srtp_up) << findings(b);
    EXPECT_GE(server_dtls, 3U);  // the final flight went out again
    EXPECT_GT(a.packets_received, 20U);
    EXPECT_GT(b.packets_received, 20U);
    // The server's media before the client had keys was legitimate: not before_dtls.
    EXPECT_EQ(a.before_dtls, 0U);
    EXPECT_EQ(b.before_dtls, 0U);
    EXPECT_TRUE(a.findings.empty()) << findings(a);
}

}  // namespace
}  // namespace ringstorm::media::test
