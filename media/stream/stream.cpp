// media::stream's lifecycle, RFC 7983 demultiplexing and the ICE agent it drives.

#include "media/stream/stream.hpp"

#include <stdexcept>

#include "media/ice/demux.hpp"
#include "media/rtp/opus_tone.hpp"
#include "media/stream/stream_impl.hpp"

namespace ringstorm::media {

namespace {

ice::agent_config agent_config_for(const stream_config& c) {
    ice::agent_config ac;
    ac.lite = c.ice == ice_mode::lite;
    ac.initial_role =
        c.ice == ice_mode::controlling ? ice::role::controlling : ice::role::controlled;
    ac.nomination = ice::nomination::regular;
    ac.local_ufrag = c.local_ufrag;
    ac.local_pwd = c.local_pwd;
    ac.tie_breaker = c.tie_breaker;
    ac.seed = c.seed;
    // The agent gives up on its own at the same bound the stream reports ice_failed.
    ac.connect_timeout = c.ice_timeout;
    return ac;
}

// The grid slot of a call's tone: rtp::frequency_for_call's 50 Hz step from 300 Hz.
std::size_t tone_slot(std::uint64_t tone_index) noexcept {
    const double f = rtp::frequency_for_call(tone_index);
    return static_cast<std::size_t>((f - rtp::tone_grid_low_hz) / rtp::tone_grid_step_hz + 0.5);
}

std::shared_ptr<const rtp::opus_tone_clip> tone_clip(const stream_config& c, const stream_shared& s,
                                                     std::string& error) {
    auto& tones = *s.tones;
    if (tones.size() < rtp::tone_grid_size) {
        tones.resize(rtp::tone_grid_size);
    }
    auto& slot = tones[tone_slot(c.tone_index)];
    if (!slot) {
        rtp::tone_clip_options o;
        o.frequency_hz = rtp::frequency_for_call(c.tone_index);
        auto clip = rtp::opus_tone_clip::encode(o);
        if (!clip) {
            error = "stream: Opus could not encode the tone clip";
            return nullptr;
        }
        slot = std::make_shared<const rtp::opus_tone_clip>(std::move(*clip));
    }
    return slot;
}

std::unique_ptr<rtp::opus_live_encoder> live_encoder(const stream_config& c, std::string& error) {
    if (c.opus_complexity < rtp::opus_min_complexity ||
        c.opus_complexity > rtp::opus_max_complexity) {
        error = "stream: Opus complexity " + std::to_string(c.opus_complexity) +
                " is outside 0..10 (libopus' range; WebRTC uses " +
                std::to_string(rtp::webrtc_opus_complexity) + ")";
        return nullptr;
    }
    rtp::live_encoder_options o;
    o.frequency_hz = rtp::frequency_for_call(c.tone_index);
    o.complexity = c.opus_complexity;
    auto made = rtp::opus_live_encoder::create(o);
    if (!made) {
        error = "stream: libopus could not create the live Opus encoder (complexity " +
                std::to_string(c.opus_complexity) + ", " + std::to_string(o.bitrate) + " b/s)";
        return nullptr;
    }
    return std::move(*made);
}

}  // namespace

stream::impl::impl(const stream_config& c, const stream_shared& s, ice::agent_config ac)
    : cfg(c), shared(s), agent(std::move(ac)) {
    rng.state = c.seed ^ 0x5DEECE66DULL;
    ssrc = c.ssrc != 0 ? c.ssrc : static_cast<std::uint32_t>(rng.next() | 1U);
    seq = static_cast<std::uint16_t>(rng.next());
    ts_base = static_cast<std::uint32_t>(rng.next());
    agent.add_local_candidate(c.local_address);
}

std::unique_ptr<stream> stream::create(const stream_config& config, const stream_shared& shared,
                                       std::string& error) {
    if (shared.dtls_client == nullptr || shared.dtls_server == nullptr) {
        error = "stream: the worker's DTLS client and server contexts are required";
        return nullptr;
    }
    const bool tone = config.mode == send_mode::tone;
    if (tone && config.opus == opus_source::replay && shared.tones == nullptr) {
        error = "stream: send_mode::tone replaying clips needs stream_shared::tones";
        return nullptr;
    }
    if (config.opus_pt > 127 || (config.opus_pt >= 64 && config.opus_pt <= 95)) {
        // RFC 5761 §4: 64..95 collide with RTCP under rtcp-mux.
        error =
            "stream: opus_pt " + std::to_string(config.opus_pt) + " is not usable with rtcp-mux";
        return nullptr;
    }
    ice::agent_config ac = agent_config_for(config);
    if (std::string why = ac.validate(); !why.empty()) {
        error = "stream: ICE config: " + why;
        return nullptr;
    }
    std::shared_ptr<const rtp::opus_tone_clip> clip;
    std::unique_ptr<rtp::opus_live_encoder> live;
    if (tone && config.opus == opus_source::live) {
        live = live_encoder(config, error);
        if (!live) {
            return nullptr;
        }
    } else if (tone) {
        clip = tone_clip(config, shared, error);
        if (!clip) {
            return nullptr;
        }
    }
    std::unique_ptr<impl> i;
    try {
        i = std::make_unique<impl>(config, shared, std::move(ac));
    } catch (const std::invalid_argument& e) {
        error = std::string("stream: ICE config: ") + e.what();
        return nullptr;
    }
    i->clip = std::move(clip);
    i->live = std::move(live);
    return std::unique_ptr<stream>(new stream(std::move(i)));
}

stream::stream(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
stream::~stream() = default;

const stream_stats& stream::stats() const noexcept {
    return impl_->st;
}
const stream_config& stream::config() const noexcept {
    return impl_->cfg;
}
std::string_view stream::local_ufrag() const noexcept {
    return impl_->cfg.local_ufrag;
}

void stream::start(const remote_media& remote, core::time_point now) {
    impl& s = *impl_;
    if (s.started || s.stopped) {
        return;
    }
    s.started = true;
    s.started_at = now;
    s.our_dtls = remote.our_dtls;
    s.flow_changed = now;
    s.expect_since = now;
    const auto space = remote.fingerprint.find(' ');
    if (space != std::string::npos) {
        auto fp = dtls::parse_fingerprint(std::string_view(remote.fingerprint).substr(0, space),
                                          std::string_view(remote.fingerprint).substr(space + 1));
        if (fp) {
            s.remote_fingerprint = *fp;
        }
    }
    if (!s.remote_fingerprint) {
        // Nothing could authenticate the peer: DTLS cannot succeed (RFC 5763 §5).
        s.add_finding(media_rule::dtls_failed, now);
        s.dtls_over = true;
    }
    s.agent.set_remote(
        ice::remote_description{remote.ufrag, remote.pwd, remote.ice_lite, remote.candidates}, now);
    s.ice_due = s.agent.next_timeout();
}

void stream::set_flow(flow f, core::time_point now) {
    impl& s = *impl_;
    const bool was_expecting = s.expecting_media();
    if (f.send != s.fl.send || f.receive != s.fl.receive) {
        s.flow_changed = now;
    }
    if (f.send && !s.fl.send) {
        s.talkspurt_start = true;
    }
    s.fl = f;
    if (!was_expecting && s.expecting_media()) {
        s.expect_since = now;
        s.no_media_open = false;
    }
    s.bad_one_way = s.bad_wrong = s.bad_mute = 0;
}

void stream::set_muted(bool muted, core::time_point now) {
    impl& s = *impl_;
    if (muted != s.muted) {
        s.muted = muted;
        s.mute_changed = now;
        s.bad_one_way = s.bad_wrong = s.bad_mute = 0;
    }
}

void stream::stop(core::time_point now, datagram_sink& out) {
    impl& s = *impl_;
    if (s.stopped) {
        return;
    }
    if (s.srtp && !s.ice_dead && s.have_peer) {
        s.send_rtcp(now, out, true);  // RFC 3550 §6.6: BYE when leaving
    }
    s.stopped = true;
    s.update_quality();
    if (s.st.srtp_auth_failures > 0) {
        s.add_finding(media_rule::srtp_auth, now, s.st.srtp_auth_failures);
    }
    // Nothing is sent or decrypted any more: give the memory back now, not at destruction.
    s.dtls.reset();
    s.srtp.reset();
    s.live.reset();
    s.own_sampler.reset();
}

void stream::on_datagram(const stun::transport_address& from, std::span<std::uint8_t> bytes,
                         core::time_point now, datagram_sink& out) {
    impl& s = *impl_;
    if (s.stopped || bytes.empty()) {
        return;
    }
    // RFC 7983 §7: the first byte says which protocol shares the port.
    switch (demux::classify(bytes[0])) {
        case demux::packet_kind::stun:
            s.on_stun(from, bytes, now, out);
            break;
        case demux::packet_kind::dtls:
            s.on_dtls(from, bytes, now, out);
            break;
        case demux::packet_kind::rtp_rtcp:
            if (s.ice_dead) {
                break;
            }
            if (demux::is_rtcp(bytes)) {
                s.on_rtcp(bytes, now);
            } else {
                s.on_rtp(bytes, now, out);
            }
            break;
        default:
            break;  // ZRTP, TURN channels and the rest: not ours
    }
}

void stream::on_tick(core::time_point due, core::time_point now, datagram_sink& out) {
    impl& s = *impl_;
    if (s.stopped) {
        return;
    }
    if (now > due) {
        const auto late = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - due).count());
        s.st.send_late_max_ns = std::max(s.st.send_late_max_ns, late);
    }
    if (!s.started) {
        return;
    }
    if (!s.ice_dead && s.ice_due <= now) {
        s.agent.on_timer(now);
        s.ice_due = s.agent.next_timeout();
    }
    s.drain_ice(now, out);
    if (!s.ice_dead) {
        s.dtls_tick(now, out);
    }
    if (s.srtp && !s.ice_dead && s.have_peer) {
        if (s.cfg.mode == send_mode::tone) {
            s.send_tone(now, out);
        }
        ++s.frames;  // the media clock runs whether or not we send (RFC 3550 §5.1)
        if (now >= s.next_rtcp) {
            s.send_rtcp(now, out, false);
        }
    }
    s.check_tick(now);
}

