#pragma once
// `ringstorm serve`: the embedded target on its own, until Ctrl-C.

#include <string>

#include "engine/core/result.hpp"
#include "engine/target/embedded_target.hpp"

namespace CLI {
class App;
}

namespace ringstorm::app {

struct serve_options {
    std::string listen = "wss://127.0.0.1:8443/ws";
    std::string cert_file, key_file;
    std::string domain;
    std::string accounts = "1{n:04}";  // --accounts PATTERN
    std::string password = "secret";   // --password P
    std::string accounts_csv;          // --accounts-csv FILE (instead of the pattern)
    std::uint32_t threads = 0;         // 0: one per core
    std::uint32_t max_expires = 3600;  // --max-expires S: longer asks are lowered to this
    std::string write_cert;            // --write-cert FILE: the generated certificate
    std::string prometheus;            // --prometheus HOST:PORT: the target's /metrics
    bool quiet = false;
    // Calls to registered phones, kept as typed and checked by serve_call_options().
    std::string call_rate;          // --call-rate R: calls/s over the target (mode rate)
    std::string call_after;         // --call-after D: each AOR, D after it registers and
                                    // after each of its calls (mode each_binding)
    std::string call_duration;      // --call-duration D: the talk time
    std::string call_mix;           // --call-mix "name=weight,...": the behaviours
    std::string call_spacing;       // --call-spacing fixed|poisson (rate mode)
    std::string call_cancel_after;  // --call-cancel-after D: from the first 180 to CANCEL
    std::string call_hold_after;    // --call-hold-after D: from the 2xx to the hold
    std::string call_ring_timeout;  // --call-ring-timeout D: no answer by then: CANCEL
    bool no_fork = false;           // --no-fork: call one tab of a user, not all
    // The calls' media, kept as typed and checked by serve_media_options().
    std::string media;     // --media echo|tone|none (default echo)
    std::string media_ip;  // --media-ip IP: where media ports are bound (our candidate)
};

// Adds the --call-* and --media options above (what the target does in its calls) to the
// `serve` subcommand.
void add_call_options(CLI::App& serve, serve_options& options);

// The media options of a serve command line; the error names the option ("--media eko:
// echo, tone or none"). `calling`: whether the target places calls at all (media options
// without calls are a mistake, as the --call-* ones are).
core::result<target::media_options, std::string> serve_media_options(const serve_options& options,
                                                                      bool calling);

// The call options of a serve command line; the error names the option and what is
// wrong with its value ("--call-duration 5x: unknown unit 'x'").
core::result<target::call_options, std::string> serve_call_options(const serve_options& options);

int serve_command(const serve_options& options);

}  // namespace ringstorm::app
