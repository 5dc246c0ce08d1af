// Streams that encode their tone live (opus_source::live) over the in-memory network: a
// mute is heard as silence by the far end, another call's tone is still caught as wrong
// audio, the RTP sequence and timestamps are exactly what replay sends, and a bad
// complexity is refused at create. (Live against live and against replay, and a mute
// through an echo, run in stream_pair_test and stream_checks_test for both sources.)

#include "media/rtp/rtp_header.hpp"
#include "tests/unit/stream/stream_harness.hpp"

namespace ringstorm::media::test {
namespace {

side live_phone(std::uint64_t tone) {
    side s = phone(tone);
    s.opus = opus_source::live;
    return s;
}

TEST(StreamLiveOpus, FarEndHearsTheMuteAsSilenceAndTheUnmuteAsTheTone) {
    side t = target(send_mode::tone, 30);  // expects any grid tone; silence is not judged
    call c(live_phone(4), t);
    c.start();
    c.net.run_for(3s);
    ASSERT_EQ(c.b->stats().last_heard, heard::expected_tone) << findings(c.b->stats());
    const auto sent = c.a->stats().packets_sent;
    c.a->set_muted(true, c.net.now());
    c.net.run_for(4s);
    EXPECT_EQ(c.b->stats().last_heard, heard::silence);
    // A muted track keeps sending its 50 frames a second.
    EXPECT_GE(c.a->stats().packets_sent, sent + 195);
    c.a->set_muted(false, c.net.now());
    c.net.run_for(3s);
    EXPECT_EQ(c.b->stats().last_heard, heard::expected_tone);
    EXPECT_TRUE(c.b->stats().findings.empty()) << findings(c.b->stats());
}

TEST(StreamLiveOpus, AnotherCallsLiveToneIsWrongAudio) {
    side p = live_phone(3);
    p.expected_tone = 11;
    side t = target(send_mode::tone, 12);  // cross-talk: not the tone the phone expects
    t.opus = opus_source::live;
    call c(p, t);
    c.start();
    c.net.run_for(5s);
    EXPECT_EQ(c.a->stats().last_heard, heard::other_tone);
    EXPECT_TRUE(has(c.a->stats(), media_rule::wrong_audio)) << findings(c.a->stats());
}

// The RTP headers `from` sent, in order (SRTP leaves the header in the clear).
std::vector<rtp::rtp_header> headers_sent(const network& net, const transport_address& from) {
    std::vector<rtp::rtp_header> out;
    for (const datagram& d : net.log) {
        if (d.from == from && classify(d.bytes) == kind::rtp) {
            auto p = rtp::parse_rtp(d.bytes);
            EXPECT_TRUE(p);
            if (p) {
                out.push_back(p->header);
            }
        }
    }
    return out;
}

// Plays one scripted call (mute, unmute, hold, resume) and returns the phone's headers.
std::vector<rtp::rtp_header> scripted_headers(opus_source source) {
    side p = live_phone(6);
    p.opus = source;
    call c(p, target(send_mode::echo));
    c.start();
    c.net.run_for(2s);
    c.a->set_muted(true, c.net.now());
    c.net.run_for(1s);
    c.a->set_muted(false, c.net.now());
    c.net.run_for(1s);
    c.a->set_flow(flow{false, true}, c.net.now());
    c.net.run_for(500ms);
    c.a->set_flow(flow{true, true}, c.net.now());
    c.net.run_for(1s);
    return headers_sent(c.net, c.a_addr);
}

TEST(StreamLiveOpus, SequenceTimestampsAndMarkersAreReplays) {
    const auto replay = scripted_headers(opus_source::replay);
    const auto live = scripted_headers(opus_source::live);
    ASSERT_GT(replay.size(), 200U);
    ASSERT_EQ(live.size(), replay.size());
    std::size_t markers = 0;
    for (std::size_t i = 0; i < live.size(); ++i) {
        EXPECT_EQ(live[i].sequence, replay[i].sequence) << i;
        EXPECT_EQ(live[i].timestamp, replay[i].timestamp) << i;
        EXPECT_EQ(live[i].marker, replay[i].marker) << i;
        EXPECT_EQ(live[i].ssrc, replay[i].ssrc) << i;
        EXPECT_EQ(live[i].payload_type, replay[i].payload_type) << i;
        markers += live[i].marker ? 1 : 0;
        if (i > 0) {
            EXPECT_EQ(static_cast<std::uint16_t>(live[i].sequence - live[i - 1].sequence), 1U);
            // RFC 7587 §4.1: 960 per 20 ms frame; 25 frames unsent over the 500 ms hold.
            const std::uint32_t step = live[i].timestamp - live[i - 1].timestamp;
            EXPECT_TRUE(step == 960U || (live[i].marker && step == 26U * 960U)) << i << " " << step;
        }
    }
    EXPECT_EQ(markers, 2U);  // the first packet and the one after the hold
}

TEST(StreamLiveOpus, CreateRefusesAComplexityOutsideLibopusRange) {
    for (int complexity : {-1, 11}) {
        stream_config cfg = make_config(live_phone(1), "liveufrag", addr("10.0.0.1", 40000), 3);
        cfg.opus_complexity = complexity;
        std::string error;
        EXPECT_EQ(stream::create(cfg, worker_a().shared, error), nullptr);
        EXPECT_NE(error.find("complexity " + std::to_string(complexity)), std::string::npos)
            << error;
        EXPECT_NE(error.find("0..10"), std::string::npos) << error;
    }
    // Replay ignores the complexity; live needs no worker clips.
    stream_config replay =
        make_config(target(send_mode::tone), "replayufrag", addr("10.0.0.2", 40000), 4);
    replay.opus_complexity = 42;
    std::string error;
    EXPECT_NE(stream::create(replay, worker_a().shared, error), nullptr) << error;
    stream_shared no_clips = worker_a().shared;
    no_clips.tones = nullptr;
    EXPECT_NE(stream::create(make_config(live_phone(2), "liveufrag2", addr("10.0.0.3", 40000), 5),
                             no_clips, error),
              nullptr)
        << error;
    EXPECT_EQ(stream::create(replay, no_clips, error), nullptr);
    EXPECT_NE(error.find("tones"), std::string::npos) << error;
}

}  // namespace
}  // namespace ringstorm::media::test
