// The DTLS-SRTP key layout (RFC 5764 §4.2) and profile facts the DTLS layer relies on.

#include "media/srtp/keys.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "media/srtp/library.hpp"

namespace ringstorm::srtp {
namespace {

std::vector<std::uint8_t> counting(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    std::iota(v.begin(), v.end(), std::uint8_t{0});
    return v;
}

std::vector<std::uint8_t> bytes(std::span<const std::uint8_t> s) {
    return {s.begin(), s.end()};
}

std::vector<std::uint8_t> range(std::uint8_t from, std::uint8_t count) {
    std::vector<std::uint8_t> v(count);
    std::iota(v.begin(), v.end(), from);
    return v;
}

TEST(SrtpKeys, AesCmSplitIsKeysThenSalts) {
    // 60 bytes: client key 0..15, server key 16..31, client salt 32..45, server salt 46..59.
    const auto material = counting(60);
    auto keys = split_keying_material(srtp_profile::aes_cm_128_hmac_sha1_80, material);
    ASSERT_TRUE(keys);
    EXPECT_EQ(keys->profile, srtp_profile::aes_cm_128_hmac_sha1_80);
    EXPECT_EQ(bytes(keys->client_write.key()), range(0, 16));
    EXPECT_EQ(bytes(keys->server_write.key()), range(16, 16));
    EXPECT_EQ(bytes(keys->client_write.salt()), range(32, 14));
    EXPECT_EQ(bytes(keys->server_write.salt()), range(46, 14));
    // libsrtp takes key || salt in one buffer.
    auto joined = range(0, 16);
    const auto salt = range(32, 14);
    joined.insert(joined.end(), salt.begin(), salt.end());
    EXPECT_EQ(bytes(keys->client_write.bytes()), joined);
}

TEST(SrtpKeys, GcmSplitUsesTwelveByteSalts) {
    // RFC 7714 §12: 12-byte salts, so 56 bytes in all.
    const auto material = counting(56);
    auto keys = split_keying_material(srtp_profile::aead_aes_128_gcm, material);
    ASSERT_TRUE(keys);
    EXPECT_EQ(bytes(keys->client_write.key()), range(0, 16));
    EXPECT_EQ(bytes(keys->server_write.key()), range(16, 16));
    EXPECT_EQ(bytes(keys->client_write.salt()), range(32, 12));
    EXPECT_EQ(bytes(keys->server_write.salt()), range(44, 12));
}

TEST(SrtpKeys, WrongMaterialLengthIsRejected) {
    for (std::size_t n : {0, 55, 57, 59, 61}) {
        const auto material = counting(n);
        auto cm = split_keying_material(srtp_profile::aes_cm_128_hmac_sha1_80, material);
        ASSERT_FALSE(cm) << n;
        EXPECT_EQ(cm.error(), errc::bad_key_length);
    }
    const auto gcm_short = counting(60);
    auto gcm = split_keying_material(srtp_profile::aead_aes_128_gcm, gcm_short);
    ASSERT_FALSE(gcm);
    EXPECT_EQ(gcm.error(), errc::bad_key_length);
}

TEST(SrtpKeys, RoleChoosesWhichHalfWeSendWith) {
    auto keys = split_keying_material(srtp_profile::aes_cm_128_hmac_sha1_80, counting(60)).value();
    EXPECT_EQ(bytes(keys.outbound(dtls_role::client).key()), range(0, 16));
    EXPECT_EQ(bytes(keys.inbound(dtls_role::client).key()), range(16, 16));
    EXPECT_EQ(bytes(keys.outbound(dtls_role::server).key()), range(16, 16));
    EXPECT_EQ(bytes(keys.inbound(dtls_role::server).key()), range(0, 16));
}

TEST(SrtpKeys, ProfileIdsAndSizes) {
    EXPECT_EQ(profile_from_id(0x0001), srtp_profile::aes_cm_128_hmac_sha1_80);
    EXPECT_EQ(profile_from_id(0x0007), srtp_profile::aead_aes_128_gcm);
    EXPECT_FALSE(profile_from_id(0x0002));  // AES_CM_128_HMAC_SHA1_32: not offered by WebRTC
    EXPECT_FALSE(profile_from_id(0x0008));  // AEAD_AES_256_GCM: not implemented
    EXPECT_EQ(profile_id(srtp_profile::aead_aes_128_gcm), 0x0007);
    EXPECT_EQ(openssl_name(srtp_profile::aes_cm_128_hmac_sha1_80), "SRTP_AES128_CM_SHA1_80");
    EXPECT_EQ(openssl_name(srtp_profile::aead_aes_128_gcm), "SRTP_AEAD_AES_128_GCM");
    EXPECT_EQ(keying_material_length(srtp_profile::aes_cm_128_hmac_sha1_80), 60u);
    EXPECT_EQ(keying_material_length(srtp_profile::aead_aes_128_gcm), 56u);
    EXPECT_EQ(rtp_overhead(srtp_profile::aes_cm_128_hmac_sha1_80), 10u);
    EXPECT_EQ(rtp_overhead(srtp_profile::aead_aes_128_gcm), 16u);
    EXPECT_EQ(rtcp_overhead(srtp_profile::aes_cm_128_hmac_sha1_80), 14u);
    EXPECT_EQ(rtcp_overhead(srtp_profile::aead_aes_128_gcm), 20u);
}

TEST(SrtpKeys, OversizedMasterKeyIsEmptyNotOverflowing) {
    const auto big = counting(40);
    const master_key k(big, big);
    EXPECT_EQ(k.key_size(), 0u);
    EXPECT_EQ(k.bytes().size(), 0u);
}

TEST(SrtpLibrary, ReportsItsBackendAndVersion) {
    EXPECT_FALSE(ensure_initialized());
    const auto b = backend();
    EXPECT_TRUE(b == "openssl" || b == "nss" || b == "builtin") << b;
    EXPECT_NE(library_version().find("2."), std::string_view::npos) << library_version();
    EXPECT_EQ(rule_id(errc::auth_failed), "srtp.auth_failed");
    EXPECT_EQ(make_error_code(errc::replayed).message(), "SRTP packet replayed");
}

}  // namespace
}  // namespace ringstorm::srtp
