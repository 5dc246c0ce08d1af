// Which challenge a client answers when a realm offers several (RFC 8760 §2: servers list
// the strongest first), and the preference a client modelling an MD5-only UA sets.
#include <gtest/gtest.h>

#include "engine/sip/digest.hpp"

namespace ringstorm::sip {
namespace {

constexpr std::string_view sha256_line =
    R"(Digest realm="r", nonce="n1", algorithm=SHA-256, qop="auth")";
constexpr std::string_view md5_line = R"(Digest realm="r", nonce="n2", algorithm=MD5, qop="auth")";

digest_algorithm chosen_of(std::vector<std::string_view> lines) {
    auto cs = choose_challenges(lines);
    EXPECT_TRUE(cs);
    return cs ? cs->front().algorithm : digest_algorithm::md5_sess;
}

TEST(DigestChoice, StrongestSupportedWins) {
    const std::string_view md5 = "Digest realm=\"r\", nonce=\"n\", qop=\"auth\"";
    const std::string_view sha = "Digest realm=\"r\", nonce=\"n\", qop=\"auth\", algorithm=SHA-256";
    const std::string_view sha512 =
        "Digest realm=\"r\", nonce=\"n\", qop=\"auth\", algorithm=SHA-512-256";
    const std::string_view unknown = "Digest realm=\"r\", nonce=\"n\", algorithm=SHA3-512";
    EXPECT_EQ(chosen_of({md5, sha}), digest_algorithm::sha256);
    EXPECT_EQ(chosen_of({sha, md5}), digest_algorithm::sha256);
    EXPECT_EQ(chosen_of({sha, sha512, md5}), digest_algorithm::sha512_256);
    EXPECT_EQ(chosen_of({unknown, md5}), digest_algorithm::md5);
    EXPECT_EQ(chosen_of({"Digest realm=\"r\", nonce=\"n\" junk", sha}), digest_algorithm::sha256);
}

TEST(DigestChoice, OneChallengePerRealm) {
    std::vector<std::string_view> lines{"Digest realm=\"a\", nonce=\"1\"",
                                        "Digest realm=\"b\", nonce=\"2\", algorithm=SHA-256",
                                        "Digest realm=\"a\", nonce=\"1\", algorithm=SHA-256"};
    auto cs = choose_challenges(lines);
    ASSERT_TRUE(cs);
    ASSERT_EQ(cs->size(), 2u);
    EXPECT_EQ((*cs)[0].realm, "a");
    EXPECT_EQ((*cs)[0].algorithm, digest_algorithm::sha256);
    EXPECT_EQ((*cs)[1].realm, "b");
}

TEST(DigestChoice, NothingUsableReportsLineAndReason) {
    std::vector<std::string_view> lines{"Basic realm=\"x\"",
                                        "Digest realm=\"r\", nonce=\"n\", algorithm=X"};
    auto cs = choose_challenges(lines);
    ASSERT_FALSE(cs);
    EXPECT_EQ(cs.error().code, auth_errc::unsupported_algorithm);
    EXPECT_EQ(cs.error().line, 1u);
    auto none = choose_challenges({});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, auth_errc::no_challenge);
}

TEST(digest_choice, the_strongest_wins_without_a_preference) {
    std::vector<std::string_view> lines{md5_line, sha256_line};
    auto chosen = choose_challenges(lines);
    ASSERT_TRUE(chosen);
    ASSERT_EQ(chosen->size(), 1u);
    EXPECT_EQ(chosen->front().algorithm, digest_algorithm::sha256);
}

TEST(digest_choice, a_preferred_algorithm_wins_in_either_order) {
    for (auto lines : {std::vector<std::string_view>{sha256_line, md5_line},
                       std::vector<std::string_view>{md5_line, sha256_line}}) {
        auto chosen = choose_challenges(lines, digest_algorithm::md5);
        ASSERT_TRUE(chosen);
        ASSERT_EQ(chosen->size(), 1u);
        EXPECT_EQ(chosen->front().algorithm, digest_algorithm::md5);
        EXPECT_EQ(chosen->front().nonce, "n2");
    }
}

TEST(digest_choice, without_the_preferred_one_the_strongest_is_still_answered) {
    std::vector<std::string_view> lines{sha256_line};
    auto chosen = choose_challenges(lines, digest_algorithm::md5);
    ASSERT_TRUE(chosen);
    EXPECT_EQ(chosen->front().algorithm, digest_algorithm::sha256);
}

}  // namespace
}  // namespace ringstorm::sip
