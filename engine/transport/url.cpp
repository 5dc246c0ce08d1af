#include "engine/transport/url.hpp"

#include <arpa/inet.h>

#include <cctype>

namespace ringstorm::transport {

namespace {

using core::unexpected;
using url_result = core::result<ws_url, url_error>;

bool iequals_prefix(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) {
            return false;
        }
    }
    return true;
}

bool is_ipv4(const std::string& host) {
    in_addr addr{};
    return inet_pton(AF_INET, host.c_str(), &addr) == 1;
}

bool is_ipv6(const std::string& host) {
    in6_addr addr{};
    return inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

// RFC 1123 hostname labels (letters, digits, '-', dots between labels); '_' is accepted
// because internal names carry it in practice. Returns the offset of the first bad byte.
std::size_t bad_hostname_offset(std::string_view host) {
    if (host.empty() || host.front() == '.' || host.front() == '-') {
        return 0;
    }
    for (std::size_t i = 0; i < host.size(); ++i) {
        const auto c = static_cast<unsigned char>(host[i]);
        const bool ok = std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
        if (!ok || (c == '.' && i + 1 < host.size() && host[i + 1] == '.')) {
            return i;
        }
    }
    return std::string_view::npos;
}

// Reads "[v6]" or a hostname/IPv4 from the authority; `base` is its offset in the URL.
core::result<std::size_t, url_error> parse_host(std::string_view auth, std::size_t base,
                                                ws_url& url) {
    if (!auth.empty() && auth.front() == '[') {
        const auto close = auth.find(']');
        if (close == std::string_view::npos) {
            return unexpected{url_error{base + auth.size(), "IPv6 address without ']'"}};
        }
        url.host = std::string{auth.substr(1, close - 1)};
        if (!is_ipv6(url.host)) {
            return unexpected{url_error{base + 1, "bad IPv6 address"}};
        }
        url.host_kind = host_kind::ipv6;
        return close + 1;
    }
    const auto end = auth.find(':');
    const auto host = auth.substr(0, end);
    if (host.empty()) {
        return unexpected{url_error{base, "missing host"}};
    }
    url.host = std::string{host};
    if (is_ipv4(url.host)) {
        url.host_kind = host_kind::ipv4;
    } else if (const auto bad = bad_hostname_offset(host); bad != std::string_view::npos) {
        return unexpected{url_error{base + bad, "bad character in host"}};
    } else {
        url.host_kind = host_kind::name;
    }
    return host.size();
}

core::result<std::uint16_t, url_error> parse_port(std::string_view digits, std::size_t base) {
    if (digits.empty()) {
        return unexpected{url_error{base, "empty port"}};
    }
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (std::isdigit(static_cast<unsigned char>(digits[i])) == 0) {
            return unexpected{url_error{base + i, "port is not a number"}};
        }
        value = value * 10 + static_cast<std::uint32_t>(digits[i] - '0');
        if (value > 65535) {
            return unexpected{url_error{base, "port above 65535"}};
        }
    }
    if (value == 0) {
        return unexpected{url_error{base, "port 0"}};
    }
    return static_cast<std::uint16_t>(value);
}

core::result<std::size_t, url_error> check_path(std::string_view path, std::size_t base) {
    for (std::size_t i = 0; i < path.size(); ++i) {
        const auto c = static_cast<unsigned char>(path[i]);
        if (c == '#') {
            return unexpected{url_error{base + i, "fragment not allowed in a WebSocket URL"}};
        }
        if (c <= 0x20 || c >= 0x7f) {
            return unexpected{url_error{base + i, "space or control character in path"}};
        }
    }
    return path.size();
}

}  // namespace

core::result<ws_url, url_error> parse_ws_url(std::string_view text) {
    ws_url url;
    std::size_t pos = 0;
    if (iequals_prefix(text, "wss://")) {
        url.secure = true;
        pos = 6;
    } else if (iequals_prefix(text, "ws://")) {
        pos = 5;
    } else {
        return unexpected{url_error{0, "scheme must be ws:// or wss://"}};
    }
    const auto auth_end = text.find_first_of("/?#", pos);
    const auto auth =
        text.substr(pos, auth_end == std::string_view::npos ? text.size() - pos : auth_end - pos);
    if (const auto at = auth.find('@'); at != std::string_view::npos) {
        return unexpected{url_error{pos + at, "userinfo not allowed in a WebSocket URL"}};
    }
    auto host_len = parse_host(auth, pos, url);
    if (!host_len) {
        return unexpected{host_len.error()};
    }
    url.port = url.secure ? 443 : 80;
    const auto rest = auth.substr(*host_len);
    if (!rest.empty()) {
        if (rest.front() != ':') {
            return unexpected{url_error{pos + *host_len, "expected ':' or '/' after host"}};
        }
        auto port = parse_port(rest.substr(1), pos + *host_len + 1);
        if (!port) {
            return unexpected{port.error()};
        }
        url.port = *port;
    }
    if (auth_end != std::string_view::npos) {
        const auto path = text.substr(auth_end);
        if (auto ok = check_path(path, auth_end); !ok) {
            return unexpected{ok.error()};
        }
        url.path = path.front() == '?' ? "/" + std::string{path} : std::string{path};
    }
    return url;
}

std::string to_string(const ws_url& url) {
    std::string text = url.secure ? "wss://" : "ws://";
    text += url.host_kind == host_kind::ipv6 ? "[" + url.host + "]" : url.host;
    text += ':';
    text += std::to_string(url.port);
    text += url.path;
    return text;
}

std::string host_header(const ws_url& url) {
    std::string text = url.host_kind == host_kind::ipv6 ? "[" + url.host + "]" : url.host;
    if (!url.default_port()) {
        text += ':';
        text += std::to_string(url.port);
    }
    return text;
}

}  // namespace ringstorm::transport
