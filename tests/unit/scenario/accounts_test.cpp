// Account sources: name templates expand per phone; CSV files parse with located errors.
#include <gtest/gtest.h>

#include "engine/scenario/accounts.hpp"

namespace rs = ringstorm::scenario;

TEST(name_template, expands_zero_padded_numbers) {
    auto t = rs::name_template::parse("1{n:04}", true, true);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->expand(1), "10001");
    EXPECT_EQ(t->expand(12345), "112345");  // wider than WIDTH: all digits kept
    auto plain = rs::name_template::parse("user{n}-x", true, true);
    ASSERT_TRUE(plain.has_value());
    EXPECT_EQ(plain->expand(0), "user0-x");
    EXPECT_EQ(plain->expand(18446744073709551615ULL), "user18446744073709551615-x");
}

TEST(name_template, literal_braces_and_passwords_without_n) {
    auto t = rs::name_template::parse("p{{w}}{n:2}", false, false);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->expand(3), "p{w}03");
    auto fixed = rs::name_template::parse("s3cret pass", false, false);
    ASSERT_TRUE(fixed.has_value());
    EXPECT_EQ(fixed->expand(9), "s3cret pass");
}

TEST(name_template, rejects_bad_templates_with_offsets) {
    struct bad {
        const char* text;
        std::size_t offset;
        const char* what;
    };
    for (const bad& b : {bad{"u{n", 1, "unclosed '{'"}, bad{"u{x}", 1, "unknown placeholder '{x}'"},
                         bad{"u{n:}", 4, "bad width ''"}, bad{"u{n:21}", 4, "bad width '21'"},
                         bad{"u}{n}", 1, "unmatched '}'"}, bad{"alice", 0, "has no {n}"},
                         bad{"a@b{n}", 1, "'@' cannot appear"}, bad{"", 0, "empty"}}) {
        auto t = rs::name_template::parse(b.text, true, true);
        ASSERT_FALSE(t.has_value()) << b.text;
        EXPECT_EQ(t.error().offset, b.offset) << b.text;
        EXPECT_NE(t.error().message.find(b.what), std::string::npos)
            << b.text << ": " << t.error().message;
    }
}

TEST(account_source, pattern_numbers_phones_from_first) {
    auto user = rs::name_template::parse("1{n:04}", true, true);
    auto password = rs::name_template::parse("pw{n}", false, false);
    ASSERT_TRUE(user && password);
    const rs::account_source source(*user, *password, 1);
    EXPECT_TRUE(source.is_pattern());
    EXPECT_FALSE(source.capacity().has_value());
    const rs::account a = source.at(0);
    EXPECT_EQ(a.user_name, "10001");
    EXPECT_EQ(a.auth_user, "10001");
    EXPECT_EQ(a.secret, "pw1");
    std::string out = "phone ";
    source.append_user_name(out, 999);
    EXPECT_EQ(out, "phone 11000");
}

TEST(account_csv, reads_columns_in_any_order_with_defaults) {
    auto rows = rs::parse_accounts_csv(
        "\xEF\xBB\xBF"
        "secret, userName ,displayname\n"
        "pw1,ann,Ann A\n\n"
        "\"multi\nline\",bob,\n");
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 2U);
    EXPECT_EQ((*rows)[0].user_name, "ann");
    EXPECT_EQ((*rows)[0].auth_user, "ann");  // authUser defaults to userName
    EXPECT_EQ((*rows)[0].display_name, "Ann A");
    EXPECT_EQ((*rows)[1].secret, "multi\nline");
    EXPECT_EQ((*rows)[1].display_name, "");
}

TEST(account_csv, auth_user_column_is_kept) {
    auto rows = rs::parse_accounts_csv("userName,authUser,secret,displayname\nu1,a1,s,D\n");
    ASSERT_TRUE(rows.has_value());
    EXPECT_EQ((*rows)[0].user_name, "u1");
    EXPECT_EQ((*rows)[0].auth_user, "a1");
}

TEST(account_csv, header_problems) {
    auto unknown = rs::parse_accounts_csv("username,secrt\nu,s\n");
    ASSERT_FALSE(unknown.has_value());
    ASSERT_GE(unknown.error().size(), 2U);
    EXPECT_EQ(unknown.error()[0].line, 1U);
    EXPECT_EQ(unknown.error()[0].column, 10U);
    EXPECT_NE(unknown.error()[0].message.find("unknown column 'secrt' (did you mean 'secret'?)"),
              std::string::npos);
    EXPECT_NE(unknown.error()[1].message.find("no 'secret' column"), std::string::npos);

    auto empty = rs::parse_accounts_csv("");
    ASSERT_FALSE(empty.has_value());
    EXPECT_NE(empty.error()[0].message.find("no header row"), std::string::npos);

    auto header_only = rs::parse_accounts_csv("userName,secret\n");
    ASSERT_FALSE(header_only.has_value());
    EXPECT_NE(header_only.error()[0].message.find("no accounts"), std::string::npos);
}

TEST(account_csv, quoting_errors_are_located) {
    auto r = rs::parse_accounts_csv("userName,secret\nann,\"pw\nbob,x\n");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error()[0].line, 2U);
    EXPECT_EQ(r.error()[0].column, 5U);
    EXPECT_NE(r.error()[0].message.find("unterminated quoted field"), std::string::npos);

    auto stray = rs::parse_accounts_csv("userName,secret\nann,p\"w\nbob,\"x\"y\ncid,ok\n");
    ASSERT_FALSE(stray.has_value());
    ASSERT_EQ(stray.error().size(), 2U);
    EXPECT_EQ(stray.error()[0].line, 2U);
    EXPECT_EQ(stray.error()[0].column, 6U);
    EXPECT_NE(stray.error()[0].message.find("a quote inside an unquoted field"), std::string::npos);
    EXPECT_EQ(stray.error()[1].line, 3U);
    EXPECT_NE(stray.error()[1].message.find("text after a closing quote"), std::string::npos);
}

TEST(account_csv, bad_user_names_and_error_cap) {
    std::string text = "userName,secret\n";
    for (int i = 0; i < 30; ++i) {
        text += "bad name,pw\n";
    }
    auto r = rs::parse_accounts_csv(text, 5);
    ASSERT_FALSE(r.has_value());
    ASSERT_EQ(r.error().size(), 6U);
    EXPECT_EQ(r.error()[0].line, 2U);
    EXPECT_EQ(r.error()[0].column, 1U);
    EXPECT_NE(r.error()[0].message.find("not allowed in a SIP user name at position 4"),
              std::string::npos);
    EXPECT_EQ(r.error()[5].message, "... and 25 more errors in this file");

    auto empty_secret = rs::parse_accounts_csv("userName,secret\nann,\n");
    ASSERT_FALSE(empty_secret.has_value());
    EXPECT_EQ(empty_secret.error()[0].column, 5U);
    EXPECT_EQ(empty_secret.error()[0].message, "empty secret");
}
