#pragma once
// Pass/fail conditions on a run's figures: `register.p99 < 0.2`, `contract.violations == 0`.
// The run's verdict fails when any threshold fails (interface.md, exit code 1).

#include <span>
#include <string>
#include <string_view>

#include "engine/core/result.hpp"
#include "engine/scenario/accounts.hpp"
#include "engine/scenario/diagnostic.hpp"

namespace ringstorm::scenario {

enum class compare_op : std::uint8_t { less, less_equal, greater, greater_equal, equal, not_equal };

std::string_view to_string(compare_op op) noexcept;  // "<", "<=", ...

// What a metric's number means, so its value can be written in the natural unit.
enum class metric_unit : std::uint8_t {
    seconds,  // a latency statistic; the value may be a duration ("200ms")
    count,    // a whole number of things
    ratio,    // 0..1; the value may be a percentage ("1%")
    other,    // a plain number (MOS)
};

struct threshold {
    std::string metric;  // "register.p99", "contract.violations", ...
    compare_op op = compare_op::less;
    double value = 0;  // in the metric's base unit (seconds, a ratio, a count)
    metric_unit unit = metric_unit::other;
    std::string condition;  // "< 0.2": summary.json's `condition` field
    source_location where;

    // Whether an observed figure meets the threshold. NaN (no data) never passes.
    bool passes(double observed) const noexcept;
};

// Every metric a threshold may name: `<step>.<stat>` for the latency steps of
// interface.md, and the counters and ratios of summary.json.
std::span<const std::string_view> threshold_metrics() noexcept;

// Parses "<metric> <op> <value>". Errors carry the byte offset of the bad part.
core::result<threshold, text_error> parse_threshold(std::string_view text);

}  // namespace ringstorm::scenario
