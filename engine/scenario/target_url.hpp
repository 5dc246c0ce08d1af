#pragma once
// The WebSocket URL of the platform under test: `ws://` or `wss://host[:port][/path]`.

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/core/result.hpp"
#include "engine/scenario/accounts.hpp"

namespace ringstorm::scenario {

struct target_url {
    bool tls = false;        // wss
    std::string host;        // name, IPv4, or IPv6 without its brackets
    std::uint16_t port = 0;  // as written, or 80 (ws) / 443 (wss) by default
    std::string path;        // "/ws", with any query; "/" when the URL has none
    std::string text;        // the URL as written, for reports

    // "host:port", IPv6 bracketed: the SDK's `domain` field.
    std::string authority() const;
};

// Parses and checks a target URL (RFC 6455 §3: ws/wss URIs, no fragment). Errors carry
// the byte offset of the problem.
core::result<target_url, text_error> parse_target_url(std::string_view text);

// Checks a SIP domain as the AOR's host: a host name or an IPv4 address (RFC 3261 §25.1
// `hostname` / `IPv4address`), or a bracketed IPv6 reference.
core::result<std::string, text_error> parse_sip_domain(std::string_view text);

}  // namespace ringstorm::scenario
