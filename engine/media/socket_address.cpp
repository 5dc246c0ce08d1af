#include "engine/media/socket_address.hpp"

#include <netinet/in.h>

#include <cstring>

namespace ringstorm::media {

socklen_t to_sockaddr(const stun::transport_address& a, sockaddr_storage& out) noexcept {
    if (a.family == stun::address_family::ipv4) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&out);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(a.port);
        std::memcpy(&sin->sin_addr, a.ip.data(), 4);
        std::memset(sin->sin_zero, 0, sizeof sin->sin_zero);
        return sizeof(sockaddr_in);
    }
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(a.port);
    sin6->sin6_flowinfo = 0;
    std::memcpy(&sin6->sin6_addr, a.ip.data(), 16);
    sin6->sin6_scope_id = 0;
    return sizeof(sockaddr_in6);
}

std::optional<stun::transport_address> from_sockaddr(const sockaddr_storage& s) noexcept {
    stun::transport_address a;
    if (s.ss_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(&s);
        a.family = stun::address_family::ipv4;
        a.port = ntohs(sin->sin_port);
        std::memcpy(a.ip.data(), &sin->sin_addr, 4);
        return a;
    }
    if (s.ss_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&s);
        a.family = stun::address_family::ipv6;
        a.port = ntohs(sin6->sin6_port);
        std::memcpy(a.ip.data(), &sin6->sin6_addr, 16);
        return a;
    }
    return std::nullopt;
}

namespace {

std::uint64_t mix(std::uint64_t x) noexcept {
    // The splitmix64 finaliser: every input bit reaches every output bit.
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

}  // namespace

std::size_t address_hash::operator()(const stun::transport_address& a) const noexcept {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    std::memcpy(&lo, a.ip.data(), 8);
    if (a.family == stun::address_family::ipv6) {
        std::memcpy(&hi, a.ip.data() + 8, 8);
    }
    return static_cast<std::size_t>(mix(lo ^ mix(hi + a.port)));
}

}  // namespace ringstorm::media
