#pragma once
// `ringstorm serve`: the embedded target on its own, until Ctrl-C.

#include <string>

#include "engine/target/embedded_target.hpp"

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
};

int serve_command(const serve_options& options);

}  // namespace ringstorm::app
