// The worker's sampled tone detection: every grid tone is told apart at 8 kHz from a
// window of consecutive frames, encoded silence is silence, another call's tone is not ours,
// undecodable packets are nothing, the options reach the verdict, and the budget holds.

#include <gtest/gtest.h>

#include <array>

#include "media/rtp/opus_tone.hpp"
#include "media/stream/tone_sampler.hpp"

namespace ringstorm::media {
namespace {

using namespace std::chrono_literals;

rtp::tone_verdict analyse_clip(tone_sampler& s, const rtp::opus_tone_clip& clip,
                               std::uint64_t first, bool silence = false) {
    std::array<std::span<const std::uint8_t>, tone_sampler::window_frames> frames;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        frames[i] = silence ? clip.silence_frame() : clip.frame(first + i);
    }
    return s.analyse(frames);
}

TEST(ToneSampler, EveryGridToneIsRecognisedFromAnyWindow) {
    auto s = tone_sampler::create();
    ASSERT_TRUE(s);
    for (std::uint64_t k = 0; k < rtp::tone_grid_size; ++k) {
        rtp::tone_clip_options o;
        o.frequency_hz = rtp::tone_grid_low_hz + rtp::tone_grid_step_hz * static_cast<double>(k);
        auto clip = rtp::opus_tone_clip::encode(o);
        ASSERT_TRUE(clip.has_value());
        // Windows from the clip's start, middle and across its loop point.
        for (std::uint64_t first : {0U, 23U, 47U}) {
            const rtp::tone_verdict v = analyse_clip(*s, *clip, first);
            EXPECT_EQ(v.what, rtp::tone_verdict::kind::tone) << o.frequency_hz << " @" << first;
            EXPECT_EQ(v.frequency_hz, o.frequency_hz) << "@" << first;
            EXPECT_GT(v.tone_fraction, 0.7) << o.frequency_hz << " @" << first;
            EXPECT_EQ(v.samples, (tone_sampler::window_frames - 1) * tone_sampler::frame_samples);
        }
    }
}

TEST(ToneSampler, EncodedSilenceIsSilenceAndGarbageIsNothing) {
    auto s = tone_sampler::create();
    rtp::tone_clip_options o;
    auto clip = rtp::opus_tone_clip::encode(o);
    ASSERT_TRUE(clip.has_value());
    EXPECT_EQ(analyse_clip(*s, *clip, 0, true).what, rtp::tone_verdict::kind::silence);
    // The decoder was reset: a tone right after silence is still the tone.
    EXPECT_EQ(analyse_clip(*s, *clip, 0).what, rtp::tone_verdict::kind::tone);
    std::array<std::span<const std::uint8_t>, 2> empty{};
    EXPECT_EQ(s->analyse(empty).what, rtp::tone_verdict::kind::nothing);
    EXPECT_EQ(s->windows_analysed(), 3U);
}

TEST(ToneSampler, ToneBetweenGridTonesIsUnclear) {
    auto s = tone_sampler::create();
    ASSERT_TRUE(s);
    // 1025 Hz: half way between the grid's 1000 and 1050, the energy splits between them.
    auto other = rtp::opus_tone_clip::encode({.frequency_hz = 1025});
    ASSERT_TRUE(other.has_value());
    const rtp::tone_verdict v = analyse_clip(*s, *other, 10);
    EXPECT_EQ(v.what, rtp::tone_verdict::kind::unclear) << v.frequency_hz << " " << v.tone_fraction;
    EXPECT_LT(v.tone_fraction, 0.5);
}

TEST(ToneSampler, UndecodablePacketsAreNothing) {
    auto s = tone_sampler::create();
    ASSERT_TRUE(s);
    // A TOC byte announcing a code-3 packet with no frame count byte: libopus refuses it.
    const std::array<std::uint8_t, 1> garbage{0x03};
    std::array<std::span<const std::uint8_t>, tone_sampler::window_frames> frames;
    frames.fill(garbage);
    const rtp::tone_verdict v = s->analyse(frames);
    EXPECT_EQ(v.what, rtp::tone_verdict::kind::nothing);
    EXPECT_EQ(v.samples, 0U);
    // One bad packet in a window costs only its own samples.
    auto clip = rtp::opus_tone_clip::encode({.frequency_hz = 2200});
    ASSERT_TRUE(clip.has_value());
    for (std::size_t i = 0; i < frames.size(); ++i) {
        frames[i] = clip->frame(i);
    }
    frames[2] = garbage;
    const rtp::tone_verdict w = s->analyse(frames);
    EXPECT_EQ(w.what, rtp::tone_verdict::kind::tone);
    EXPECT_EQ(w.frequency_hz, 2200.0);
    EXPECT_EQ(w.samples, (tone_sampler::window_frames - 2) * tone_sampler::frame_samples);
}

TEST(ToneSampler, OptionsReachTheVerdict) {
    tone_sampler_options o;
    o.silence_dbfs = -5;  // the clip's tone is about -9 dB
    auto deaf = tone_sampler::create(o);
    ASSERT_TRUE(deaf);
    auto clip = rtp::opus_tone_clip::encode({.frequency_hz = 1025});
    ASSERT_TRUE(clip.has_value());
    EXPECT_EQ(analyse_clip(*deaf, *clip, 0).what, rtp::tone_verdict::kind::silence);
    o.silence_dbfs = -60;
    o.min_fraction = 0.3;  // half way between two grid tones, each holds about 0.4
    auto lenient = tone_sampler::create(o);
    ASSERT_TRUE(lenient);
    const rtp::tone_verdict v = analyse_clip(*lenient, *clip, 0);
    EXPECT_EQ(v.what, rtp::tone_verdict::kind::tone);
    EXPECT_TRUE(v.frequency_hz == 1000.0 || v.frequency_hz == 1050.0) << v.frequency_hz;
}

TEST(ToneSampler, BudgetRefusesBeyondTheRate) {
    tone_sampler_options o;
    o.windows_per_second = 10;
    auto s = tone_sampler::create(o);
    const core::time_point t0{};
    int granted = 0;
    for (int i = 0; i < 100; ++i) {
        granted += s->try_acquire(t0) ? 1 : 0;
    }
    EXPECT_EQ(granted, 10);  // a burst of one second's worth
    EXPECT_FALSE(s->try_acquire(t0 + 50ms));
    EXPECT_TRUE(s->try_acquire(t0 + 100ms));  // one more after 1/10 s
    EXPECT_FALSE(s->try_acquire(t0 + 100ms));
    EXPECT_EQ(s->windows_refused(), 92U);
}

}  // namespace
}  // namespace ringstorm::media
