#pragma once
// File descriptors: every client connection holds one, and when the embedded target
// runs in the same process its accepted side holds one more. Checked at start-up so a
// run that cannot fit fails with a clear message instead of EMFILE half-way.

#include <cstdint>
#include <string>

#include "engine/core/result.hpp"

namespace ringstorm::transport {

struct fd_limits {
    std::uint64_t soft = 0;  // RLIMIT_NOFILE current
    std::uint64_t hard = 0;  // RLIMIT_NOFILE maximum (the ceiling without privileges)
};

core::result<fd_limits, std::string> read_fd_limits();

// Raises the soft limit to the hard limit (always allowed); the limits now in force.
core::result<fd_limits, std::string> raise_fd_limit();

struct fd_need {
    std::uint64_t connections = 0;  // client WebSocket connections at the peak
    bool embedded_target = false;   // the target's accepted sockets share the process
    std::uint64_t reserve = 64;     // stdio, listeners, log and report files, DNS
    std::uint64_t per_phone = 1;    // connections of one phone (its tabs), for the message
    // Media: the embedded target opens one UDP port per call it places (at most one call per
    // tab at a time), and each phone worker one shared port.
    bool media_port_per_connection = false;
    std::uint64_t media_shared_ports = 0;
};

// Descriptors `need` takes: connections (twice with the embedded target, once more with its
// media ports) + shared media ports + reserve.
std::uint64_t fds_required(const fd_need& need) noexcept;

// Whether `need` fits `limits.soft`. The error says how many are needed, how many the
// limit allows, the largest number of phones that fits and what to do.
core::result<std::uint64_t, std::string> check_fd_budget(const fd_need& need,
                                                         const fd_limits& limits);

}  // namespace ringstorm::transport
