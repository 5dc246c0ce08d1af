#pragma once
// Load-profile arithmetic: when each phone is due to start (and, for k6-like stages that
// ramp down, to stop), how many phones are due by a time, and which phones a shard and
// a worker own. Pure functions of the profile; no clock, no I/O.
//
// Due times are what latencies are measured from: a phone that starts late because the
// harness was busy still measures its first step from its due time, so a slow harness
// cannot hide a slow target (coordinated omission).
//
// Phones are numbered 0 … planned()-1 everywhere (the account pattern's n is derived
// from this number by the scenario layer).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/duration.hpp"
#include "engine/core/result.hpp"

namespace ringstorm::core {

// One k6 ramping-vus stage: over `length`, the number of active phones moves linearly
// from the previous stage's target (0 before the first stage) to `target`.
struct stage {
    duration length{0};        // 0 makes the change at once
    std::uint64_t target = 0;  // active phones at the end of the stage
};

// The load section of a scenario after command-line overrides. Two exclusive modes:
// - constant rate: `phones` phones started `rate` per second, phone i due at i / rate,
//   all of them running until `run_duration` ends (0: until every phone's script ends);
// - stages: phone i is active while the ramped target is above i, so it starts when a
//   rising ramp passes i and stops when a falling one goes back to i; the run lasts the
//   sum of the stage lengths and planned phones are the largest target.
struct load_profile {
    std::uint64_t phones = 0;   // constant rate: phones to start
    double rate = 0;            // constant rate: phones started per second
    duration run_duration{0};   // constant rate: how long the run lasts; 0 = open-ended
    std::vector<stage> stages;  // stages mode when not empty

    // Checks the fields against each other; the error text names the field as the user
    // writes it (`rate`, `stages[2].duration`) and says what to do. nullopt when valid.
    std::optional<std::string> validate() const;
};

// [start, stop) relative to the run start: a phone runs its script inside its window.
struct window {
    duration start{0};
    duration stop{0};
};

class schedule {
public:
    // "Never" and "no end": larger than any time of a valid profile.
    static constexpr duration unbounded = duration::max();

    // A schedule for a valid profile; the validation error otherwise.
    static result<schedule, std::string> make(const load_profile& profile);

    // Distinct phones the run will start.
    std::uint64_t planned() const noexcept { return planned_; }
    // Length of the run; unbounded for an open-ended constant-rate run.
    duration length() const noexcept { return length_; }

    // When phone first becomes due, relative to the run start; unbounded for a phone
    // outside 0 … planned()-1. Non-decreasing in phone.
    duration due_start(std::uint64_t phone) const noexcept;
    // Phones whose first due time is at or before t: #{i : due_start(i) <= t}.
    std::uint64_t due_by(duration t) const noexcept;
    // Phones that should be running at t: those with a window holding t.
    std::uint64_t active_at(duration t) const noexcept;
    // Every window of phone, in order; empty for a phone outside 0 … planned()-1. In
    // constant-rate mode there is one window, from due_start to the end of the run.
    std::vector<window> windows(std::uint64_t phone) const;

private:
    struct segment {
        duration begin{0};
        duration length{0};
        std::uint64_t from = 0;  // active phones at begin
        std::uint64_t to = 0;    // active phones at begin + length
    };

    schedule() = default;
    // When a rising segment's target passes level (from <= level < to).
    static duration rise_time(const segment& s, std::uint64_t level) noexcept;
    // When a falling segment's target drops back to level (to <= level < from).
    static duration fall_time(const segment& s, std::uint64_t level) noexcept;

    double rate_ = 0;                // constant-rate mode when segments_ is empty
    std::vector<segment> segments_;  // stages mode
    std::uint64_t planned_ = 0;
    duration length_{0};
};

// `--shard I/N`: this process runs phones I, I+N, I+2N … (I counts from 0).
struct shard {
    std::uint64_t index = 0;
    std::uint64_t count = 1;
};

// Reads "I/N" with 0 <= I < N; the error text says what is wrong.
result<shard, std::string> parse_shard(std::string_view text);

// A set of phone numbers in arithmetic progression: first, first+stride, … (count of
// them). Because due_start is non-decreasing, walking a range in order visits its phones
// in due order.
struct phone_range {
    std::uint64_t first = 0;
    std::uint64_t stride = 1;
    std::uint64_t count = 0;

    // The k-th phone of the range (k < count).
    std::uint64_t at(std::uint64_t k) const noexcept { return first + k * stride; }
    bool contains(std::uint64_t phone) const noexcept;
};

// The phones of shard s among `planned` phones.
phone_range shard_phones(std::uint64_t planned, shard s) noexcept;

// The phones of one worker among `workers` splitting `phones`: worker w takes every
// workers-th phone from the w-th, so the counts differ by at most one and the first
// (count % workers) workers take the extra one, as h2load spreads its clients; and a
// ramp reaches every worker at the same pace.
phone_range worker_phones(const phone_range& phones, std::uint64_t worker,
                          std::uint64_t workers) noexcept;

}  // namespace ringstorm::core
