// STUN codec: RFC 5769 test vectors decoded, verified and re-encoded byte for byte;
// round trips of every ICE attribute; malformed input rejected with its location.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "media/ice/stun_integrity.hpp"
#include "media/ice/stun_message.hpp"
#include "media/ice/stun_writer.hpp"

namespace {

using namespace ringstorm::stun;

std::vector<std::uint8_t> hex(std::string_view s) {
    std::vector<std::uint8_t> out;
    int hi = -1;
    for (const char c : s) {
        int v = -1;
        if (c >= '0' && c <= '9') {
            v = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v = c - 'a' + 10;
        }
        if (v < 0) {
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
            hi = -1;
        }
    }
    return out;
}

// RFC 5769 §2.1: request with PRIORITY, ICE-CONTROLLED, short-term USERNAME, integrity and
// fingerprint. Padding bytes in the RFC are spaces.
const std::vector<std::uint8_t> sample_request =
    hex("000100582112a442b7e7a701bc34d686fa87dfae"
        "802200105354554e207465737420636c69656e74"
        "002400046e0001ff"
        "80290008932ff9b151263b36"
        "000600096576746a3a68367659202020"
        "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
        "80280004e57a3bcf");
// RFC 5769 §2.2 and §2.3: success responses carrying 192.0.2.1:32853 and
// [2001:db8:1234:5678:11:2233:4455:6677]:32853.
const std::vector<std::uint8_t> sample_ipv4_response =
    hex("0101003c2112a442b7e7a701bc34d686fa87dfae"
        "8022000b7465737420766563746f7220"
        "002000080001a147e112a643"
        "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
        "80280004c07d4c96");
const std::vector<std::uint8_t> sample_ipv6_response =
    hex("010100482112a442b7e7a701bc34d686fa87dfae"
        "8022000b7465737420766563746f7220"
        "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
        "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
        "80280004c8fb0b4c");
constexpr std::string_view sample_password = "VOkJxbRl1RmTxUk/WvJxBt";
constexpr transaction_id sample_tid = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                       0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

TEST(StunRfc5769, RequestDecodesAndVerifies) {
    auto m = decode(sample_request);
    ASSERT_TRUE(m) << m.error().to_string();
    EXPECT_EQ(m->cls, message_class::request);
    EXPECT_EQ(m->method, method::binding);
    EXPECT_EQ(m->tid, sample_tid);
    EXPECT_EQ(m->software, "STUN test client");
    EXPECT_EQ(m->username, "evtj:h6vY");
    EXPECT_EQ(m->priority, 0x6e0001ffu);
    EXPECT_EQ(m->ice_controlled, 0x932ff9b151263b36u);
    EXPECT_FALSE(m->ice_controlling);
    EXPECT_FALSE(m->use_candidate);
    EXPECT_TRUE(verify_fingerprint(*m));
    EXPECT_TRUE(verify_integrity(*m, integrity_key(sample_password)));
    EXPECT_FALSE(verify_integrity(*m, integrity_key("VOkJxbRl1RmTxUk/WvJxBu")));
}

TEST(StunRfc5769, RequestReEncodesByteForByte) {
    std::array<std::uint8_t, 256> buf{};
    const integrity_key key(sample_password);
    writer w(buf, message_class::request, method::binding, sample_tid);
    w.padding(0x20)
        .software("STUN test client")
        .priority(0x6e0001ff)
        .ice_controlled(0x932ff9b151263b36)
        .username("evtj:h6vY")
        .message_integrity(key)
        .fingerprint();
    auto size = w.finish();
    ASSERT_TRUE(size);
    EXPECT_EQ(std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<long>(*size)),
              sample_request);
}

TEST(StunRfc5769, Ipv4ResponseDecodesVerifiesAndReEncodes) {
    auto m = decode(sample_ipv4_response);
    ASSERT_TRUE(m) << m.error().to_string();
    EXPECT_EQ(m->cls, message_class::success);
    ASSERT_TRUE(m->xor_mapped_address);
    EXPECT_EQ(to_string(*m->xor_mapped_address), "192.0.2.1:32853");
    EXPECT_EQ(m->software, "test vector");
    const integrity_key key(sample_password);
    EXPECT_TRUE(verify_integrity(*m, key));
    EXPECT_TRUE(verify_fingerprint(*m));

    std::array<std::uint8_t, 256> buf{};
    writer w(buf, message_class::success, method::binding, sample_tid);
    w.padding(0x20)
        .software("test vector")
        .xor_mapped_address(*m->xor_mapped_address)
        .message_integrity(key)
        .fingerprint();
    auto size = w.finish();
    ASSERT_TRUE(size);
    EXPECT_EQ(std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<long>(*size)),
              sample_ipv4_response);
}

