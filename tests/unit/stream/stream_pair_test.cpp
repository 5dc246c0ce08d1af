// Two streams over the in-memory network: a phone-like full controlling DTLS client with
// its tone against a lite DTLS server that echoes or sends its own tone, and two full
// agents as caller and callee. What a user relies on: ICE, DTLS and SRTP come up, media
// flows both ways, the tone checks hear the right thing, and a wrong fingerprint fails.

#include "tests/unit/stream/stream_harness.hpp"

namespace ringstorm::media::test {
namespace {

TEST(StreamPair, PhoneAgainstEchoTargetHearsItsOwnTone) {
    side p = phone(7);
    p.peer_echoes = true;
    call c(p, target(send_mode::echo));
    c.start();
    c.net.run_for(5s);
    const stream_stats& a = c.a->stats();
    const stream_stats& b = c.b->stats();
    ASSERT_TRUE(a.srtp_up) << findings(a);
    ASSERT_TRUE(b.srtp_up) << findings(b);
    ASSERT_TRUE(a.ice && b.ice);
    EXPECT_LT(*a.ice, 500ms);
    ASSERT_TRUE(a.dtls_handshake && b.dtls_handshake);
    EXPECT_LE(*a.dtls_handshake, 100ms);  // two round trips of 10 ms plus tick waits
    ASSERT_TRUE(a.first_packet);
    // From start(): ICE, the handshake, then one tick, the trip there and the echo back.
    EXPECT_GT(*a.first_packet, *a.ice + *a.dtls_handshake);
    EXPECT_LE(*a.first_packet, *a.ice + *a.dtls_handshake + 100ms);
    // ≈ 50 packets/s from SRTP up; the echo gives back one per packet.
    EXPECT_GT(a.packets_sent, 200U);
    // At most one packet in flight each way (10 ms latency, 20 ms ticks).
    EXPECT_LE(a.packets_sent - b.packets_received, 1U);
    EXPECT_EQ(b.packets_sent, b.packets_received);  // every packet in is echoed at once
    EXPECT_LE(b.packets_sent - a.packets_received, 1U);
    EXPECT_EQ(a.packets_lost, 0);
    EXPECT_EQ(a.last_heard, heard::expected_tone);
    EXPECT_TRUE(a.findings.empty()) << findings(a);
    EXPECT_TRUE(b.findings.empty()) << findings(b);
    EXPECT_EQ(a.before_dtls, 0U);
    EXPECT_EQ(b.before_dtls, 0U);
    EXPECT_EQ(a.srtp_auth_failures + b.srtp_auth_failures, 0U);
    ASSERT_TRUE(a.mos);
    EXPECT_GT(*a.mos, 4.0);
    // Only SRTP/SRTCP once DTLS is done: no plain RTP on the wire.
    EXPECT_GT(c.net.count(c.b_addr, kind::rtp), 200U);
}

// Each side's tone replayed or encoded live (media.encode): the far end's detector must
// not care which; live at complexity 0 here, the cheapest encoder still heard right.
struct opus_sources {
    opus_source phone;
    opus_source target;
};

class StreamPairSources : public ::testing::TestWithParam<opus_sources> {};

TEST_P(StreamPairSources, PhoneAgainstToneTargetHearsTheTargetsTone) {
    side p = phone(3);
    p.opus = GetParam().phone;
    p.expected_tone = 11;
    side t = target(send_mode::tone, 11);
    t.opus = GetParam().target;
    t.opus_complexity = 0;
    t.expected_tone = 3;
    call c(p, t);
    c.start();
    c.net.run_for(5s);
    const stream_stats& a = c.a->stats();
    const stream_stats& b = c.b->stats();
    ASSERT_TRUE(a.srtp_up && b.srtp_up) << findings(a) << findings(b);
    EXPECT_EQ(a.last_heard, heard::expected_tone);
    EXPECT_EQ(b.last_heard, heard::expected_tone);
    EXPECT_GT(a.packets_sent, 200U);
    EXPECT_GT(a.packets_received, 200U);
    EXPECT_GT(b.packets_received, 200U);
    EXPECT_TRUE(a.findings.empty()) << findings(a);
    EXPECT_TRUE(b.findings.empty()) << findings(b);
}

INSTANTIATE_TEST_SUITE_P(
    ReplayAndLive, StreamPairSources,
    ::testing::Values(opus_sources{opus_source::replay, opus_source::replay},
                      opus_sources{opus_source::live, opus_source::live},
                      opus_sources{opus_source::live, opus_source::replay},
                      opus_sources{opus_source::replay, opus_source::live}),
    [](const auto& info) {
        const auto name = [](opus_source o) { return o == opus_source::live ? "Live" : "Replay"; };
        return std::string(name(info.param.phone)) + "Phone" + name(info.param.target) + "Target";
    });

TEST(StreamPair, AnotherCallsToneIsWrongAudio) {
    side p = phone(3);
    p.expected_tone = 12;  // the target really sends tone 11: cross-talk
    call c(p, target(send_mode::tone, 11));
    c.start();
    c.net.run_for(6s);
    EXPECT_GT(c.a->stats().packets_received, 200U);
    EXPECT_EQ(c.a->stats().last_heard, heard::other_tone);
    EXPECT_TRUE(has(c.a->stats(), media_rule::wrong_audio)) << findings(c.a->stats());
    EXPECT_FALSE(has(c.a->stats(), media_rule::one_way_audio));
}

TEST(StreamPair, SilenceWhereAToneIsExpectedIsOneWayAudio) {
    side p = phone(3);
    p.expected_tone = 11;
    call c(p, target(send_mode::tone, 11));
    c.b->set_muted(true, c.net.now());  // the far end sends encoded silence
    c.start();
    c.net.run_for(6s);
    EXPECT_EQ(c.a->stats().last_heard, heard::silence);
    EXPECT_TRUE(has(c.a->stats(), media_rule::one_way_audio)) << findings(c.a->stats());
    EXPECT_FALSE(has(c.a->stats(), media_rule::no_media));  // packets do arrive
}

TEST(StreamPair, FullAgentsAsCallerAndCallee) {
    // The caller offered actpass and the callee answered active: the callee is the client.
    side caller;
    caller.ice = ice_mode::controlling;
    caller.dtls = dtls_side::server;
    caller.tone = 1;
    caller.expected_tone = 2;
    side callee;
    callee.ice = ice_mode::controlled;
    callee.dtls = dtls_side::client;
    callee.tone = 2;
    callee.expected_tone = 1;
    call c(caller, callee);
    c.start();
    c.net.run_for(5s);
    const stream_stats& a = c.a->stats();
    const stream_stats& b = c.b->stats();
    ASSERT_TRUE(a.srtp_up && b.srtp_up) << findings(a) << findings(b);
    EXPECT_GT(a.packets_received, 150U);
    EXPECT_GT(b.packets_received, 150U);
    EXPECT_EQ(a.last_heard, heard::expected_tone);
    EXPECT_EQ(b.last_heard, heard::expected_tone);
    EXPECT_TRUE(a.findings.empty()) << findings(a);
    EXPECT_TRUE(b.findings.empty()) << findings(b);
}

TEST(StreamPair, WrongFingerprintFailsDtlsAndSendsNoMedia) {
    call c(phone(1), target(send_mode::echo));
    remote_media to_target = describe(*c.b, true, worker_b(), dtls_side::client);
    to_target.fingerprint = worker_a().shared.local_fingerprint;  // not the target's
    c.b->start(describe(*c.a, false, worker_a(), dtls_side::server), c.net.now());
    c.a->start(to_target, c.net.now());
    c.net.run_for(3s);
    EXPECT_TRUE(has(c.a->stats(), media_rule::dtls_failed)) << findings(c.a->stats());
    EXPECT_FALSE(c.a->stats().srtp_up);
    EXPECT_FALSE(c.b->stats().srtp_up);
    EXPECT_TRUE(c.a->stats().ice.has_value());  // ICE itself worked
    EXPECT_EQ(c.net.count(c.a_addr, kind::rtp), 0U);
    EXPECT_EQ(c.net.count(c.b_addr, kind::rtp), 0U);
}

TEST(StreamPair, UnparsableFingerprintIsDtlsFailedAtOnce) {
    call c(phone(1), target(send_mode::echo));
    remote_media r = describe(*c.b, true, worker_b(), dtls_side::client);
    r.fingerprint = "sha-256 zz";
    c.a->start(r, c.net.now());
    EXPECT_TRUE(has(c.a->stats(), media_rule::dtls_failed));
}

}  // namespace
}  // namespace ringstorm::media::test
