// The worker identity, SDP fingerprints (RFC 8122 §5), a=setup roles (RFC 5763 §5), the
// keying-material layout (RFC 5764 §4.2) and context options.

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>

#include "media/dtls/context.hpp"
#include "media/dtls/fingerprint.hpp"
#include "media/dtls/identity.hpp"
#include "media/dtls/srtp_keys.hpp"

namespace ringstorm::dtls {
namespace {

TEST(DtlsIdentity, FingerprintIsSha256OfTheCertificateInSdpForm) {
    auto id = dtls_identity::generate();
    ASSERT_TRUE(id) << id.error().to_string();
    const std::string fp = id->sha256_fingerprint().to_string();
    ASSERT_EQ(fp.size(), 32u * 3 - 1);
    for (std::size_t i = 0; i < fp.size(); ++i) {
        if (i % 3 == 2) {
            EXPECT_EQ(fp[i], ':') << fp;
        } else {
            EXPECT_TRUE((fp[i] >= '0' && fp[i] <= '9') || (fp[i] >= 'A' && fp[i] <= 'F')) << fp;
        }
    }
    // Recompute independently from the DER encoding.
    unsigned char* der = nullptr;
    const int len = i2d_X509(id->certificate(), &der);
    ASSERT_GT(len, 0);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    ASSERT_EQ(EVP_Digest(der, static_cast<std::size_t>(len), md, &md_len, EVP_sha256(), nullptr),
              1);
    OPENSSL_free(der);
    ASSERT_EQ(md_len, 32u);
    EXPECT_TRUE(std::equal(md, md + 32, id->sha256_fingerprint().bytes.begin()));
    EXPECT_EQ(id->sdp_fingerprint(), "sha-256 " + fp);
}

TEST(DtlsIdentity, EachIdentityIsDistinctAndSelfSignedP256) {
    auto a = dtls_identity::generate();
    auto b = dtls_identity::generate();
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(a->sha256_fingerprint() == b->sha256_fingerprint());
    EXPECT_EQ(X509_check_issued(a->certificate(), a->certificate()), X509_V_OK);
    EXPECT_EQ(X509_verify(a->certificate(), a->key()), 1);
    EXPECT_EQ(EVP_PKEY_get_bits(a->key()), 256);
    EXPECT_TRUE(EVP_PKEY_is_a(a->key(), "EC"));
}

TEST(DtlsFingerprint, ParsesEitherCaseAndFormatsUppercase) {
    const std::string lower =
        "2d:71:16:42:b7:26:b0:44:01:62:7c:a9:fb:ac:32:f5:c8:53:0f:b1:90:3c:c4:db:02:25:87:17:92:"
        "1a:48:81";
    auto fp = parse_fingerprint("SHA-256", lower);
    ASSERT_TRUE(fp) << fp.error().to_string();
    EXPECT_EQ(fp->hash, fingerprint_hash::sha_256);
    EXPECT_EQ(fp->bytes[0], 0x2d);
    EXPECT_EQ(fp->bytes[31], 0x81);
    std::string upper = lower;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(fp->to_string(), upper);
    auto again = parse_fingerprint("sha-256", upper);
    ASSERT_TRUE(again);
    EXPECT_TRUE(*again == *fp);
}

TEST(DtlsFingerprint, RejectsWrongLengthBadHexAndUnknownHash) {
    const std::string good =
        "2D:71:16:42:B7:26:B0:44:01:62:7C:A9:FB:AC:32:F5:C8:53:0F:B1:90:3C:C4:DB:02:25:87:17:92:"
        "1A:48:81";
    auto short_one = parse_fingerprint("sha-256", good.substr(0, good.size() - 3));
    ASSERT_FALSE(short_one);
    EXPECT_EQ(short_one.error().code, errc::bad_fingerprint);
    std::string bad_hex = good;
    bad_hex[4] = 'G';
    EXPECT_FALSE(parse_fingerprint("sha-256", bad_hex));
    std::string bad_sep = good;
    bad_sep[5] = '-';
    EXPECT_FALSE(parse_fingerprint("sha-256", bad_sep));
    // A sha-256 value under a sha-1 name has the wrong length.
    EXPECT_FALSE(parse_fingerprint("sha-1", good));
    auto md5 = parse_fingerprint("md5", good);
    ASSERT_FALSE(md5);
    EXPECT_EQ(md5.error().code, errc::unsupported_hash);
    EXPECT_EQ(md5.error().rule(), "dtls.unsupported_hash");
    auto sha1 = parse_fingerprint("sha-1", good.substr(0, 20 * 3 - 1));
    ASSERT_TRUE(sha1);
    EXPECT_EQ(sha1->size, 20u);
}

TEST(DtlsRole, SetupActiveIsClientPassiveIsServer) {
    EXPECT_EQ(role_from_setup("active"), dtls_role::client);
    EXPECT_EQ(role_from_setup("passive"), dtls_role::server);
    EXPECT_EQ(role_from_setup("actpass"), std::nullopt);
    EXPECT_EQ(role_from_setup("holdconn"), std::nullopt);
}

TEST(DtlsKeys, LayoutFollowsRfc5764ClientKeyServerKeyClientSaltServerSalt) {
    srtp_keying_material k;
    k.profile = srtp_profile::aes128_cm_sha1_80;
    k.key_len = master_key_length(k.profile);
    k.salt_len = master_salt_length(k.profile);
    ASSERT_EQ(k.size(), 60u);
    for (std::size_t i = 0; i < k.size(); ++i) {
        k.bytes[i] = static_cast<std::uint8_t>(i);
    }
    EXPECT_EQ(k.client_key().front(), 0);
    EXPECT_EQ(k.server_key().front(), 16);
    EXPECT_EQ(k.client_salt().front(), 32);
    EXPECT_EQ(k.server_salt().front(), 46);
    EXPECT_EQ(k.server_salt().back(), 59);
    std::array<std::uint8_t, srtp_keying_material::max_key_salt> ks{};
    ASSERT_EQ(k.master_key_salt(dtls_role::server, ks), 30u);
    EXPECT_EQ(ks[0], 16);  // server key first
    EXPECT_EQ(ks[15], 31);
    EXPECT_EQ(ks[16], 46);  // then server salt
    EXPECT_EQ(ks[29], 59);
    EXPECT_EQ(master_salt_length(srtp_profile::aead_aes_128_gcm), 12u);
    EXPECT_EQ(srtp_profile_from_id(0x0007), srtp_profile::aead_aes_128_gcm);
    EXPECT_EQ(srtp_profile_from_id(0x0002), std::nullopt);
}

TEST(DtlsContext, OptionsAreValidated) {
    context_options o;
    EXPECT_EQ(o.validate(), "");
    o.mtu = 100;
    EXPECT_NE(o.validate(), "");
    o = {};
    o.srtp_profiles = {srtp_profile::aead_aes_128_gcm, srtp_profile::aead_aes_128_gcm};
    EXPECT_NE(o.validate(), "");
    auto id = dtls_identity::generate();
    ASSERT_TRUE(id);
    auto bad = dtls_context::create(*id, dtls_role::server, o);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, errc::context_failed);
    EXPECT_TRUE(dtls_context::create(*id, dtls_role::server));
    EXPECT_TRUE(dtls_context::create(*id, dtls_role::client));
}

}  // namespace
}  // namespace ringstorm::dtls
