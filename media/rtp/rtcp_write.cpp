// rtcp_writer: SR, RR, SDES CNAME and BYE appended to a compound (RFC 3550 §6.4-6.6).

#include <algorithm>
#include <cstring>

#include "media/rtp/rtcp.hpp"
#include "media/rtp/wire.hpp"

namespace ringstorm::rtp {

using core::unexpected;

namespace {

constexpr std::size_t report_block_size = 24;

// RFC 3550 §6.4.1: the first word of every packet; length is in 32-bit words minus one.
void write_common_header(std::uint8_t* p, std::uint8_t count, std::uint8_t type,
                         std::size_t bytes) {
    p[0] = static_cast<std::uint8_t>(0x80 | count);
    p[1] = type;
    wire::store16(p + 2, static_cast<std::uint16_t>(bytes / 4 - 1));
}

void write_block(std::uint8_t* p, const report_block& b) {
    wire::store32(p, b.ssrc);
    p[4] = b.fraction_lost;
    // A.3: cumulative lost is clamped to the 24-bit signed range rather than wrapped.
    const std::int32_t lost = std::clamp<std::int32_t>(b.cumulative_lost, -0x800000, 0x7FFFFF);
    wire::store24(p + 5, static_cast<std::uint32_t>(lost) & 0xFFFFFF);
    wire::store32(p + 8, b.extended_highest_seq);
    wire::store32(p + 12, b.jitter);
    wire::store32(p + 16, b.lsr);
    wire::store32(p + 20, b.dlsr);
}

}  // namespace

core::result<std::uint8_t*, errc> rtcp_writer::reserve(std::size_t bytes) noexcept {
    if (out_.size() - size_ < bytes) {
        return unexpected(errc::buffer_too_small);
    }
    std::uint8_t* p = out_.data() + size_;
    size_ += bytes;
    return p;
}

core::result<std::size_t, errc> rtcp_writer::sender_report(
    std::uint32_t ssrc, const sender_info& info, std::span<const report_block> blocks) noexcept {
    if (blocks.size() > rtcp_max_blocks) {
        return unexpected(errc::too_many_blocks);
    }
    const std::size_t bytes = 28 + report_block_size * blocks.size();
    auto p = reserve(bytes);
    if (!p) {
        return unexpected(p.error());
    }
    std::uint8_t* w = *p;
    write_common_header(w, static_cast<std::uint8_t>(blocks.size()), rtcp_sr, bytes);
    wire::store32(w + 4, ssrc);
    wire::store32(w + 8, static_cast<std::uint32_t>(info.ntp_timestamp >> 32));
    wire::store32(w + 12, static_cast<std::uint32_t>(info.ntp_timestamp));
    wire::store32(w + 16, info.rtp_timestamp);
    wire::store32(w + 20, info.packet_count);
    wire::store32(w + 24, info.octet_count);
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        write_block(w + 28 + report_block_size * i, blocks[i]);
    }
    return size_;
}

core::result<std::size_t, errc> rtcp_writer::receiver_report(
    std::uint32_t ssrc, std::span<const report_block> blocks) noexcept {
    if (blocks.size() > rtcp_max_blocks) {
        return unexpected(errc::too_many_blocks);
    }
    const std::size_t bytes = 8 + report_block_size * blocks.size();
    auto p = reserve(bytes);
    if (!p) {
        return unexpected(p.error());
    }
    std::uint8_t* w = *p;
    write_common_header(w, static_cast<std::uint8_t>(blocks.size()), rtcp_rr, bytes);
    wire::store32(w + 4, ssrc);
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        write_block(w + 8 + report_block_size * i, blocks[i]);
    }
    return size_;
}

core::result<std::size_t, errc> rtcp_writer::sdes_cname(std::uint32_t ssrc,
                                                        std::string_view cname) noexcept {
    if (cname.size() > 255) {
        return unexpected(errc::item_too_long);
    }
    // RFC 3550 §6.5: one chunk = SSRC, CNAME item (type 1, length, text), then one to four
    // null octets that end the item list and pad the chunk to a 32-bit boundary.
    const std::size_t items = 2 + cname.size();
    const std::size_t nulls = 4 - items % 4;
    const std::size_t bytes = 4 + 4 + items + nulls;
    auto p = reserve(bytes);
    if (!p) {
        return unexpected(p.error());
    }
    std::uint8_t* w = *p;
    write_common_header(w, 1, rtcp_sdes, bytes);
    wire::store32(w + 4, ssrc);
    w[8] = 1;  // CNAME
    w[9] = static_cast<std::uint8_t>(cname.size());
    if (!cname.empty()) {
        std::memcpy(w + 10, cname.data(), cname.size());
    }
    std::fill_n(w + 10 + cname.size(), nulls, std::uint8_t{0});
    return size_;
}

core::result<std::size_t, errc> rtcp_writer::bye(std::span<const std::uint32_t> ssrcs,
                                                 std::string_view reason) noexcept {
    if (ssrcs.size() > rtcp_max_blocks) {
        return unexpected(errc::too_many_blocks);
    }
    if (reason.size() > 255) {
        return unexpected(errc::item_too_long);
    }
    // RFC 3550 §6.6: the optional reason is a length octet and text, zero-padded to 32 bits.
    const std::size_t reason_bytes = reason.empty() ? 0 : (1 + reason.size() + 3) / 4 * 4;
    const std::size_t bytes = 4 + 4 * ssrcs.size() + reason_bytes;
    auto p = reserve(bytes);
    if (!p) {
        return unexpected(p.error());
    }
    std::uint8_t* w = *p;
    write_common_header(w, static_cast<std::uint8_t>(ssrcs.size()), rtcp_bye, bytes);
    for (std::size_t i = 0; i < ssrcs.size(); ++i) {
        wire::store32(w + 4 + 4 * i, ssrcs[i]);
    }
    if (!reason.empty()) {
        std::uint8_t* r = w + 4 + 4 * ssrcs.size();
        r[0] = static_cast<std::uint8_t>(reason.size());
        std::memcpy(r + 1, reason.data(), reason.size());
        std::fill(r + 1 + reason.size(), w + bytes, std::uint8_t{0});
    }
    return size_;
}

}  // namespace ringstorm::rtp
