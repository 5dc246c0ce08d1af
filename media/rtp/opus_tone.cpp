#include "media/rtp/opus_tone.hpp"

#include <array>
#include <cmath>
#include <memory>
#include <numbers>

#include <opus.h>

namespace ringstorm::rtp {

using core::unexpected;

namespace {

struct encoder_deleter {
    void operator()(OpusEncoder* e) const noexcept { opus_encoder_destroy(e); }
};
using encoder_ptr = std::unique_ptr<OpusEncoder, encoder_deleter>;

core::result<encoder_ptr, errc> make_encoder(const tone_clip_options& options) {
    int err = OPUS_OK;
    encoder_ptr enc(opus_encoder_create(opus_sample_rate, 1, OPUS_APPLICATION_VOIP, &err));
    if (err != OPUS_OK || !enc) {
        return unexpected(errc::opus_error);
    }
    if (opus_encoder_ctl(enc.get(), OPUS_SET_BITRATE(options.bitrate)) != OPUS_OK ||
        opus_encoder_ctl(enc.get(), OPUS_SET_COMPLEXITY(options.complexity)) != OPUS_OK) {
        return unexpected(errc::opus_error);
    }
    return enc;
}

}  // namespace

double frequency_for_call(std::uint64_t call_index) noexcept {
    const std::uint64_t step = (call_index % tone_grid_size) * 23 % tone_grid_size;
    return tone_grid_low_hz + tone_grid_step_hz * static_cast<double>(step);
}

core::result<opus_tone_clip, errc> opus_tone_clip::encode(const tone_clip_options& options) {
    if (options.frames == 0 || options.frequency_hz <= 0 ||
        options.frequency_hz >= opus_sample_rate / 2.0) {
        return unexpected(errc::opus_error);
    }
    auto enc = make_encoder(options);
    if (!enc) {
        return unexpected(enc.error());
    }
    const double w = 2.0 * std::numbers::pi * options.frequency_hz / opus_sample_rate;
    const std::size_t total = options.frames * opus_frame_samples;
    std::array<float, opus_frame_samples> pcm{};
    std::array<unsigned char, opus_max_frame_bytes> packet{};

    auto encode_frame = [&](std::size_t frame_index) -> int {
        for (std::size_t i = 0; i < pcm.size(); ++i) {
            // Sample positions modulo the clip length: the tone the loop actually plays.
            const std::size_t n = (frame_index * opus_frame_samples + i) % total;
            pcm[i] = static_cast<float>(options.amplitude * std::sin(w * static_cast<double>(n)));
        }
        return opus_encode_float(enc->get(), pcm.data(), opus_frame_samples, packet.data(),
                                 static_cast<opus_int32>(packet.size()));
    };

    const std::size_t prime = std::min<std::size_t>(options.frames, 5);
    for (std::size_t k = options.frames - prime; k < options.frames; ++k) {
        if (encode_frame(k) < 0) {
            return unexpected(errc::opus_error);
        }
    }
    opus_tone_clip clip;
    clip.frequency_hz_ = options.frequency_hz;
    clip.offsets_.reserve(options.frames + 1);
    clip.offsets_.push_back(0);
    for (std::size_t k = 0; k < options.frames; ++k) {
        const int bytes = encode_frame(k);
        if (bytes < 0) {
            return unexpected(errc::opus_error);
        }
        clip.bytes_.insert(clip.bytes_.end(), packet.begin(), packet.begin() + bytes);
        clip.offsets_.push_back(static_cast<std::uint32_t>(clip.bytes_.size()));
    }

    // Silence from a fresh encoder that has only ever seen silence, as a track muted from the
    // start would produce; a few frames in, so the encoder has settled.
    auto quiet = make_encoder(options);
    if (!quiet) {
        return unexpected(quiet.error());
    }
    pcm.fill(0.0F);
    int bytes = 0;
    for (int k = 0; k < 3; ++k) {
        bytes = opus_encode_float(quiet->get(), pcm.data(), opus_frame_samples, packet.data(),
                                  static_cast<opus_int32>(packet.size()));
        if (bytes < 0) {
            return unexpected(errc::opus_error);
        }
    }
    clip.silence_.assign(packet.begin(), packet.begin() + bytes);
    return clip;
}

std::span<const std::uint8_t> opus_tone_clip::frame(std::uint64_t i) const noexcept {
    const std::size_t k = static_cast<std::size_t>(i % frame_count());
    return std::span<const std::uint8_t>(bytes_).subspan(offsets_[k],
                                                         offsets_[k + 1] - offsets_[k]);
}

}  // namespace ringstorm::rtp
