#include "engine/transport/fd_limit.hpp"

#include <algorithm>

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace ringstorm::transport {

using core::unexpected;

namespace {

std::string errno_text(const char* what) {
    return std::string{what} + ": " + std::strerror(errno);
}

}  // namespace

core::result<fd_limits, std::string> read_fd_limits() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return unexpected{errno_text("getrlimit(RLIMIT_NOFILE)")};
    }
    return fd_limits{static_cast<std::uint64_t>(limit.rlim_cur),
                     static_cast<std::uint64_t>(limit.rlim_max)};
}

core::result<fd_limits, std::string> raise_fd_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return unexpected{errno_text("getrlimit(RLIMIT_NOFILE)")};
    }
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            return unexpected{errno_text("setrlimit(RLIMIT_NOFILE)")};
        }
    }
    return read_fd_limits();
}

namespace {

std::uint64_t per_connection(const fd_need& need) noexcept {
    return (need.embedded_target ? 2 : 1) + (need.media_port_per_connection ? 1 : 0);
}

}  // namespace

std::uint64_t fds_required(const fd_need& need) noexcept {
    return need.connections * per_connection(need) + need.media_shared_ports + need.reserve;
}

core::result<std::uint64_t, std::string> check_fd_budget(const fd_need& need,
                                                         const fd_limits& limits) {
    const auto required = fds_required(need);
    if (required <= limits.soft) {
        return required;
    }
    // One descriptor per connection, two with the embedded target's side in-process, one
    // more for the media port the embedded target opens per call.
    const std::uint64_t tabs = std::max<std::uint64_t>(1, need.per_phone);
    const std::uint64_t per_phone = per_connection(need) * tabs;
    const std::uint64_t phones = need.connections / tabs;
    const std::uint64_t fixed = need.reserve + need.media_shared_ports;
    const std::uint64_t fits = limits.soft > fixed ? (limits.soft - fixed) / per_phone : 0;
    std::string text = "not enough file descriptors: " + std::to_string(phones) + " phones need " +
                       std::to_string(required) + " (" + std::to_string(per_phone) + " per phone" +
                       (tabs > 1 ? " with " + std::to_string(tabs) + " tabs" : std::string()) +
                       (need.embedded_target ? ", the embedded target's side included" : "") +
                       (need.media_port_per_connection ? ", its media port per call included" : "") +
                       ", +" + std::to_string(fixed) + " reserved) but the limit is " +
                       std::to_string(limits.soft) + " (hard limit " + std::to_string(limits.hard) +
                       "); at most " + std::to_string(fits) + " phones fit. Lower the phones";
    if (need.embedded_target) {
        text += ", run the target in its own process (`ringstorm serve`)";
    }
    text += " or raise the hard limit (ulimit -Hn, systemd LimitNOFILE, docker --ulimit nofile)";
    return unexpected{std::move(text)};
}

}  // namespace ringstorm::transport
