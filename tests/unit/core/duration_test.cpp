#include "engine/core/duration.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using ringstorm::core::format_duration;
using ringstorm::core::parse_duration;

TEST(duration, parses_units_and_compositions) {
    EXPECT_EQ(*parse_duration("90s"), 90s);
    EXPECT_EQ(*parse_duration("5m"), 5min);
    EXPECT_EQ(*parse_duration("1h30m"), 90min);
    EXPECT_EQ(*parse_duration("250ms"), 250ms);
    EXPECT_EQ(*parse_duration("1.5s"), 1500ms);
    EXPECT_EQ(*parse_duration("12us"), 12us);
    EXPECT_EQ(*parse_duration("7ns"), 7ns);
    EXPECT_EQ(*parse_duration("0"), 0s);
    EXPECT_EQ(*parse_duration("2"), 2s);
}

TEST(duration, rejects_bad_text_with_reason) {
    EXPECT_NE(parse_duration("").error().find("empty"), std::string::npos);
    EXPECT_NE(parse_duration("-5s").error().find("negative"), std::string::npos);
    EXPECT_NE(parse_duration("5x").error().find("unknown unit 'x'"), std::string::npos);
    EXPECT_NE(parse_duration("s").error().find("expected a number"), std::string::npos);
    EXPECT_NE(parse_duration("1m30").error().find("missing unit"), std::string::npos);
    EXPECT_NE(parse_duration("101d").error().find("unknown unit"), std::string::npos);
    EXPECT_NE(parse_duration("3000h").error().find("100 days"), std::string::npos);
    EXPECT_FALSE(parse_duration("1e999s").has_value());
}

TEST(duration, formats_and_reads_back) {
    using ringstorm::core::duration;
    for (duration d : {duration{0ns}, duration{7ns}, duration{250ms}, duration{1500ms},
                       duration{90s}, duration{5min}, duration{90min}, duration{3661s}}) {
        auto text = format_duration(d);
        ASSERT_TRUE(parse_duration(text).has_value()) << text;
        EXPECT_EQ(*parse_duration(text), d) << text;
    }
    EXPECT_EQ(format_duration(90s), "1m30s");
    EXPECT_EQ(format_duration(250ms), "250ms");
}
