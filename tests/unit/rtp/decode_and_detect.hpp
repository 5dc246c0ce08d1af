#pragma once
// For tests of what Opus senders produce: a 48 kHz mono libopus decoder (as a browser
// decodes) feeding an rtp::tone_detector of the whole tone grid, frame by frame: the check
// a far end makes, without the worker's sampling (media/stream/tone_sampler).

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include <gtest/gtest.h>
#include <opus.h>

#include "media/rtp/opus_tone.hpp"
#include "media/rtp/tone_detector.hpp"

namespace ringstorm::rtp::test {

struct opus_decoder_deleter {
    void operator()(OpusDecoder* d) const noexcept { opus_decoder_destroy(d); }
};

class decode_and_detect {
public:
    decode_and_detect() : detector_(tone_detector::for_tone_grid(opus_sample_rate).value()) {
        int err = OPUS_OK;
        decoder_.reset(opus_decoder_create(opus_sample_rate, 1, &err));
        EXPECT_EQ(err, OPUS_OK);
    }
    // True when `packet` decoded to one 20 ms frame, which is then measured.
    bool feed(std::span<const std::uint8_t> packet) {
        const int n =
            opus_decode_float(decoder_.get(), packet.data(), static_cast<opus_int32>(packet.size()),
                              pcm_.data(), static_cast<int>(pcm_.size()), 0);
        if (n != opus_frame_samples) {
            return false;
        }
        detector_.measure(pcm_);
        return true;
    }
    tone_verdict verdict() const { return detector_.verdict(); }
    void reset() { detector_.reset(); }  // the decoder keeps its state

private:
    std::unique_ptr<OpusDecoder, opus_decoder_deleter> decoder_;
    tone_detector detector_;
    std::array<float, opus_frame_samples> pcm_{};
};

}  // namespace ringstorm::rtp::test
