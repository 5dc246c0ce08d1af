// RTCP for a stream (RFC 3550 §6, rtcp-mux RFC 5761, SRTCP RFC 3711 §3.4): SR or RR with
// SDES CNAME at randomised intervals, BYE at the end, and the peer's reports for RTT.

#include <array>

#include "media/rtp/ntp_time.hpp"
#include "media/rtp/opus_tone.hpp"
#include "media/rtp/rtcp.hpp"
#include "media/stream/stream_impl.hpp"

namespace ringstorm::media {

namespace {

std::chrono::nanoseconds since_epoch(core::time_point t) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
}

}  // namespace

core::duration stream::impl::rtcp_interval(bool initial) noexcept {
    // RFC 3550 §6.3.1: T × U(0.5, 1.5) / (e − 3/2); two participants at audio rates never
    // reach the bandwidth share, so T is the 5 s minimum (half of it for the first report).
    constexpr double compensation = 1.21828;
    const double t = std::chrono::duration<double>(rtcp_min_interval).count() *
                     (initial ? 0.5 : 1.0) * (0.5 + rng.unit()) / compensation;
    return std::chrono::duration_cast<core::duration>(std::chrono::duration<double>(t));
}

void stream::impl::send_rtcp(core::time_point now, datagram_sink& out, bool bye) {
    next_rtcp = now + rtcp_interval(false);
    const std::size_t room = tx.size() - srtp::rtcp_overhead(srtp->profile());
    rtp::rtcp_writer w(std::span<std::uint8_t>(tx.data(), room));
    std::array<rtp::report_block, 1> blocks{};
    std::size_t block_count = 0;
    if (have_peer_ssrc && rs.received() > 0) {
        blocks[0] = rs.make_report_block(peer_ssrc, since_epoch(now));
        block_count = 1;
    }
    const std::span<const rtp::report_block> reported(blocks.data(), block_count);
    bool ok = false;
    if (sent_since_report) {
        // RFC 3550 §6.4.1: the NTP time is only echoed back to us (LSR), so our monotonic
        // clock serves; the RTP timestamp is the same instant on our media clock.
        rtp::sender_info info;
        info.ntp_timestamp = rtp::ntp_from_unix(since_epoch(now));
        info.rtp_timestamp =
            cfg.mode == send_mode::tone ? rtp::opus_frame_timestamp(ts_base, frames) : last_ts;
        info.packet_count = static_cast<std::uint32_t>(st.packets_sent);
        info.octet_count = octets_sent;
        ok = w.sender_report(ssrc, info, reported).has_value();
    } else {
        ok = w.receiver_report(ssrc, reported).has_value();
    }
    ok = ok && w.sdes_cname(ssrc, cfg.local_ufrag).has_value();
    if (bye) {
        const std::array<std::uint32_t, 1> sources{ssrc};
        ok = ok && w.bye(sources).has_value();
    }
    sent_since_report = false;
    if (!ok) {
        return;
    }
    auto length = srtp->protect_rtcp(tx, w.size());
    if (!length) {
        return;
    }
    send(std::span<const std::uint8_t>(tx.data(), *length), out);
    ++st.rtcp_sent;
}

void stream::impl::on_rtcp(std::span<std::uint8_t> bytes, core::time_point now) {
    if (!srtp) {
        if (!dtls_over && !peer_may_have_keys()) {
            ++st.before_dtls;
            add_finding(media_rule::before_dtls, now);
        }
        return;
    }
    auto length = srtp->unprotect_rtcp(bytes);
    if (!length) {
        if (length.error() == srtp::errc::auth_failed) {
            ++st.srtp_auth_failures;
        }
        return;
    }
    on_peer_authenticated();
    ++st.rtcp_received;
    // Reduced-size packets (RFC 5506) are accepted: browsers send feedback alone.
    auto compound = rtp::parse_rtcp(std::span<const std::uint8_t>(bytes.data(), *length),
                                    rtp::rtcp_parse_options{true});
    if (!compound) {
        return;
    }
    const auto arrival = since_epoch(now);
    auto read_blocks = [&](std::span<const rtp::report_block> blocks) {
        for (const rtp::report_block& b : blocks) {
            if (b.ssrc != ssrc) {
                continue;
            }
            // RFC 3550 §6.4.1: RTT = A − LSR − DLSR.
            const std::uint32_t a = rtp::ntp_middle32(rtp::ntp_from_unix(arrival));
            if (auto rtt = rtp::round_trip_time(a, b.lsr, b.dlsr)) {
                st.rtt_seconds = std::chrono::duration<double>(*rtt).count();
            }
        }
    };
    while (auto packet = compound->next()) {
        if (packet->type == rtp::rtcp_sr) {
            if (auto sr = rtp::decode_sender_report(*packet)) {
                if (have_peer_ssrc && sr->ssrc == peer_ssrc) {
                    rs.on_sender_report(sr->info.ntp_timestamp, arrival);
                }
                read_blocks(std::span<const rtp::report_block>(sr->blocks.data(), sr->block_count));
            }
        } else if (packet->type == rtp::rtcp_rr) {
            if (auto rr = rtp::decode_receiver_report(*packet)) {
                read_blocks(std::span<const rtp::report_block>(rr->blocks.data(), rr->block_count));
            }
        }
    }
}

}  // namespace ringstorm::media
