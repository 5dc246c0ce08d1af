#pragma once
// The figures a threshold can name (scenario::threshold_metrics(): `register.p99`,
// `phones.failed_ratio`, `contract.violations`, ...), read from a finished run's report, and
// the thresholds judged against them.

#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.hpp"
#include "engine/scenario/threshold.hpp"
#include "reporters/run_report.hpp"

namespace ringstorm::reporters {

// The value of `metric` in `report`, in its base unit (seconds, a count, a ratio). NaN when
// the run has no data for it: a latency statistic other than `count` of a step with no
// samples, a ratio whose denominator is zero, a media timing or MOS figure not measured. An
// unknown metric is an error naming it.
core::result<double, std::string> figure(std::string_view metric, const run_report& report);

// Judges every threshold against `report`, in order. A threshold whose figure is NaN (no
// data) or unknown fails (its value is NaN).
std::vector<threshold_result> evaluate_thresholds(
    const std::vector<scenario::threshold>& thresholds, const run_report& report);

}  // namespace ringstorm::reporters
