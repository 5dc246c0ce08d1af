// RTP header codec (RFC 3550 §5.1) and RFC 8285 header extensions: round trips, the bytes on
// the wire, and malformed packets rejected with the right error instead of misread.

#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "media/rtp/header_extension.hpp"
#include "media/rtp/rtp_header.hpp"

namespace ringstorm::rtp {
namespace {

using bytes = std::vector<std::uint8_t>;

rtp_header opus_header() {
    rtp_header h;
    h.marker = true;
    h.payload_type = 111;
    h.sequence = 0xFFFE;
    h.timestamp = 0xDEADBEEF;
    h.ssrc = 0x11223344;
    return h;
}

TEST(RtpHeader, WritesTheRfc3550Layout) {
    std::array<std::uint8_t, 64> out{};
    const std::array<std::uint8_t, 3> payload{0xAA, 0xBB, 0xCC};
    auto n = write_rtp_packet(opus_header(), {}, payload, 0, out);
    ASSERT_TRUE(n);
    ASSERT_EQ(*n, 15u);
    const bytes expect{0x80, 0x80 | 111, 0xFF, 0xFE, 0xDE, 0xAD, 0xBE, 0xEF,
                       0x11, 0x22,       0x33, 0x44, 0xAA, 0xBB, 0xCC};
    EXPECT_EQ(bytes(out.begin(), out.begin() + 15), expect);
}

TEST(RtpHeader, RoundTripsCsrcsExtensionAndPadding) {
    rtp_header h = opus_header();
    h.csrc_count = 3;
    h.csrcs[0] = 1;
    h.csrcs[1] = 0xFFFFFFFF;
    h.csrcs[2] = 42;
    h.extension = true;
    h.extension_profile = one_byte_profile;
    const std::array<std::uint8_t, 1> level{0x85};
    const std::array<std::uint8_t, 3> abs_send{0x01, 0x02, 0x03};
    const std::array<extension_element, 2> elements{{{1, level}, {3, abs_send}}};
    std::array<std::uint8_t, 32> ext{};
    auto ext_size = write_extension_elements(extension_form::one_byte, elements, ext);
    ASSERT_TRUE(ext_size);
    EXPECT_EQ(*ext_size, 8u);  // 2 + 4 bytes of elements, padded to two words
    const bytes payload{1, 2, 3, 4, 5};
    std::array<std::uint8_t, 128> out{};
    auto n = write_rtp_packet(h, std::span(ext).first(*ext_size), payload, 4, out);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 12u + 12u + 4u + 8u + 5u + 4u);

    auto v = parse_rtp(std::span(out).first(*n));
    ASSERT_TRUE(v) << make_error_code(v.error()).message();
    EXPECT_TRUE(v->header.marker);
    EXPECT_TRUE(v->header.padding);
    EXPECT_EQ(v->header.payload_type, 111);
    EXPECT_EQ(v->header.sequence, 0xFFFE);
    EXPECT_EQ(v->header.timestamp, 0xDEADBEEFu);
    EXPECT_EQ(v->header.ssrc, 0x11223344u);
    ASSERT_EQ(v->header.csrc_count, 3);
    EXPECT_EQ(v->header.csrcs[1], 0xFFFFFFFFu);
    EXPECT_EQ(v->header.csrcs[2], 42u);
    EXPECT_EQ(v->padding_size, 4u);
    EXPECT_EQ(bytes(v->payload.begin(), v->payload.end()), payload);

    auto found = find_extension(v->header.extension_profile, v->extension_data, 3);
    ASSERT_TRUE(found);
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ(bytes((*found)->begin(), (*found)->end()), bytes(abs_send.begin(), abs_send.end()));
    auto absent = find_extension(v->header.extension_profile, v->extension_data, 2);
    ASSERT_TRUE(absent);
    EXPECT_FALSE(absent->has_value());
}

TEST(RtpHeader, TwoByteExtensionsAllowEmptyAndLongElements) {
    const std::array<std::uint8_t, 20> long_data{};
    const std::array<extension_element, 2> elements{{{200, {}}, {7, long_data}}};
    std::array<std::uint8_t, 64> ext{};
    auto size = write_extension_elements(extension_form::two_byte, elements, ext);
    ASSERT_TRUE(size);
    EXPECT_EQ(*size, 24u);  // 2 + 22 bytes
    extension_reader reader(two_byte_profile, std::span(ext).first(*size));
    auto first = reader.next();
    ASSERT_TRUE(first && first->has_value());
    EXPECT_EQ((*first)->id, 200);
    EXPECT_TRUE((*first)->data.empty());
    auto second = reader.next();
    ASSERT_TRUE(second && second->has_value());
    EXPECT_EQ((*second)->id, 7);
    EXPECT_EQ((*second)->data.size(), 20u);
    auto end = reader.next();
    ASSERT_TRUE(end);
    EXPECT_FALSE(end->has_value());
}

TEST(RtpHeader, OneByteReaderSkipsPaddingAndStopsAtId15) {
    // id 1 len 1, two padding bytes, id 2 len 2, then id 15 whose "length" must be ignored.
    const bytes ext{0x10, 0xAB, 0x00, 0x00, 0x21, 0x01, 0x02, 0xF0, 0x33, 0x44, 0x55, 0x66};
    extension_reader reader(one_byte_profile, ext);
    auto a = reader.next();
    ASSERT_TRUE(a && a->has_value());
    EXPECT_EQ((*a)->id, 1);
    EXPECT_EQ((*a)->data[0], 0xAB);
    auto b = reader.next();
    ASSERT_TRUE(b && b->has_value());
    EXPECT_EQ((*b)->id, 2);
    EXPECT_EQ((*b)->data.size(), 2u);
    auto c = reader.next();
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->has_value());
}

