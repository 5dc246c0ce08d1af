#include "engine/core/schedule.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace ringstorm::core {
namespace {

using namespace std::chrono_literals;

// The longest run a profile may describe, as for durations in general.
constexpr duration max_span = std::chrono::hours(24 * 100);

std::string number(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

// Time for a constant-rate profile to start its last phone, in nanoseconds (a double,
// since an absurd profile may not fit in 64 bits).
double ramp_ns(std::uint64_t phones, double rate) {
    return static_cast<double>(phones - 1) * 1e9 / rate;
}

std::optional<std::string> validate_rate(const load_profile& p) {
    if (p.phones == 0 && p.rate == 0) {
        return "no load: set phones and rate, or stages";
    }
    if (p.phones == 0) {
        return std::string("phones must be at least 1");
    }
    if (!(p.rate > 0) || !std::isfinite(p.rate)) {
        return "rate must be a number of phones per second above 0 (got " + number(p.rate) + ")";
    }
    if (p.run_duration < 0s) {
        return std::string("duration must not be negative");
    }
    double ramp = ramp_ns(p.phones, p.rate);
    if (ramp > static_cast<double>(max_span.count())) {
        return "starting " + std::to_string(p.phones) + " phones at " + number(p.rate) +
               "/s takes more than 100 days: raise rate";
    }
    auto last_due = duration{static_cast<std::int64_t>(std::llround(ramp))};
    if (p.run_duration > 0s && last_due >= p.run_duration) {
        return "starting " + std::to_string(p.phones) + " phones at " + number(p.rate) +
               "/s takes " + format_duration(last_due) + ", but duration is " +
               format_duration(p.run_duration) + ": raise rate or duration, or lower phones";
    }
    return std::nullopt;
}

std::optional<std::string> validate_stages(const load_profile& p) {
    if (p.rate != 0) {
        return std::string("rate and stages exclude each other: the stages set the pace");
    }
    if (p.run_duration != 0s) {
        return std::string(
            "duration and stages exclude each other: the run lasts the sum of the stage "
            "durations");
    }
    if (p.phones != 0) {
        return std::string(
            "phones and stages exclude each other: the largest stage target is the number of "
            "phones");
    }
    duration total{0};
    std::uint64_t peak = 0;
    for (std::size_t k = 0; k < p.stages.size(); ++k) {
        const stage& s = p.stages[k];
        std::string field = "stages[" + std::to_string(k) + "].duration";
        if (s.length < 0s) {
            return field + " must not be negative";
        }
        if (s.length > max_span - total) {
            return std::string("the stages last more than 100 days");
        }
        total += s.length;
        peak = std::max(peak, s.target);
    }
    if (peak == 0) {
        return std::string("every stage target is 0: no phone would start");
    }
    if (total == 0s) {
        return std::string("the stages last 0s: give at least one stage a duration");
    }
    return std::nullopt;
}

// The first i in [lo, hi) for which pred(i) is false, pred being true then false.
template <class Pred>
std::uint64_t partition_point(std::uint64_t lo, std::uint64_t hi, Pred pred) {
    while (lo < hi) {
        std::uint64_t mid = lo + (hi - lo) / 2;
        if (pred(mid)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

// begin + length * num / den, rounded to the nanosecond. In floating point because
// length * num may not fit in 64 bits; the ratio is monotone in num as required.
duration interpolate(duration begin, duration length, std::uint64_t num, std::uint64_t den) {
    double offset =
        static_cast<double>(length.count()) * static_cast<double>(num) / static_cast<double>(den);
    return begin + duration{static_cast<std::int64_t>(std::llround(offset))};
}

}  // namespace

std::optional<std::string> load_profile::validate() const {
    return stages.empty() ? validate_rate(*this) : validate_stages(*this);
}

result<schedule, std::string> schedule::make(const load_profile& profile) {
    if (auto error = profile.validate()) {
        return unexpected{std::move(*error)};
    }
    schedule s;
    if (profile.stages.empty()) {
        s.rate_ = profile.rate;
        s.planned_ = profile.phones;
        s.length_ = profile.run_duration > 0s ? profile.run_duration : unbounded;
        return s;
    }
    std::uint64_t from = 0;
    for (const stage& st : profile.stages) {
        s.segments_.push_back(segment{s.length_, st.length, from, st.target});
        s.length_ += st.length;
        s.planned_ = std::max(s.planned_, st.target);
        from = st.target;
    }
    return s;
}

duration schedule::rise_time(const segment& s, std::uint64_t level) noexcept {
    return interpolate(s.begin, s.length, level - s.from, s.to - s.from);
}

duration schedule::fall_time(const segment& s, std::uint64_t level) noexcept {
    return interpolate(s.begin, s.length, s.from - level, s.from - s.to);
}

duration schedule::due_start(std::uint64_t phone) const noexcept {
    if (phone >= planned_) {
        return unbounded;
    }
    if (segments_.empty()) {
        return duration{static_cast<std::int64_t>(std::llround(ramp_ns(phone + 1, rate_)))};
    }
    // The target is continuous from 0, so the first segment to end above the phone's
    // level is the one that rises through it.
    for (const segment& s : segments_) {
        if (s.to > phone) {
            return rise_time(s, phone);
        }
    }
    return unbounded;
}

std::uint64_t schedule::due_by(duration t) const noexcept {
    return partition_point(0, planned_, [&](std::uint64_t i) { return due_start(i) <= t; });
}

std::uint64_t schedule::active_at(duration t) const noexcept {
    if (t < 0s || t >= length_) {
        return 0;
    }
    if (segments_.empty()) {
        return due_by(t);
    }
    // Zero-length segments hold no time; their jump shows in the next segment's `from`.
    auto it = std::find_if(segments_.begin(), segments_.end(),
                           [&](const segment& s) { return t < s.begin + s.length; });
    const segment& s = *it;  // exists: t < length_
    if (s.to > s.from) {
        return s.from + (partition_point(s.from, s.to,
                                         [&](std::uint64_t i) { return rise_time(s, i) <= t; }) -
                         s.from);
    }
    if (s.to < s.from) {
        return s.to + (partition_point(s.to, s.from,
                                       [&](std::uint64_t i) { return fall_time(s, i) > t; }) -
                       s.to);
    }
    return s.from;
}

std::vector<window> schedule::windows(std::uint64_t phone) const {
    std::vector<window> out;
    if (phone >= planned_) {
        return out;
    }
    if (segments_.empty()) {
        out.push_back(window{due_start(phone), length_});
        return out;
    }
    // The target is continuous, so rising through the phone's level opens a window and
    // falling back through it closes the open one.
    bool running = false;
    duration start{0};
    for (const segment& s : segments_) {
        if (s.from <= phone && phone < s.to) {
            start = rise_time(s, phone);
            running = true;
            // Back at the instant it stopped (a ramp down to the phone's level and straight
            // up again): the phone keeps running instead of stopping and restarting.
            if (!out.empty() && out.back().stop >= start) {
                start = out.back().start;
                out.pop_back();
            }
        } else if (s.to <= phone && phone < s.from && running) {
            duration stop = fall_time(s, phone);
            if (stop > start) {
                out.push_back(window{start, stop});
            }
            running = false;
        }
    }
    if (running && start < length_) {
        out.push_back(window{start, length_});
    }
    return out;
}

result<shard, std::string> parse_shard(std::string_view text) {
    auto slash = text.find('/');
    auto bad = [&] {
        return unexpected{"shard '" + std::string(text) +
                          "' is not I/N (this process runs phones I, I+N, …; 0 <= I < N)"};
    };
    if (slash == std::string_view::npos) {
        return bad();
    }
    shard s;
    auto read = [](std::string_view digits, std::uint64_t& out) {
        const char* end = digits.data() + digits.size();
        auto [ptr, ec] = std::from_chars(digits.data(), end, out);
        return !digits.empty() && ec == std::errc{} && ptr == end;
    };
    if (!read(text.substr(0, slash), s.index) || !read(text.substr(slash + 1), s.count)) {
        return bad();
    }
    if (s.count == 0) {
        return unexpected{"shard '" + std::string(text) + "' has 0 shards: N must be at least 1"};
    }
    if (s.index >= s.count) {
        return unexpected{"shard index " + std::to_string(s.index) + " is out of range for " +
                          std::to_string(s.count) + " shards (use 0 to " +
                          std::to_string(s.count - 1) + ")"};
    }
    return s;
}

bool phone_range::contains(std::uint64_t phone) const noexcept {
    if (count == 0 || phone < first || (phone - first) % stride != 0) {
        return false;
    }
    return (phone - first) / stride < count;
}

phone_range shard_phones(std::uint64_t planned, shard s) noexcept {
    if (s.count == 0 || s.index >= planned) {
        return phone_range{s.index, std::max<std::uint64_t>(s.count, 1), 0};
    }
    return phone_range{s.index, s.count, (planned - s.index + s.count - 1) / s.count};
}

phone_range worker_phones(const phone_range& phones, std::uint64_t worker,
                          std::uint64_t workers) noexcept {
    if (workers == 0 || worker >= phones.count) {
        return phone_range{phones.first, phones.stride, 0};
    }
    return phone_range{phones.first + worker * phones.stride, phones.stride * workers,
                       (phones.count - worker + workers - 1) / workers};
}

}  // namespace ringstorm::core
