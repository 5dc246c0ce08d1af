#include "engine/phone/call_stream.hpp"

#include <utility>

#include "engine/media/worker_media.hpp"
#include "media/stream/sdp_media.hpp"

namespace ringstorm::phone {

// ---------------------------------------------------------------------------------------
// stream_registry

void stream_registry::fold() noexcept {
    for (call_stream* c : live_) {
        c->fold_live();
    }
}

void stream_registry::add(call_stream& c) {
    c.registry_index_ = live_.size();
    c.registered_ = true;
    live_.push_back(&c);
}

void stream_registry::remove(call_stream& c) noexcept {
    if (!c.registered_) {
        return;
    }
    // Swap with the last: O(1) whatever the number of calls.
    const std::size_t i = c.registry_index_;
    live_[i] = live_.back();
    live_[i]->registry_index_ = i;
    live_.pop_back();
    c.registered_ = false;
}

// ---------------------------------------------------------------------------------------
// call_stream

call_stream::call_stream(phone_media& env, core::stats& stats, media::port_id port,
                         media::ice_mode ice)
    : env_(env), stats_(stats), port_(port) {
    media::worker_media& w = *env_.worker;
    config_.ice = ice;
    media::fill_credentials(config_, w.rng());
    config_.local_address = w.engine().local_address(port_);
    config_.mode = media::send_mode::tone;
    config_.tone_index = env_.next_tone;
    env_.next_tone += env_.tone_stride;
    config_.peer_echoes = env_.peer_echoes;
    if (env_.detect_every_ms) {
        config_.detect_every_ms = *env_.detect_every_ms;
    }
    // Live encoding costs a libopus encoder per call (≈47 KB, tens of µs per frame); replay
    // shares the worker's clips. The far end hears the same tone either way.
    config_.opus = env_.live_opus ? media::opus_source::live : media::opus_source::replay;
    if (env_.opus_complexity) {
        config_.opus_complexity = *env_.opus_complexity;
    }
}

call_stream::~call_stream() {
    (void)stop(core::clock::now());
}

void call_stream::describe(sdp::webrtc_audio_params& p) const {
    media::describe_local(config_, env_.worker->fingerprint(), false, p);
}

std::string call_stream::prepare(std::uint8_t opus_pt) {
    if (stream_ || stopped_) {
        return {};
    }
    config_.opus_pt = opus_pt;
    media::worker_media& w = *env_.worker;
    std::string error;
    stream_ = media::stream::create(config_, w.shared(), error);
    if (!stream_) {
        stopped_ = true;
        return error.empty() ? std::string("media: stream not created") : error;
    }
    // Routed and ticked from now on: the far end's checks that come before its SDP has
    // reached us are answered (RFC 8445 §7.3), which shortens ICE for a caller.
    w.engine().attach(port_, *stream_);
    return {};
}

std::string call_stream::start(const media::remote_media& remote, std::uint8_t opus_pt,
                               core::time_point now) {
    if (started_ || stopped_) {
        return stopped_ ? std::string("media: stream stopped") : std::string();
    }
    if (auto why = prepare(opus_pt); !why.empty()) {
        return why;
    }
    started_ = true;
    stream_->start(remote, now);
    if (env_.registry != nullptr) {
        env_.registry->add(*this);
    }
    // Counts the stream as active at once; the registry's fold keeps its counters moving.
    media::record_media_live(stats_, stream_->stats(), progress_);
    return {};
}

void call_stream::apply(media::flow f, bool muted, core::time_point now) {
    if (!started_ || !stream_) {
        return;
    }
    if (!flow_ || flow_->send != f.send || flow_->receive != f.receive) {
        // The first apply after start is skipped when it is sendrecv: the stream begins so.
        if (flow_ || !f.send || !f.receive) {
            stream_->set_flow(f, now);
        }
        flow_ = f;
    }
    if (muted != muted_) {
        stream_->set_muted(muted, now);
        muted_ = muted;
    }
}

std::optional<media::stream_stats> call_stream::stop(core::time_point now) {
    if (stopped_) {
        return std::nullopt;
    }
    stopped_ = true;
    if (!stream_) {
        return std::nullopt;
    }
    media::worker_media& w = *env_.worker;
    if (started_) {
        stream_->stop(now, w.engine().sink(port_));  // RTCP BYE (RFC 3550 §6.6)
    }
    // Out of the engine and the registry before anything that allocates: if copying the
    // figures throws (tab::drop_all catches it), nothing is left pointing at a freed stream.
    w.engine().detach(*stream_);
    if (started_ && env_.registry != nullptr) {
        env_.registry->remove(*this);
    }
    const std::unique_ptr<media::stream> s = std::move(stream_);
    std::optional<media::stream_stats> figures;
    if (started_) {
        figures = s->stats();
        media::record_media(stats_, *figures, progress_);
    }
    return figures;
}

void call_stream::fold_live() noexcept {
    if (stream_) {
        media::record_media_live(stats_, stream_->stats(), progress_);
    }
}

media::flow flow_of(sdp::direction d) noexcept {
    switch (d) {
        case sdp::direction::sendrecv:
            return {true, true};
        case sdp::direction::sendonly:
            return {true, false};
        case sdp::direction::recvonly:
            return {false, true};
        case sdp::direction::inactive:
            return {false, false};
    }
    return {true, true};
}

bool offers_ice(const sdp::session_description& sd) noexcept {
    for (const auto& m : sd.media) {
        if (m.media != "audio" || m.rejected()) {
            continue;
        }
        return sdp::find<sdp::ice_ufrag>(m.attributes) != nullptr ||
               sdp::find<sdp::ice_ufrag>(sd.attributes) != nullptr;
    }
    return false;
}

}  // namespace ringstorm::phone
