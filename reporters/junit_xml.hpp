#pragma once
// JUnit XML for CI: one testsuite `ringstorm.<scenario>` whose testcases are the run's
// verdicts, so a CI page lists what failed without opening summary.json:
//   - one per threshold ("register.p99 < 0.2"), failing with the observed figure;
//   - "contract", failing when any episode broke the profile, and one per violated rule
//     (the rule id) with sample phones;
//   - "phones", failing when any phone failed;
//   - "run", with an <error>, only when the run was aborted.

#include <string>

#include "reporters/run_report.hpp"

namespace ringstorm::reporters {

std::string to_junit_xml(const run_report& report);

}  // namespace ringstorm::reporters
