// Which challenge a client answers when a realm offers several (RFC 8760 §2: servers list
// the strongest first), and the preference a client modelling an MD5-only UA sets.
#include <gtest/gtest.h>

#include "engine/sip/digest.hpp"

namespace ringstorm::sip {
namespace {

constexpr std::string_view sha256_line =
    R"(Digest realm="r", nonce="n1", algorithm=SHA-256, qop="auth")";
constexpr std::string_view md5_line = R"(Digest realm="r", nonce="n2", algorithm=MD5, qop="auth")";

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
