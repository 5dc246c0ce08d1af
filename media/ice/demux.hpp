#pragma once
// RFC 7983 §7: telling STUN, DTLS and RTP/RTCP apart on one port by the first byte, and
// RFC 5761 §4: telling RTCP from RTP under rtcp-mux by the second.

#include <cstdint>
#include <span>
#include <string_view>

namespace ringstorm::demux {

enum class packet_kind : std::uint8_t {
    stun,          // first byte 0..3
    zrtp,          // 16..19
    dtls,          // 20..63
    turn_channel,  // 64..79 (TURN ChannelData)
    rtp_rtcp,      // 128..191
    unknown,       // anything else, and empty datagrams: dropped
};

std::string_view to_string(packet_kind k) noexcept;

constexpr packet_kind classify(std::uint8_t first) noexcept {
    if (first <= 3) {
        return packet_kind::stun;
    }
    if (first >= 16 && first <= 19) {
        return packet_kind::zrtp;
    }
    if (first >= 20 && first <= 63) {
        return packet_kind::dtls;
    }
    if (first >= 64 && first <= 79) {
        return packet_kind::turn_channel;
    }
    if (first >= 128 && first <= 191) {
        return packet_kind::rtp_rtcp;
    }
    return packet_kind::unknown;
}

inline packet_kind classify(std::span<const std::uint8_t> datagram) noexcept {
    return datagram.empty() ? packet_kind::unknown : classify(datagram[0]);
}

// RFC 5761 §4: RTCP's packet type (SR 200, RR 201, SDES 202, BYE 203, APP 204, RTPFB 205,
// PSFB 206) sits where RTP has its marker bit and payload type, so a second byte in
// 192..223 is RTCP as long as RTP payload types 64..95 are not used (which §4 forbids
// under rtcp-mux). Only meaningful for packet_kind::rtp_rtcp.
inline bool is_rtcp(std::span<const std::uint8_t> datagram) noexcept {
    if (datagram.size() < 2) {
        return false;
    }
    const std::uint8_t pt = datagram[1];
    return pt >= 192 && pt <= 223;
}

}  // namespace ringstorm::demux
