// The worker's sampled tone detection: every grid tone is told apart at 8 kHz from a
// window of consecutive frames, encoded silence is silence, and the budget holds.

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
