#pragma once
// One call's real media as a tab keeps it (engine/phone/README.md, "Media"): the stream's
// config drawn when the call's SDP is made (our credentials, host candidate and SSRC go in
// the offer or answer), then the media::stream itself once the far end's SDP is known,
// attached to the worker's shared port, its flow and mute following the call's
// negotiation, and its end: stop, figures folded into the worker's stats, detach, free.
// A worker's live streams are listed in a stream_registry so one worker timer can fold
// their counters into the stats once a second (no timer per call).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/stats.hpp"
#include "engine/media/media_engine.hpp"
#include "engine/media/record.hpp"
#include "engine/phone/phone_media.hpp"
#include "media/sdp/webrtc.hpp"
#include "media/stream/stream.hpp"

namespace ringstorm::phone {

class call_stream {
public:
    // Draws our credentials, SSRC and seed (from the worker's RNG, so two tabs of one
    // worker never share a ufrag on the shared port) and the call's tone, replayed or
    // encoded live as `env` says; `port` is the shared port our host candidate is on;
    // `stats` the worker's, which the stream's figures are folded into. No stream yet.
    call_stream(phone_media& env, core::stats& stats, media::port_id port, media::ice_mode ice);
    call_stream(const call_stream&) = delete;
    call_stream& operator=(const call_stream&) = delete;
    ~call_stream();  // a running stream is stopped, folded and detached

    // Our ICE credentials, host candidate, fingerprint and SSRC into `p` (our offer or
    // answer; RFC 8839 §5: no trickle, end-of-candidates).
    void describe(sdp::webrtc_audio_params& p) const;

    // Makes the stream (Opus payload type `opus_pt`) and attaches it to the port before the
    // far end's SDP is known (a caller, whose payload type is its own): STUN that arrives
    // before the answer is answered. Returns "" or why it cannot run.
    std::string prepare(std::uint8_t opus_pt);
    // The far end's SDP is known: the stream is made if not yet (with the negotiated Opus
    // payload type), attached and started. Returns "" or why it could not run.
    std::string start(const media::remote_media& remote, std::uint8_t opus_pt,
                      core::time_point now);
    bool started() const noexcept { return started_; }
    bool stopped() const noexcept { return stopped_; }

    // The negotiated direction and the app's mute, applied when they changed.
    void apply(media::flow f, bool muted, core::time_point now);

    // The call ended (or its tab is dropped): stop (RTCP BYE), fold the figures into the
    // stats once (record_media), detach and free the stream. Returns its final figures;
    // nullopt when it never started (a prepared stream is only detached). Later calls
    // return nullopt.
    std::optional<media::stream_stats> stop(core::time_point now);

    const media::stream_config& config() const noexcept { return config_; }
    const media::stream* stream() const noexcept { return stream_.get(); }

private:
    friend class stream_registry;
    void fold_live() noexcept;

    phone_media& env_;
    core::stats& stats_;
    media::port_id port_;
    media::stream_config config_;
    std::unique_ptr<media::stream> stream_;
    media::media_progress progress_;
    std::optional<media::flow> flow_;    // last applied
    bool muted_ = false;
    bool started_ = false;
    bool stopped_ = false;
    std::size_t registry_index_ = 0;
    bool registered_ = false;
};

// sendrecv → both, sendonly → send only, recvonly → receive only, inactive → neither.
media::flow flow_of(sdp::direction d) noexcept;

// Whether an SDP offer asks for WebRTC media: an audio section with a=ice-ufrag at media or
// session level. An offer without ICE (e.g. `serve --media none`, plain RTP) gets no
// stream and no finding: it is not a WebRTC media offer.
bool offers_ice(const sdp::session_description& sd) noexcept;

}  // namespace ringstorm::phone
