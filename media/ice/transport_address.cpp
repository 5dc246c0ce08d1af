// Textual forms of transport addresses. inet_pton/inet_ntop are pure conversions; they
// touch no socket.

#include "media/ice/transport_address.hpp"

#include <arpa/inet.h>

namespace ringstorm::stun {

std::optional<transport_address> parse_address(std::string_view ip, std::uint16_t port) {
    // inet_pton wants a NUL-terminated string; the longest IPv6 text is 45 characters.
    char text[64];
    if (ip.empty() || ip.size() >= sizeof text) {
        return std::nullopt;
    }
    ip.copy(text, ip.size());
    text[ip.size()] = '\0';
    transport_address a;
    a.port = port;
    if (::inet_pton(AF_INET, text, a.ip.data()) == 1) {
        a.family = address_family::ipv4;
        return a;
    }
    if (::inet_pton(AF_INET6, text, a.ip.data()) == 1) {
        a.family = address_family::ipv6;
        return a;
    }
    return std::nullopt;
}

std::string ip_to_string(const transport_address& a) {
    char text[INET6_ADDRSTRLEN];
    const int af = a.family == address_family::ipv4 ? AF_INET : AF_INET6;
    if (::inet_ntop(af, a.ip.data(), text, sizeof text) == nullptr) {
        return {};
    }
    return text;
}

std::string to_string(const transport_address& a) {
    std::string ip = ip_to_string(a);
    if (a.family == address_family::ipv6) {
        return "[" + ip + "]:" + std::to_string(a.port);
    }
    return ip + ":" + std::to_string(a.port);
}

}  // namespace ringstorm::stun
