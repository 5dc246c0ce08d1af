#pragma once
// Typed views of the headers the engine acts on (RFC 3261 §20, §25.1 grammar). Each
// parse_* function reads one header value (one entry of a comma list) and returns views
// into it, or a value_error with the offset inside that value. Nothing allocates except
// list splitting and unquoting.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.hpp"
#include "engine/sip/message.hpp"
#include "engine/sip/method.hpp"
#include "engine/sip/uri.hpp"

namespace ringstorm::sip {

// A run of generic parameters ";name=value;flag" as written (RFC 3261 §25.1 generic-param).
struct param_list {
    std::string_view raw;  // including the leading ';', empty when none

    // Value of a parameter, name compared case-insensitively. Quoted values are returned
    // with their quotes; use unquote() for the text. Empty view for a flag, nullopt when absent.
    std::optional<std::string_view> get(std::string_view name) const noexcept;
    bool has(std::string_view name) const noexcept { return get(name).has_value(); }
};

// name-addr or addr-spec with header parameters: From, To, Contact, Route, Record-Route,
// Refer-To, Path (RFC 3261 §20.10: without <>, parameters belong to the header, not the URI).
struct name_addr {
    std::string_view display_name;  // as written: quoted with quotes, or token words; may be empty
    std::string_view uri_text;      // the URI without <>
    sip::uri uri;
    param_list params;
    bool wildcard = false;          // Contact: *

    std::string_view tag() const noexcept;  // ";tag=" value, empty when absent
};
core::result<name_addr, value_error> parse_name_addr(std::string_view value);

// Every entry of a Contact/Route/Record-Route/Path value list (a single line may hold
// several, comma separated).
core::result<std::vector<name_addr>, value_error> parse_name_addr_list(std::string_view value);

struct via {
    std::string_view protocol;   // "SIP/2.0"
    std::string_view transport;  // "UDP", "TCP", "TLS", "WS", "WSS", as written
    std::string_view host;
    std::optional<std::uint16_t> port;
    param_list params;

    std::string_view branch() const noexcept;  // empty when absent
    bool rfc3261_branch() const noexcept;      // branch starts with the magic cookie z9hG4bK
    std::optional<std::string_view> received() const noexcept;
    // rport (RFC 3581): nullopt when absent, an empty view for a bare ";rport".
    std::optional<std::string_view> rport() const noexcept;
};
// One Via entry. Use split_list() first when a line carries several.
core::result<via, value_error> parse_via(std::string_view value);

struct cseq {
    std::uint32_t number = 0;  // RFC 3261 §8.1.1.5: less than 2**31
    sip::method method = sip::method::unknown;
    std::string_view method_text;
};
core::result<cseq, value_error> parse_cseq(std::string_view value);

// A decimal number bounded by max (Content-Length, Max-Forwards, Expires, Min-Expires).
core::result<std::uint32_t, value_error> parse_number(std::string_view value, std::uint32_t max);

// Splits a header value at top-level commas, ignoring commas inside quoted strings,
// <…> and (for auth headers) after the scheme. Entries are trimmed; empty ones dropped.
std::vector<std::string_view> split_list(std::string_view value);

// Removes the quotes of a quoted-string and resolves \-escapes; text that is not quoted
// is returned as is. nullopt on an unterminated quote.
std::optional<std::string> unquote(std::string_view text);
// Wraps text in quotes, escaping '"' and '\'.
std::string quote(std::string_view text);

bool is_token(std::string_view text) noexcept;  // RFC 3261 §25.1 token

// Conveniences over a whole message; each reads the first line of its header.
core::result<via, value_error> top_via(const message& m);
core::result<cseq, value_error> cseq_of(const message& m);
std::string_view from_tag(const message& m);  // empty when absent or unparseable
std::string_view to_tag(const message& m);
std::string_view call_id(const message& m);

}  // namespace ringstorm::sip
