#include "engine/sip/uri.hpp"

#include <array>
#include <cstdint>

#include "engine/sip/grammar.hpp"

namespace ringstorm::sip {

using namespace grammar;

namespace {

using core::unexpected;

// Lambdas rather than function pointers so that scan() inlines the test.
constexpr auto is_user_char = [](char c) { return has<user_c>(c); };
constexpr auto is_password_char = [](char c) { return has<password_c>(c); };
constexpr auto is_param_char = [](char c) { return has<param_c>(c); };
constexpr auto is_header_char = [](char c) { return has<header_c>(c); };
constexpr auto is_uric = [](char c) { return has<uric_c>(c); };

// Scans s from i while characters satisfy ok or are valid %HH escapes; returns where it
// stopped. A '%' not followed by two hex digits is an error at the '%'.
template <class Ok>
core::result<std::size_t, value_error> scan(std::string_view s, std::size_t i, Ok ok) noexcept {
    while (i < s.size()) {
        if (ok(s[i])) {
            ++i;
        } else if (s[i] == '%') {
            if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) {
                return unexpected(err(i, "malformed %-escape"));
            }
            i += 3;
        } else {
            break;
        }
    }
    return i;
}

// The whole of s must be made of ok characters and escapes.
template <class Ok>
std::optional<value_error> check_all(std::string_view s, std::size_t base, Ok ok,
                                     const char* reason) {
    auto end = scan(s, 0, ok);
    if (!end) {
        return err(base + end.error().offset, end.error().reason);
    }
    if (*end != s.size()) {
        return err(base + *end, reason);
    }
    return std::nullopt;
}

std::optional<value_error> parse_sip_userinfo(uri& u, std::string_view info, std::size_t base) {
    const std::size_t colon = info.find(':');
    u.user = info.substr(0, colon);
    if (u.user.empty()) {
        return err(base, "empty user part before '@'");
    }
    if (auto e = check_all(u.user, base, is_user_char, "character not allowed in user part")) {
        return e;
    }
    if (colon != std::string_view::npos) {
        u.password = info.substr(colon + 1);
        if (auto e = check_all(u.password, base + colon + 1, is_password_char,
                               "character not allowed in password")) {
            return e;
        }
    }
    return std::nullopt;
}

// uri-parameters (RFC 3261 §19.1.1): ";name[=value]" repeated; names and values non-empty.
core::result<std::size_t, value_error> scan_uri_params(std::string_view s, std::size_t p) {
    while (p < s.size() && s[p] == ';') {
        auto name_end = scan(s, p + 1, is_param_char);
        if (!name_end) {
            return name_end;
        }
        if (*name_end == p + 1) {
            return unexpected(err(p + 1, "empty URI parameter name"));
        }
        p = *name_end;
        if (p < s.size() && s[p] == '=') {
            auto value_end = scan(s, p + 1, is_param_char);
            if (!value_end) {
                return value_end;
            }
            if (*value_end == p + 1) {
                return unexpected(err(p + 1, "empty URI parameter value"));
            }
            p = *value_end;
        }
    }
    return p;
}

// headers (RFC 3261 §19.1.1): "name=value" joined by '&'; names non-empty, values may be.
core::result<std::size_t, value_error> scan_uri_headers(std::string_view s, std::size_t p) {
    while (true) {
        auto name_end = scan(s, p, is_header_char);
        if (!name_end) {
            return name_end;
        }
        if (*name_end == p) {
            return unexpected(err(p, "empty URI header name"));
        }
        if (*name_end == s.size() || s[*name_end] != '=') {
            return unexpected(err(*name_end, "expected '=' in URI header"));
        }
        auto value_end = scan(s, *name_end + 1, is_header_char);
        if (!value_end) {
            return value_end;
        }
        p = *value_end;
        if (p == s.size() || s[p] != '&') {
            return p;
        }
        ++p;
    }
}

core::result<uri, value_error> parse_sip(uri u, std::string_view text, std::size_t base) {
    const std::string_view rest = text.substr(base);
    // '@' may not appear unescaped anywhere after the userinfo (RFC 3261 §25.1), so the
    // first one ends it even when the user part holds ';' or '?'.
    const std::size_t at = rest.find('@');
    std::size_t p = 0;
    if (at != std::string_view::npos) {
        if (auto e = parse_sip_userinfo(u, rest.substr(0, at), base)) {
            return unexpected(*e);
        }
        p = at + 1;
    }
    auto host_len = scan_host(rest.substr(p));
    if (!host_len) {
        return unexpected(err(base + p + host_len.error().offset, host_len.error().reason));
    }
    u.host = rest.substr(p, *host_len);
    p += *host_len;
    if (p < rest.size() && rest[p] == ':') {
        std::size_t q = p + 1;
        while (q < rest.size() && is_digit(rest[q])) {
            ++q;
        }
        auto port = parse_port(rest.substr(p + 1, q - p - 1));
        if (!port) {
            return unexpected(err(base + p + 1 + port.error().offset, port.error().reason));
        }
        u.port = *port;
        p = q;
    }
    const std::size_t params_start = p;
    auto params_end = scan_uri_params(rest, p);
    if (!params_end) {
        return unexpected(err(base + params_end.error().offset, params_end.error().reason));
    }
    p = *params_end;
    u.params = rest.substr(params_start, p - params_start);
    if (p < rest.size() && rest[p] == '?') {
        auto headers_end = scan_uri_headers(rest, p + 1);
        if (!headers_end) {
            return unexpected(err(base + headers_end.error().offset, headers_end.error().reason));
        }
        u.headers = rest.substr(p + 1, *headers_end - p - 1);
        p = *headers_end;
    }
    if (p != rest.size()) {
        return unexpected(err(base + p, "unexpected character in SIP URI"));
    }
    return u;
}

// Compares two texts after resolving %HH escapes (RFC 3261 §19.1.4: "%61lice" is
// "alice"), optionally ignoring ASCII case, without allocating.
bool unescaped_equal(std::string_view a, std::string_view b, bool fold_case) noexcept {
    std::size_t i = 0;
    std::size_t j = 0;
    auto next = [](std::string_view s, std::size_t& k) {
        if (s[k] == '%' && k + 2 < s.size() && is_hex(s[k + 1]) && is_hex(s[k + 2])) {
            const char c = static_cast<char>(hex_value(s[k + 1]) * 16 + hex_value(s[k + 2]));
            k += 3;
            return c;
        }
        return s[k++];
    };
    while (i < a.size() && j < b.size()) {
        char x = next(a, i);
        char y = next(b, j);
        if (fold_case) {
            x = lower(x);
            y = lower(y);
        }
        if (x != y) {
            return false;
        }
    }
    return i == a.size() && j == b.size();
}

// RFC 3261 §19.1.4: these parameters must match when either URI has them (transport
// too, per the section's examples: "sip:bob@biloxi.com" differs from ";transport=udp").
constexpr std::array<std::string_view, 5> strict_params{"user", "ttl", "method", "maddr",
                                                        "transport"};

bool params_equivalent(const uri& a, const uri& b) {
    for (std::string_view name : strict_params) {
        const auto x = a.param(name);
        const auto y = b.param(name);
        if (x.has_value() != y.has_value() || (x && !unescaped_equal(*x, *y, true))) {
            return false;
        }
    }
    // Any other parameter counts only when both URIs carry it.
    std::string_view rest = a.params;
    while (!rest.empty()) {
        rest.remove_prefix(1);
        const std::size_t end = rest.find(';');
        const std::string_view item = rest.substr(0, end);
        const std::size_t eq = item.find('=');
        const std::string_view value =
            eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
        if (const auto other = b.param(item.substr(0, eq));
            other && !unescaped_equal(value, *other, true)) {
            return false;
        }
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    }
    return true;
}

// Every "name=value" of a must appear in b: names ignore case, values are compared
// after unescaping (RFC 3261 §19.1.4: header components are never ignored).
bool headers_subset(std::string_view a, std::string_view b) {
    while (!a.empty()) {
        const std::size_t end = a.find('&');
        const std::string_view item = a.substr(0, end);
        const std::size_t eq = item.find('=');
        bool found = false;
        std::string_view rest = b;
        while (!rest.empty() && !found) {
            const std::size_t e2 = rest.find('&');
            const std::string_view other = rest.substr(0, e2);
            const std::size_t eq2 = other.find('=');
            found = unescaped_equal(item.substr(0, eq), other.substr(0, eq2), true) &&
                    unescaped_equal(item.substr(eq + 1), other.substr(eq2 + 1), false);
            rest = e2 == std::string_view::npos ? std::string_view{} : rest.substr(e2 + 1);
        }
        if (!found) {
            return false;
        }
        a = end == std::string_view::npos ? std::string_view{} : a.substr(end + 1);
    }
    return true;
}

std::size_t count_headers(std::string_view h) noexcept {
    if (h.empty()) {
        return 0;
    }
    std::size_t n = 1;
    for (char c : h) {
        n += c == '&' ? 1 : 0;
    }
    return n;
}

}  // namespace

