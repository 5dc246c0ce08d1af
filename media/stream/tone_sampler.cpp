#include "media/stream/tone_sampler.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <opus.h>

namespace ringstorm::media {

std::unique_ptr<tone_sampler> tone_sampler::create(const tone_sampler_options& options) {
    // The grid lies below 4 kHz, so this cannot fail; checked all the same, like libopus.
    auto detector = rtp::tone_detector::for_tone_grid(
        sample_rate, {.silence_dbfs = options.silence_dbfs, .min_fraction = options.min_fraction});
    if (!detector) {
        return nullptr;
    }
    int err = OPUS_OK;
    OpusDecoder* d = opus_decoder_create(sample_rate, 1, &err);
    if (err != OPUS_OK || d == nullptr) {
        return nullptr;
    }
    return std::unique_ptr<tone_sampler>(new tone_sampler(options, d, std::move(*detector)));
}

tone_sampler::tone_sampler(const tone_sampler_options& options, OpusDecoder* decoder,
                           rtp::tone_detector detector)
    : options_(options), decoder_(decoder), detector_(std::move(detector)) {}

tone_sampler::~tone_sampler() {
    opus_decoder_destroy(decoder_);
}

bool tone_sampler::try_acquire(core::time_point now) noexcept {
    const double burst = std::max(1.0, options_.windows_per_second);
    if (!refilled_) {
        tokens_ = burst;
        refilled_ = true;
    } else if (now > last_refill_) {
        const double seconds = std::chrono::duration<double>(now - last_refill_).count();
        tokens_ = std::min(burst, tokens_ + seconds * options_.windows_per_second);
    }
    last_refill_ = std::max(last_refill_, now);
    if (tokens_ < 1.0) {
        ++refused_;
        return false;
    }
    tokens_ -= 1.0;
    return true;
}

rtp::tone_verdict tone_sampler::analyse(
    std::span<const std::span<const std::uint8_t>> frames) noexcept {
    ++windows_;
    opus_decoder_ctl(decoder_, OPUS_RESET_STATE);
    detector_.reset();
    for (std::size_t i = 0; i < frames.size(); ++i) {
        if (frames[i].empty()) {
            continue;  // an empty packet would ask libopus for loss concealment
        }
        const int n =
            opus_decode_float(decoder_, frames[i].data(), static_cast<opus_int32>(frames[i].size()),
                              pcm_.data(), static_cast<int>(pcm_.size()), 0);
        if (n <= 0 || i == 0) {
            continue;  // undecodable, or the priming frame after the reset
        }
        detector_.measure(std::span<const float>(pcm_.data(), static_cast<std::size_t>(n)));
    }
    return detector_.verdict();  // kind::nothing when nothing decoded
}

}  // namespace ringstorm::media
