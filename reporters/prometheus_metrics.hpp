#pragma once
// The run's figures as Prometheus metric families (interface.md, "Prometheus metrics"):
// prefix `ringstorm_`, base units, `_total` on counters, histograms (not summaries) so
// shards aggregate with sum(), and only low-cardinality labels (scenario, step, result,
// rule, direction, method, status_class, kind, state) — never a phone, user or Call-ID.
// Built from a merged snapshot on each scrape; nothing here holds state.

#include <string>
#include <string_view>
#include <vector>

#include "engine/core/stats.hpp"

namespace prometheus {
struct MetricFamily;
}

namespace ringstorm::reporters {

// Every family for one snapshot. `live_phones` is the number of phones whose script is
// running now (the `live` state of ringstorm_phones).
std::vector<prometheus::MetricFamily> metric_families(const core::stats& s,
                                                      std::string_view scenario,
                                                      std::uint64_t live_phones);

// The text exposition format (what /metrics serves), for tests and files.
std::string prometheus_text(const std::vector<prometheus::MetricFamily>& families);

}  // namespace ringstorm::reporters
