#pragma once
// Everything a reporter needs about a finished (or aborted) run, as plain values: the
// merged stats snapshot, run metadata, threshold outcomes and contract samples. Built
// once by the app at the end of a run; reporters never reach into workers.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/stats.hpp"

namespace ringstorm::reporters {

// One contract violation kept as an example (summary.json contract.samples).
struct contract_sample {
    std::string phone;    // the phone's userName ("10001"); "10001#2" for tab 2
    std::string call_id;  // the Call-ID concerned, or empty
    std::string rule;     // rule id, e.g. "register.sequence"
    std::vector<std::string> expected;
    std::vector<std::string> observed;
    std::string ladder;  // "failures/<file>" relative to the output directory, or empty
    std::string detail;  // one line for people
};

struct threshold_result {
    std::string metric;     // "register.p99"
    std::string condition;  // "< 0.2"
    double value = 0;       // the observed figure (NaN when there was no data)
    bool passed = false;
};

struct run_report {
    std::string scenario;  // scenario name
    std::string description;
    std::string contract;  // "documented" | "exotel-web-sdk-2.0.5"
    std::string target;    // the URL phones used
    core::wall_clock::time_point started_at{};
    double duration_seconds = 0;
    bool passed = false;       // verdict: thresholds met and no contract violation
    bool aborted = false;      // interrupted twice, or the run could not start
    std::string abort_reason;  // why, when aborted
    core::stats totals;        // merged over every worker
    std::vector<contract_sample> samples;  // bounded; totals.contract_violations has all
    std::vector<threshold_result> thresholds;
};

}  // namespace ringstorm::reporters
