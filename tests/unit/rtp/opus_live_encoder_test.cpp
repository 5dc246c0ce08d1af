// Live Opus encoding of a call's tone: frames that decode to the call's grid tone (the same
// detector that judges replayed clips), silence through the same encoder while muted, a
// sine that stays in phase across frame boundaries, the configured complexity and bitrate
// really applied, and bad settings refused.

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <span>
#include <vector>

#include <gtest/gtest.h>
#include <opus.h>

#include "media/rtp/opus_live_encoder.hpp"
#include "media/rtp/tone_detector.hpp"
#include "tests/unit/rtp/decode_and_detect.hpp"

namespace ringstorm::rtp {
namespace {

using test::decode_and_detect;
using test::opus_decoder_deleter;

std::unique_ptr<opus_live_encoder> make(double frequency_hz, int complexity) {
    auto made = opus_live_encoder::create({.frequency_hz = frequency_hz, .complexity = complexity});
    EXPECT_TRUE(made) << frequency_hz << " complexity " << complexity;
    return made ? std::move(*made) : nullptr;
}

// `count` consecutive frames of `enc`, muted or not.
std::vector<std::vector<std::uint8_t>> frames(opus_live_encoder& enc, int count, bool muted) {
    std::vector<std::vector<std::uint8_t>> out;
    std::vector<std::uint8_t> buffer(opus_max_frame_bytes);
    for (int i = 0; i < count; ++i) {
        auto n = enc.encode_next(muted, buffer);
        EXPECT_TRUE(n);
        if (!n) {
            break;
        }
        out.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*n));
    }
    return out;
}

// The frames decoded back to back at 48 kHz: one continuous signal.
std::vector<float> decode(const std::vector<std::vector<std::uint8_t>>& packets) {
    int err = OPUS_OK;
    std::unique_ptr<OpusDecoder, opus_decoder_deleter> dec(
        opus_decoder_create(opus_sample_rate, 1, &err));
    EXPECT_EQ(err, OPUS_OK);
    std::vector<float> pcm;
    std::vector<float> frame(opus_frame_samples);
    for (const auto& p : packets) {
        const int n = opus_decode_float(dec.get(), p.data(), static_cast<opus_int32>(p.size()),
                                        frame.data(), opus_frame_samples, 0);
        EXPECT_EQ(n, opus_frame_samples);
        pcm.insert(pcm.end(), frame.begin(), frame.end());
    }
    return pcm;
}

// Share of the power of pcm[from, from + length) that one sine at `frequency_hz` explains
// (least squares over a whole number of its periods), and that sine's amplitude.
struct sine_fit {
    double fraction = 0;
    double amplitude = 0;
};
sine_fit fit_sine(const std::vector<float>& pcm, std::size_t from, std::size_t length,
                  double frequency_hz) {
    const double w = 2.0 * std::numbers::pi * frequency_hz / opus_sample_rate;
    double c = 0;
    double s = 0;
    double power = 0;
    for (std::size_t n = 0; n < length; ++n) {
        const double x = pcm[from + n];
        c += x * std::cos(w * static_cast<double>(n));
        s += x * std::sin(w * static_cast<double>(n));
        power += x * x;
    }
    const double a = 2.0 * c / static_cast<double>(length);
    const double b = 2.0 * s / static_cast<double>(length);
    const double sine_power = (a * a + b * b) / 2.0;
    return {power > 0 ? sine_power / (power / static_cast<double>(length)) : 0,
            std::sqrt(a * a + b * b)};
}

TEST(OpusLiveEncoder, DefaultsAreTheClipsSignalAndWebRtcsComplexity) {
    const live_encoder_options o;
    EXPECT_EQ(o.bitrate, tone_clip_options{}.bitrate);
    EXPECT_DOUBLE_EQ(o.amplitude, tone_clip_options{}.amplitude);
    EXPECT_EQ(o.complexity, 9);  // WebRTC's desktop default
    auto enc = opus_live_encoder::create(o);
    ASSERT_TRUE(enc);
    EXPECT_EQ((*enc)->complexity(), 9);  // as libopus reports it
    // libopus' encoder state dominates: tens of KB per live call (the header's figure).
    EXPECT_GT(opus_live_encoder::state_bytes(), 30000U);
    EXPECT_LT(opus_live_encoder::state_bytes(), 100000U);
}

TEST(OpusLiveEncoder, FramesDecodeToTheCallsGridToneAtEveryComplexityAsked) {
    for (int complexity : {0, 5, 9, 10}) {
        for (std::uint64_t call : {0, 1, 7, 30}) {
            const double f = frequency_for_call(call);
            auto enc = make(f, complexity);
            ASSERT_TRUE(enc);
            EXPECT_EQ(enc->complexity(), complexity);
            decode_and_detect detector;
            for (const auto& p : frames(*enc, 50, false)) {
                ASSERT_TRUE(detector.feed(p));
            }
            const tone_verdict v = detector.verdict();
            EXPECT_EQ(v.what, tone_verdict::kind::tone) << f << " c" << complexity;
            EXPECT_DOUBLE_EQ(v.frequency_hz, f) << "c" << complexity;
            EXPECT_GT(v.tone_fraction, 0.8) << f << " c" << complexity;
            EXPECT_GT(v.level_dbfs, -15.0);
            EXPECT_EQ(enc->frames_encoded(), 50U);
        }
    }
}

