#pragma once
// RTCP codec (RFC 3550 §6) for rtcp-mux (RFC 5761): SR, RR, SDES CNAME and BYE in compound
// packets. Sans-I/O: the writer fills the caller's buffer, the parser returns views over the
// caller's bytes; fixed-size arrays instead of allocation (RC/SC is 5 bits, so ≤ 31 entries).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "engine/core/result.hpp"
#include "media/rtp/error.hpp"

namespace ringstorm::rtp {

// RFC 3550 §12.1 packet types.
inline constexpr std::uint8_t rtcp_sr = 200;
inline constexpr std::uint8_t rtcp_rr = 201;
inline constexpr std::uint8_t rtcp_sdes = 202;
inline constexpr std::uint8_t rtcp_bye = 203;
inline constexpr std::uint8_t rtcp_app = 204;
inline constexpr std::size_t rtcp_max_blocks = 31;

// RFC 5761 §4: on a muxed port a packet whose second byte is 192..223 is RTCP (those values
// are RTP PT 64..95 with M set, which RTP/AVP never assigns); anything else is RTP.
inline bool is_rtcp(std::span<const std::uint8_t> packet) noexcept {
    return packet.size() >= 2 && packet[1] >= 192 && packet[1] <= 223;
}

// RFC 3550 §6.4.1 report block: what a receiver says about one source.
struct report_block {
    std::uint32_t ssrc = 0;                  // the source reported on
    std::uint8_t fraction_lost = 0;          // lost/expected since the last report, × 256
    std::int32_t cumulative_lost = 0;        // 24-bit signed: duplicates can make it negative
    std::uint32_t extended_highest_seq = 0;  // cycles << 16 | highest sequence received
    std::uint32_t jitter = 0;                // interarrival jitter, timestamp units (A.8)
    std::uint32_t lsr = 0;                   // middle 32 bits of the last SR's NTP time, 0 if none
    std::uint32_t dlsr = 0;                  // delay since that SR, 1/65536 s

    friend bool operator==(const report_block&, const report_block&) = default;
};

// RFC 3550 §6.4.1 sender info.
struct sender_info {
    std::uint64_t ntp_timestamp = 0;  // wallclock at send time, NTP 32.32 fixed point
    std::uint32_t rtp_timestamp = 0;  // the same instant on the RTP media clock
    std::uint32_t packet_count = 0;   // packets sent since the start of transmission
    std::uint32_t octet_count = 0;    // payload octets sent since then

    friend bool operator==(const sender_info&, const sender_info&) = default;
};

struct sender_report {
    std::uint32_t ssrc = 0;
    sender_info info;
    std::uint8_t block_count = 0;
    std::array<report_block, rtcp_max_blocks> blocks{};
};

struct receiver_report {
    std::uint32_t ssrc = 0;
    std::uint8_t block_count = 0;
    std::array<report_block, rtcp_max_blocks> blocks{};
};

struct sdes_cname {
    std::uint32_t ssrc = 0;
    std::string_view cname;  // borrows the packet
};

struct bye_packet {
    std::uint8_t source_count = 0;
    std::array<std::uint32_t, rtcp_max_blocks> ssrcs{};
    std::string_view reason;  // borrows the packet; empty when absent
};

// One packet of a compound, its padding removed.
struct rtcp_packet {
    std::uint8_t type = 0;                // PT
    std::uint8_t count = 0;               // the 5-bit RC/SC/subtype field
    std::span<const std::uint8_t> bytes;  // header included
};

struct rtcp_parse_options {
    // RFC 3550 §6.1 wants every compound to start with SR or RR; RFC 5506 reduced-size RTCP
    // (a=rtcp-rsize) lifts that. Off: strict compound rules.
    bool reduced_size = false;
};

// A validated compound packet: iterate its packets with next().
class rtcp_compound {
public:
    // Next packet, nullopt after the last.
    std::optional<rtcp_packet> next() noexcept;

private:
    friend core::result<rtcp_compound, errc> parse_rtcp(std::span<const std::uint8_t>,
                                                        rtcp_parse_options) noexcept;
    explicit rtcp_compound(std::span<const std::uint8_t> bytes, std::size_t last_padding)
        : bytes_(bytes), last_padding_(last_padding) {}

    std::span<const std::uint8_t> bytes_;
    std::size_t last_padding_ = 0;  // padding bytes at the end of the last packet
    std::size_t offset_ = 0;
};

// Checks the whole compound before anything is read (RFC 3550 A.2): version 2 everywhere,
// lengths that add up to the datagram exactly, padding only on the last packet, and (unless
// reduced_size) SR or RR first. Unknown packet types (APP, RTPFB, PSFB, XR) are kept; the
// caller skips them.
core::result<rtcp_compound, errc> parse_rtcp(std::span<const std::uint8_t> datagram,
                                             rtcp_parse_options options = {}) noexcept;

core::result<sender_report, errc> decode_sender_report(const rtcp_packet& packet) noexcept;
core::result<receiver_report, errc> decode_receiver_report(const rtcp_packet& packet) noexcept;
// Fills out with the CNAME of each chunk that has one; returns how many were written (chunks
// beyond out.size() are validated but dropped).
core::result<std::size_t, errc> decode_sdes_cnames(const rtcp_packet& packet,
                                                   std::span<sdes_cname> out) noexcept;
core::result<bye_packet, errc> decode_bye(const rtcp_packet& packet) noexcept;

// Appends packets to a compound in the caller's buffer. A failed append leaves the buffer
// as it was. Order is the caller's: RFC 3550 §6.1 wants SR/RR first, then SDES with CNAME.
class rtcp_writer {
public:
    explicit rtcp_writer(std::span<std::uint8_t> out) noexcept : out_(out) {}

    core::result<std::size_t, errc> sender_report(std::uint32_t ssrc, const sender_info& info,
                                                  std::span<const report_block> blocks) noexcept;
    core::result<std::size_t, errc> receiver_report(std::uint32_t ssrc,
                                                    std::span<const report_block> blocks) noexcept;
    core::result<std::size_t, errc> sdes_cname(std::uint32_t ssrc, std::string_view cname) noexcept;
    core::result<std::size_t, errc> bye(std::span<const std::uint32_t> ssrcs,
                                        std::string_view reason = {}) noexcept;

    std::size_t size() const noexcept { return size_; }
    std::span<const std::uint8_t> bytes() const noexcept { return out_.first(size_); }

private:
    core::result<std::uint8_t*, errc> reserve(std::size_t bytes) noexcept;

    std::span<std::uint8_t> out_;
    std::size_t size_ = 0;
};

}  // namespace ringstorm::rtp
