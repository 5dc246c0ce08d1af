// RTCP compound validation (RFC 3550 A.2) and the typed decoders for SR, RR, SDES, BYE.

#include "media/rtp/rtcp.hpp"
#include "media/rtp/wire.hpp"

namespace ringstorm::rtp {

using core::unexpected;

namespace {

constexpr std::size_t report_block_size = 24;

report_block read_block(const std::uint8_t* p) {
    report_block b;
    b.ssrc = wire::load32(p);
    b.fraction_lost = p[4];
    // Sign-extend the 24-bit cumulative lost (RFC 3550 §6.4.1: signed).
    const std::uint32_t raw = wire::load24(p + 5);
    b.cumulative_lost = (raw & 0x800000) != 0 ? static_cast<std::int32_t>(raw | 0xFF000000u)
                                              : static_cast<std::int32_t>(raw);
    b.extended_highest_seq = wire::load32(p + 8);
    b.jitter = wire::load32(p + 12);
    b.lsr = wire::load32(p + 16);
    b.dlsr = wire::load32(p + 20);
    return b;
}

}  // namespace

core::result<rtcp_compound, errc> parse_rtcp(std::span<const std::uint8_t> datagram,
                                             rtcp_parse_options options) noexcept {
    if (datagram.size() < 4) {
        return unexpected(errc::truncated);
    }
    if (!is_rtcp(datagram)) {
        return unexpected(errc::not_rtcp);
    }
    if (!options.reduced_size && datagram[1] != rtcp_sr && datagram[1] != rtcp_rr) {
        return unexpected(errc::bad_compound);
    }
    std::size_t offset = 0;
    std::size_t last_padding = 0;
    while (offset < datagram.size()) {
        if (datagram.size() - offset < 4) {
            return unexpected(errc::truncated);
        }
        const std::uint8_t* p = datagram.data() + offset;
        if ((p[0] >> 6) != 2) {
            return unexpected(errc::bad_version);
        }
        const std::size_t bytes = (std::size_t{wire::load16(p + 2)} + 1) * 4;
        if (bytes > datagram.size() - offset) {
            return unexpected(errc::bad_length);
        }
        if ((p[0] & 0x20) != 0) {
            // RFC 3550 §6.4.1: only the last packet of a compound may be padded.
            if (offset + bytes != datagram.size()) {
                return unexpected(errc::bad_compound);
            }
            const std::size_t count = datagram[datagram.size() - 1];
            if (count == 0 || count > bytes - 4) {
                return unexpected(errc::bad_padding);
            }
            last_padding = count;
        }
        offset += bytes;
    }
    return rtcp_compound(datagram, last_padding);
}

std::optional<rtcp_packet> rtcp_compound::next() noexcept {
    if (offset_ >= bytes_.size()) {
        return std::nullopt;
    }
    const std::uint8_t* p = bytes_.data() + offset_;
    std::size_t bytes = (std::size_t{wire::load16(p + 2)} + 1) * 4;
    const std::size_t start = offset_;
    offset_ += bytes;
    if (offset_ == bytes_.size()) {
        bytes -= last_padding_;
    }
    return rtcp_packet{p[1], static_cast<std::uint8_t>(p[0] & 0x1F), bytes_.subspan(start, bytes)};
}

core::result<sender_report, errc> decode_sender_report(const rtcp_packet& packet) noexcept {
    if (packet.type != rtcp_sr) {
        return unexpected(errc::wrong_packet_type);
    }
    // Blocks may be followed by a profile-specific extension (§6.4.1), which is ignored.
    if (packet.bytes.size() < 28 + report_block_size * packet.count) {
        return unexpected(errc::truncated);
    }
    const std::uint8_t* p = packet.bytes.data();
    sender_report sr;
    sr.ssrc = wire::load32(p + 4);
    sr.info.ntp_timestamp = (std::uint64_t{wire::load32(p + 8)} << 32) | wire::load32(p + 12);
    sr.info.rtp_timestamp = wire::load32(p + 16);
    sr.info.packet_count = wire::load32(p + 20);
    sr.info.octet_count = wire::load32(p + 24);
    sr.block_count = packet.count;
    for (std::size_t i = 0; i < packet.count; ++i) {
        sr.blocks[i] = read_block(p + 28 + report_block_size * i);
    }
    return sr;
}

core::result<receiver_report, errc> decode_receiver_report(const rtcp_packet& packet) noexcept {
    if (packet.type != rtcp_rr) {
        return unexpected(errc::wrong_packet_type);
    }
    if (packet.bytes.size() < 8 + report_block_size * packet.count) {
        return unexpected(errc::truncated);
    }
    const std::uint8_t* p = packet.bytes.data();
    receiver_report rr;
    rr.ssrc = wire::load32(p + 4);
    rr.block_count = packet.count;
    for (std::size_t i = 0; i < packet.count; ++i) {
        rr.blocks[i] = read_block(p + 8 + report_block_size * i);
    }
    return rr;
}

core::result<std::size_t, errc> decode_sdes_cnames(const rtcp_packet& packet,
                                                   std::span<sdes_cname> out) noexcept {
    if (packet.type != rtcp_sdes) {
        return unexpected(errc::wrong_packet_type);
    }
    const auto bytes = packet.bytes;
    std::size_t offset = 4;
    std::size_t found = 0;
    for (std::size_t chunk = 0; chunk < packet.count; ++chunk) {
        if (bytes.size() - offset < 4) {
            return unexpected(errc::truncated);
        }
        const std::uint32_t ssrc = wire::load32(bytes.data() + offset);
        offset += 4;
        std::optional<std::string_view> cname;
        // RFC 3550 §6.5: items until a null type octet, then pad to the next 32-bit boundary.
        for (;;) {
            if (offset >= bytes.size()) {
                return unexpected(errc::truncated);
            }
            const std::uint8_t type = bytes[offset];
            if (type == 0) {
                offset = (offset + 4) / 4 * 4;
                if (offset > bytes.size()) {
                    return unexpected(errc::truncated);
                }
                break;
            }
            if (bytes.size() - offset < 2 || bytes.size() - offset - 2 < bytes[offset + 1]) {
                return unexpected(errc::truncated);
            }
            const std::size_t length = bytes[offset + 1];
            if (type == 1 && !cname) {
                cname = std::string_view(reinterpret_cast<const char*>(bytes.data() + offset + 2),
                                         length);
            }
            offset += 2 + length;
        }
        if (cname && found < out.size()) {
            out[found++] = sdes_cname{ssrc, *cname};
        }
    }
    return found;
}

core::result<bye_packet, errc> decode_bye(const rtcp_packet& packet) noexcept {
    if (packet.type != rtcp_bye) {
        return unexpected(errc::wrong_packet_type);
    }
    const auto bytes = packet.bytes;
    const std::size_t after_ssrcs = 4 + 4 * std::size_t{packet.count};
    if (bytes.size() < after_ssrcs) {
        return unexpected(errc::truncated);
    }
    bye_packet bye;
    bye.source_count = packet.count;
    for (std::size_t i = 0; i < packet.count; ++i) {
        bye.ssrcs[i] = wire::load32(bytes.data() + 4 + 4 * i);
    }
    if (bytes.size() > after_ssrcs) {
        const std::size_t length = bytes[after_ssrcs];
        if (bytes.size() - after_ssrcs - 1 < length) {
            return unexpected(errc::truncated);
        }
        bye.reason =
            std::string_view(reinterpret_cast<const char*>(bytes.data() + after_ssrcs + 1), length);
    }
    return bye;
}

}  // namespace ringstorm::rtp
