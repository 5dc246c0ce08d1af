// The Opus test signal: a clip encoded once per tone, decoded again and recognised by the tone
// detector among the whole tone grid; encoded silence heard as silence; distinct tones per call;
// RTP timestamps 960 apart (RFC 7587).

#include <cstdint>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "media/rtp/opus_tone.hpp"
#include "media/rtp/tone_detector.hpp"

namespace ringstorm::rtp {
namespace {

std::vector<double> tone_grid() {
    std::vector<double> grid;
    for (std::uint64_t k = 0; k < tone_grid_size; ++k) {
        grid.push_back(tone_grid_low_hz + tone_grid_step_hz * static_cast<double>(k));
    }
    return grid;
}

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

TEST(OpusTone, DetectorNamesTheToneOfEachClip) {
    const auto grid = tone_grid();
    for (std::uint64_t call : {0, 1, 7, 30}) {
        const double f = frequency_for_call(call);
        auto clip = opus_tone_clip::encode({.frequency_hz = f, .frames = 25});
        ASSERT_TRUE(clip);
        auto detector = tone_detector::create(grid);
        ASSERT_TRUE(detector);
        for (std::size_t i = 0; i < 50; ++i) {  // two loops of the clip
            auto n = detector->feed(clip->frame(i));
            ASSERT_TRUE(n);
            EXPECT_EQ(*n, static_cast<std::size_t>(opus_frame_samples));
        }
        const tone_verdict v = detector->verdict();
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
    auto detector = tone_detector::create(tone_grid());
    ASSERT_TRUE(detector);
    for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(detector->feed(clip->silence_frame()));
    }
    EXPECT_EQ(detector->verdict().what, tone_verdict::kind::silence);
}

TEST(OpusTone, ToneOutsideTheCandidatesIsUnclearAndResetForgets) {
    const std::vector<double> candidates{500, 1500};
    auto detector = tone_detector::create(candidates);
    ASSERT_TRUE(detector);
    EXPECT_EQ(detector->verdict().what, tone_verdict::kind::nothing);
    // Audible, but at 1025 Hz: neither candidate holds the energy (another call's tone).
    auto other = opus_tone_clip::encode({.frequency_hz = 1025, .frames = 10});
    ASSERT_TRUE(other);
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(detector->feed(other->frame(i)));
    }
    EXPECT_EQ(detector->verdict().what, tone_verdict::kind::unclear);
    EXPECT_LT(detector->verdict().tone_fraction, 0.1);
    detector->reset();
    EXPECT_EQ(detector->verdict().what, tone_verdict::kind::nothing);
    auto ours = opus_tone_clip::encode({.frequency_hz = 1500, .frames = 10});
    ASSERT_TRUE(ours);
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(detector->feed(ours->frame(i)));
    }
    EXPECT_DOUBLE_EQ(detector->verdict().frequency_hz, 1500.0);
    EXPECT_EQ(detector->verdict().what, tone_verdict::kind::tone);
}

TEST(OpusTone, BadInputsAreErrors) {
    EXPECT_FALSE(opus_tone_clip::encode({.frequency_hz = 0}));
    EXPECT_FALSE(opus_tone_clip::encode({.frequency_hz = 30000}));
    EXPECT_FALSE(opus_tone_clip::encode({.frequency_hz = 440, .frames = 0}));
    auto detector = tone_detector::create(tone_grid());
    ASSERT_TRUE(detector);
    // A TOC byte announcing a code-3 packet with no frame count byte is invalid.
    const std::vector<std::uint8_t> garbage{0x03};
    auto r = detector->feed(garbage);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::opus_error);
}

}  // namespace
}  // namespace ringstorm::rtp
