// The tone detector on PCM made here (no codec): each grid tone named at 8 and 48 kHz, its
// level, silence, mixtures and off-candidate tones unclear, options honoured, lanes beyond
// the candidates never reported, and bad candidates refused with the candidate named.
// The Opus side (decode, then detect) is tested in opus_tone_test and tone_sampler_test.

#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "media/rtp/opus_tone.hpp"
#include "media/rtp/tone_detector.hpp"

namespace ringstorm::rtp {
namespace {

struct sine {
    double frequency_hz;
    double amplitude;
};

// `blocks` blocks of `block` samples of a continuous sum of sines, each fed to measure().
void feed(tone_detector& d, std::initializer_list<sine> tones, std::size_t blocks,
          std::size_t block) {
    std::vector<float> pcm(block);
    const auto fs = static_cast<double>(d.sample_rate());
    for (std::size_t b = 0; b < blocks; ++b) {
        for (std::size_t i = 0; i < block; ++i) {
            const auto n = static_cast<double>(b * block + i);
            double x = 0;
            for (const sine& t : tones) {
                // A phase offset, so no tone starts at a zero crossing by luck.
                x += t.amplitude * std::sin(2.0 * std::numbers::pi * t.frequency_hz * n / fs + 0.3);
            }
            pcm[i] = static_cast<float>(x);
        }
        d.measure(pcm);
    }
}

double grid_tone(std::size_t k) {
    return tone_grid_low_hz + tone_grid_step_hz * static_cast<double>(k);
}

TEST(ToneDetector, EveryGridToneIsNamedAt8kHz) {
    auto d = tone_detector::for_tone_grid(8000);
    ASSERT_TRUE(d) << d.error();
    EXPECT_EQ(d->candidate_count(), tone_grid_size);
    for (std::size_t k = 0; k < tone_grid_size; ++k) {
        d->reset();
        feed(*d, {{grid_tone(k), 0.5}}, 4, 160);  // four 20 ms blocks
        const tone_verdict v = d->verdict();
        EXPECT_EQ(v.what, tone_verdict::kind::tone) << grid_tone(k);
        EXPECT_EQ(v.frequency_hz, grid_tone(k));
        EXPECT_GT(v.tone_fraction, 0.99) << grid_tone(k);
        // Amplitude 0.5: mean power 0.125, -9.03 dB.
        EXPECT_NEAR(v.level_dbfs, 10.0 * std::log10(0.125), 0.05) << grid_tone(k);
        EXPECT_EQ(v.samples, 640u);
    }
}

TEST(ToneDetector, GridTonesAreNamedAt48kHzInOpusFrames) {
    // 960-sample blocks, the Opus clock: single-precision lanes stay exact enough here too.
    auto d = tone_detector::for_tone_grid(opus_sample_rate);
    ASSERT_TRUE(d) << d.error();
    for (std::size_t k : {0U, 1U, 27U, 53U, 54U}) {
        d->reset();
        feed(*d, {{grid_tone(k), 0.5}}, 3, opus_frame_samples);
        const tone_verdict v = d->verdict();
        EXPECT_EQ(v.what, tone_verdict::kind::tone) << grid_tone(k);
        EXPECT_EQ(v.frequency_hz, grid_tone(k));
        EXPECT_GT(v.tone_fraction, 0.99) << grid_tone(k);
        EXPECT_EQ(v.samples, 3u * opus_frame_samples);
    }
}

TEST(ToneDetector, NothingUntilSamplesThenSilenceBelowTheThreshold) {
    auto d = tone_detector::for_tone_grid(8000);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->verdict().what, tone_verdict::kind::nothing);
    d->measure({});
    EXPECT_EQ(d->verdict().what, tone_verdict::kind::nothing);
    const std::vector<float> zeros(160, 0.0F);
    d->measure(zeros);
    EXPECT_EQ(d->verdict().what, tone_verdict::kind::silence);
    EXPECT_EQ(d->verdict().level_dbfs, -200.0);
    // A grid tone at -70 dBFS is still silence: below the default -60.
    d->reset();
    feed(*d, {{1000, std::sqrt(2.0) * std::pow(10.0, -70.0 / 20.0)}}, 4, 160);
    EXPECT_EQ(d->verdict().what, tone_verdict::kind::silence);
    EXPECT_NEAR(d->verdict().level_dbfs, -70.0, 0.1);
}

TEST(ToneDetector, OffCandidateToneIsUnclearAndResetForgets) {
    const std::vector<double> candidates{500, 1500};
    auto d = tone_detector::create(candidates, 8000);
    ASSERT_TRUE(d) << d.error();
    // Audible, but at 1000 Hz: neither candidate holds the energy (another call's tone).
    feed(*d, {{1000, 0.5}}, 5, 160);
    EXPECT_EQ(d->verdict().what, tone_verdict::kind::unclear);
    EXPECT_LT(d->verdict().tone_fraction, 0.01);
    d->reset();
    EXPECT_EQ(d->verdict().what, tone_verdict::kind::nothing);
    EXPECT_EQ(d->verdict().samples, 0u);
    feed(*d, {{1500, 0.5}}, 5, 160);
    EXPECT_EQ(d->verdict().what, tone_verdict::kind::tone);
    EXPECT_EQ(d->verdict().frequency_hz, 1500.0);
}

TEST(ToneDetector, MixturesAreUnclearUnlessOneToneDominates) {
    auto d = tone_detector::for_tone_grid(8000);
    ASSERT_TRUE(d);
    // Three tones of equal level: each holds a third.
    feed(*d, {{700, 0.3}, {1900, 0.3}, {2600, 0.3}}, 4, 160);
    tone_verdict v = d->verdict();
    EXPECT_EQ(v.what, tone_verdict::kind::unclear);
    EXPECT_NEAR(v.tone_fraction, 1.0 / 3.0, 0.01);
    EXPECT_TRUE(v.frequency_hz == 700 || v.frequency_hz == 1900 || v.frequency_hz == 2600)
        << v.frequency_hz;
    // Cross-talk under a louder tone: the loud one is named.
    d->reset();
    feed(*d, {{1200, 0.5}, {450, 0.1}}, 4, 160);
    v = d->verdict();
    EXPECT_EQ(v.what, tone_verdict::kind::tone);
    EXPECT_EQ(v.frequency_hz, 1200.0);
    EXPECT_NEAR(v.tone_fraction, 0.25 / 0.26, 0.01);
}

TEST(ToneDetector, OptionsMoveTheThresholds) {
    auto lenient = tone_detector::for_tone_grid(8000, {.silence_dbfs = -60, .min_fraction = 0.3});
    ASSERT_TRUE(lenient);
    feed(*lenient, {{700, 0.3}, {1900, 0.3}, {2600, 0.3}}, 4, 160);
    EXPECT_EQ(lenient->verdict().what, tone_verdict::kind::tone);
    auto deaf = tone_detector::for_tone_grid(8000, {.silence_dbfs = -5, .min_fraction = 0.5});
    ASSERT_TRUE(deaf);
    feed(*deaf, {{700, 0.5}}, 4, 160);  // -9 dB
    EXPECT_EQ(deaf->verdict().what, tone_verdict::kind::silence);
}

TEST(ToneDetector, LanesBeyondTheCandidatesAreNeverReported) {
    // The unused lanes measure fs/4 (2000 Hz at 8 kHz): a 2000 Hz tone must not be named.
    const std::vector<double> candidates{1000};
    auto d = tone_detector::create(candidates, 8000);
    ASSERT_TRUE(d);
    feed(*d, {{2000, 0.5}}, 4, 160);
    const tone_verdict v = d->verdict();
    EXPECT_EQ(v.what, tone_verdict::kind::unclear);
    EXPECT_EQ(v.frequency_hz, 1000.0);
    EXPECT_LT(v.tone_fraction, 0.01);
}

TEST(ToneDetector, BadCandidatesAreRefusedByName) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    struct bad_case {
        std::vector<double> candidates;
        int sample_rate;
        const char* words;
    };
    const std::vector<bad_case> cases{
        {{}, 8000, "0 candidate tones; give 1 to 56"},
        {std::vector<double>(57, 1000.0), 8000, "57 candidate tones"},
        {{1000, 0}, 8000, "candidate 1 (0.000000 Hz)"},
        {{-50}, 8000, "candidate 0 (-50.000000 Hz)"},
        {{300, 3000, 4000}, 8000, "candidate 2 (4000.000000 Hz) is not between 0 and half"},
        {{nan}, 8000, "candidate 0"},
        {{1000}, 0, "sample rate 0 Hz"},
    };
    for (const bad_case& c : cases) {
        auto d = tone_detector::create(c.candidates, c.sample_rate);
        ASSERT_FALSE(d) << c.words;
        EXPECT_NE(d.error().find(c.words), std::string::npos) << d.error();
    }
    EXPECT_TRUE(tone_detector::create(std::vector<double>(56, 1000.0), 8000));
    // The grid needs 3000 Hz: not at a 6 kHz rate (Nyquist 3000).
    EXPECT_FALSE(tone_detector::for_tone_grid(6000));
}

}  // namespace
}  // namespace ringstorm::rtp
