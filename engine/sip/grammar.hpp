#pragma once
// Internal to ringstorm_sip: the RFC 3261 §25.1 character classes and small scanners
// shared by the URI, host, header and header-parameter parsers. Everything is inline so
// the scanners still inline into their callers after the split into several files.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/core/result.hpp"
#include "engine/sip/uri.hpp"

namespace ringstorm::sip::grammar {

constexpr bool is_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
constexpr bool is_alnum(char c) noexcept {
    return is_alpha(c) || is_digit(c);
}
constexpr bool is_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr int hex_value(char c) noexcept {
    if (is_digit(c)) {
        return c - '0';
    }
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
}
constexpr char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
constexpr bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}

// ASCII case-insensitive equality: scheme, host, header and parameter names (RFC 3261 §7.3.1).
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

inline value_error err(std::size_t offset, const char* reason) noexcept {
    return {offset, reason};
}

// URI character classes (RFC 3261 §25.1) as one table: the URI scanners test a bit per
// byte instead of searching a set, which matters because every message carries several URIs.
enum uri_class : std::uint8_t {
    unreserved_c = 1,
    user_c = 2,
    password_c = 4,
    param_c = 8,
    header_c = 16,
    uric_c = 32,
    host_c = 64,  // alphanum, '-', '.': the characters a hostname or IPv4 address holds
};

constexpr std::array<std::uint8_t, 256> make_uri_classes() {
    std::array<std::uint8_t, 256> t{};
    auto add = [&t](std::string_view chars, std::uint8_t bits) {
        for (char c : chars) {
            t[static_cast<unsigned char>(c)] |= bits;
        }
    };
    constexpr std::string_view alnum =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    constexpr std::uint8_t all = unreserved_c | user_c | password_c | param_c | header_c | uric_c;
    add(alnum, all | host_c);
    add("-_.!~*'()", all);  // mark
    add("-.", host_c);
    add("&=+$,;?/", user_c);
    add("&=+$,", password_c);
    add("[]/:&+$", param_c);
    add("[]/?:+$", header_c);
    // uric (RFC 2396), plus '[' and ']' that RFC 3986 allows in http: hosts.
    add(";/?:@&=+$,[]", uric_c);
    return t;
}
inline constexpr std::array<std::uint8_t, 256> uri_classes = make_uri_classes();

template <std::uint8_t Bit>
constexpr bool has(char c) noexcept {
    return (uri_classes[static_cast<unsigned char>(c)] & Bit) != 0;
}
constexpr bool is_host_char(char c) noexcept {
    return has<host_c>(c);
}

// Header token and gen-value characters (RFC 3261 §25.1) as a table: the scanners run
// over every Via, From, To and Contact value of every message.
inline constexpr std::uint8_t token_c = 1;
inline constexpr std::uint8_t gen_value_c = 2;  // token / host: IPv6 adds ':' '[' ']'

constexpr std::array<std::uint8_t, 256> make_token_classes() {
    std::array<std::uint8_t, 256> t{};
    constexpr std::string_view token =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";
    for (char c : token) {
        t[static_cast<unsigned char>(c)] = token_c | gen_value_c;
    }
    for (char c : std::string_view(":[]")) {
        t[static_cast<unsigned char>(c)] = gen_value_c;
    }
    return t;
}
inline constexpr std::array<std::uint8_t, 256> token_classes = make_token_classes();

constexpr bool is_token_char(char c) noexcept {
    return (token_classes[static_cast<unsigned char>(c)] & token_c) != 0;
}
constexpr bool is_gen_value_char(char c) noexcept {
    return (token_classes[static_cast<unsigned char>(c)] & gen_value_c) != 0;
}

// LWS (RFC 3261 §25.1): spaces and tabs, and a line fold (CRLF or bare LF followed by
// whitespace) in case the value still holds one; the parser normally leaves spaces.
inline std::size_t skip_lws(std::string_view s, std::size_t i) noexcept {
    while (i < s.size()) {
        if (is_wsp(s[i])) {
            ++i;
        } else if (s[i] == '\r' && i + 2 < s.size() && s[i + 1] == '\n' && is_wsp(s[i + 2])) {
            i += 3;
        } else if (s[i] == '\n' && i + 1 < s.size() && is_wsp(s[i + 1])) {
            i += 2;
        } else {
            break;
        }
    }
    return i;
}

inline std::size_t scan_token(std::string_view s, std::size_t i) noexcept {
    while (i < s.size() && is_token_char(s[i])) {
        ++i;
    }
    return i;
}

// quoted-string at s[i] == '"' (RFC 3261 §25.1 qdtext / quoted-pair); returns the index
// after the closing quote. Control characters other than HTAB are rejected, and a
// quoted-pair may not escape CR or LF.
inline core::result<std::size_t, value_error> scan_quoted(std::string_view s,
                                                          std::size_t i) noexcept {
    for (std::size_t j = i + 1; j < s.size(); ++j) {
        const auto c = static_cast<unsigned char>(s[j]);
        if (c == '"') {
            return j + 1;
        }
        if (c == '\\') {
            if (j + 1 == s.size()) {
                break;
            }
            const auto e = static_cast<unsigned char>(s[j + 1]);
            if (e == '\r' || e == '\n' || e > 0x7f) {
                return core::unexpected(err(j, "invalid escape in quoted string"));
            }
            ++j;
        } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return core::unexpected(err(j, "control character in quoted string"));
        }
    }
    return core::unexpected(err(i, "unterminated quoted string"));
}

}  // namespace ringstorm::sip::grammar
