// Digest authentication, client side and grammar: known-answer vectors (RFC 2617 §3.5,
// RFC 7616 §3.9), challenge/credentials syntax with located errors, algorithm choice, and
// the client's nc/stale/refusal decisions. Server side: digest_server_test.cpp.

#include "engine/sip/digest.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <memory>

namespace ringstorm::sip {
namespace {

using namespace std::chrono_literals;

// Deterministic randomness: each call fills with an increasing byte.
random_source counting_random() {
    auto next = std::make_shared<std::uint8_t>(0);
    return [next](std::span<std::uint8_t> out) {
        for (auto& b : out) {
            b = (*next)++;
        }
        return true;
    };
}

random_source failing_random() {
    return [](std::span<std::uint8_t>) { return false; };
}

// The value of one parameter in a formatted credentials/challenge, as written.
std::string param_of(const std::string& header, const std::string& name) {
    std::size_t at = header.find(", " + name + "=");
    at = at == std::string::npos ? header.find(" " + name + "=") : at;
    if (at == std::string::npos) {
        return {};
    }
    std::size_t start = header.find('=', at) + 1;
    std::size_t end =
        header[start] == '"' ? header.find('"', start + 1) + 1 : header.find(',', start);
    return header.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

const digest_clock::time_point t0 = digest_clock::time_point{} + 1'700'000'000s;

// ---------------------------------------------------------------------------------------
// Challenge grammar

TEST(DigestChallenge, ParsesRfc2617Challenge) {
    auto c = parse_challenge(
        "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
        "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    ASSERT_TRUE(c) << c.error().to_string();
    EXPECT_EQ(c->realm, "testrealm@host.com");
    EXPECT_EQ(c->nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
    EXPECT_EQ(c->opaque, "5ccc069c403ebaf9f0171e9517f40e41");
    EXPECT_EQ(c->algorithm, digest_algorithm::md5);  // absent means MD5
    EXPECT_TRUE(c->qop_offered);
    EXPECT_TRUE(c->qop_auth);
    EXPECT_TRUE(c->qop_auth_int);
    EXPECT_FALSE(c->stale);
}

TEST(DigestChallenge, CaseInsensitiveNamesLwsAndEscapes) {
    auto c = parse_challenge(
        "dIgEsT   REALM = \"a\\\"b\\\\c\" ,\r\n\tNonce=abc/def+=, ALGORITHM=sha-256 ,"
        " Stale=TRUE , domain=\"sip:a.example.com sip:b.example.com\", qop=\"auth\" ,, x-ext=1");
    ASSERT_TRUE(c) << c.error().to_string();
    EXPECT_EQ(c->realm, "a\"b\\c");
    EXPECT_EQ(c->nonce, "abc/def+=");
    EXPECT_EQ(c->algorithm, digest_algorithm::sha256);
    EXPECT_TRUE(c->stale);
    EXPECT_FALSE(c->opaque.has_value());
    ASSERT_EQ(c->domain.size(), 2u);
    EXPECT_EQ(c->domain[1], "sip:b.example.com");
    EXPECT_TRUE(c->qop_auth);
    EXPECT_FALSE(c->qop_auth_int);
}

TEST(DigestChallenge, StaleFalseAndQuotedStale) {
    EXPECT_TRUE(parse_challenge("Digest realm=\"r\", nonce=\"n\", stale=\"true\"")->stale);
    EXPECT_FALSE(parse_challenge("Digest realm=\"r\", nonce=\"n\", stale=false")->stale);
    EXPECT_FALSE(parse_challenge("Digest realm=\"r\", nonce=\"n\", stale=yes")->stale);
}

TEST(DigestChallenge, NoQopMeansRfc2069) {
    auto c = parse_challenge("Digest realm=\"r\", nonce=\"n\"");
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->qop_offered);
}

TEST(DigestChallenge, SeveralChallengesInOneValueAndOtherSchemes) {
    auto cs = parse_challenges(
        "Negotiate YIIC+w==, Basic realm=\"b\", Digest realm=\"r\", nonce=\"1\", algorithm=MD5, "
        "Digest realm=\"r\", nonce=\"1\", algorithm=SHA-256, qop=\"auth\"");
    ASSERT_TRUE(cs) << cs.error().to_string();
    ASSERT_EQ(cs->size(), 2u);
    EXPECT_EQ((*cs)[0].algorithm, digest_algorithm::md5);
    EXPECT_EQ((*cs)[1].algorithm, digest_algorithm::sha256);
    EXPECT_TRUE((*cs)[1].qop_auth);
}

struct bad_case {
    std::string_view value;
    auth_errc code;
    std::size_t offset;
};

TEST(DigestChallenge, MalformedAreLocated) {
    const bad_case cases[] = {
        {"Digest realm=\"r, nonce=\"n\"", auth_errc::malformed, 24},  // quote closes late...
        {"Digest realm=\"r\", nonce=\"n", auth_errc::malformed, 24},  // ...or never
        {"Digest realm=\"r\"", auth_errc::missing_param, 0},
        {"Digest nonce=\"n\"", auth_errc::missing_param, 0},
        {"Digest realm=\"r\" nonce=\"n\"", auth_errc::malformed, 17},
        {"Digest realm=\"r\", realm=\"s\", nonce=\"n\"", auth_errc::duplicate_param, 18},
        {"Digest realm=, nonce=\"n\"", auth_errc::malformed, 13},
        {"@@@ garbage", auth_errc::malformed, 0},
        {"", auth_errc::malformed, 0},
        {"Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1", auth_errc::unsupported_algorithm, 29},
        {"Digest realm=\"r\", nonce=\"n\", qop=\"auth-conf\"", auth_errc::unsupported_qop, 29},
        {"Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess", auth_errc::unsupported_qop, 0},
        {"Basic realm=\"r\"", auth_errc::not_digest, 0},
        {"Digest realm=\"a\nb\", nonce=\"n\"", auth_errc::malformed, 15},
        {"Digest realm=\"r\\", auth_errc::malformed, 13},
        {std::string_view("Digest realm=\"a\0b\", nonce=\"n\"", 29), auth_errc::malformed, 15},
        {"Digest realm=\"a\x01\", nonce=\"n\"", auth_errc::malformed, 15},
    };
    for (const auto& k : cases) {
        auto c = parse_challenge(k.value);
        ASSERT_FALSE(c) << k.value;
        EXPECT_EQ(c.error().code, k.code) << k.value << " -> " << c.error().to_string();
        EXPECT_EQ(c.error().offset, k.offset) << k.value << " -> " << c.error().to_string();
        EXPECT_NE(std::string(c.error().reason), "") << k.value;
    }
}

TEST(DigestChallenge, EveryPrefixParsesOrFailsCleanly) {
    const std::string full =
        "Digest realm=\"atlanta.example.com\", nonce=\"84a4cc6f3082121f32b42a2187831a9e\", "
        "opaque=\"a\\\"b\", algorithm=SHA-256, qop=\"auth,auth-int\", stale=FALSE";
    for (std::size_t n = 0; n <= full.size(); ++n) {
        auto c = parse_challenge(std::string_view(full).substr(0, n));
        if (!c) {
            EXPECT_LE(c.error().offset, n);
        }
    }
    EXPECT_TRUE(parse_challenge(full));
}

TEST(DigestChallenge, FormatRoundTrips) {
    digest_challenge c;
    c.realm = "sip \"quoted\" realm";
    c.nonce = "n1";
    c.opaque = "o\\1";
    c.algorithm = digest_algorithm::sha512_256;
    c.qop_offered = c.qop_auth = c.qop_auth_int = true;
    c.stale = true;
    c.domain = {"sip:a", "sip:b"};
    auto back = parse_challenge(format_challenge(c));
    ASSERT_TRUE(back) << format_challenge(c);
    EXPECT_EQ(back->realm, c.realm);
    EXPECT_EQ(back->opaque, c.opaque);
    EXPECT_EQ(back->algorithm, c.algorithm);
    EXPECT_TRUE(back->qop_auth_int && back->stale);
    EXPECT_EQ(back->domain, c.domain);
}

// ---------------------------------------------------------------------------------------
// Client

const std::string_view reg_challenge =
    "Digest realm=\"atlanta.example.com\", nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", "
    "opaque=\"op1\", qop=\"auth\", algorithm=MD5";
const digest_request reg_request{"REGISTER", "sip:atlanta.example.com", ""};

std::vector<std::string_view> one(const std::string_view& v) {
    return {v};
}

TEST(DigestClient, AnswersAndCountsNc) {
    digest_client client("alice", "secret", counting_random());
    EXPECT_TRUE(client.authorize(reg_request)->empty());  // nothing to answer yet
    auto lines = one(reg_challenge);
    auto outcome = client.on_challenge(false, lines);
    EXPECT_EQ(outcome.action, challenge_action::answer);
    EXPECT_EQ(outcome.realm, "atlanta.example.com");

    auto first = client.authorize(reg_request);
    ASSERT_TRUE(first);
    ASSERT_EQ(first->size(), 1u);
    EXPECT_EQ((*first)[0].id, header_id::authorization);
    auto c1 = parse_credentials((*first)[0].value);
    ASSERT_TRUE(c1) << (*first)[0].value;
    EXPECT_EQ(c1->username, "alice");
    EXPECT_EQ(c1->uri, "sip:atlanta.example.com");
    EXPECT_EQ(c1->opaque, "op1");
    EXPECT_EQ(c1->algorithm, digest_algorithm::md5);
    EXPECT_EQ(c1->qop, digest_qop::auth);
    EXPECT_EQ(c1->nc, 1u);
    EXPECT_EQ(c1->cnonce, "000102030405060708090a0b0c0d0e0f");
    EXPECT_EQ(param_of((*first)[0].value, "nc"), "00000001");
    EXPECT_EQ(param_of((*first)[0].value, "qop"), "auth");
    EXPECT_EQ(
        c1->response,
        digest_response(digest_algorithm::md5, digest_qop::auth, "alice", "atlanta.example.com",
                        "secret", "ea9c8e88df84f1cec4341ae6cbe5a359", 1, c1->cnonce, reg_request));

    auto second = client.authorize(reg_request);
    ASSERT_TRUE(second);
    auto c2 = parse_credentials((*second)[0].value);
    ASSERT_TRUE(c2);
    EXPECT_EQ(c2->nc, 2u);
    EXPECT_EQ(param_of((*second)[0].value, "nc"), "00000002");
    EXPECT_NE(c2->cnonce, c1->cnonce);
    EXPECT_EQ(client.nonce_count("atlanta.example.com"), 2u);

    // The same nonce challenged again keeps counting (RFC 7616 §3.4: nc never repeats).
    client.on_challenge(false, lines);
    EXPECT_EQ(parse_credentials((*client.authorize(reg_request))[0].value)->nc, 3u);
}

TEST(DigestClient, StaleRetriesWithNewNonceAndResetsNc) {
    digest_client client("alice", "secret", counting_random());
    auto lines = one(reg_challenge);
    client.on_challenge(false, lines);
    std::string sent = (*client.authorize(reg_request))[0].value;
    client.authorize(reg_request);

    const std::string_view stale =
        "Digest realm=\"atlanta.example.com\", nonce=\"fresh-nonce\", opaque=\"op1\", "
        "qop=\"auth\", "
        "stale=true";
    std::vector<std::string_view> stale_lines{stale};
    std::vector<std::string_view> sent_lines{sent};
    auto outcome = client.on_challenge(false, stale_lines, sent_lines);
    EXPECT_EQ(outcome.action, challenge_action::answer_stale);
    auto c = parse_credentials((*client.authorize(reg_request))[0].value);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->nonce, "fresh-nonce");
    EXPECT_EQ(c->nc, 1u);
}

TEST(DigestClient, SecondChallengeWithoutStaleIsRefusal) {
    digest_client client("alice", "wrong", counting_random());
    auto lines = one(reg_challenge);
    ASSERT_EQ(client.on_challenge(false, lines).action, challenge_action::answer);
    std::string sent = (*client.authorize(reg_request))[0].value;
    std::vector<std::string_view> sent_lines{sent};
    const std::string_view again =
        "Digest realm=\"atlanta.example.com\", nonce=\"another\", qop=\"auth\", stale=FALSE";
    std::vector<std::string_view> again_lines{again};
    auto outcome = client.on_challenge(false, again_lines, sent_lines);
    EXPECT_EQ(outcome.action, challenge_action::refused);
    EXPECT_EQ(outcome.realm, "atlanta.example.com");
    // Credentials for another realm do not make this realm's challenge a refusal.
    std::string other =
        "Digest username=\"alice\", realm=\"elsewhere\", nonce=\"x\", uri=\"sip:a\", "
        "response=\"00\"";
    std::vector<std::string_view> other_lines{other};
    EXPECT_EQ(client.on_challenge(false, again_lines, other_lines).action,
              challenge_action::answer);
}

TEST(DigestClient, UnusableChallengeIsReported) {
    digest_client client("alice", "secret", counting_random());
    std::vector<std::string_view> lines{"Digest realm=\"r\", nonce=\"n\", algorithm=SHA3"};
    auto outcome = client.on_challenge(false, lines);
    EXPECT_EQ(outcome.action, challenge_action::unusable);
    EXPECT_EQ(outcome.error.code, auth_errc::unsupported_algorithm);
    EXPECT_FALSE(client.has_challenge());
}

TEST(DigestClient, Rfc2069ChallengeGetsNoQop) {
    digest_client client("alice", "secret", counting_random());
    std::vector<std::string_view> lines{
        "Digest realm=\"atlanta.example.com\", "
        "nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\""};
    client.on_challenge(false, lines);
    std::string v = (*client.authorize(reg_request))[0].value;
    EXPECT_EQ(v.find("qop="), std::string::npos) << v;
    EXPECT_EQ(v.find("nc="), std::string::npos) << v;
    EXPECT_EQ(v.find("cnonce="), std::string::npos) << v;
    EXPECT_EQ(v.find("opaque="), std::string::npos) << v;
    EXPECT_EQ(param_of(v, "response"), "\"b5d1b531d99ced033713ffa9ffbcb1a7\"");
}

TEST(DigestClient, ProxyChallengeAndTwoRealms) {
    digest_client client("alice", "secret", counting_random());
    std::vector<std::string_view> www{"Digest realm=\"registrar\", nonce=\"1\", qop=\"auth\""};
    std::vector<std::string_view> proxy{
        "Digest realm=\"proxy\", nonce=\"2\", qop=\"auth\", algorithm=SHA-256"};
    client.on_challenge(false, www);
    client.on_challenge(true, proxy);
    auto headers = client.authorize(reg_request);
    ASSERT_TRUE(headers);
    ASSERT_EQ(headers->size(), 2u);
    EXPECT_EQ((*headers)[0].id, header_id::authorization);
    EXPECT_EQ(parse_credentials((*headers)[0].value)->realm, "registrar");
    EXPECT_EQ((*headers)[1].id, header_id::proxy_authorization);
    EXPECT_EQ(parse_credentials((*headers)[1].value)->algorithm, digest_algorithm::sha256);
}

TEST(DigestClient, AuthIntOnlyAndAuthPreferred) {
    digest_client client("bob", "pw", counting_random());
    std::vector<std::string_view> lines{"Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""};
    client.on_challenge(false, lines);
    const digest_request invite{"INVITE", "sip:bob@biloxi.com", "v=0\r\n"};
    auto c = parse_credentials((*client.authorize(invite))[0].value);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->qop, digest_qop::auth_int);
    EXPECT_EQ(c->response, digest_response(digest_algorithm::md5, digest_qop::auth_int, "bob", "r",
                                           "pw", "n", 1, c->cnonce, invite));
    std::vector<std::string_view> both{"Digest realm=\"r\", nonce=\"m\", qop=\"auth-int, auth\""};
    client.on_challenge(false, both);
    EXPECT_EQ(parse_credentials((*client.authorize(invite))[0].value)->qop, digest_qop::auth);
}

TEST(DigestClient, SessionAlgorithmKeepsItsCnonce) {
    digest_client client("alice", "secret", counting_random());
    std::vector<std::string_view> lines{
        "Digest realm=\"r\", nonce=\"n\", qop=\"auth\", algorithm=MD5-sess"};
    client.on_challenge(false, lines);
    auto a = parse_credentials((*client.authorize(reg_request))[0].value);
    auto b = parse_credentials((*client.authorize(reg_request))[0].value);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->algorithm, digest_algorithm::md5_sess);
    EXPECT_EQ(a->cnonce, b->cnonce);
    EXPECT_EQ(b->nc, 2u);
    EXPECT_EQ(b->response, digest_response(digest_algorithm::md5_sess, digest_qop::auth, "alice",
                                           "r", "secret", "n", 2, b->cnonce, reg_request));
}

TEST(DigestClient, UserhashSendsHashedName) {
    digest_client client("J\xc3\xa4s\xc3\xb8n Doe", "Secret, or not?", counting_random());
    std::vector<std::string_view> lines{
        "Digest realm=\"api@example.org\", qop=\"auth\", algorithm=SHA-256, "
        "nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", "
        "charset=UTF-8, userhash=true"};
    client.on_challenge(false, lines);
    auto c = parse_credentials((*client.authorize({"GET", "/doe.json", ""}))[0].value);
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->userhash);
    EXPECT_EQ(c->username, "5a1a8a47df5c298551b9b42ba9b05835174a5bd7d511ff7fe9191d8e946fc4e7");
}

TEST(DigestClient, RandomFailureIsAnError) {
    digest_client client("alice", "secret", failing_random());
    auto lines = one(reg_challenge);
    client.on_challenge(false, lines);
    auto h = client.authorize(reg_request);
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().code, auth_errc::random_failure);
}

