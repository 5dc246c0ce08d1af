// Known-answer vectors: the exact bytes a standard SRTP implementation produces for a fixed key
// and packet. Round trips cannot catch a build whose crypto is consistently wrong (a
// miscompiled or mis-configured backend); these can, and they hold for the OpenSSL build and
// Debian's NSS build alike, which is what lets the two interoperate with browsers.
// Vectors: libsrtp's own validation vectors (srtp_driver), SSRC 0xcafebabe, seq 0x1234.

#include <gtest/gtest.h>

#include <vector>

#include "media/srtp/session.hpp"
#include "tests/unit/srtp/packets.hpp"

namespace ringstorm::srtp {
namespace {

using test::hex;

struct vector_case {
    srtp_profile profile;
    const char* key;   // master key
    const char* salt;  // master salt
    const char* rtp_plain;
    const char* srtp;
    const char* rtcp_plain;
    const char* srtcp;
};

// clang-format off
const vector_case cases[] = {
    {srtp_profile::aes_cm_128_hmac_sha1_80,
     "e1f97a0d3e018be0d64fa32c06de4139", "0ec675ad498afeebb6960b3aabe6",
     "800f1234decafbadcafebabe abababababababababababababababab",
     "800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb",
     "81c8000bcafebabe abababababababababababababababab",
     "81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798"},
    {srtp_profile::aead_aes_128_gcm,
     "000102030405060708090a0b0c0d0e0f", "a0a1a2a3a4a5a6a7a8a9aaab",
     "800f1234decafbadcafebabe abababababababababababababababab",
     "800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392",
     "81c8000bcafebabe abababababababababababababababab",
     "81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e 80000001"},
};
// clang-format on

class SrtpKnownAnswer : public ::testing::TestWithParam<vector_case> {};

INSTANTIATE_TEST_SUITE_P(Vectors, SrtpKnownAnswer, ::testing::ValuesIn(cases),
                         [](const auto& info) {
                             return info.param.profile == srtp_profile::aead_aes_128_gcm ? "Gcm"
                                                                                         : "AesCm";
                         });

srtp_session session_for(const vector_case& c) {
    const auto key = hex(c.key);
    const auto salt = hex(c.salt);
    const master_key k(key, salt);
    // The same key both ways: the vectors describe one direction.
    return srtp_session::create(c.profile, k, k).value();
}

TEST_P(SrtpKnownAnswer, ProtectProducesTheReferenceBytes) {
    const auto& c = GetParam();
    auto session = session_for(c);

    auto rtp = hex(c.rtp_plain);
    const auto expected_srtp = hex(c.srtp);
    const std::size_t rtp_len = rtp.size();
    rtp.resize(rtp_len + rtp_overhead(c.profile));
    auto sent = session.protect_rtp(rtp, rtp_len);
    ASSERT_TRUE(sent) << rule_id(sent.error());
    rtp.resize(*sent);
    EXPECT_EQ(rtp, expected_srtp);

    auto rtcp = hex(c.rtcp_plain);
    const auto expected_srtcp = hex(c.srtcp);
    const std::size_t rtcp_len = rtcp.size();
    rtcp.resize(rtcp_len + rtcp_overhead(c.profile));
    auto sent_rtcp = session.protect_rtcp(rtcp, rtcp_len);
    ASSERT_TRUE(sent_rtcp) << rule_id(sent_rtcp.error());
    rtcp.resize(*sent_rtcp);
    EXPECT_EQ(rtcp, expected_srtcp);
}

TEST_P(SrtpKnownAnswer, UnprotectRecoversTheReferencePlaintext) {
    const auto& c = GetParam();
    auto session = session_for(c);

    auto srtp = hex(c.srtp);
    auto got = session.unprotect_rtp(srtp);
    ASSERT_TRUE(got) << rule_id(got.error());
    srtp.resize(*got);
    EXPECT_EQ(srtp, hex(c.rtp_plain));

    auto srtcp = hex(c.srtcp);
    auto got_rtcp = session.unprotect_rtcp(srtcp);
    ASSERT_TRUE(got_rtcp) << rule_id(got_rtcp.error());
    srtcp.resize(*got_rtcp);
    EXPECT_EQ(srtcp, hex(c.rtcp_plain));
}

}  // namespace
}  // namespace ringstorm::srtp
