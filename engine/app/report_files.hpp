#pragma once
// Writes a run's reports where the options ask: `--out DIR` (summary.json, junit.xml,
// report.html, failures/<phone>.txt with each failed tab's SIP ladder), and the single
// files of `--json`, `--junit`, `--html`. Written even for failed or aborted runs.

#include <string>
#include <vector>

#include "engine/app/run_options.hpp"
#include "engine/app/worker.hpp"
#include "reporters/run_report.hpp"

namespace ringstorm::app {

struct written_reports {
    std::vector<std::string> files;   // what was written, for the console
    std::vector<std::string> errors;  // what could not be written, and why
};

// Fills report.samples (each with its failures/ file when --out is given) from
// `failures`, then writes every requested file.
written_reports write_reports(reporters::run_report& report, std::vector<failed_tab>& failures,
                              const run_options& options);

}  // namespace ringstorm::app
