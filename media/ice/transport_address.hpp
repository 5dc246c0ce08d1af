#pragma once
// An IP address and UDP port as a plain value: what STUN's XOR-MAPPED-ADDRESS carries and
// what the ICE agent keys candidates and pairs by. No sockaddr here so the codec stays
// free of socket headers; the media engine converts at its edge.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringstorm::stun {

enum class address_family : std::uint8_t { ipv4 = 1, ipv6 = 2 };  // RFC 8489 §14.1 values

struct transport_address {
    address_family family = address_family::ipv4;
    std::array<std::uint8_t, 16> ip{};  // network order; IPv4 uses the first 4 bytes
    std::uint16_t port = 0;

    std::size_t ip_size() const noexcept { return family == address_family::ipv4 ? 4 : 16; }
    bool operator==(const transport_address&) const = default;
};

// Parses a literal IPv4 ("192.0.2.1") or IPv6 ("2001:db8::1", brackets not accepted)
// address; nullopt for anything else (an FQDN or an mDNS ".local" name).
std::optional<transport_address> parse_address(std::string_view ip, std::uint16_t port);

// "192.0.2.1:3478" or "[2001:db8::1]:3478".
std::string to_string(const transport_address& a);
// The address alone, as it appears in an SDP candidate line.
std::string ip_to_string(const transport_address& a);

}  // namespace ringstorm::stun
