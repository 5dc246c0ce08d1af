// Where a run's phones bind their media: loopback targets without a lookup, others at the
// local end of the route to them, and a target no route is found to falls back to 127.0.0.1
// with one warning naming the host, the reason and the fallback.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/app/media_address.hpp"

namespace ringstorm::app {
namespace {

transport::ws_url target(const std::string& text) {
    auto url = transport::parse_ws_url(text);
    EXPECT_TRUE(url.has_value()) << text;
    return *url;
}

// A lookup that records what it was asked and answers as told.
struct fake_lookup {
    core::result<std::string, std::string> answer;
    std::vector<std::string> asked;

    route_lookup fn() {
        return [this](const std::string& host, std::uint16_t port) {
            asked.push_back(host + ":" + std::to_string(port));
            return answer;
        };
    }
};

TEST(media_address, loopback_targets_need_no_lookup) {
    fake_lookup lookup{core::unexpected<std::string>("must not be asked"), {}};
    for (const char* url :
         {"wss://127.0.0.1:5061/ws", "ws://127.0.0.5:8080/", "wss://localhost/ws"}) {
        const media_address a = find_media_address(target(url), lookup.fn());
        EXPECT_EQ(a.ip, "127.0.0.1") << url;
        EXPECT_EQ(a.warning, "") << url;
    }
    const media_address v6 = find_media_address(target("wss://[::1]:443/ws"), lookup.fn());
    EXPECT_EQ(v6.ip, "::1");
    EXPECT_EQ(v6.warning, "");
    EXPECT_TRUE(lookup.asked.empty());
}

TEST(media_address, another_target_gets_the_local_end_of_its_route) {
    fake_lookup lookup{std::string("192.0.2.10"), {}};
    const media_address a =
        find_media_address(target("wss://sbc.example.com:8443/ws"), lookup.fn());
    EXPECT_EQ(a.ip, "192.0.2.10");
    EXPECT_EQ(a.warning, "");
    ASSERT_EQ(lookup.asked.size(), 1u);
    EXPECT_EQ(lookup.asked[0], "sbc.example.com:8443");
}

TEST(media_address, an_unresolvable_target_falls_back_to_loopback_and_says_so) {
    fake_lookup lookup{core::unexpected<std::string>("resolve: Host not found (authoritative)"),
                       {}};
    const media_address a = find_media_address(target("wss://sbc.invalid/ws"), lookup.fn());
    EXPECT_EQ(a.ip, "127.0.0.1");
    EXPECT_EQ(a.warning,
              "media: no local address reaches sbc.invalid (resolve: Host not found "
              "(authoritative)); the phones' media binds 127.0.0.1, so their calls to "
              "sbc.invalid will likely fail ICE (media.ice_failed)");
}

TEST(media_address, the_real_lookup_finds_loopback_for_a_loopback_literal) {
    // The kernel's route to 127.0.0.1 leaves from 127.0.0.1 (no DNS, no packet sent).
    auto local = local_route_to("127.0.0.1", 9);
    ASSERT_TRUE(local.has_value()) << local.error();
    EXPECT_EQ(*local, "127.0.0.1");
}

}  // namespace
}  // namespace ringstorm::app
