// RTCP compound packets (RFC 3550 §6, rtcp-mux per RFC 5761): SR, RR, SDES CNAME and BYE built
// and parsed back, the 24-bit signed cumulative loss, and malformed compounds rejected.

#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "media/rtp/rtcp.hpp"

namespace ringstorm::rtp {
namespace {

using bytes = std::vector<std::uint8_t>;

report_block sample_block(std::uint32_t ssrc, std::int32_t lost) {
    report_block b;
    b.ssrc = ssrc;
    b.fraction_lost = 64;
    b.cumulative_lost = lost;
    b.extended_highest_seq = 0x0001FFFF;
    b.jitter = 123;
    b.lsr = 0xABCD1234;
    b.dlsr = 0x00018000;
    return b;
}

TEST(Rtcp, SenderReportSdesByeRoundTrip) {
    std::array<std::uint8_t, 512> buf{};
    rtcp_writer w(buf);
    const sender_info info{0x83AA7E80'80000000ULL, 960 * 50, 50, 50 * 80};
    const std::array<report_block, 2> blocks{sample_block(7, -3), sample_block(8, 0x123456)};
    ASSERT_TRUE(w.sender_report(0xCAFEBABE, info, blocks));
    ASSERT_TRUE(w.sdes_cname(0xCAFEBABE, "ringstorm-phone-17"));
    const std::array<std::uint32_t, 1> gone{0xCAFEBABE};
    ASSERT_TRUE(w.bye(gone, "hangup"));
    EXPECT_EQ(w.size() % 4, 0u);

    auto compound = parse_rtcp(w.bytes());
    ASSERT_TRUE(compound) << make_error_code(compound.error()).message();
    auto p1 = compound->next();
    ASSERT_TRUE(p1);
    auto sr = decode_sender_report(*p1);
    ASSERT_TRUE(sr);
    EXPECT_EQ(sr->ssrc, 0xCAFEBABEu);
    EXPECT_EQ(sr->info, info);
    ASSERT_EQ(sr->block_count, 2);
    EXPECT_EQ(sr->blocks[0], blocks[0]);
    EXPECT_EQ(sr->blocks[1], blocks[1]);

    auto p2 = compound->next();
    ASSERT_TRUE(p2);
    std::array<sdes_cname, 2> names{};
    auto found = decode_sdes_cnames(*p2, names);
    ASSERT_TRUE(found);
    ASSERT_EQ(*found, 1u);
    EXPECT_EQ(names[0].ssrc, 0xCAFEBABEu);
    EXPECT_EQ(names[0].cname, "ringstorm-phone-17");

    auto p3 = compound->next();
    ASSERT_TRUE(p3);
    auto bye = decode_bye(*p3);
    ASSERT_TRUE(bye);
    ASSERT_EQ(bye->source_count, 1);
    EXPECT_EQ(bye->ssrcs[0], 0xCAFEBABEu);
    EXPECT_EQ(bye->reason, "hangup");
    EXPECT_FALSE(compound->next());
}

TEST(Rtcp, ReceiverReportWireBytesAndEmptyReport) {
    std::array<std::uint8_t, 128> buf{};
    rtcp_writer w(buf);
    const std::array<report_block, 1> blocks{sample_block(0x01020304, -1)};
    ASSERT_TRUE(w.receiver_report(0x0A0B0C0D, blocks));
    // RFC 3550 §6.4.2: V=2 RC=1, PT=201, length 7 words (32 bytes).
    EXPECT_EQ(bytes(buf.begin(), buf.begin() + 8),
              (bytes{0x81, 201, 0, 7, 0x0A, 0x0B, 0x0C, 0x0D}));
    // Cumulative lost -1 is 0xFFFFFF in 24 bits.
    EXPECT_EQ(bytes(buf.begin() + 12, buf.begin() + 16), (bytes{64, 0xFF, 0xFF, 0xFF}));
    ASSERT_TRUE(w.receiver_report(0x0A0B0C0D, {}));
    auto compound = parse_rtcp(w.bytes());
    ASSERT_TRUE(compound);
    auto rr = decode_receiver_report(*compound->next());
    ASSERT_TRUE(rr);
    EXPECT_EQ(rr->blocks[0].cumulative_lost, -1);
    auto empty = decode_receiver_report(*compound->next());
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->block_count, 0);
}

TEST(Rtcp, CumulativeLostIsClampedTo24BitSigned) {
    std::array<std::uint8_t, 64> buf{};
    rtcp_writer w(buf);
    const std::array<report_block, 2> blocks{sample_block(1, 0x7FFFFFFF),
                                             sample_block(2, -0x7FFFFFFF)};
    ASSERT_TRUE(w.receiver_report(9, blocks));
    auto compound = parse_rtcp(w.bytes());
    ASSERT_TRUE(compound);
    auto rr = decode_receiver_report(*compound->next());
    ASSERT_TRUE(rr);
    EXPECT_EQ(rr->blocks[0].cumulative_lost, 0x7FFFFF);
    EXPECT_EQ(rr->blocks[1].cumulative_lost, -0x800000);
}

TEST(Rtcp, SdesChunkPaddingForEveryCnameLength) {
    for (std::size_t len = 0; len < 9; ++len) {
        std::array<std::uint8_t, 64> buf{};
        rtcp_writer w(buf);
        ASSERT_TRUE(w.receiver_report(1, {}));
        const std::string cname(len, 'x');
        ASSERT_TRUE(w.sdes_cname(1, cname));
        auto compound = parse_rtcp(w.bytes());
        ASSERT_TRUE(compound) << len;
        compound->next();
        std::array<sdes_cname, 1> names{};
        auto found = decode_sdes_cnames(*compound->next(), names);
        ASSERT_TRUE(found) << len;
        ASSERT_EQ(*found, 1u);
        EXPECT_EQ(names[0].cname, cname);
    }
}

TEST(Rtcp, MuxDemultiplexByPacketType) {
    // RFC 5761 §4: second byte 192..223 is RTCP; RTP PT 111 with or without marker is not.
    EXPECT_TRUE(is_rtcp(bytes{0x80, 200}));
    EXPECT_TRUE(is_rtcp(bytes{0x80, 223}));
    EXPECT_TRUE(is_rtcp(bytes{0x80, 192}));
    EXPECT_FALSE(is_rtcp(bytes{0x80, 111}));
    EXPECT_FALSE(is_rtcp(bytes{0x80, 0x80 | 111}));
    EXPECT_FALSE(is_rtcp(bytes{0x80, 224}));
    EXPECT_FALSE(is_rtcp(bytes{0x80}));
}

TEST(Rtcp, PaddingOnTheLastPacketIsRemoved) {
    // RR with no blocks, then a BYE padded by 4 bytes (P set, count 4).
    const bytes packet{0x80, 201, 0, 1, 0, 0, 0, 1, 0xA1, 203, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4};
    auto compound = parse_rtcp(packet);
    ASSERT_TRUE(compound) << make_error_code(compound.error()).message();
    compound->next();
    auto bye_packet_view = compound->next();
    ASSERT_TRUE(bye_packet_view);
    EXPECT_EQ(bye_packet_view->bytes.size(), 8u);
    auto bye = decode_bye(*bye_packet_view);
    ASSERT_TRUE(bye);
    EXPECT_TRUE(bye->reason.empty());
}

TEST(Rtcp, EveryTruncationIsRejectedOrDecodesWithinBounds) {
    std::array<std::uint8_t, 256> buf{};
    rtcp_writer w(buf);
    const std::array<report_block, 1> blocks{sample_block(3, 1)};
    ASSERT_TRUE(w.sender_report(1, sender_info{}, blocks));
    ASSERT_TRUE(w.sdes_cname(1, "cname"));
    const std::array<std::uint32_t, 2> gone{1, 2};
    ASSERT_TRUE(w.bye(gone, "bye"));
    const std::array<std::size_t, 3> boundaries{52, 68, 84};  // SR, +SDES, +BYE
    ASSERT_EQ(w.size(), boundaries[2]);
    for (std::size_t len = 0; len < w.size(); ++len) {
        auto compound = parse_rtcp(w.bytes().first(len));
        const bool boundary = len == boundaries[0] || len == boundaries[1];
        EXPECT_EQ(compound.has_value(), boundary) << len;
        if (!compound) {
            continue;
        }
        while (auto packet = compound->next()) {
            std::array<sdes_cname, 1> names{};
            EXPECT_TRUE(packet->type == rtcp_sr ? decode_sender_report(*packet).has_value()
                                                : decode_sdes_cnames(*packet, names).has_value());
        }
    }
}

struct malformed_case {
    const char* name;
    bytes packet;
    errc code;
};

TEST(Rtcp, RejectsMalformedCompounds) {
    const std::vector<malformed_case> cases{
        {"short", {0x80, 201, 0}, errc::truncated},
        {"rtp", {0x80, 111, 0, 1, 0, 0, 0, 1}, errc::not_rtcp},
        {"sdes_first", {0x81, 202, 0, 1, 0, 0, 0, 1}, errc::bad_compound},
        {"version", {0x40, 201, 0, 1, 0, 0, 0, 1}, errc::bad_version},
        {"length_overrun", {0x80, 201, 0, 2, 0, 0, 0, 1}, errc::bad_length},
        {"trailing_bytes", {0x80, 201, 0, 1, 0, 0, 0, 1, 0x80, 203}, errc::truncated},
        {"padding_not_last", {0xA0, 201, 0, 1, 0, 0, 0, 4, 0x80, 203, 0, 0}, errc::bad_compound},
        {"padding_zero", {0xA0, 201, 0, 1, 0, 0, 0, 0}, errc::bad_padding},
        {"second_version", {0x80, 201, 0, 1, 0, 0, 0, 1, 0x00, 203, 0, 0}, errc::bad_version},
    };
    for (const auto& c : cases) {
        auto r = parse_rtcp(c.packet);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error(), c.code) << c.name;
    }
    // Reduced-size RTCP (RFC 5506) may start with another type.
    EXPECT_TRUE(parse_rtcp(bytes{0x81, 202, 0, 1, 0, 0, 0, 1}, {.reduced_size = true}));
}

TEST(Rtcp, TypedDecodersRejectShortOrWrongPackets) {
    // RC says 1 block but the packet has only the SSRC.
    const bytes rr_short{0x81, 201, 0, 1, 0, 0, 0, 1};
    auto compound = parse_rtcp(rr_short);
    ASSERT_TRUE(compound);
    auto p = *compound->next();
    EXPECT_EQ(decode_receiver_report(p).error(), errc::truncated);
    EXPECT_EQ(decode_sender_report(p).error(), errc::wrong_packet_type);
    EXPECT_EQ(decode_bye(p).error(), errc::wrong_packet_type);
    std::array<sdes_cname, 1> names{};
    EXPECT_EQ(decode_sdes_cnames(p, names).error(), errc::wrong_packet_type);

    // SDES whose CNAME item claims more bytes than the chunk has.
    const bytes sdes{0x80, 201, 0, 1, 0, 0, 0, 1, 0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 'a', 'b'};
    auto c2 = parse_rtcp(sdes);
    ASSERT_TRUE(c2);
    c2->next();
    EXPECT_EQ(decode_sdes_cnames(*c2->next(), names).error(), errc::truncated);

    // BYE reason longer than the packet.
    const bytes bye{0x80, 201, 0, 1, 0, 0, 0, 1, 0x81, 203, 0, 2, 0, 0, 0, 1, 7, 'x', 0, 0};
    auto c3 = parse_rtcp(bye);
    ASSERT_TRUE(c3);
    c3->next();
    EXPECT_EQ(decode_bye(*c3->next()).error(), errc::truncated);
}

TEST(Rtcp, WriterLimitsAndAtomicAppend) {
    std::array<std::uint8_t, 40> buf{};
    rtcp_writer w(buf);
    const std::array<report_block, 2> two{sample_block(1, 0), sample_block(2, 0)};
    // 8 + 48 bytes do not fit in 40: nothing is written.
    EXPECT_EQ(w.receiver_report(1, two).error(), errc::buffer_too_small);
    EXPECT_EQ(w.size(), 0u);
    std::vector<report_block> many(32);
    std::array<std::uint8_t, 1024> big{};
    rtcp_writer w2(big);
    EXPECT_EQ(w2.receiver_report(1, many).error(), errc::too_many_blocks);
    EXPECT_EQ(w2.sdes_cname(1, std::string(256, 'c')).error(), errc::item_too_long);
    EXPECT_EQ(w2.size(), 0u);
}

}  // namespace
}  // namespace ringstorm::rtp
