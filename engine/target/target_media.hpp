#pragma once
// The target's call media over one worker's media engine (call_media.hpp): a dedicated UDP
// port per call, opened when the call is placed and closed when it ends (one file
// descriptor per concurrent call), and a media::stream on it as ICE-lite, DTLS in the role
// the phone's answer leaves us, sending an echo of the phone's audio or a tone of our own.
// Runs on its worker's thread, like the call router that drives it.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "engine/media/worker_media.hpp"
#include "engine/target/call_media.hpp"
#include "engine/target/embedded_target.hpp"

namespace ringstorm::target {

class target_media final : public call_media {
public:
    // `media` (this worker's, made on its io_context) outlives this; `ip` is the literal
    // ports are bound on; calls of worker `worker` of `workers` send tones
    // worker, worker + workers, … so tones differ across the target.
    target_media(media::worker_media& media, media_mode mode, std::string ip, std::uint32_t worker,
                 std::uint32_t workers);
    ~target_media() override;

    core::result<media_id, std::string> open(sdp::webrtc_audio_params& offer,
                                             core::time_point now) override;
    void start(media_id id, const media::remote_media& remote, media::flow f,
               core::time_point now) override;
    void set_flow(media_id id, media::flow f, core::time_point now) override;
    void close(media_id id, core::time_point now) override;
    void add_to(target_stats& out) const override;

private:
    struct live {
        media::port_id port = 0;
        std::unique_ptr<media::stream> stream;
        bool started = false;
    };
    // Adds one stream's figures to `out` (ended streams go to ended_, live ones at read).
    static void fold(const live& l, target_stats& out);

    media::worker_media& media_;
    media_mode mode_;
    std::string ip_;
    std::uint64_t next_tone_;
    std::uint32_t tone_stride_;
    media_id next_id_ = 1;
    std::unordered_map<media_id, live> live_;
    target_stats ended_;  // media fields only: what closed streams did
};

}  // namespace ringstorm::target
