#pragma once
// The embedded target's counters as `ringstorm_target_*` Prometheus families, for the
// `/metrics` endpoint of `ringstorm serve` (counters end in _total; the open connections,
// live bindings and media ports are gauges).

#include <vector>

#include <prometheus/metric_family.h>

#include "engine/target/embedded_target.hpp"

namespace ringstorm::app {

std::vector<prometheus::MetricFamily> target_families(const target::target_stats& s);

}  // namespace ringstorm::app
