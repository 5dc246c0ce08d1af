// DTLS-SRTP for a stream (RFC 5763, RFC 5764): the handshake once ICE has a path, the SRTP
// session from the exported keys, and freeing the DTLS session (≈76 KB) once it can no
// longer be needed.

#include <algorithm>

#include "media/dtls/context.hpp"
#include "media/srtp/keys.hpp"
#include "media/stream/stream_impl.hpp"

namespace ringstorm::media {

void stream::impl::begin_dtls(core::time_point now, datagram_sink& out) {
    if (dtls_begun || dtls_over || !remote_fingerprint || ice_dead) {
        return;
    }
    dtls_begun = true;
    const dtls::dtls_context& ctx =
        our_dtls == dtls_side::client ? *shared.dtls_client : *shared.dtls_server;
    auto session = dtls::dtls_session::create(ctx, *remote_fingerprint);
    if (!session) {
        fail_dtls(now);
        return;
    }
    dtls.emplace(std::move(*session));
    if (!ice_connected) {
        // Lite/controlled side that saw DTLS before its own selection: bound it from here.
        dtls_deadline = now + cfg.dtls_timeout;
    }
    if (our_dtls == dtls_side::client) {
        dtls_started = now;
        dtls->start();
        flush_dtls(out);
    } else {
        server_waiting = true;
    }
}

void stream::impl::on_dtls(const stun::transport_address& from, std::span<const std::uint8_t> bytes,
                           core::time_point now, datagram_sink& out) {
    if (ice_dead || (dtls_over && !dtls)) {
        return;  // handshake over and the session freed: a late retransmission
    }
    if (!dtls_begun) {
        // The peer finished ICE before we saw our own selection (we are lite or controlled
        // and its USE-CANDIDATE check is still in flight): accept DTLS from an address the
        // agent knows, i.e. an SDP candidate or one an authenticated check came from.
        const auto& remotes = agent.remote_candidates();
        const bool known =
            std::any_of(remotes.begin(), remotes.end(),
                        [&](const ice::remote_candidate& r) { return r.address == from; });
        if (!known || !started) {
            return;
        }
        if (!have_peer) {
            peer = from;
            have_peer = true;
        }
        begin_dtls(now, out);
    }
    if (!dtls) {
        return;
    }
    if (server_waiting) {
        server_waiting = false;
        dtls_started = now;  // the server's handshake starts with the ClientHello
    }
    const bool was_connected = dtls->state() == dtls::dtls_state::connected;
    dtls->on_datagram(bytes);
    if (our_dtls == dtls_side::client && dtls->outgoing_count() > 0 && !was_connected) {
        // Without cookies or renegotiation a client answers a datagram only with its
        // Certificate…Finished flight: from now on the server may have keys.
        final_flight_sent = true;
    }
    after_dtls_input(now, out);
}

void stream::impl::dtls_tick(core::time_point now, datagram_sink& out) {
    if (!dtls || dtls_over) {
        return;
    }
    if (now >= dtls_deadline) {
        fail_dtls(now);
        return;
    }
    // OpenSSL keeps the retransmission deadline on its own clock: ask, and fire when due.
    if (auto in = dtls->retransmit_in(); in && in->count() <= 0) {
        dtls->on_timeout();
        after_dtls_input(now, out);
    }
}

void stream::impl::flush_dtls(datagram_sink& out) {
    for (std::size_t i = 0; i < dtls->outgoing_count(); ++i) {
        send(dtls->outgoing(i), out);
    }
    dtls->clear_outgoing();
}

void stream::impl::after_dtls_input(core::time_point now, datagram_sink& out) {
    flush_dtls(out);
    if (dtls_over) {
        return;  // connected before: a retransmitted flight was answered above
    }
    if (dtls->state() == dtls::dtls_state::failed || dtls->state() == dtls::dtls_state::closed) {
        fail_dtls(now);
        return;
    }
    if (dtls->state() != dtls::dtls_state::connected || !dtls->keys()) {
        return;
    }
    const dtls::srtp_keying_material& km = *dtls->keys();
    const auto profile = srtp::profile_from_id(static_cast<std::uint16_t>(km.profile));
    if (!profile) {
        fail_dtls(now);
        return;
    }
    auto keys = srtp::split_keying_material(*profile, km.raw());
    if (!keys) {
        fail_dtls(now);
        return;
    }
    const srtp::dtls_role role =
        our_dtls == dtls_side::client ? srtp::dtls_role::client : srtp::dtls_role::server;
    auto session = srtp::srtp_session::create(*keys, role);
    if (!session) {
        fail_dtls(now);
        return;
    }
    srtp.emplace(std::move(*session));
    dtls_over = true;
    st.dtls_handshake = now - dtls_started;
    st.srtp_up = true;
    srtp_up_at = now;
    expect_since = std::max(expect_since, now);
    next_rtcp = now + rtcp_interval(true);
    next_quality = now + 1s;
    next_detect = now + check_grace;
    if (our_dtls == dtls_side::client) {
        // The server's Finished reached us, so it has our whole last flight: nothing the
        // session could still answer.
        dtls.reset();
    }
    // As server we keep the session until the client proves it has keys (its first
    // authenticated SRTP/SRTCP): if our last flight was lost, its retransmitted Finished
    // must be answered again (RFC 6347 §4.2.4).
}

void stream::impl::fail_dtls(core::time_point now) {
    dtls_over = true;
    dtls.reset();
    add_finding(media_rule::dtls_failed, now);
}

void stream::impl::on_peer_authenticated() {
    if (!peer_proved_keys) {
        peer_proved_keys = true;
        dtls.reset();
    }
}

bool stream::impl::peer_may_have_keys() const noexcept {
    // The server has keys once it is connected, which it can only be after our final flight;
    // the client has them only after our (the server's) Finished, sent when we connected.
    if (our_dtls == dtls_side::client) {
        return final_flight_sent;
    }
    return srtp.has_value();
}

}  // namespace ringstorm::media
