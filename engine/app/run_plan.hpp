#pragma once
// What every worker of a run reads and nobody writes once the run starts: the compiled
// scenario, the schedule, where the phones connect and how. Shared by reference.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/schedule.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/transport/url.hpp"
#include "engine/transport/ws_client.hpp"

namespace ringstorm::transport {
class tls_context;
}

namespace ringstorm::app {

class events_log;

struct run_plan {
    std::shared_ptr<const scenario::scenario> scenario;
    core::schedule schedule;
    core::run_clock clock;
    transport::ws_url url;                  // the target the phones connect to
    std::string sipdomain;                  // the AOR domain
    transport::tls_context* tls = nullptr;  // wss:// client context; null for ws://
    transport::client_options client;       // connect deadlines and connection limits
    std::vector<std::string> source_ips;    // --source-ips, expanded
    events_log* events = nullptr;           // --events; null when off
    std::size_t max_failures_per_worker = 16;  // failed tabs kept with their ladder
    std::uint64_t seed = 1;                    // random Contacts, tags, think times
    core::duration grace{std::chrono::seconds(60)};  // wind-down allowance after the end
    core::duration tab_close{std::chrono::seconds(5)};  // a tab's closing handshake
};

}  // namespace ringstorm::app
