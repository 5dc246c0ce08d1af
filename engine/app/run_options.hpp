#pragma once
// The options of `ringstorm run` as typed (interface.md). Scenario settings stay text in
// `scenario::overrides` so they are checked by the scenario's own rules and messages.

#include <optional>
#include <string>

#include "engine/scenario/overrides.hpp"

namespace ringstorm::app {

struct run_options {
    std::string scenario_file;
    scenario::overrides overrides;
    std::string out_dir;      // --out DIR: summary.json, junit.xml, report.html, failures/
    std::string json_file;    // --json FILE
    std::string junit_file;   // --junit FILE
    std::string html_file;    // --html FILE
    std::string events_file;  // --events FILE
    std::string prometheus;   // --prometheus HOST:PORT: live /metrics during the run
    std::string pushgateway;  // --pushgateway URL: push the final figures at the end
    std::string shard;        // --shard I/N
    std::string source_ips;   // --source-ips RANGE
    std::optional<std::uint64_t> seed;  // --seed N: reproducible Contacts and think times
    bool quiet = false;                 // --quiet: only the final verdict line
};

int run_command(const run_options& options);

}  // namespace ringstorm::app
