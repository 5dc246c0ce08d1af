#include "media/rtp/rtp_header.hpp"

#include <algorithm>
#include <cstring>

#include "media/rtp/wire.hpp"

namespace ringstorm::rtp {

using core::unexpected;

core::result<rtp_packet_view, errc> parse_rtp(std::span<const std::uint8_t> packet) noexcept {
    if (packet.size() < rtp_fixed_header_size) {
        return unexpected(errc::truncated);
    }
    const std::uint8_t* p = packet.data();
    if ((p[0] >> 6) != 2) {
        return unexpected(errc::bad_version);
    }
    rtp_packet_view view;
    rtp_header& h = view.header;
    h.padding = (p[0] & 0x20) != 0;
    h.extension = (p[0] & 0x10) != 0;
    h.csrc_count = p[0] & 0x0F;
    h.marker = (p[1] & 0x80) != 0;
    h.payload_type = p[1] & 0x7F;
    h.sequence = wire::load16(p + 2);
    h.timestamp = wire::load32(p + 4);
    h.ssrc = wire::load32(p + 8);

    std::size_t offset = rtp_fixed_header_size;
    if (packet.size() < offset + 4u * h.csrc_count) {
        return unexpected(errc::truncated);
    }
    for (std::size_t i = 0; i < h.csrc_count; ++i) {
        h.csrcs[i] = wire::load32(p + offset);
        offset += 4;
    }
    if (h.extension) {
        // RFC 3550 §5.3.1: a 16-bit profile word and the length in 32-bit words, not counting
        // the 4-byte extension header itself. The whole block is skipped whatever its profile.
        if (packet.size() < offset + 4) {
            return unexpected(errc::bad_extension);
        }
        h.extension_profile = wire::load16(p + offset);
        const std::size_t words = wire::load16(p + offset + 2);
        offset += 4;
        if (packet.size() < offset + 4 * words) {
            return unexpected(errc::bad_extension);
        }
        view.extension_data = packet.subspan(offset, 4 * words);
        offset += 4 * words;
    }
    std::size_t end = packet.size();
    if (h.padding) {
        // The last byte counts the padding, itself included; zero is invalid (A.1's check).
        const std::size_t count = p[end - 1];
        if (count == 0 || count > end - offset) {
            return unexpected(errc::bad_padding);
        }
        view.padding_size = count;
        end -= count;
    }
    view.payload = packet.subspan(offset, end - offset);
    return view;
}

std::size_t rtp_header_size(const rtp_header& header, std::size_t extension_size) noexcept {
    return rtp_fixed_header_size + 4u * header.csrc_count +
           (header.extension ? 4 + extension_size : 0);
}

core::result<std::size_t, errc> write_rtp_header(const rtp_header& header,
                                                 std::span<const std::uint8_t> extension_data,
                                                 std::span<std::uint8_t> out) noexcept {
    if (header.csrc_count > rtp_max_csrcs) {
        return unexpected(errc::too_many_csrcs);
    }
    if (header.extension &&
        (extension_data.size() % 4 != 0 || extension_data.size() / 4 > 0xFFFF)) {
        return unexpected(errc::bad_extension_length);
    }
    const std::size_t size = rtp_header_size(header, extension_data.size());
    if (out.size() < size) {
        return unexpected(errc::buffer_too_small);
    }
    std::uint8_t* p = out.data();
    p[0] = static_cast<std::uint8_t>(0x80 | (header.padding ? 0x20 : 0) |
                                     (header.extension ? 0x10 : 0) | header.csrc_count);
    p[1] = static_cast<std::uint8_t>((header.marker ? 0x80 : 0) | (header.payload_type & 0x7F));
    wire::store16(p + 2, header.sequence);
    wire::store32(p + 4, header.timestamp);
    wire::store32(p + 8, header.ssrc);
    std::size_t offset = rtp_fixed_header_size;
    for (std::size_t i = 0; i < header.csrc_count; ++i) {
        wire::store32(p + offset, header.csrcs[i]);
        offset += 4;
    }
    if (header.extension) {
        wire::store16(p + offset, header.extension_profile);
        wire::store16(p + offset + 2, static_cast<std::uint16_t>(extension_data.size() / 4));
        offset += 4;
        if (!extension_data.empty()) {
            std::memcpy(p + offset, extension_data.data(), extension_data.size());
        }
        offset += extension_data.size();
    }
    return offset;
}

core::result<std::size_t, errc> write_rtp_packet(const rtp_header& header,
                                                 std::span<const std::uint8_t> extension_data,
                                                 std::span<const std::uint8_t> payload,
                                                 std::uint8_t padding_size,
                                                 std::span<std::uint8_t> out) noexcept {
    rtp_header h = header;
    h.padding = padding_size > 0;
    auto written = write_rtp_header(h, extension_data, out);
    if (!written) {
        return written;
    }
    std::size_t offset = *written;
    if (out.size() - offset < payload.size() + padding_size) {
        return unexpected(errc::buffer_too_small);
    }
    if (!payload.empty()) {
        std::memcpy(out.data() + offset, payload.data(), payload.size());
    }
    offset += payload.size();
    if (padding_size > 0) {
        std::fill_n(out.data() + offset, padding_size - 1, std::uint8_t{0});
        out[offset + padding_size - 1] = padding_size;
        offset += padding_size;
    }
    return offset;
}

}  // namespace ringstorm::rtp
