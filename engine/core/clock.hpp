#pragma once
// Time for a run. Latencies and due times use the monotonic clock (never stepped by NTP);
// the wall clock appears only in `started_at`, formatted per RFC 3339 §5.6.

#include <chrono>
#include <cstdio>
#include <string>

#include "engine/core/duration.hpp"

namespace ringstorm::core {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using wall_clock = std::chrono::system_clock;

// The start of a run on both clocks, taken once and read by every worker (immutable
// after construction, so sharing it needs no synchronisation).
class run_clock {
public:
    // Starts now.
    run_clock() : start_(clock::now()), wall_start_(wall_clock::now()) {}
    // Starts at given instants (tests, and shards agreeing on one start).
    run_clock(time_point start, wall_clock::time_point wall_start)
        : start_(start), wall_start_(wall_start) {}

    time_point start() const noexcept { return start_; }
    wall_clock::time_point wall_start() const noexcept { return wall_start_; }

    // The instant an offset from the schedule falls due (a phone's due_start).
    time_point at(duration offset) const noexcept { return start_ + offset; }
    // Time since the start (negative before it).
    duration since_start(time_point t) const noexcept {
        return std::chrono::duration_cast<duration>(t - start_);
    }
    // Seconds since the start, the `t` of events JSON lines.
    double seconds(time_point t) const noexcept {
        return std::chrono::duration<double>(t - start_).count();
    }
    double seconds_now() const noexcept { return seconds(clock::now()); }

private:
    time_point start_;
    wall_clock::time_point wall_start_;
};

// "2024-05-01T12:00:00.123Z": UTC with milliseconds (RFC 3339 §5.6 date-time with
// time-secfrac and the Z offset), as in summary.json's started_at.
inline std::string format_rfc3339(wall_clock::time_point t) {
    using namespace std::chrono;
    auto ms = floor<milliseconds>(t);
    auto day = floor<days>(ms);
    year_month_day ymd{day};
    hh_mm_ss hms{ms - day};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                  static_cast<int>(hms.subseconds().count()));
    return buf;
}

}  // namespace ringstorm::core