TEST(StunRfc5769, Ipv6ResponseDecodesVerifiesAndReEncodes) {
    auto m = decode(sample_ipv6_response);
    ASSERT_TRUE(m) << m.error().to_string();
    ASSERT_TRUE(m->xor_mapped_address);
    EXPECT_EQ(to_string(*m->xor_mapped_address), "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
    const integrity_key key(sample_password);
    EXPECT_TRUE(verify_integrity(*m, key));
    EXPECT_TRUE(verify_fingerprint(*m));

    std::array<std::uint8_t, 256> buf{};
    writer w(buf, message_class::success, method::binding, sample_tid);
    w.padding(0x20)
        .software("test vector")
        .xor_mapped_address(*m->xor_mapped_address)
        .message_integrity(key)
        .fingerprint();
    auto size = w.finish();
    ASSERT_TRUE(size);
    EXPECT_EQ(std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<long>(*size)),
              sample_ipv6_response);
}

TEST(StunRfc5769, AnyFlippedBitFailsTheChecks) {
    const integrity_key key(sample_password);
    // Every byte before MESSAGE-INTEGRITY's value is covered by both checks.
    for (std::size_t i = 24; i < sample_request.size() - 8; ++i) {
        auto bad = sample_request;
        bad[i] ^= 0x01;
        auto m = decode(bad);
        if (!m) {
            continue;  // a flipped length or type: rejected outright, which is also fine
        }
        EXPECT_FALSE(verify_fingerprint(*m)) << "byte " << i;
        if (i < 80) {
            EXPECT_FALSE(verify_integrity(*m, key)) << "byte " << i;
        }
    }
}

TEST(StunCodec, IceAttributesRoundTrip) {
    const transaction_id tid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const integrity_key key("remote-password-of-22c");
    std::array<std::uint8_t, 512> buf{};
    writer w(buf, message_class::request, method::binding, tid);
    w.username("rfrag:lfrag")
        .priority(1853824767)
        .ice_controlling(0x0102030405060708)
        .use_candidate()
        .message_integrity(key)
        .fingerprint();
    auto size = w.finish();
    ASSERT_TRUE(size);
    EXPECT_EQ(*size % 4, 0u);
    auto m = decode(std::span<const std::uint8_t>(buf.data(), *size));
    ASSERT_TRUE(m) << m.error().to_string();
    EXPECT_EQ(m->tid, tid);
    EXPECT_EQ(m->username, "rfrag:lfrag");
    EXPECT_EQ(m->priority, 1853824767u);
    EXPECT_EQ(m->ice_controlling, 0x0102030405060708u);
    EXPECT_TRUE(m->use_candidate);
    EXPECT_TRUE(verify_integrity(*m, key));
    EXPECT_FALSE(verify_integrity(*m, integrity_key("another-password-22chr")));
    EXPECT_TRUE(verify_fingerprint(*m));
}

TEST(StunCodec, RoleConflictErrorRoundTrip) {
    const transaction_id tid = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
    const std::array<std::uint16_t, 2> unknown = {0x0033, 0x0044};
    std::array<std::uint8_t, 256> buf{};
    writer w(buf, message_class::error, method::binding, tid);
    w.error_code(error::role_conflict, "Role Conflict").unknown_attributes(unknown).fingerprint();
    auto size = w.finish();
    ASSERT_TRUE(size);
    auto m = decode(std::span<const std::uint8_t>(buf.data(), *size));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->cls, message_class::error);
    ASSERT_TRUE(m->error_code);
    EXPECT_EQ(m->error_code->code, 487);
    EXPECT_EQ(m->error_code->reason, "Role Conflict");
    EXPECT_FALSE(m->integrity_offset);
    EXPECT_TRUE(verify_fingerprint(*m));
}

TEST(StunCodec, UnknownComprehensionRequiredAttributesAreReported) {
    // A request with 0x7777 (required, unknown) and 0xC001 (optional, unknown).
    const auto bytes =
        hex("000100102112a442000102030405060708090a0b"
            "77770004deadbeef"
            "c0010004cafebabe");
    auto m = decode(bytes);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->unknown().size(), 1u);
    EXPECT_EQ(m->unknown()[0], 0x7777);
}

