#pragma once
// WebSocket URLs (RFC 6455 §3): ws://host[:port]/path[?query] and wss://…, as a value
// type owning its text. Hosts are hostnames, IPv4 literals or bracketed IPv6 literals.

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/core/result.hpp"

namespace ringstorm::transport {

enum class host_kind { name, ipv4, ipv6 };

struct ws_url {
    bool secure = false;  // wss
    std::string host;     // without brackets: "::1", "127.0.0.1", "sbc.example"
    transport::host_kind host_kind = host_kind::name;
    std::uint16_t port = 80;  // the default for the scheme when not written
    std::string path = "/";   // path and query as written, always starting with '/'

    bool is_ip() const noexcept { return host_kind != host_kind::name; }
    bool default_port() const noexcept { return port == (secure ? 443 : 80); }
};

// Where and why a URL failed to parse; offset counts bytes from the start of the text.
struct url_error {
    std::size_t offset = 0;
    const char* reason = "";
};

// Parses a ws:// or wss:// URL. The scheme is case-insensitive; userinfo and fragments
// are errors (RFC 6455 §3: "Fragment identifiers are meaningless in the context of
// WebSocket URIs and MUST NOT be used"); port 0 and ports above 65535 are errors.
core::result<ws_url, url_error> parse_ws_url(std::string_view text);

// Canonical text: "wss://[::1]:8443/ws" (the port always written).
std::string to_string(const ws_url& url);

// The Host header value (RFC 6455 §4.1 item 4): brackets around IPv6, the port only when
// it is not the scheme's default.
std::string host_header(const ws_url& url);

}  // namespace ringstorm::transport
