// The Opus test signal: a clip encoded once per tone, decoded again at 48 kHz (libopus, as a
// browser would) and recognised by the tone detector among the whole tone grid; encoded
// silence heard as silence; distinct tones per call; RTP timestamps 960 apart (RFC 7587).
// The worker's 8 kHz decoding of the same clips: tests/unit/stream/tone_sampler_test.cpp.

#include <cstdint>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "media/rtp/opus_tone.hpp"
#include "media/rtp/tone_detector.hpp"
#include "tests/unit/rtp/decode_and_detect.hpp"

namespace ringstorm::rtp {
namespace {

using test::decode_and_detect;

TEST(OpusTone, FrequencyPerCallIsDistinctOnTheGrid) {
    std::set<double> seen;
    for (std::uint64_t n = 0; n < tone_grid_size; ++n) {
        const double f = frequency_for_call(n);
        EXPECT_GE(f, 300.0);
        EXPECT_LE(f, 3000.0);
        seen.insert(f);
        // Neighbouring calls are far apart, so a swapped stream is not mistaken for a near tone.
        EXPECT_GE(std::abs(frequency_for_call(n + 1) - f), 1000.0) << n;
    }
    EXPECT_EQ(seen.size(), tone_grid_size);
    EXPECT_EQ(frequency_for_call(0), frequency_for_call(tone_grid_size));
}

TEST(OpusTone, TimestampsAdvance960PerFrame) {
    EXPECT_EQ(opus_frame_timestamp(1000, 0), 1000u);
    EXPECT_EQ(opus_frame_timestamp(1000, 50), 1000u + 48000u);  // 1 s of 20 ms frames
    EXPECT_EQ(opus_frame_timestamp(0xFFFFFC40U, 1), 0u);        // wraps mod 2^32
}

TEST(OpusTone, ClipHasOneFramePer20msAndLoops) {
    auto clip = opus_tone_clip::encode({.frequency_hz = 1000, .frames = 50});
    ASSERT_TRUE(clip);
    EXPECT_EQ(clip->frame_count(), 50u);
    EXPECT_DOUBLE_EQ(clip->frequency_hz(), 1000.0);
    std::size_t total = 0;
    for (std::size_t i = 0; i < clip->frame_count(); ++i) {
        const auto f = clip->frame(i);
        EXPECT_GT(f.size(), 10u) << i;
        EXPECT_LE(f.size(), opus_max_frame_bytes) << i;
        total += f.size();
    }
    EXPECT_EQ(total, clip->encoded_bytes());
    // ~32 kbit/s for 1 s is ~4 KB; far below raw PCM's 96 KB.
    EXPECT_LT(clip->encoded_bytes(), 8000u);
    EXPECT_EQ(clip->frame(50).data(), clip->frame(0).data());
    EXPECT_EQ(clip->frame(73).data(), clip->frame(23).data());
}

TEST(OpusTone, EachClipDecodesToItsOwnGridTone) {
    for (std::uint64_t call : {0, 1, 7, 30}) {
        const double f = frequency_for_call(call);
        auto clip = opus_tone_clip::encode({.frequency_hz = f, .frames = 25});
        ASSERT_TRUE(clip);
        decode_and_detect d;
        for (std::size_t i = 0; i < 50; ++i) {  // two loops of the clip
            EXPECT_TRUE(d.feed(clip->frame(i))) << i;
        }
        const tone_verdict v = d.verdict();
        EXPECT_EQ(v.what, tone_verdict::kind::tone) << f;
        EXPECT_DOUBLE_EQ(v.frequency_hz, f);
        EXPECT_GT(v.tone_fraction, 0.8) << f;
        EXPECT_GT(v.level_dbfs, -15.0);  // amplitude 0.5 sine: about -9 dB
        EXPECT_EQ(v.samples, 50u * opus_frame_samples);
    }
}

TEST(OpusTone, SilenceFrameIsHeardAsSilence) {
    auto clip = opus_tone_clip::encode({.frequency_hz = 700, .frames = 5});
    ASSERT_TRUE(clip);
    EXPECT_FALSE(clip->silence_frame().empty());
    // Silence codes smaller than the tone (libopus 1.3 spends ~35 bytes on it without DTX).
    EXPECT_LT(clip->silence_frame().size(), clip->encoded_bytes() / clip->frame_count());
    decode_and_detect d;
    for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(d.feed(clip->silence_frame()));
    }
    EXPECT_EQ(d.verdict().what, tone_verdict::kind::silence);
}

TEST(OpusTone, BadInputsAreErrors) {
    EXPECT_FALSE(opus_tone_clip::encode({.frequency_hz = 0}));
    EXPECT_FALSE(opus_tone_clip::encode({.frequency_hz = 30000}));
    EXPECT_FALSE(opus_tone_clip::encode({.frequency_hz = 440, .frames = 0}));
}

}  // namespace
}  // namespace ringstorm::rtp
