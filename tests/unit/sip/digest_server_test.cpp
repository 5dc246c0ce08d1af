// Digest authentication, server side: stateless nonces, verification verdicts, and
// issue -> answer -> verify round trips with the client over values and whole messages.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>

#include "engine/sip/digest.hpp"
#include "engine/sip/message.hpp"

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

const digest_clock::time_point t0 = digest_clock::time_point{} + 1'700'000'000s;

// ---------------------------------------------------------------------------------------
// Server

digest_server_config server_config(std::vector<digest_algorithm> algorithms) {
    digest_server_config cfg;
    cfg.realm = "ringstorm.test";
    cfg.secret = "0123456789abcdef-secret";
    cfg.nonce_lifetime = 300s;
    cfg.algorithms = std::move(algorithms);
    return cfg;
}

password_lookup passwords() {
    return [](std::string_view user) -> std::optional<std::string> {
        static const std::map<std::string, std::string, std::less<>> table{{"alice", "secret"},
                                                                           {"bob", "hunter2"}};
        auto it = table.find(user);
        return it == table.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

const digest_request server_reg{"REGISTER", "sip:ringstorm.test", ""};

// Issues a challenge at `issued`, lets a client with this password answer it.
std::string answer_for(const digest_server& server, const std::string& user,
                       const std::string& password, digest_clock::time_point issued,
                       const digest_request& request = server_reg) {
    std::vector<std::string> values = server.challenges(issued);
    std::vector<std::string_view> lines(values.begin(), values.end());
    digest_client client(user, password, counting_random());
    EXPECT_EQ(client.on_challenge(false, lines).action, challenge_action::answer);
    auto h = client.authorize(request);
    EXPECT_TRUE(h && h->size() == 1);
    return h && !h->empty() ? (*h)[0].value : std::string{};
}

TEST(DigestServer, ConfigValidation) {
    EXPECT_EQ(server_config({digest_algorithm::md5}).validate(), "");
    auto cfg = server_config({digest_algorithm::md5});
    cfg.secret = "short";
    EXPECT_NE(cfg.validate(), "");
    cfg = server_config({});
    EXPECT_NE(cfg.validate(), "");
    cfg = server_config({digest_algorithm::md5_sess});
    EXPECT_NE(cfg.validate(), "");
    cfg = server_config({digest_algorithm::md5, digest_algorithm::md5});
    EXPECT_NE(cfg.validate(), "");
    cfg = server_config({digest_algorithm::md5});
    cfg.realm.clear();
    EXPECT_NE(cfg.validate(), "");
}

TEST(DigestServer, ChallengesCarryOneNonceForEveryAlgorithm) {
    digest_server server(server_config({digest_algorithm::sha256, digest_algorithm::md5}),
                         counting_random());
    auto values = server.challenges(t0);
    ASSERT_EQ(values.size(), 2u);
    auto a = parse_challenge(values[0]);
    auto b = parse_challenge(values[1]);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->algorithm, digest_algorithm::sha256);
    EXPECT_EQ(b->algorithm, digest_algorithm::md5);
    EXPECT_EQ(a->nonce, b->nonce);
    EXPECT_EQ(a->realm, "ringstorm.test");
    EXPECT_TRUE(a->qop_auth && !a->qop_auth_int);
    EXPECT_TRUE(a->opaque.has_value());
    EXPECT_FALSE(a->stale);
    EXPECT_NE(server.make_nonce(t0), server.make_nonce(t0));  // salted
    EXPECT_TRUE(parse_challenge(server.challenges(t0, true)[0])->stale);
    digest_server broken(server_config({digest_algorithm::md5}), failing_random());
    EXPECT_TRUE(broken.challenges(t0).empty());
}

TEST(DigestServer, RoundTripSha256AndMd5) {
    for (auto alg :
         {digest_algorithm::sha256, digest_algorithm::md5, digest_algorithm::sha512_256}) {
        digest_server server(server_config({alg}), counting_random());
        std::string creds = answer_for(server, "alice", "secret", t0);
        EXPECT_EQ(parse_credentials(creds)->algorithm, alg);
        auto v = server.verify(creds, server_reg, passwords(), t0 + 10s);
        EXPECT_EQ(v.status, digest_status::ok) << to_string(alg) << ": " << v.reason;
        EXPECT_EQ(v.username, "alice");
    }
    // Offered both, the client picks SHA-256 and the server accepts it.
    digest_server both(server_config({digest_algorithm::md5, digest_algorithm::sha256}),
                       counting_random());
    std::string creds = answer_for(both, "bob", "hunter2", t0);
    EXPECT_EQ(parse_credentials(creds)->algorithm, digest_algorithm::sha256);
    EXPECT_TRUE(both.verify(creds, server_reg, passwords(), t0).ok());
}

TEST(DigestServer, AnyWorkerWithTheSecretVerifies) {
    digest_server issuer(server_config({digest_algorithm::sha256}), counting_random());
    digest_server other_worker(server_config({digest_algorithm::sha256}));
    std::string creds = answer_for(issuer, "alice", "secret", t0);
    EXPECT_TRUE(other_worker.verify(creds, server_reg, passwords(), t0 + 1s).ok());
    auto cfg = server_config({digest_algorithm::sha256});
    cfg.secret = "a-different-secret-entirely";
    cfg.opaque = "fixed";
    digest_server stranger(cfg);
    EXPECT_EQ(stranger.verify(creds, server_reg, passwords(), t0).status, digest_status::bad_nonce);
}

TEST(DigestServer, WrongPasswordAndUnknownUser) {
    digest_server server(server_config({digest_algorithm::sha256}), counting_random());
    auto v = server.verify(answer_for(server, "alice", "guess", t0), server_reg, passwords(), t0);
    EXPECT_EQ(v.status, digest_status::bad_response);
    EXPECT_EQ(v.username, "alice");
    EXPECT_EQ(
        server.verify(answer_for(server, "mallory", "x", t0), server_reg, passwords(), t0).status,
        digest_status::unknown_user);
}

TEST(DigestServer, TamperedNonceIsRejected) {
    digest_server server(server_config({digest_algorithm::md5}), counting_random());
    std::string challenge = server.challenges(t0)[0];
    std::size_t at = challenge.find("nonce=\"") + 7 + 20;  // a salt digit
    challenge[at] = challenge[at] == '0' ? '1' : '0';
    std::vector<std::string_view> lines{challenge};
    digest_client client("alice", "secret", counting_random());
    client.on_challenge(false, lines);
    // The response is right for the tampered nonce, yet the nonce is not ours.
    auto v = server.verify((*client.authorize(server_reg))[0].value, server_reg, passwords(), t0);
    EXPECT_EQ(v.status, digest_status::bad_nonce);
    auto garbage = server.verify(
        "Digest username=\"alice\", realm=\"ringstorm.test\", nonce=\"xyz\", "
        "uri=\"sip:ringstorm.test\", response=\"00\", qop=auth, nc=00000001, "
        "cnonce=\"c\"",
        server_reg, passwords(), t0);
    EXPECT_EQ(garbage.status, digest_status::bad_nonce);
}

TEST(DigestServer, ExpiredNonceIsStaleThenRetrySucceeds) {
    digest_server server(server_config({digest_algorithm::sha256}), counting_random());
    std::vector<std::string> values = server.challenges(t0);
    std::vector<std::string_view> lines(values.begin(), values.end());
    digest_client client("alice", "secret", counting_random());
    client.on_challenge(false, lines);
    std::string creds = (*client.authorize(server_reg))[0].value;
    EXPECT_TRUE(server.verify(creds, server_reg, passwords(), t0 + 300s).ok());
    const auto later = t0 + 301s;
    EXPECT_EQ(server.verify(creds, server_reg, passwords(), later).status, digest_status::stale);
    // A wrong password on an expired nonce is a wrong password, not stale (RFC 7616 §3.3).
    EXPECT_EQ(server.verify(answer_for(server, "alice", "nope", t0), server_reg, passwords(), later)
                  .status,
              digest_status::bad_response);
    // A nonce from the future (clock stepped back) is stale too.
    EXPECT_EQ(server.verify(creds, server_reg, passwords(), t0 - 120s).status,
              digest_status::stale);

    std::vector<std::string> again = server.challenges(later, true);
    std::vector<std::string_view> again_lines(again.begin(), again.end());
    std::vector<std::string_view> sent{creds};
    EXPECT_EQ(client.on_challenge(false, again_lines, sent).action, challenge_action::answer_stale);
    std::string retry = (*client.authorize(server_reg))[0].value;
    EXPECT_EQ(parse_credentials(retry)->nc, 1u);
    EXPECT_TRUE(server.verify(retry, server_reg, passwords(), later + 1s).ok());
}

TEST(DigestServer, WrongUriAndWrongRealm) {
    digest_server server(server_config({digest_algorithm::sha256}), counting_random());
    std::string creds = answer_for(server, "alice", "secret", t0);
    const digest_request elsewhere{"REGISTER", "sip:other.test", ""};
    EXPECT_EQ(server.verify(creds, elsewhere, passwords(), t0).status, digest_status::uri_mismatch);
    // The method is hashed in: the same credentials do not pass for an INVITE.
    EXPECT_EQ(server.verify(creds, {"INVITE", server_reg.uri, ""}, passwords(), t0).status,
              digest_status::bad_response);

    auto cfg = server_config({digest_algorithm::sha256});
    cfg.realm = "other.realm";
    digest_server other(cfg, counting_random());
    EXPECT_EQ(other.verify(creds, server_reg, passwords(), t0).status, digest_status::wrong_realm);
}

TEST(DigestServer, ProtocolViolations) {
    digest_server server(server_config({digest_algorithm::md5}), counting_random());
    std::string nonce = parse_challenge(server.challenges(t0)[0])->nonce;
    digest_credentials c;
    c.username = "alice";
    c.realm = "ringstorm.test";
    c.nonce = nonce;
    c.uri = std::string(server_reg.uri);
    c.opaque = parse_challenge(server.challenges(t0)[0])->opaque;
    c.response = digest_response(digest_algorithm::md5, digest_qop::none, "alice", c.realm,
                                 "secret", nonce, 0, "", server_reg);
    // qop=auth was offered: an RFC 2069 answer is refused as malformed.
    auto v = server.verify(format_credentials(c), server_reg, passwords(), t0);
    EXPECT_EQ(v.status, digest_status::malformed);

    c.qop = digest_qop::auth;
    c.cnonce = "abc";
    c.nc = 1;
    c.response = digest_response(digest_algorithm::md5, digest_qop::auth, "alice", c.realm,
                                 "secret", nonce, 1, "abc", server_reg);
    EXPECT_TRUE(server.verify(format_credentials(c), server_reg, passwords(), t0).ok());
    auto no_opaque = c;
    no_opaque.opaque.reset();
    EXPECT_EQ(server.verify(format_credentials(no_opaque), server_reg, passwords(), t0).status,
              digest_status::malformed);
    auto sha = c;
    sha.algorithm = digest_algorithm::sha256;
    EXPECT_EQ(server.verify(format_credentials(sha), server_reg, passwords(), t0).status,
              digest_status::unsupported_algorithm);
    auto unknown_alg = server.verify(
        "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\", "
        "algorithm=FOO",
        server_reg, passwords(), t0);
    EXPECT_EQ(unknown_alg.status, digest_status::unsupported_algorithm);
    auto bad = server.verify("Digest username=\"a", server_reg, passwords(), t0);
    EXPECT_EQ(bad.status, digest_status::malformed);
    EXPECT_EQ(bad.offset, 16u);
}

TEST(DigestServer, Rfc2069ModeWhenQopNotOffered) {
    auto cfg = server_config({digest_algorithm::md5});
    cfg.offer_qop = false;
    digest_server server(cfg, counting_random());
    std::string creds = answer_for(server, "alice", "secret", t0);
    EXPECT_EQ(creds.find("qop="), std::string::npos);
    EXPECT_TRUE(server.verify(creds, server_reg, passwords(), t0).ok());
}

// ---------------------------------------------------------------------------------------
// Over whole messages

TEST(DigestMessages, RegisterChallengeAnswerVerify) {
    digest_server server(server_config({digest_algorithm::sha256, digest_algorithm::md5}),
                         counting_random());
    message reg = message::request(method::register_, "sip:ringstorm.test");
    reg.add(header_id::call_id, "abc@host");

    EXPECT_EQ(server.verify(reg, false, passwords(), t0).status, digest_status::no_credentials);
    message unauthorized = message::response(401, "Unauthorized");
    EXPECT_EQ(server.add_challenges(unauthorized, t0), 2u);
    EXPECT_EQ(challenge_lines(unauthorized, false).size(), 2u);
    EXPECT_TRUE(challenge_lines(unauthorized, true).empty());

    digest_client client("alice", "secret", counting_random());
    EXPECT_EQ(client.on_challenge(unauthorized, reg).action, challenge_action::answer);
    auto added = client.authorize(reg);
    ASSERT_TRUE(added);
    EXPECT_EQ(*added, 1u);
    EXPECT_EQ(reg.count(header_id::authorization), 1u);
    EXPECT_TRUE(server.verify(reg, false, passwords(), t0 + 1s).ok());
    // Authorizing again replaces the line rather than adding one.
    client.authorize(reg);
    EXPECT_EQ(reg.count(header_id::authorization), 1u);

    // A 401 to the request that carried our credentials, stale=false: refused.
    message again = message::response(401, "Unauthorized");
    server.add_challenges(again, t0 + 2s);
    EXPECT_EQ(client.on_challenge(again, reg).action, challenge_action::refused);

    message proxy_challenge = message::response(407, "Proxy Authentication Required");
    server.add_challenges(proxy_challenge, t0, true);
    EXPECT_EQ(challenge_lines(proxy_challenge, true).size(), 2u);
}

}  // namespace
}  // namespace ringstorm::sip
