// Who may register: digest user names looked up in a pattern or a CSV account list.
#include <gtest/gtest.h>

#include "engine/target/account_book.hpp"
#include "tests/unit/target/target_support.hpp"

namespace ringstorm::target {
namespace {

TEST(account_book, a_pattern_knows_the_names_it_expands_to) {
    account_book book(test::pattern_accounts());  // 1{n:04} from n = 1, password "secret"
    auto a = book.find("10042");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->auth_user, "10042");
    EXPECT_EQ(a->secret, "secret");
    EXPECT_TRUE(book.find("10001"));
    EXPECT_TRUE(book.find("123456"));  // n = 23456 still expands to it
    EXPECT_FALSE(book.find("10000"));  // n = 0 is before the first account
    EXPECT_FALSE(book.find("1042"));   // not zero-padded to 4 digits
    EXPECT_FALSE(book.find("20001"));
    EXPECT_FALSE(book.find("alice"));
    EXPECT_FALSE(book.find(""));
}

TEST(account_book, a_per_account_password_pattern_follows_n) {
    account_book book(
        scenario::account_source(*scenario::name_template::parse("u{n}x", true, true),
                                 *scenario::name_template::parse("pw{n}", false, false), 5));
    auto a = book.find("u7x");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->secret, "pw7");
    EXPECT_FALSE(book.find("u4x"));
    EXPECT_FALSE(book.find("u7"));
}

TEST(account_book, a_csv_is_indexed_by_user_name) {
    auto rows =
        scenario::parse_accounts_csv("userName,secret,authUser\nalice,pa,alice-aor\nbob,pb,\n");
    ASSERT_TRUE(rows);
    account_book book(scenario::account_source(
        std::make_shared<const std::vector<scenario::account>>(std::move(*rows)), "a.csv"));
    auto alice = book.find("alice");
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->secret, "pa");
    EXPECT_EQ(alice->auth_user, "alice-aor");
    EXPECT_TRUE(book.find("bob"));
    EXPECT_FALSE(book.find("carol"));
}

TEST(account_book, an_empty_book_knows_nobody) {
    EXPECT_FALSE(account_book{}.find("10001"));
}

}  // namespace
}  // namespace ringstorm::target
