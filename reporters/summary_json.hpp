#pragma once
// summary.json, schema `ringstorm.summary/1` (interface.md): the machine-readable outcome
// of a run that CI jobs and dashboards read. Every field of the schema is always present.

#include <string>

#include "reporters/run_report.hpp"

namespace ringstorm::reporters {

inline constexpr const char* summary_schema = "ringstorm.summary/1";

// The whole document, pretty-printed, keys in the schema's order. NaN never reaches it: a
// figure with no data is written as 0 (and a threshold on it as passed: false).
std::string to_summary_json(const run_report& report);

}  // namespace ringstorm::reporters
