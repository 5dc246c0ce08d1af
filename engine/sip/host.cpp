// Host and port scanners of RFC 3261 §25.1 (hostname, IPv4address, IPv6reference, port),
// shared by the URI parser and the Via parser (sent-by, maddr, received).
#include <cstdint>
#include <optional>

#include "engine/sip/grammar.hpp"
#include "engine/sip/uri.hpp"

namespace ringstorm::sip {

using namespace grammar;

namespace {

using core::unexpected;

bool is_ipv4(std::string_view s) noexcept {
    int octets = 0;
    std::size_t i = 0;
    while (true) {
        std::size_t digits = 0;
        int value = 0;
        while (i < s.size() && is_digit(s[i]) && digits < 4) {
            value = value * 10 + (s[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0 || digits > 3 || value > 255) {
            return false;
        }
        ++octets;
        if (i == s.size()) {
            return octets == 4;
        }
        if (s[i] != '.' || octets == 4) {
            return false;
        }
        ++i;
    }
}

// RFC 3261 §25.1 hostname: labels of alphanumerics and inner hyphens, the top label
// starting with a letter, an optional trailing dot. One pass; returns the fault's offset.
std::optional<value_error> check_hostname(std::string_view s) {
    std::size_t label = 0;  // start of the current label
    std::size_t top = 0;    // start of the last non-empty label
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i < s.size() && s[i] != '.') {
            continue;
        }
        if (i == label) {
            if (i == s.size() && i > 0) {
                break;  // the trailing dot of a fully qualified name
            }
            return err(label, "empty label in host name");
        }
        if (s[label] == '-') {
            return err(label, "host label starts with '-'");
        }
        if (s[i - 1] == '-') {
            return err(i - 1, "host label ends with '-'");
        }
        top = label;
        label = i + 1;
    }
    if (!is_alpha(s[top])) {
        return err(top, "top label of host name must start with a letter");
    }
    return std::nullopt;
}

}  // namespace

core::result<std::size_t, value_error> scan_host(std::string_view text) noexcept {
    if (text.empty()) {
        return unexpected(err(0, "missing host"));
    }
    if (text[0] == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) {
            return unexpected(err(0, "unterminated IPv6 reference"));
        }
        if (!is_ipv6(text.substr(1, close - 1))) {
            return unexpected(err(1, "malformed IPv6 address"));
        }
        return close + 1;
    }
    std::size_t n = 0;
    bool numeric = true;
    while (n < text.size() && is_host_char(text[n])) {
        numeric = numeric && (is_digit(text[n]) || text[n] == '.');
        ++n;
    }
    const std::string_view host = text.substr(0, n);
    if (host.empty()) {
        return unexpected(err(0, "missing host"));
    }
    // A top label cannot start with a digit, so digits and dots can only be IPv4.
    if (numeric) {
        if (!is_ipv4(host)) {
            return unexpected(err(0, "malformed IPv4 address"));
        }
        return n;
    }
    if (auto e = check_hostname(host)) {
        return unexpected(*e);
    }
    return n;
}

bool is_host(std::string_view text) noexcept {
    auto n = scan_host(text);
    return n && *n == text.size();
}

bool is_ipv6(std::string_view s) noexcept {
    std::size_t i = 0;
    int groups = 0;
    bool elided = false;
    if (s.substr(0, 2) == "::") {
        elided = true;
        i = 2;
    }
    while (i < s.size()) {
        std::size_t j = i;
        while (j < s.size() && is_hex(s[j])) {
            ++j;
        }
        if (j < s.size() && s[j] == '.') {  // an IPv4 tail counts for two groups
            if (!is_ipv4(s.substr(i))) {
                return false;
            }
            groups += 2;
            break;
        }
        if (j == i || j - i > 4) {
            return false;
        }
        ++groups;
        if (j == s.size()) {
            break;
        }
        if (s[j] != ':') {
            return false;
        }
        ++j;
        if (j < s.size() && s[j] == ':') {
            if (elided) {
                return false;
            }
            elided = true;
            ++j;
        } else if (j == s.size()) {
            return false;
        }
        i = j;
    }
    return elided ? groups <= 7 : groups == 8;
}

core::result<std::uint16_t, value_error> parse_port(std::string_view digits) noexcept {
    if (digits.empty()) {
        return unexpected(err(0, "missing port number"));
    }
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (!is_digit(digits[i])) {
            return unexpected(err(i, "port is not a number"));
        }
        value = value * 10 + static_cast<std::uint32_t>(digits[i] - '0');
        if (value > 65535) {
            return unexpected(err(0, "port out of range 1-65535"));
        }
    }
    if (value == 0) {
        return unexpected(err(0, "port out of range 1-65535"));
    }
    return static_cast<std::uint16_t>(value);
}

}  // namespace ringstorm::sip