bool equivalent(const uri& a, const uri& b) {
    if (!iequals(a.scheme, b.scheme)) {
        return false;
    }
    if (!a.is_sip()) {
        return a.opaque == b.opaque;
    }
    // Userinfo is case-sensitive, host is not; an absent port never equals an explicit
    // 5060 because the two may resolve differently (RFC 3261 §19.1.4).
    if (!unescaped_equal(a.user, b.user, false) ||
        !unescaped_equal(a.password, b.password, false) || !iequals(a.host, b.host) ||
        a.port != b.port) {
        return false;
    }
    if (!params_equivalent(a, b)) {
        return false;
    }
    return count_headers(a.headers) == count_headers(b.headers) &&
           headers_subset(a.headers, b.headers) && headers_subset(b.headers, a.headers);
}

core::result<uri, value_error> parse_uri(std::string_view text) {
    if (text.empty() || !is_alpha(text[0])) {
        return unexpected(err(0, "URI must start with a scheme"));
    }
    std::size_t i = 1;
    while (i < text.size() &&
           (is_alnum(text[i]) || text[i] == '+' || text[i] == '-' || text[i] == '.')) {
        ++i;
    }
    if (i == text.size() || text[i] != ':') {
        return unexpected(err(i, "expected ':' after URI scheme"));
    }
    uri u;
    u.scheme = text.substr(0, i);
    if (u.is_sip()) {
        return parse_sip(u, text, i + 1);
    }
    // RFC 3261 §19.1.6: other schemes are carried opaquely (absoluteURI, RFC 2396).
    u.opaque = text.substr(i + 1);
    if (u.opaque.empty()) {
        return unexpected(err(i + 1, "empty URI after scheme"));
    }
    if (auto e = check_all(u.opaque, i + 1, is_uric, "character not allowed in URI")) {
        return unexpected(*e);
    }
    return u;
}

