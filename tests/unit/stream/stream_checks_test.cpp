// The media checks over the in-memory network: mute heard as silence through an echo,
// a "mute" that is not silent, hold direction, media before DTLS, forged SRTP, no media,
// and an ICE peer that never answers.

#include "tests/unit/stream/stream_harness.hpp"

namespace ringstorm::media::test {
namespace {

// The phone's tone replayed or encoded live: muted, both send silence through the encoder.
class StreamChecksSource : public ::testing::TestWithParam<opus_source> {};

TEST_P(StreamChecksSource, MuteThroughAnEchoIsHeardAsSilence) {
    side p = phone(5);
    p.opus = GetParam();
    p.peer_echoes = true;
    call c(p, target(send_mode::echo));
    c.start();
    c.net.run_for(3s);
    ASSERT_EQ(c.a->stats().last_heard, heard::expected_tone);
    c.a->set_muted(true, c.net.now());
    c.net.run_for(5s);
    EXPECT_EQ(c.a->stats().last_heard, heard::silence);
    c.a->set_muted(false, c.net.now());
    c.net.run_for(4s);
    EXPECT_EQ(c.a->stats().last_heard, heard::expected_tone);
    EXPECT_TRUE(c.a->stats().findings.empty()) << findings(c.a->stats());
}

INSTANTIATE_TEST_SUITE_P(ReplayAndLive, StreamChecksSource,
                         ::testing::Values(opus_source::replay, opus_source::live),
                         [](const auto& info) {
                             return info.param == opus_source::live ? "Live" : "Replay";
                         });

TEST(StreamChecks, MuteEchoedAsToneIsMuteNotSilent) {
    // A fake echo: the far end keeps sending our own tone whatever we send it.
    side p = phone(5);
    p.peer_echoes = true;
    call c(p, target(send_mode::tone, 5));
    c.start();
    c.net.run_for(3s);
    c.a->set_muted(true, c.net.now());
    c.net.run_for(1s);
    // Within the grace (1 s + RTT) what comes back is still the tone sent before muting.
    EXPECT_FALSE(has(c.a->stats(), media_rule::mute_not_silent));
    c.net.run_for(4s);
    EXPECT_EQ(c.a->stats().last_heard, heard::expected_tone);
    EXPECT_TRUE(has(c.a->stats(), media_rule::mute_not_silent)) << findings(c.a->stats());
    EXPECT_GE(count_of(c.a->stats(), media_rule::mute_not_silent), 2U);
}

TEST(StreamChecks, HeldStreamStillReceivingIsHoldDirection) {
    call c(phone(1), target(send_mode::tone, 2));
    c.start();
    c.net.run_for(2s);
    c.a->set_flow(flow{true, false}, c.net.now());  // we are sendonly: nothing may come to us
    c.net.run_for(150ms);
    EXPECT_FALSE(has(c.a->stats(), media_rule::hold_direction));  // within the grace
    c.net.run_for(2s);
    EXPECT_TRUE(has(c.a->stats(), media_rule::hold_direction));
    EXPECT_GT(count_of(c.a->stats(), media_rule::hold_direction), 50U);
    EXPECT_FALSE(has(c.a->stats(), media_rule::no_media));
}

TEST(StreamChecks, PeerThatStopsSendingOnHoldIsFine) {
    call c(phone(1), target(send_mode::tone, 2));
    c.start();
    c.net.run_for(2s);
    c.a->set_flow(flow{true, false}, c.net.now());
    c.b->set_flow(flow{false, true}, c.net.now());  // the peer follows the re-offer
    c.net.run_for(4s);
    EXPECT_FALSE(has(c.a->stats(), media_rule::hold_direction)) << findings(c.a->stats());
    EXPECT_FALSE(has(c.a->stats(), media_rule::no_media));  // not expected while held
    EXPECT_TRUE(c.b->stats().findings.empty()) << findings(c.b->stats());
    // Resumed: media flows again and nothing is flagged.
    const auto received = c.a->stats().packets_received;
    c.a->set_flow(flow{true, true}, c.net.now());
    c.b->set_flow(flow{true, true}, c.net.now());
    c.net.run_for(2s);
    EXPECT_GT(c.a->stats().packets_received, received + 80);
    EXPECT_TRUE(c.a->stats().findings.empty()) << findings(c.a->stats());
}

TEST(StreamChecks, PlainRtpBeforeDtlsIsCounted) {
    call c(phone(1), target(send_mode::echo));
    c.start();
    // Plain RTP from the target's address right away, before any key exists.
    std::vector<std::uint8_t> rtp{0x80, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 1, 2, 3, 4};
    c.net.post(c.b_addr, c.a_addr, rtp);
    c.net.post(c.b_addr, c.a_addr, rtp);
    c.net.run_for(3s);
    EXPECT_TRUE(c.a->stats().srtp_up);
    EXPECT_EQ(c.a->stats().before_dtls, 2U);
    EXPECT_EQ(count_of(c.a->stats(), media_rule::before_dtls), 2U);
    EXPECT_EQ(c.b->stats().before_dtls, 0U);
}

TEST(StreamChecks, ForgedSrtpCountsAuthFailuresReportedAtStop) {
    call c(phone(1), target(send_mode::echo));
    c.start();
    c.net.run_for(2s);
    ASSERT_TRUE(c.a->stats().srtp_up);
    std::vector<std::uint8_t> forged(12 + 40 + 16, 0x5A);
    forged[0] = 0x80;
    forged[1] = 111;
    for (int i = 0; i < 3; ++i) {
        forged[3] = static_cast<std::uint8_t>(i);
        c.net.post(c.b_addr, c.a_addr, forged);
    }
    c.net.run_for(1s);
    EXPECT_EQ(c.a->stats().srtp_auth_failures, 3U);
    EXPECT_FALSE(has(c.a->stats(), media_rule::srtp_auth));  // judged at the end of the call
    c.a->stop(c.net.now(), *c.a_port);
    EXPECT_EQ(count_of(c.a->stats(), media_rule::srtp_auth), 3U);
    EXPECT_GT(c.a->stats().packets_received, 40U);  // the real stream was not disturbed
}

TEST(StreamChecks, SilentPeerIsNoMedia) {
    call c(phone(1), target(send_mode::none));
    c.start();
    c.net.run_for(1500ms);
    ASSERT_TRUE(c.a->stats().srtp_up);
    EXPECT_FALSE(has(c.a->stats(), media_rule::no_media));
    c.net.run_for(2s);  // media_timeout is 2 s in the harness
    EXPECT_TRUE(has(c.a->stats(), media_rule::no_media));
    EXPECT_EQ(count_of(c.a->stats(), media_rule::no_media), 1U);  // one gap, counted once
    // The silent side still answers ICE and RTCP and expects our media: it has it.
    EXPECT_GT(c.b->stats().packets_received, 100U);
    EXPECT_FALSE(has(c.b->stats(), media_rule::no_media));
    EXPECT_EQ(c.b->stats().packets_sent, 0U);
}

TEST(StreamChecks, UnansweredIceFailsAfterTheTimeout) {
    network net;
    const auto a_addr = addr("10.0.0.1", 40000);
    auto a = make_stream(make_config(phone(1), "loneufrag", a_addr, 9), worker_a());
    auto& port = net.attach(*a, a_addr);
    remote_media r;
    r.ufrag = "nobody";
    r.pwd = "nobody-password-0123456789";
    sdp::candidate cand;
    cand.foundation = "1";
    cand.priority = 100;
    cand.address = "10.9.9.9";
    cand.port = 9999;
    r.candidates.push_back(cand);
    r.fingerprint = worker_b().shared.local_fingerprint;
    a->start(r, net.now());
    net.run_for(4900ms);
    EXPECT_FALSE(has(a->stats(), media_rule::ice_failed));
    net.run_for(200ms);
    EXPECT_TRUE(has(a->stats(), media_rule::ice_failed));
    EXPECT_FALSE(a->stats().ice.has_value());
    const auto sent = net.log.size();
    net.run_for(2s);
    EXPECT_EQ(net.log.size(), sent);  // nothing more after giving up
    a->stop(net.now(), port);
    EXPECT_EQ(net.log.size(), sent);
}

}  // namespace
}  // namespace ringstorm::media::test
