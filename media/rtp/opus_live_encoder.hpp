#pragma once
// Live Opus encoding of a call's test tone (issue 5: "optional live encoding for users who
// want real CPU-shaped load"): the same signal as opus_tone_clip (a sine at
// frequency_for_call, amplitude 0.5, 32 kb/s), but generated and encoded 20 ms at a time by
// an encoder of the call's own, as a browser's audio sender does. A muted (disabled) track
// feeds the same encoder digital silence and keeps sending frames.
//
// Memory: libopus 1.3.1's mono encoder state is opus_encoder_get_size(1) = 43,572 bytes
// (measured, float build), plus this object's 3,840-byte PCM frame: ≈47 KB per live call,
// against nothing per call for replay (the worker's clips are shared). 3,000 live calls
// hold ≈140 MB. `state_bytes()` says what the running library needs.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "engine/core/result.hpp"
#include "media/rtp/error.hpp"
#include "media/rtp/opus_tone.hpp"

struct OpusEncoder;

namespace ringstorm::rtp {

// WebRTC's default Opus complexity on desktop (Chrome): kDefaultComplexity = 9 in
// api/audio_codecs/opus/audio_encoder_opus_config.cc (5 on Android and iOS). The SDK
// phones we imitate run in desktop browsers.
inline constexpr int webrtc_opus_complexity = 9;
// libopus' OPUS_SET_COMPLEXITY range.
inline constexpr int opus_min_complexity = 0;
inline constexpr int opus_max_complexity = 10;

struct live_encoder_options {
    double frequency_hz = 1000.0;
    // The same signal and rate as the replayed clip, so a far end's checks and the
    // E-model see no difference between the two sources.
    int bitrate = tone_clip_options{}.bitrate;
    double amplitude = tone_clip_options{}.amplitude;
    int complexity = webrtc_opus_complexity;  // 0..10
    // Tell libopus the signal is speech (OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)), so it codes
    // the tone the way it codes a talking user: SILK + CELT hybrid at 32 kb/s. Left to
    // itself (OPUS_AUTO), from complexity 7 up its signal analysis takes a bare sine for
    // music and codes it CELT-only, about a quarter of the CPU of speech at complexity 9
    // (measured: benchmarks/RESULTS.md), which would understate what live load costs.
    // Below 7 there is no analysis and both code hybrid, as the replayed clip is.
    bool code_as_speech = true;
};

class opus_live_encoder {
public:
    // One libopus encoder (OPUS_APPLICATION_VOIP, 48 kHz mono) with the options' bitrate and
    // complexity. errc::opus_error for a frequency outside (0, 24 kHz), a bitrate ≤ 0, a
    // complexity outside 0..10, or libopus refusing the settings.
    static core::result<std::unique_ptr<opus_live_encoder>, errc> create(
        const live_encoder_options& options);
    ~opus_live_encoder();
    opus_live_encoder(const opus_live_encoder&) = delete;
    opus_live_encoder& operator=(const opus_live_encoder&) = delete;

    // Encodes the next 20 ms (960 samples) into `out` and returns the bytes written: the
    // tone continuing from the last sample of the previous frame, or, `muted`, digital
    // silence through the same encoder. The tone's phase advances through muted frames too
    // (the source keeps running; only the track is disabled), so an unmuted frame continues
    // the same sine. Allocates nothing. errc::buffer_too_small when `out` cannot hold the
    // frame (opus_max_frame_bytes always can), errc::opus_error for any other libopus error.
    core::result<std::size_t, errc> encode_next(bool muted, std::span<std::uint8_t> out) noexcept;

    double frequency_hz() const noexcept { return frequency_hz_; }
    // As libopus reports it (OPUS_GET_COMPLEXITY): what the encoder really runs with.
    int complexity() const noexcept;
    std::uint64_t frames_encoded() const noexcept { return frames_; }
    // Bytes one live encoder holds: libopus' state plus this object.
    static std::size_t state_bytes() noexcept;

private:
    struct encoder_deleter {
        void operator()(OpusEncoder* e) const noexcept;
    };
    opus_live_encoder() = default;
    void fill_tone() noexcept;

    std::unique_ptr<OpusEncoder, encoder_deleter> encoder_;
    std::array<float, opus_frame_samples> pcm_{};
    double frequency_hz_ = 0;
    double amplitude_ = 0;
    // Phase of the next sample in cycles, kept in [0, 1): per frame it grows by
    // f · 960 / 48000 and loses its whole part, so a tone on the 50 Hz grid starts every
    // frame at exactly 0 and no rounding accumulates over a long call.
    double phase_cycles_ = 0;
    double cycles_per_frame_ = 0;
    std::uint64_t frames_ = 0;
};

}  // namespace ringstorm::rtp
