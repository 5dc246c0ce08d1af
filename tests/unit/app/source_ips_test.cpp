// --source-ips: ranges and lists of local addresses, with clear errors.
#include "engine/app/source_ips.hpp"

#include <gtest/gtest.h>

namespace ringstorm::app {
namespace {

TEST(source_ips, expands_an_ipv4_range_inclusively) {
    auto ips = parse_source_ips("127.0.0.2-127.0.0.4");
    ASSERT_TRUE(ips) << ips.error();
    EXPECT_EQ(*ips, (std::vector<std::string>{"127.0.0.2", "127.0.0.3", "127.0.0.4"}));
}

TEST(source_ips, range_crosses_an_octet_boundary) {
    auto ips = parse_source_ips("127.0.0.255-127.0.1.1");
    ASSERT_TRUE(ips) << ips.error();
    EXPECT_EQ(*ips, (std::vector<std::string>{"127.0.0.255", "127.0.1.0", "127.0.1.1"}));
}

TEST(source_ips, accepts_lists_mixing_ranges_and_ipv6) {
    auto ips = parse_source_ips("127.0.0.2,::1,127.0.0.9-127.0.0.10");
    ASSERT_TRUE(ips) << ips.error();
    EXPECT_EQ(*ips, (std::vector<std::string>{"127.0.0.2", "::1", "127.0.0.9", "127.0.0.10"}));
}

TEST(source_ips, rejects_what_is_not_an_address) {
    auto bad = parse_source_ips("localhost");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("'localhost' is not an IP address"), std::string::npos);
    auto reversed = parse_source_ips("127.0.0.9-127.0.0.2");
    ASSERT_FALSE(reversed);
    EXPECT_NE(reversed.error().find("reversed"), std::string::npos);
    EXPECT_FALSE(parse_source_ips("127.0.0.1,,127.0.0.2"));
    EXPECT_FALSE(parse_source_ips("::1-::5"));
    auto huge = parse_source_ips("10.0.0.0-10.2.0.0");
    ASSERT_FALSE(huge);
    EXPECT_NE(huge.error().find("65536"), std::string::npos);
}

}  // namespace
}  // namespace ringstorm::app