void stream::impl::send(std::span<const std::uint8_t> bytes, datagram_sink& out) {
    if (have_peer && !stopped) {
        out.send(peer, bytes);
    }
}

void stream::impl::on_stun(const stun::transport_address& from, std::span<std::uint8_t> bytes,
                           core::time_point now, datagram_sink& out) {
    if (ice_dead) {
        return;
    }
    agent.on_packet(from, bytes, now, 0);
    ice_due = agent.next_timeout();
    drain_ice(now, out);
}

void stream::impl::drain_ice(core::time_point now, datagram_sink& out) {
    // STUN goes wherever the agent says (checks to every candidate), not only to the peer.
    while (auto t = agent.poll_transmit(tx)) {
        if (!stopped && !ice_dead) {
            out.send(t->to, std::span<const std::uint8_t>(tx.data(), t->size));
        }
    }
    while (auto e = agent.poll_event()) {
        if (e->kind == ice::event_kind::selected_pair_changed) {
            on_ice_selected(now, out);
        } else if (e->kind == ice::event_kind::state_changed && e->state == ice::state::failed) {
            fail_ice(now);
        }
    }
}

void stream::impl::on_ice_selected(core::time_point now, datagram_sink& out) {
    auto sel = agent.selected();
    if (!sel) {
        return;
    }
    peer = sel->remote.address;
    have_peer = true;
    if (!ice_connected) {
        ice_connected = true;
        st.ice = now - started_at;
        dtls_deadline = now + cfg.dtls_timeout;
    }
    begin_dtls(now, out);
}

void stream::impl::fail_ice(core::time_point now) {
    if (ice_dead) {
        return;
    }
    // RFC 7675 §5.1: without consent nothing more may be sent to the peer.
    ice_dead = true;
    add_finding(media_rule::ice_failed, now);
    dtls.reset();
    collecting = false;
}

}  // namespace ringstorm::media