TEST(DigestClient, OpensslRandomGivesDistinctCnonces) {
    digest_client client("alice", "secret");
    auto lines = one(reg_challenge);
    client.on_challenge(false, lines);
    auto a = parse_credentials((*client.authorize(reg_request))[0].value);
    auto b = parse_credentials((*client.authorize(reg_request))[0].value);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->cnonce.size(), 32u);
    EXPECT_NE(a->cnonce, b->cnonce);
}

TEST(DigestCredentials, MalformedAreLocated) {
    const bad_case cases[] = {
        {"Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\"", auth_errc::missing_param,
         0},
        {"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"zz\"",
         auth_errc::malformed, 52},
        {"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\", qop=auth, "
         "cnonce=\"c\", nc=1",
         auth_errc::malformed, 89},
        {"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\", qop=auth, "
         "nc=00000001",
         auth_errc::missing_param, 67},
        {"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\", "
         "cnonce=\"c\"",
         auth_errc::malformed, 67},
        {"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\", Digest "
         "username=\"b\"",
         auth_errc::malformed, 67},
    };
    for (const auto& k : cases) {
        auto c = parse_credentials(k.value);
        ASSERT_FALSE(c) << k.value;
        EXPECT_EQ(c.error().code, k.code) << k.value << " -> " << c.error().to_string();
        EXPECT_EQ(c.error().offset, k.offset) << k.value << " -> " << c.error().to_string();
    }
}

TEST(DigestCredentials, FormatRoundTrips) {
    digest_credentials c;
    c.username = "al\"ice";
    c.realm = "r";
    c.nonce = "n";
    c.uri = "sip:r;transport=ws";
    c.response = "0123abcd";
    c.opaque = "o";
    c.algorithm = digest_algorithm::sha256_sess;
    c.qop = digest_qop::auth_int;
    c.cnonce = "cn";
    c.nc = 0xabcdef01;
    std::string text = format_credentials(c);
    EXPECT_EQ(param_of(text, "nc"), "abcdef01");
    auto back = parse_credentials(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(back->username, c.username);
    EXPECT_EQ(back->uri, c.uri);
    EXPECT_EQ(back->algorithm, c.algorithm);
    EXPECT_EQ(back->qop, c.qop);
    EXPECT_EQ(back->nc, c.nc);
    EXPECT_EQ(back->cnonce, c.cnonce);
    EXPECT_EQ(back->opaque, c.opaque);
}

}  // namespace
}  // namespace ringstorm::sip
