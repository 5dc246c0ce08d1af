// RFC 7983 first-byte demultiplexing and the RFC 5761 RTP/RTCP split.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "media/ice/demux.hpp"

namespace {

using ringstorm::demux::classify;
using ringstorm::demux::is_rtcp;
using ringstorm::demux::packet_kind;

TEST(Demux, Rfc7983Table) {
    // RFC 7983 §7: every first-byte value, range by range.
    for (int b = 0; b < 256; ++b) {
        packet_kind want = packet_kind::unknown;
        if (b <= 3) {
            want = packet_kind::stun;
        } else if (b >= 16 && b <= 19) {
            want = packet_kind::zrtp;
        } else if (b >= 20 && b <= 63) {
            want = packet_kind::dtls;
        } else if (b >= 64 && b <= 79) {
            want = packet_kind::turn_channel;
        } else if (b >= 128 && b <= 191) {
            want = packet_kind::rtp_rtcp;
        }
        EXPECT_EQ(classify(static_cast<std::uint8_t>(b)), want) << "first byte " << b;
    }
}

TEST(Demux, RealFirstBytes) {
    const std::vector<std::uint8_t> binding_request = {0x00, 0x01, 0x00, 0x00};
    const std::vector<std::uint8_t> dtls_handshake = {22, 0xfe, 0xfd};      // ClientHello record
    const std::vector<std::uint8_t> dtls_app_data = {23, 0xfe, 0xfd};       // SRTP keys done
    const std::vector<std::uint8_t> rtp_opus = {0x80, 111, 0x12, 0x34};     // V=2, PT 111
    const std::vector<std::uint8_t> rtcp_sr = {0x80, 200, 0x00, 0x06};      // SR
    const std::vector<std::uint8_t> rtcp_rr = {0x81, 201, 0x00, 0x07};      // RR with one block
    const std::vector<std::uint8_t> rtp_marker = {0x80, 0x80 | 111, 0, 1};  // marker set
    EXPECT_EQ(classify(binding_request), packet_kind::stun);
    EXPECT_EQ(classify(dtls_handshake), packet_kind::dtls);
    EXPECT_EQ(classify(dtls_app_data), packet_kind::dtls);
    EXPECT_EQ(classify(rtp_opus), packet_kind::rtp_rtcp);
    EXPECT_FALSE(is_rtcp(rtp_opus));
    EXPECT_FALSE(is_rtcp(rtp_marker));
    EXPECT_TRUE(is_rtcp(rtcp_sr));
    EXPECT_TRUE(is_rtcp(rtcp_rr));
    EXPECT_EQ(classify(std::span<const std::uint8_t>{}), packet_kind::unknown);
    EXPECT_FALSE(is_rtcp(std::vector<std::uint8_t>{0x80}));
}

TEST(Demux, NamesForStats) {
    EXPECT_EQ(to_string(packet_kind::stun), "stun");
    EXPECT_EQ(to_string(packet_kind::rtp_rtcp), "rtp_rtcp");
    EXPECT_EQ(to_string(packet_kind::unknown), "unknown");
}

}  // namespace
