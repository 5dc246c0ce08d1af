#pragma once
// SIP and SIPS URIs (RFC 3261 §19.1) as views into the text they were parsed from.
// Other schemes (tel:, urn:, http:) parse as absolute URIs with only `scheme` and
// `opaque` set, so a message carrying one is still readable (RFC 3261 §19.1.6).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/core/result.hpp"

namespace ringstorm::sip {

// Where and why a header or URI value failed to parse. `offset` counts bytes from the
// start of the value handed to the parser; `reason` is a static string.
struct value_error {
    std::size_t offset = 0;
    const char* reason = "";
};

struct uri {
    std::string_view scheme;    // lower- or mixed-case as written: "sip", "sips", "tel"…
    std::string_view user;      // still %-escaped; empty when absent
    std::string_view password;  // still %-escaped; empty when absent
    std::string_view host;      // hostname, IPv4, or IPv6 reference with its brackets
    std::optional<std::uint16_t> port;
    std::string_view params;    // ";a=b;lr" including the leading ';', empty when none
    std::string_view headers;   // "a=b&c=d" after '?', without the '?'
    std::string_view opaque;    // for non-SIP schemes: everything after "scheme:"

    bool is_sip() const noexcept;   // sip or sips, case-insensitive
    bool is_sips() const noexcept;
    // The value of a URI parameter, name compared case-insensitively; an empty view for
    // a flag parameter (";lr"), nullopt when absent.
    std::optional<std::string_view> param(std::string_view name) const noexcept;
};

// Parses a URI. Accepts any absolute URI (RFC 3986 scheme ":" …); SIP/SIPS URIs are
// parsed fully and checked: escapes, host syntax, port range.
core::result<uri, value_error> parse_uri(std::string_view text);

// Canonical text of a URI (scheme lower-cased, the rest as held).
std::string to_string(const uri& u);

// RFC 3261 §19.1.4 equivalence: scheme, user and password case-sensitive after
// unescaping, host case-insensitive, port compared with defaults absent, the user,
// ttl, method, maddr and transport parameters must match when either side has them,
// other parameters only when both have them.
bool equivalent(const uri& a, const uri& b);

// Decodes %HH escapes. nullopt on a malformed escape ("%4", "%zz").
std::optional<std::string> unescape(std::string_view text);

// Reads the host at the start of text (RFC 3261 §25.1 host: hostname, IPv4address or
// IPv6reference) and returns its length; whatever follows is left to the caller. Shared
// by the URI and Via (sent-by, maddr) parsers.
core::result<std::size_t, value_error> scan_host(std::string_view text) noexcept;
// A whole string that is exactly one host.
bool is_host(std::string_view text) noexcept;
// An IPv6address without brackets (RFC 3261 §25.1), as in Via ;received=.
bool is_ipv6(std::string_view text) noexcept;
// A port: 1*DIGIT in 1-65535 (0 and absurd values are errors, offsets from text start).
core::result<std::uint16_t, value_error> parse_port(std::string_view digits) noexcept;

}  // namespace ringstorm::sip
