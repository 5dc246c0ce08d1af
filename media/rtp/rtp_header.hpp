#pragma once
// RTP fixed header codec (RFC 3550 §5.1), sans-I/O: parse a view over the caller's bytes and
// write into the caller's buffer. Nothing is allocated; the view borrows the packet.
//
//   0                   1                   2                   3
//   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//   |                           timestamp                           |
//   |                             SSRC                              |
//   |                       CSRC list (0..15)                       |
//   | profile (0xBEDE / 0x100X)     |   length in 32-bit words      |  only when X=1
//   |                    extension data (RFC 8285)                  |
//   |                           payload ...    | padding | count    |  count only when P=1

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/core/result.hpp"
#include "media/rtp/error.hpp"

namespace ringstorm::rtp {

inline constexpr std::size_t rtp_fixed_header_size = 12;
inline constexpr std::size_t rtp_max_csrcs = 15;

struct rtp_header {
    bool padding = false;  // P: parse reports it; write_rtp_packet sets it from padding_size
    bool marker = false;   // M: for audio, the first packet of a talkspurt (RFC 3551 §4.1)
    std::uint8_t payload_type = 0;  // 7 bits; 111 is the usual dynamic PT for Opus
    std::uint16_t sequence = 0;     // +1 per packet, wraps (receive_stats extends it)
    std::uint32_t timestamp = 0;    // media clock; 48 kHz for Opus (RFC 7587 §4.1)
    std::uint32_t ssrc = 0;
    std::uint8_t csrc_count = 0;  // number of valid entries in csrcs
    std::array<std::uint32_t, rtp_max_csrcs> csrcs{};
    bool extension = false;               // X: a header extension block follows the CSRCs
    std::uint16_t extension_profile = 0;  // 0xBEDE one-byte, 0x100X two-byte (RFC 8285)
};

// A parsed packet: the header plus views into the packet it came from.
struct rtp_packet_view {
    rtp_header header;
    std::span<const std::uint8_t> extension_data;  // the extension words after the 4-byte
                                                   // profile/length word; empty when X=0
    std::span<const std::uint8_t> payload;         // without padding
    std::size_t padding_size = 0;                  // bytes removed from the end (P=1)
};

// Parses one RTP packet. Rejects V != 2, truncation, an extension block that overruns the
// packet and a padding count of 0 or beyond the payload (RFC 3550 §5.1, A.1's validity
// checks). Does not check the payload type: demultiplex RTCP first (rtcp.hpp is_rtcp).
core::result<rtp_packet_view, errc> parse_rtp(std::span<const std::uint8_t> packet) noexcept;

// Bytes write_rtp_header would produce for header with extension_data of that length.
std::size_t rtp_header_size(const rtp_header& header, std::size_t extension_size) noexcept;

// Writes the fixed header, CSRCs and (when header.extension) the profile/length word and
// extension_data into out. extension_data must be a whole number of 32-bit words (use
// write_extension_elements to build it). Returns the bytes written.
core::result<std::size_t, errc> write_rtp_header(const rtp_header& header,
                                                 std::span<const std::uint8_t> extension_data,
                                                 std::span<std::uint8_t> out) noexcept;

// Writes a whole packet: header, payload, then padding_size bytes of padding whose last byte
// is the count (RFC 3550 §5.1); the P bit follows padding_size, not header.padding.
core::result<std::size_t, errc> write_rtp_packet(const rtp_header& header,
                                                 std::span<const std::uint8_t> extension_data,
                                                 std::span<const std::uint8_t> payload,
                                                 std::uint8_t padding_size,
                                                 std::span<std::uint8_t> out) noexcept;

}  // namespace ringstorm::rtp