bool uri::is_sip() const noexcept {
    return iequals(scheme, "sip") || iequals(scheme, "sips");
}
bool uri::is_sips() const noexcept {
    return iequals(scheme, "sips");
}

std::optional<std::string_view> uri::param(std::string_view name) const noexcept {
    std::string_view rest = params;
    while (!rest.empty()) {
        rest.remove_prefix(1);  // the ';'
        const std::size_t end = rest.find(';');
        const std::string_view item = rest.substr(0, end);
        const std::size_t eq = item.find('=');
        if (iequals(item.substr(0, eq), name)) {
            return eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
        }
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    }
    return std::nullopt;
}

std::string to_string(const uri& u) {
    std::string out;
    out.reserve(u.scheme.size() + u.user.size() + u.host.size() + u.params.size() +
                u.headers.size() + u.opaque.size() + 16);
    for (char c : u.scheme) {
        out.push_back(lower(c));
    }
    out.push_back(':');
    if (!u.is_sip()) {
        out.append(u.opaque);
        return out;
    }
    if (!u.user.empty()) {
        out.append(u.user);
        if (!u.password.empty()) {
            out.push_back(':');
            out.append(u.password);
        }
        out.push_back('@');
    }
    out.append(u.host);
    if (u.port) {
        out.push_back(':');
        out.append(std::to_string(*u.port));
    }
    out.append(u.params);
    if (!u.headers.empty()) {
        out.push_back('?');
        out.append(u.headers);
    }
    return out;
}

std::optional<std::string> unescape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
        i += 2;
    }
    return out;
}

}  // namespace ringstorm::sip
