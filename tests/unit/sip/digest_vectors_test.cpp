// Known-answer vectors of digest authentication: RFC 2617 §3.5, RFC 7616 §3.9.1 and §3.9.2,
// a SIP REGISTER, and auth-int hashing the body.
#include "engine/sip/digest.hpp"

#include <gtest/gtest.h>

namespace ringstorm::sip {
namespace {

TEST(DigestVectors, Rfc2617Section35Md5) {
    EXPECT_EQ(
        digest_response(digest_algorithm::md5, digest_qop::auth, "Mufasa", "testrealm@host.com",
                        "Circle Of Life", "dcd98b7102dd2f0e8b11d0f600bfb0c093", 1, "0a4f113b",
                        {"GET", "/dir/index.html", ""}),
        "6629fae49393a05397450978507c4ef1");
}

TEST(DigestVectors, Rfc2617Section35CredentialsParse) {
    auto c = parse_credentials(
        "Digest username=\"Mufasa\",\r\n     realm=\"testrealm@host.com\",\r\n"
        "     nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n     uri=\"/dir/index.html\",\r\n"
        "     qop=auth,\r\n     nc=00000001,\r\n     cnonce=\"0a4f113b\",\r\n"
        "     response=\"6629fae49393a05397450978507c4ef1\",\r\n"
        "     opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    ASSERT_TRUE(c) << c.error().to_string();
    EXPECT_EQ(c->username, "Mufasa");
    EXPECT_EQ(c->uri, "/dir/index.html");
    EXPECT_EQ(c->qop, digest_qop::auth);
    EXPECT_EQ(c->nc, 1u);
    EXPECT_EQ(c->cnonce, "0a4f113b");
    EXPECT_EQ(c->opaque, "5ccc069c403ebaf9f0171e9517f40e41");
    EXPECT_FALSE(c->algorithm.has_value());
    EXPECT_EQ(digest_response(digest_algorithm::md5, c->qop, c->username, c->realm,
                              "Circle Of Life", c->nonce, c->nc, c->cnonce, {"GET", c->uri, ""}),
              c->response);
}

struct rfc7616_case {
    digest_algorithm algorithm;
    const char* response;
};

TEST(DigestVectors, Rfc7616Section391Md5AndSha256) {
    const std::array<rfc7616_case, 2> cases{{
        {digest_algorithm::md5, "8ca523f5e9506fed4657c9700eebdbec"},
        {digest_algorithm::sha256,
         "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
    }};
    for (const auto& k : cases) {
        EXPECT_EQ(digest_response(k.algorithm, digest_qop::auth, "Mufasa", "http-auth@example.org",
                                  "Circle of Life", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                                  1, "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
                                  {"GET", "/dir/index.html", ""}),
                  k.response)
            << to_string(k.algorithm);
    }
}

TEST(DigestVectors, Rfc7616Section392Userhash) {
    EXPECT_EQ(
        hashed_username(digest_algorithm::sha256, "J\xc3\xa4s\xc3\xb8n Doe", "api@example.org"),
        "5a1a8a47df5c298551b9b42ba9b05835174a5bd7d511ff7fe9191d8e946fc4e7");
    // A1 hashes the real username even when the header carries the hashed one.
    EXPECT_EQ(
        digest_response(digest_algorithm::sha256, digest_qop::auth, "J\xc3\xa4s\xc3\xb8n Doe",
                        "api@example.org", "Secret, or not?",
                        "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", 0x123,
                        "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", {"GET", "/doe.json", ""}),
        "61baba8a218e4b207f158ed9b9b3a95ed940c1872ef3ff4522eb10110720a145");
}

// SIP REGISTER values, answers computed independently (Python hashlib).
TEST(DigestVectors, SipRegister) {
    const digest_request reg{"REGISTER", "sip:atlanta.example.com", ""};
    auto r = [&](digest_algorithm a, digest_qop q, std::uint32_t nc) {
        return digest_response(a, q, "alice", "atlanta.example.com", "secret",
                               "ea9c8e88df84f1cec4341ae6cbe5a359", nc, "0a4f113b", reg);
    };
    EXPECT_EQ(r(digest_algorithm::md5, digest_qop::auth, 1), "f99ae030960d20f00f88e2606d261afc");
    EXPECT_EQ(r(digest_algorithm::md5, digest_qop::none, 0), "b5d1b531d99ced033713ffa9ffbcb1a7");
    EXPECT_EQ(r(digest_algorithm::sha256, digest_qop::auth, 2),
              "3fce1a904c8216107747efba1d88370f90254220a8a28b058d97a345a1edbfcf");
    EXPECT_EQ(r(digest_algorithm::sha512_256, digest_qop::auth, 1),
              "837b121a1032f07852317e04c8d5204c4c97c56fae85021fc61422b5d910a2b0");
    EXPECT_EQ(r(digest_algorithm::md5_sess, digest_qop::auth, 1),
              "c4bf83f888ec8ec8977a168c77be725e");
    // The RFC 2069 form (no qop) leaves nc and cnonce out of the hash entirely.
    EXPECT_EQ(
        digest_response(digest_algorithm::md5, digest_qop::none, "alice", "atlanta.example.com",
                        "secret", "ea9c8e88df84f1cec4341ae6cbe5a359", 7, "other", reg),
        "b5d1b531d99ced033713ffa9ffbcb1a7");
}

TEST(DigestVectors, AuthIntHashesTheBody) {
    EXPECT_EQ(digest_response(digest_algorithm::sha256, digest_qop::auth_int, "bob", "biloxi.com",
                              "pw", "abc", 1, "c1", {"INVITE", "sip:bob@biloxi.com", "v=0\r\n"}),
              "da74adf297b6372cc8476f7c6c1ef4c71c31964813e3d877fad526ec05b66d79");
}

}  // namespace
}  // namespace ringstorm::sip
