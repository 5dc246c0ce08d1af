#include "engine/target/target_media.hpp"

#include "media/stream/sdp_media.hpp"

namespace ringstorm::target {

target_media::target_media(media::worker_media& media, media_mode mode, std::string ip,
                           std::uint32_t worker, std::uint32_t workers)
    : media_(media),
      mode_(mode),
      ip_(std::move(ip)),
      next_tone_(worker),
      tone_stride_(workers == 0 ? 1 : workers) {}

target_media::~target_media() {
    const core::time_point now = core::clock::now();
    while (!live_.empty()) {
        close(live_.begin()->first, now);
    }
}

core::result<media_id, std::string> target_media::open(sdp::webrtc_audio_params& offer,
                                                       core::time_point) {
    auto port = media_.engine().open_port(ip_);
    if (!port) {
        return core::unexpected(port.error());
    }
    media::stream_config config;
    // RFC 8445 §2.5: a lite agent only answers checks; the phone (full, controlling as
    // the answerer facing a lite offerer, §6.1.1) nominates.
    config.ice = media::ice_mode::lite;
    media::fill_credentials(config, media_.rng());
    config.local_address = media_.engine().local_address(*port);
    config.mode = mode_ == media_mode::tone ? media::send_mode::tone : media::send_mode::echo;
    config.tone_index = next_tone_;
    next_tone_ += tone_stride_;
    // The target judges nothing by ear (its counters are enough): no decoding.
    config.detect_every_ms = 0;
    std::string error;
    auto stream = media::stream::create(config, media_.shared(), error);
    if (!stream) {
        media_.engine().close_port(*port);
        return core::unexpected("media: " + error);
    }
    media::describe_local(stream->config(), media_.fingerprint(), /*lite=*/true, offer);
    const media_id id = next_id_++;
    // Attached from the offer on: the phone starts its checks as soon as it has answered,
    // and they may well reach this port before its 2xx reaches the call router.
    media_.engine().attach(*port, *stream);
    live_.emplace(id, live{*port, std::move(stream), false});
    return id;
}

void target_media::start(media_id id, const media::remote_media& remote, media::flow f,
                         core::time_point now) {
    auto it = live_.find(id);
    if (it == live_.end() || it->second.started) {
        return;
    }
    it->second.started = true;
    ++ended_.media_streams;
    it->second.stream->start(remote, now);
    it->second.stream->set_flow(f, now);
}

void target_media::set_flow(media_id id, media::flow f, core::time_point now) {
    auto it = live_.find(id);
    if (it != live_.end() && it->second.started) {
        it->second.stream->set_flow(f, now);
    }
}

void target_media::close(media_id id, core::time_point now) {
    auto it = live_.find(id);
    if (it == live_.end()) {
        return;
    }
    live& l = it->second;
    if (l.started) {
        l.stream->stop(now, media_.engine().sink(l.port));  // RTCP BYE, best effort
        fold(l, ended_);
    }
    media_.engine().detach(*l.stream);
    media_.engine().close_port(l.port);
    live_.erase(it);
}

void target_media::fold(const live& l, target_stats& out) {
    const media::stream_stats& s = l.stream->stats();
    out.media_srtp_up += s.srtp_up ? 1 : 0;
    bool failed = false;
    for (const media::media_finding& f : s.findings) {
        failed = failed || f.rule == media::media_rule::ice_failed ||
                 f.rule == media::media_rule::dtls_failed;
    }
    out.media_failed += failed ? 1 : 0;
    out.media_packets_sent += s.packets_sent;
    out.media_packets_received += s.packets_received;
    out.media_packets_lost += s.packets_lost > 0 ? static_cast<std::uint64_t>(s.packets_lost) : 0;
    out.media_srtp_auth_failures += s.srtp_auth_failures;
}

void target_media::add_to(target_stats& out) const {
    out.media_ports += live_.size();
    out.media_streams += ended_.media_streams;
    out.media_srtp_up += ended_.media_srtp_up;
    out.media_failed += ended_.media_failed;
    out.media_packets_sent += ended_.media_packets_sent;
    out.media_packets_received += ended_.media_packets_received;
    out.media_packets_lost += ended_.media_packets_lost;
    out.media_srtp_auth_failures += ended_.media_srtp_auth_failures;
    out.media_socket_drops += media_.engine().stats().socket_drops;  // this worker's engine
    for (const auto& [id, l] : live_) {
        if (l.started) {
            fold(l, out);
        }
    }
}

}  // namespace ringstorm::target
