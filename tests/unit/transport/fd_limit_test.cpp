#include "engine/transport/fd_limit.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ringstorm::transport {
namespace {

TEST(fd_limit, raise_brings_soft_to_hard) {
    const auto raised = raise_fd_limit();
    ASSERT_TRUE(raised) << raised.error();
    EXPECT_EQ(raised->soft, raised->hard);
    const auto read = read_fd_limits();
    ASSERT_TRUE(read);
    EXPECT_EQ(read->soft, raised->soft);
}

TEST(fd_limit, counts_the_embedded_targets_side) {
    EXPECT_EQ(fds_required({1000, false, 64}), 1064u);
    EXPECT_EQ(fds_required({1000, true, 64}), 2064u);
}

TEST(fd_limit, fitting_budget_returns_the_need) {
    const auto ok = check_fd_budget({15'000, false, 64}, {20'000, 20'000});
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_EQ(*ok, 15'064u);
}

TEST(fd_limit, too_many_phones_explain_what_fits_and_what_to_do) {
    const auto bad = check_fd_budget({15'000, true, 64}, {20'000, 20'000});
    ASSERT_FALSE(bad);
    const auto& text = bad.error();
    EXPECT_NE(text.find("15000 phones need 30064"), std::string::npos) << text;
    EXPECT_NE(text.find("limit is 20000"), std::string::npos) << text;
    EXPECT_NE(text.find("at most 9968 phones fit"), std::string::npos) << text;
    EXPECT_NE(text.find("ringstorm serve"), std::string::npos) << text;
    EXPECT_NE(text.find("ulimit -Hn"), std::string::npos) << text;
}

TEST(fd_limit, phones_with_several_tabs_are_counted_as_phones) {
    const auto bad = check_fd_budget({30'000, false, 64, 3}, {20'000, 20'000});
    ASSERT_FALSE(bad);
    const auto& text = bad.error();
    EXPECT_NE(text.find("10000 phones need 30064 (3 per phone with 3 tabs"), std::string::npos) << text;
    EXPECT_NE(text.find("at most 6645 phones fit"), std::string::npos) << text;
}

TEST(fd_limit, limit_below_the_reserve_fits_no_phone) {
    const auto bad = check_fd_budget({1, false, 64}, {32, 32});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("at most 0 phones fit"), std::string::npos) << bad.error();
}

}  // namespace
}  // namespace ringstorm::transport
