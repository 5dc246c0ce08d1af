#pragma once
// Where a run's phones bind their shared media ports (their ICE host candidate): found once
// per run, before the workers start, and handed to every worker. 127.0.0.1 for a loopback
// target (the embedded one, Kamailio on 127.0.0.1); else the local address of the route to
// the target, which the kernel picks when a UDP socket is connected to it (no packet is
// sent). When that cannot be found the phones fall back to 127.0.0.1 and the run says so
// once: their calls would otherwise fail ICE (media.ice_failed) with no hint why.

#include <cstdint>
#include <functional>
#include <string>

#include "engine/core/result.hpp"
#include "engine/transport/url.hpp"

namespace ringstorm::app {

struct media_address {
    std::string ip = "127.0.0.1";  // where the phones' media ports bind
    std::string warning;           // empty, or one line: the host, why, and the fallback used
};

// The local address of the route to host:port, or why there is none ("resolve: Host not
// found"). Resolves (blocking) and connects a UDP socket.
using route_lookup = std::function<core::result<std::string, std::string>(const std::string& host,
                                                                          std::uint16_t port)>;
core::result<std::string, std::string> local_route_to(const std::string& host, std::uint16_t port);

// The address for phones connecting to `target`; `lookup` is asked only when the target is
// not on loopback (tests give their own).
media_address find_media_address(const transport::ws_url& target,
                                 const route_lookup& lookup = local_route_to);

}  // namespace ringstorm::app
