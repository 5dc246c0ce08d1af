#include "engine/transport/url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ringstorm::transport {
namespace {

struct good_case {
    const char* text;
    bool secure;
    const char* host;
    host_kind kind;
    std::uint16_t port;
    const char* path;
    const char* canonical;
    const char* host_header;
};

TEST(ws_url, parses_valid_urls) {
    const good_case cases[] = {
        {"ws://127.0.0.1:8080/ws", false, "127.0.0.1", host_kind::ipv4, 8080, "/ws",
         "ws://127.0.0.1:8080/ws", "127.0.0.1:8080"},
        {"wss://sbc.example.com/", true, "sbc.example.com", host_kind::name, 443, "/",
         "wss://sbc.example.com:443/", "sbc.example.com"},
        {"wss://sbc.example.com", true, "sbc.example.com", host_kind::name, 443, "/",
         "wss://sbc.example.com:443/", "sbc.example.com"},
        {"ws://localhost", false, "localhost", host_kind::name, 80, "/", "ws://localhost:80/",
         "localhost"},
        {"WSS://[::1]:8443/sip?token=abc", true, "::1", host_kind::ipv6, 8443, "/sip?token=abc",
         "wss://[::1]:8443/sip?token=abc", "[::1]:8443"},
        {"ws://[2001:db8::7]/", false, "2001:db8::7", host_kind::ipv6, 80, "/",
         "ws://[2001:db8::7]:80/", "[2001:db8::7]"},
        {"ws://host:80?q=1", false, "host", host_kind::name, 80, "/?q=1", "ws://host:80/?q=1",
         "host"},
        {"wss://a-b_c.d:65535/x/y", true, "a-b_c.d", host_kind::name, 65535, "/x/y",
         "wss://a-b_c.d:65535/x/y", "a-b_c.d:65535"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        const auto url = parse_ws_url(c.text);
        ASSERT_TRUE(url) << url.error().reason << " at " << url.error().offset;
        EXPECT_EQ(url->secure, c.secure);
        EXPECT_EQ(url->host, c.host);
        EXPECT_EQ(url->host_kind, c.kind);
        EXPECT_EQ(url->port, c.port);
        EXPECT_EQ(url->path, c.path);
        EXPECT_EQ(to_string(*url), c.canonical);
        EXPECT_EQ(host_header(*url), c.host_header);
        const auto again = parse_ws_url(to_string(*url));
        ASSERT_TRUE(again);
        EXPECT_EQ(to_string(*again), c.canonical);
    }
}

struct bad_case {
    const char* text;
    std::size_t offset;
    const char* reason_part;
};

TEST(ws_url, rejects_bad_urls_with_offsets) {
    const bad_case cases[] = {
        {"http://host/", 0, "scheme"},
        {"", 0, "scheme"},
        {"ws:/host", 0, "scheme"},
        {"ws://", 5, "missing host"},
        {"ws://:80/", 5, "missing host"},
        {"ws://host:0/", 10, "port 0"},
        {"ws://host:65536/", 10, "above 65535"},
        {"ws://host:8x/", 11, "not a number"},
        {"ws://host:/", 10, "empty port"},
        {"ws://[::1/", 9, "']'"},
        {"ws://[zz::1]/", 6, "IPv6"},
        {"ws://user@host/", 9, "userinfo"},
        {"ws://host/a#frag", 11, "fragment"},
        {"ws://host/a b", 11, "space"},
        {"ws://ho st/", 7, "bad character"},
        {"ws://host..x/", 9, "bad character"},
        {"ws://[::1]x/", 10, "expected ':'"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        const auto url = parse_ws_url(c.text);
        ASSERT_FALSE(url);
        EXPECT_EQ(url.error().offset, c.offset);
        EXPECT_NE(std::string{url.error().reason}.find(c.reason_part), std::string::npos)
            << url.error().reason;
    }
}

TEST(ws_url, never_reads_past_the_end_of_truncated_input) {
    const std::string full = "wss://[2001:db8::1]:8443/path?x=1";
    for (std::size_t n = 0; n <= full.size(); ++n) {
        const auto text = full.substr(0, n);
        const auto url = parse_ws_url(text);
        if (!url) {
            EXPECT_LE(url.error().offset, text.size());
        }
    }
}

}  // namespace
}  // namespace ringstorm::transport