TEST(OpusLiveEncoder, BitrateIsTheClipsWhateverTheComplexity) {
    for (int complexity : {0, 9}) {
        auto enc = make(1350, complexity);
        ASSERT_TRUE(enc);
        std::size_t bytes = 0;
        for (const auto& p : frames(*enc, 100, false)) {
            EXPECT_GT(p.size(), 10U);
            EXPECT_LE(p.size(), opus_max_frame_bytes);
            bytes += p.size();
        }
        // 2 s at 32 kb/s is 8,000 bytes; VBR wanders a little around it.
        EXPECT_GT(bytes, 6000U) << complexity;
        EXPECT_LT(bytes, 10000U) << complexity;
    }
}

TEST(OpusLiveEncoder, MutedFramesAreSilenceFromTheSameEncoderAndTheToneComesBack) {
    auto enc = make(frequency_for_call(3), webrtc_opus_complexity);
    ASSERT_TRUE(enc);
    decode_and_detect detector;
    for (const auto& p : frames(*enc, 20, false)) {
        ASSERT_TRUE(detector.feed(p));
    }
    ASSERT_EQ(detector.verdict().what, tone_verdict::kind::tone);
    // Muted: frames keep coming (a disabled track still sends), smaller than the tone's
    // once encoder and decoder have faded the tone out (5 frames, not measured).
    for (const auto& p : frames(*enc, 5, true)) {
        ASSERT_TRUE(detector.feed(p));
    }
    detector.reset();
    for (const auto& p : frames(*enc, 30, true)) {
        EXPECT_FALSE(p.empty());
        EXPECT_LT(p.size(), 60U);
        ASSERT_TRUE(detector.feed(p));
    }
    EXPECT_EQ(detector.verdict().what, tone_verdict::kind::silence);
    detector.reset();
    // Unmuted: the same encoder, the same tone (3 frames, not measured, to ramp up).
    for (const auto& p : frames(*enc, 3, false)) {
        ASSERT_TRUE(detector.feed(p));
    }
    detector.reset();
    for (const auto& p : frames(*enc, 20, false)) {
        ASSERT_TRUE(detector.feed(p));
    }
    EXPECT_EQ(detector.verdict().what, tone_verdict::kind::tone);
    EXPECT_DOUBLE_EQ(detector.verdict().frequency_hz, frequency_for_call(3));
    EXPECT_EQ(enc->frames_encoded(), 20U + 5U + 30U + 3U + 20U);
}

TEST(OpusLiveEncoder, TheSineStaysInPhaseAcrossFrameBoundaries) {
    // 1025 Hz is 20.5 periods per 20 ms frame: a tone restarted at phase 0 every frame would
    // flip sign at each boundary and a sine fitted over several frames would explain
    // almost nothing. 9,600 samples (10 frames) hold exactly 205 periods. 1000 Hz (a grid
    // tone, whole periods per frame) must be as clean.
    for (double f : {1025.0, 1000.0, 337.5}) {
        auto enc = make(f, webrtc_opus_complexity);
        ASSERT_TRUE(enc);
        const auto pcm = decode(frames(*enc, 40, false));
        ASSERT_EQ(pcm.size(), 40U * opus_frame_samples);
        // From frame 10 on (the encoder has settled), starting mid-frame so every window
        // straddles boundaries; 337.5 Hz: 67.5 periods in 10 frames, so fit 20 frames.
        const std::size_t length = f == 337.5 ? 20 * opus_frame_samples : 10 * opus_frame_samples;
        for (std::size_t from = 10 * opus_frame_samples + 480; from + length <= pcm.size();
             from += 3 * opus_frame_samples) {
            const sine_fit s = fit_sine(pcm, from, length, f);
            EXPECT_GT(s.fraction, 0.95) << f << " Hz from sample " << from;
            EXPECT_NEAR(s.amplitude, 0.5, 0.1) << f << " Hz from sample " << from;
        }
    }
}

TEST(OpusLiveEncoder, MuteKeepsThePhaseRunning) {
    // The source keeps running while the track is muted: after an unmute the sine is where
    // an unmuted stream's would be. Compare with a twin that never muted, decoded the same
    // way, over frames well after the unmute.
    auto muting = make(1025, webrtc_opus_complexity);
    auto steady = make(1025, webrtc_opus_complexity);
    ASSERT_TRUE(muting && steady);
    auto a = frames(*muting, 10, false);
    auto m = frames(*muting, 7, true);
    auto b = frames(*muting, 23, false);
    a.insert(a.end(), m.begin(), m.end());
    a.insert(a.end(), b.begin(), b.end());
    const auto with_mute = decode(a);
    const auto without = decode(frames(*steady, 40, false));
    ASSERT_EQ(with_mute.size(), without.size());
    double diff = 0;
    double power = 0;
    for (std::size_t n = 30 * opus_frame_samples; n < with_mute.size(); ++n) {
        diff += (with_mute[n] - without[n]) * (with_mute[n] - without[n]);
        power += without[n] * without[n];
    }
    EXPECT_LT(diff / power, 0.1);  // in phase; a π slip would make it ≈4
}

TEST(OpusLiveEncoder, BadSettingsAndBuffersAreErrors) {
    EXPECT_EQ(opus_live_encoder::create({.frequency_hz = 0}).error(), errc::opus_error);
    EXPECT_EQ(opus_live_encoder::create({.frequency_hz = 30000}).error(), errc::opus_error);
    EXPECT_EQ(opus_live_encoder::create({.bitrate = 0}).error(), errc::opus_error);
    EXPECT_EQ(opus_live_encoder::create({.complexity = -1}).error(), errc::opus_error);
    EXPECT_EQ(opus_live_encoder::create({.complexity = 11}).error(), errc::opus_error);
    auto enc = make(440, 0);
    ASSERT_TRUE(enc);
    auto r = enc->encode_next(false, {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::buffer_too_small);
    EXPECT_EQ(enc->frames_encoded(), 0U);
}

}  // namespace
}  // namespace ringstorm::rtp
