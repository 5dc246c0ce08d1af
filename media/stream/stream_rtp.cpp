// RTP both ways for a stream: our tone (or encoded silence) every tick, replayed from the
// worker's clip or encoded live, SRTP unprotect and receive statistics for what arrives, and
// the echo of the peer's packets.

#include <algorithm>
#include <cstring>

#include "media/rtp/opus_live_encoder.hpp"
#include "media/rtp/opus_tone.hpp"
#include "media/stream/stream_impl.hpp"

namespace ringstorm::media {

namespace {

std::chrono::nanoseconds since_epoch(core::time_point t) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
}

// Room left for the SRTP tag after the RTP packet (the largest tag: GCM's 16 bytes).
constexpr std::size_t srtp_tag_room = 16;

}  // namespace

bool stream::impl::protect_and_send(std::size_t length, datagram_sink& out) {
    auto protected_length = srtp->protect_rtp(tx, length);
    if (!protected_length) {
        return false;
    }
    send(std::span<const std::uint8_t>(tx.data(), *protected_length), out);
    return true;
}

void stream::impl::send_tone(core::time_point now, datagram_sink& out) {
    (void)now;
    if (!fl.send) {
        talkspurt_start = true;  // RFC 3551 §4.1: the marker opens the next talkspurt
        return;
    }
    rtp::rtp_header h;
    h.payload_type = cfg.opus_pt;
    h.marker = talkspurt_start;
    h.sequence = seq;
    h.timestamp = rtp::opus_frame_timestamp(ts_base, frames);
    h.ssrc = ssrc;
    const std::span<std::uint8_t> room(tx.data(), tx.size() - srtp_tag_room);
    auto length = live ? write_live_packet(h, room) : write_replay_packet(h, room);
    if (!length || !protect_and_send(*length, out)) {
        return;  // nothing sent: sequence and counters stay, the media clock runs on
    }
    ++seq;
    talkspurt_start = false;
    last_ts = h.timestamp;
    ++st.packets_sent;
    octets_sent += static_cast<std::uint32_t>(*length - rtp::rtp_header_size(h, 0));
    sent_since_report = true;
}

core::result<std::size_t, rtp::errc> stream::impl::write_replay_packet(
    const rtp::rtp_header& h, std::span<std::uint8_t> room) noexcept {
    // A muted (disabled) WebRTC track keeps sending frames of encoded silence.
    const std::span<const std::uint8_t> payload =
        muted ? clip->silence_frame() : clip->frame(frames);
    return rtp::write_rtp_packet(h, {}, payload, 0, room);
}

core::result<std::size_t, rtp::errc> stream::impl::write_live_packet(
    const rtp::rtp_header& h, std::span<std::uint8_t> room) noexcept {
    auto header = rtp::write_rtp_header(h, {}, room);
    if (!header) {
        return header;
    }
    // Encoded straight into the packet after its header: no copy, no buffer per frame. A
    // muted track feeds the same encoder digital silence (a disabled track still sends).
    auto payload = live->encode_next(muted, room.subspan(*header));
    if (!payload) {
        return core::unexpected(payload.error());
    }
    return *header + *payload;
}

void stream::impl::echo(const rtp::rtp_packet_view& in, datagram_sink& out) {
    if (!echo_mapped) {
        // Continue our own sequence and media clock where they are; from here on the
        // peer's gaps and timing show through unchanged.
        echo_seq_offset = static_cast<std::uint16_t>(seq - in.header.sequence);
        echo_ts_offset = rtp::opus_frame_timestamp(ts_base, frames) - in.header.timestamp;
        echo_mapped = true;
    }
    rtp::rtp_header h;
    h.payload_type = in.header.payload_type;
    h.marker = in.header.marker;
    h.sequence = static_cast<std::uint16_t>(in.header.sequence + echo_seq_offset);
    h.timestamp = in.header.timestamp + echo_ts_offset;
    h.ssrc = ssrc;
    auto length = rtp::write_rtp_packet(
        h, {}, in.payload, 0, std::span<std::uint8_t>(tx.data(), tx.size() - srtp_tag_room));
    if (!length || !protect_and_send(*length, out)) {
        return;  // a reordered packet whose index we already used is not sent twice
    }
    if (static_cast<std::int16_t>(h.sequence - seq) >= 0) {
        seq = static_cast<std::uint16_t>(h.sequence + 1);
        last_ts = h.timestamp;
    }
    ++st.packets_sent;
    octets_sent += static_cast<std::uint32_t>(in.payload.size());
    sent_since_report = true;
}

void stream::impl::track_source(std::uint32_t source, core::time_point now) {
    if (have_peer_ssrc && source == peer_ssrc) {
        return;
    }
    if (have_peer_ssrc) {
        // RFC 3550 §8.2: a new SSRC is a new source; keep what the old one lost.
        lost_base += rs.cumulative_lost();
        expected_base += rs.expected();
        lost_nodup_base += std::max<std::int64_t>(
            0, rs.expected() - static_cast<std::int64_t>(rs.received() - rs.duplicates()));
        ssrc_changed = now;
    }
    rs = rtp::receive_stats(rtp::opus_sample_rate);
    peer_ssrc = source;
    have_peer_ssrc = true;
    echo_mapped = false;
    collecting = false;
    bad_one_way = bad_wrong = bad_mute = 0;
}

void stream::impl::on_rtp(std::span<std::uint8_t> bytes, core::time_point now, datagram_sink& out) {
    if (!srtp) {
        if (!dtls_over && !peer_may_have_keys()) {
            ++st.before_dtls;
            add_finding(media_rule::before_dtls, now);
        }
        return;
    }
    auto length = srtp->unprotect_rtp(bytes);
    if (!length) {
        if (length.error() == srtp::errc::auth_failed) {
            ++st.srtp_auth_failures;
        }
        return;  // replayed and too-old packets are the network's duplicates: dropped
    }
    on_peer_authenticated();
    auto p = rtp::parse_rtp(std::span<const std::uint8_t>(bytes.data(), *length));
    if (!p) {
        return;
    }
    track_source(p->header.ssrc, now);
    rs.on_packet(p->header.sequence, p->header.timestamp, since_epoch(now));
    ++st.packets_received;
    if (!st.first_packet) {
        // Issue 5: time to first media after the answer; start() is when the answer is known.
        st.first_packet = now - started_at;
    }
    last_rx = now;
    no_media_open = false;
    st.packets_lost = lost_base + rs.cumulative_lost();
    st.jitter_seconds = rs.jitter_seconds();
    st.jitter_seconds_max = std::max(st.jitter_seconds_max, st.jitter_seconds);
    if (!fl.receive && now >= flow_changed + hold_grace + rtt_or_zero()) {
        // RFC 6337 §5.3: held with sendonly/inactive, the peer must not send to us.
        ++hold_packets;
        add_finding(media_rule::hold_direction, now);
    }
    if (collecting && p->header.payload_type == cfg.opus_pt) {
        on_window_packet(*p, now);
    }
    if (cfg.mode == send_mode::echo) {
        if (fl.send) {
            echo(*p, out);
        } else {
            // Not echoing (we are held): the echo resumes on our own next sequence number,
            // so the far end does not count the packets we never sent as lost.
            echo_mapped = false;
        }
    }
}

}  // namespace ringstorm::media
