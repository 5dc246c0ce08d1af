#pragma once
// report.html: one self-contained page (inline CSS, no scripts, no network) that a person
// opens after a run: the verdict first, then thresholds, phones and registrations, the
// latency of every measured step, contract violations with examples linking their SIP
// ladders in failures/, and protocol errors.

#include <string>
#include <string_view>

#include "reporters/run_report.hpp"

namespace ringstorm::reporters {

std::string to_html_report(const run_report& report);

}  // namespace ringstorm::reporters