TEST(StunCodec, EncoderReportsSmallBufferAndLongValues) {
    const transaction_id tid{};
    std::array<std::uint8_t, 30> small{};
    writer w(small, message_class::request, method::binding, tid);
    w.username("a-username-too-long-for-thirty-bytes").fingerprint();
    auto r = w.finish();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::buffer_too_small);

    std::array<std::uint8_t, 1024> big{};
    writer w2(big, message_class::request, method::binding, tid);
    w2.username(std::string(514, 'x'));
    ASSERT_FALSE(w2.finish());
    EXPECT_EQ(w2.finish().error(), errc::value_too_long);

    std::array<std::uint8_t, 10> tiny{};
    EXPECT_FALSE(writer(tiny, message_class::request, method::binding, tid).finish());
}

struct malformed_case {
    const char* name;
    std::string hex_bytes;
    errc code;
    std::size_t offset;
    std::uint16_t attribute;
};

TEST(StunCodec, MalformedInputIsRejectedWithItsLocation) {
    const std::string h = "2112a442000102030405060708090a0b";  // cookie + tid
    const std::vector<malformed_case> cases = {
        {"short header", "0001000021", errc::too_short, 5, 0},
        {"top bits set", "c0010000" + h, errc::not_stun, 0, 0},
        {"old cookie", "00010000" + std::string("2112a443000102030405060708090a0b"),
         errc::bad_magic_cookie, 4, 0},
        {"length not multiple of 4", "00010002" + h + "0000", errc::bad_length, 2, 0},
        {"length beyond datagram", "00010008" + h + "00000000", errc::bad_length, 2, 0},
        {"attribute past end", "00010008" + h + "00060008" + "41414141", errc::too_short, 20,
         0x0006},
        {"truncated attribute header", "00010004" + h + "0006", errc::bad_length, 2, 0},
        {"priority of 3 bytes", "00010008" + h + "00240003" + "01020300", errc::bad_attribute, 20,
         0x0024},
        {"use-candidate with a value", "00010008" + h + "00250004" + "00000000",
         errc::bad_attribute, 20, 0x0025},
        {"xor address family 3", "0101000c" + h + "00200008" + "0003a147e112a643",
         errc::bad_attribute, 20, 0x0020},
        {"ipv6 family with ipv4 length", "0101000c" + h + "00200008" + "0002a147e112a643",
         errc::bad_attribute, 20, 0x0020},
        {"error class 2", "01110008" + h + "00090004" + "00000200", errc::bad_attribute, 20,
         0x0009},
        {"integrity of 16 bytes", "00010014" + h + "00080010" + std::string(32, '0'),
         errc::bad_attribute, 20, 0x0008},
        {"attribute after fingerprint",
         "00010010" + h + "80280004" + "00000000" + "00240004" + "00000001",
         errc::attribute_after_fingerprint, 28, 0x0024},
    };
    for (const auto& c : cases) {
        const auto bytes = hex(c.hex_bytes);
        auto m = decode(bytes);
        ASSERT_FALSE(m) << c.name;
        EXPECT_EQ(m.error().code, c.code) << c.name << ": " << m.error().to_string();
        EXPECT_EQ(m.error().offset, c.offset) << c.name;
        EXPECT_EQ(m.error().attribute, c.attribute) << c.name;
    }
}

TEST(StunCodec, AttributesAfterIntegrityAreIgnored) {
    const transaction_id tid = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const integrity_key key("pw");
    std::array<std::uint8_t, 256> buf{};
    writer w(buf, message_class::request, method::binding, tid);
    // RFC 8489 §14.5: a PRIORITY after integrity is not covered, so it must not count.
    w.username("a:b").message_integrity(key).priority(7).fingerprint();
    auto size = w.finish();
    ASSERT_TRUE(size);
    auto m = decode(std::span<const std::uint8_t>(buf.data(), *size));
    ASSERT_TRUE(m);
    EXPECT_FALSE(m->priority);
    EXPECT_TRUE(verify_integrity(*m, key));
    EXPECT_TRUE(verify_fingerprint(*m));
}

TEST(StunCodec, Crc32MatchesTheCheckValue) {
    // The CRC-32/ISO-HDLC check value of "123456789".
    const std::string_view s = "123456789";
    EXPECT_EQ(crc32(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size())),
              0xCBF43926u);
}

TEST(StunCodec, LooksLikeStun) {
    EXPECT_TRUE(looks_like_stun(sample_request));
    EXPECT_FALSE(looks_like_stun(hex("8000000012345678")));
    auto not_cookie = sample_request;
    not_cookie[5] = 0;
    EXPECT_FALSE(looks_like_stun(not_cookie));
}

}  // namespace