TEST(RtpHeader, PayloadFollowsAnUnknownProfileExtension) {
    // A non-RFC 8285 extension (profile 0x1234, one word) is skipped as a block.
    const bytes packet{0x90, 0x00, 0,    1,    0,    0, 0, 2, 0, 0,   0,
                       3,    0x12, 0x34, 0x00, 0x01, 9, 9, 9, 9, 0x77};
    auto v = parse_rtp(packet);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->header.extension_profile, 0x1234);
    EXPECT_EQ(v->extension_data.size(), 4u);
    ASSERT_EQ(v->payload.size(), 1u);
    EXPECT_EQ(v->payload[0], 0x77);
    extension_reader reader(v->header.extension_profile, v->extension_data);
    auto none = reader.next();
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
}

struct malformed_case {
    const char* name;
    bytes packet;
    errc code;
};

TEST(RtpHeader, RejectsMalformedPackets) {
    const std::vector<malformed_case> cases{
        {"short", {0x80, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0}, errc::truncated},
        {"version1", {0x40, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, errc::bad_version},
        {"csrc_overrun", {0x82, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4}, errc::truncated},
        {"ext_header_missing",
         {0x90, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xBE},
         errc::bad_extension},
        {"ext_overrun",
         {0x90, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xBE, 0xDE, 0, 2, 0x10, 1, 0, 0},
         errc::bad_extension},
        {"padding_zero", {0xA0, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 5, 0}, errc::bad_padding},
        {"padding_too_big", {0xA0, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 5, 3}, errc::bad_padding},
    };
    for (const auto& c : cases) {
        auto v = parse_rtp(c.packet);
        ASSERT_FALSE(v) << c.name;
        EXPECT_EQ(v.error(), c.code) << c.name;
    }
}

TEST(RtpHeader, RejectsElementsThatOverrunTheBlock) {
    const bytes one{0x13, 0x01};  // id 1 claims 4 bytes, has 1
    auto a = find_extension(one_byte_profile, one, 1);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error(), errc::bad_extension);
    const bytes two{0x05, 0x09, 0x01, 0x00};  // id 5 claims 9 bytes
    auto b = find_extension(two_byte_profile, two, 5);
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error(), errc::bad_extension);
}

TEST(RtpHeader, WriterChecksItsInputsAndBuffer) {
    std::array<std::uint8_t, 16> small{};
    const std::array<std::uint8_t, 8> payload{};
    auto full = write_rtp_packet(opus_header(), {}, payload, 0, small);
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error(), errc::buffer_too_small);
    auto header_only = write_rtp_header(opus_header(), {}, std::span(small).first(11));
    ASSERT_FALSE(header_only);
    EXPECT_EQ(header_only.error(), errc::buffer_too_small);

    rtp_header h = opus_header();
    h.csrc_count = 16;
    std::array<std::uint8_t, 128> out{};
    EXPECT_EQ(write_rtp_header(h, {}, out).error(), errc::too_many_csrcs);
    h.csrc_count = 0;
    h.extension = true;
    const std::array<std::uint8_t, 3> odd{};
    EXPECT_EQ(write_rtp_header(h, odd, out).error(), errc::bad_extension_length);

    const std::array<std::uint8_t, 17> too_long{};
    const std::array<extension_element, 1> bad_len{{{1, too_long}}};
    EXPECT_EQ(write_extension_elements(extension_form::one_byte, bad_len, out).error(),
              errc::bad_extension_length);
    const std::array<std::uint8_t, 1> one{};
    const std::array<extension_element, 1> bad_id{{{15, one}}};
    EXPECT_EQ(write_extension_elements(extension_form::one_byte, bad_id, out).error(),
              errc::bad_extension_id);
}

}  // namespace
}  // namespace ringstorm::rtp
