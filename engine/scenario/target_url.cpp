#include "engine/scenario/target_url.hpp"

#include <cctype>
#include <charconv>

namespace ringstorm::scenario {
namespace {

bool alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// RFC 3261 §25.1 hostname: labels of alphanumerics and inner hyphens, dot-separated, an
// optional trailing dot. Digits-only labels are allowed so IPv4 addresses pass too.
std::optional<std::size_t> bad_host_offset(std::string_view host) {
    if (host.empty()) {
        return 0;
    }
    std::size_t label_start = 0;
    for (std::size_t i = 0; i <= host.size(); ++i) {
        if (i == host.size() || host[i] == '.') {
            const std::size_t length = i - label_start;
            if (length == 0 && i != host.size()) {
                return i;  // "a..b" or ".a"
            }
            if (length > 0 && (host[label_start] == '-' || host[i - 1] == '-')) {
                return host[label_start] == '-' ? label_start : i - 1;
            }
            if (length > 63) {
                return label_start;
            }
            label_start = i + 1;
            continue;
        }
        if (!alnum(host[i]) && host[i] != '-') {
            return i;
        }
    }
    return std::nullopt;
}

std::optional<std::size_t> bad_ipv6_offset(std::string_view inner) {
    if (inner.empty() || inner.find(':') == std::string_view::npos) {
        return 0;
    }
    for (std::size_t i = 0; i < inner.size(); ++i) {
        if (!std::isxdigit(static_cast<unsigned char>(inner[i])) && inner[i] != ':' &&
            inner[i] != '.') {
            return i;
        }
    }
    return std::nullopt;
}

// Splits "host[:port]" and checks both; `base` is the authority's offset in the URL.
core::result<std::pair<std::string, std::optional<std::uint16_t>>, text_error> parse_authority(
    std::string_view authority, std::size_t base) {
    if (authority.find('@') != std::string_view::npos) {
        return core::unexpected{text_error{base + authority.find('@'),
                                           "user information ('@') in the URL",
                                           "credentials go in `accounts`, not the URL"}};
    }
    std::string_view host = authority;
    std::string_view port_text;
    bool has_port = false;
    if (!host.empty() && host.front() == '[') {
        const std::size_t close = host.find(']');
        if (close == std::string_view::npos) {
            return core::unexpected{
                text_error{base, "unclosed '[' in an IPv6 address", "write e.g. [::1]:8443"}};
        }
        if (auto bad = bad_ipv6_offset(host.substr(1, close - 1))) {
            return core::unexpected{
                text_error{base + 1 + *bad, "bad IPv6 address", "write e.g. [::1]:8443"}};
        }
        port_text = host.substr(close + 1);
        host = host.substr(1, close - 1);
        if (!port_text.empty() && port_text.front() != ':') {
            return core::unexpected{
                text_error{base + close + 1, "expected ':' or '/' after ']'", {}}};
        }
        has_port = !port_text.empty();
        port_text = has_port ? port_text.substr(1) : port_text;
    } else {
        const std::size_t colon = host.find(':');
        if (colon != std::string_view::npos) {
            has_port = true;
            port_text = host.substr(colon + 1);
            host = host.substr(0, colon);
        }
        if (auto bad = bad_host_offset(host)) {
            return core::unexpected{text_error{
                base + *bad,
                host.empty() ? "no host in the URL" : "bad host name '" + std::string(host) + "'",
                "write e.g. wss://sip.example.com:8443/ws"}};
        }
    }
    std::optional<std::uint16_t> port;
    if (has_port) {
        const std::size_t port_offset =
            base + static_cast<std::size_t>(port_text.data() - authority.data());
        unsigned value = 0;
        auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
            value == 0 || value > 65535) {
            return core::unexpected{text_error{port_offset,
                                               "bad port '" + std::string(port_text) + "'",
                                               "a port is a number from 1 to 65535"}};
        }
        port = static_cast<std::uint16_t>(value);
    }
    return std::pair<std::string, std::optional<std::uint16_t>>{std::string(host), port};
}

}  // namespace

std::string target_url::authority() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

core::result<target_url, text_error> parse_target_url(std::string_view text) {
    const std::size_t sep = text.find("://");
    if (sep == std::string_view::npos) {
        return core::unexpected{
            text_error{0, "'" + std::string(text) + "' is not a ws:// or wss:// URL",
                       "write e.g. wss://sip.example.com:8443/ws"}};
    }
    std::string scheme(text.substr(0, sep));
    for (char& c : scheme) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    target_url url;
    url.text = std::string(text);
    if (scheme == "wss" || scheme == "https") {
        url.tls = true;
    }
    if (scheme != "ws" && scheme != "wss") {
        return core::unexpected{text_error{0, "scheme '" + scheme + "' is not ws or wss",
                                           std::string("SIP over WebSocket (RFC 7118) uses ") +
                                               (url.tls ? "wss://" : "ws://") +
                                               "; write e.g. wss://host:8443/ws"}};
    }
    const std::size_t authority_start = sep + 3;
    const std::size_t path_start =
        std::min(text.find_first_of("/?#", authority_start), text.size());
    auto authority = parse_authority(text.substr(authority_start, path_start - authority_start),
                                     authority_start);
    if (!authority) {
        return core::unexpected{std::move(authority).error()};
    }
    url.host = std::move(authority->first);
    url.port = authority->second.value_or(url.tls ? 443 : 80);
    std::string_view path = text.substr(path_start);
    if (const std::size_t hash = path.find('#'); hash != std::string_view::npos) {
        return core::unexpected{
            text_error{path_start + hash, "a fragment ('#') in a WebSocket URL",
                       "RFC 6455 §3 forbids fragments; remove the '#...' part"}};
    }
    for (std::size_t i = 0; i < path.size(); ++i) {
        const auto c = static_cast<unsigned char>(path[i]);
        if (c <= 0x20 || c >= 0x7f) {
            return core::unexpected{text_error{path_start + i,
                                               "a space or non-ASCII byte in the URL path",
                                               "percent-encode it (%20)"}};
        }
    }
    url.path = path.empty() || path.front() == '?' ? "/" + std::string(path) : std::string(path);
    return url;
}

core::result<std::string, text_error> parse_sip_domain(std::string_view text) {
    if (text.find("://") != std::string_view::npos || text.find('/') != std::string_view::npos) {
        return core::unexpected{text_error{0, "'" + std::string(text) + "' is a URL, not a domain",
                                           "write only the domain, e.g. sipdomain: example.com"}};
    }
    if (!text.empty() && text.front() == '[' && text.back() == ']') {
        if (auto bad = bad_ipv6_offset(text.substr(1, text.size() - 2))) {
            return core::unexpected{text_error{1 + *bad, "bad IPv6 address", {}}};
        }
        return std::string(text);
    }
    if (auto bad = bad_host_offset(text)) {
        return core::unexpected{text_error{
            *bad, text.empty() ? "empty domain" : "bad domain '" + std::string(text) + "'",
            "write a host name or address, e.g. example.com"}};
    }
    return std::string(text);
}

}  // namespace ringstorm::scenario
