#pragma once
// The target a run's phones connect to: the scenario's URL, or the embedded target started
// on loopback when it names none; the TLS client context that verifies it; and one connect
// before any phone starts, which tells an unreachable target (the run cannot start, exit 3)
// from one that fails later stages (TLS, upgrade: recorded per phone, the run goes on).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/core/result.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/target/embedded_target.hpp"
#include "engine/transport/tls_context.hpp"
#include "engine/transport/url.hpp"
#include "engine/transport/ws_client.hpp"

namespace ringstorm::app {

struct run_target {
    std::unique_ptr<target::embedded_target> embedded;  // null with a scenario target
    transport::ws_url url;
    std::string sipdomain;                      // the AOR domain phones register in
    std::optional<transport::tls_context> tls;  // wss:// only

    transport::tls_context* tls_context() noexcept { return tls ? &*tls : nullptr; }
};

struct target_error {
    bool usage = false;  // true: a bad setting (exit 2); false: could not start (exit 3)
    std::string message;
};

// `seed` makes the embedded target's call schedule reproducible (--seed).
core::result<run_target, target_error> open_target(const scenario::scenario& s,
                                                   const transport::client_options& client,
                                                   std::uint64_t seed);

// The scenario's `target.media` as the embedded target's media mode.
target::media_mode to_media_mode(scenario::target_media_mode m);

// The scenario's `target.calls` as the embedded target's options.
target::call_options to_call_options(const scenario::target_calls_config& calls,
                                     std::uint64_t seed);

}  // namespace ringstorm::app
