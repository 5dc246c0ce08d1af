#pragma once
// The engine's edge between the codecs' plain transport_address and the kernel's
// sockaddr: recvmmsg hands us sockaddr_storage, sendmmsg wants one back. Pure conversions,
// no socket touched, so each costs a few copies per datagram.

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <optional>

#include "media/ice/transport_address.hpp"

namespace ringstorm::media {

// Fills `out` and returns the length to pass as msg_namelen.
socklen_t to_sockaddr(const stun::transport_address& a, sockaddr_storage& out) noexcept;
// nullopt for a family other than AF_INET / AF_INET6 (never seen on a UDP socket).
std::optional<stun::transport_address> from_sockaddr(const sockaddr_storage& s) noexcept;

// A hash for the port's route table: the address is 20 bytes, so mix two words of the IP
// and the port (IPv4 uses only the first word) through a multiply-xorshift finaliser.
struct address_hash {
    std::size_t operator()(const stun::transport_address& a) const noexcept;
};

}  // namespace ringstorm::media
