#pragma once
// Durations as users write them in scenarios and on the command line: "90s", "5m",
// "1h30m", "250ms", "1.5s", "0". A bare number is seconds.

#include <chrono>
#include <string>
#include <string_view>

#include "engine/core/result.hpp"

namespace ringstorm::core {

using duration = std::chrono::nanoseconds;

// Parses a duration. Units: ns, us, ms, s, m, h (composable: "1m30s"). Negative values,
// unknown units, empty text and overflow past 100 days are errors; the error text says why.
result<duration, std::string> parse_duration(std::string_view text);

// "1m30s", "250ms", "0s": the shortest text parse_duration reads back to the same value
// (sub-nanosecond precision never arises).
std::string format_duration(duration d);

}  // namespace ringstorm::core
