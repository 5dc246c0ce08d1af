#pragma once
// When the embedded target places its next call (`serve --call-rate R`), which registered
// binding it calls and with which behaviour. Sans-I/O: the owner passes the time and how
// many bindings it could call; nothing here reads a clock or the registrar.
//
// Calls are due at `rate` per second over the whole target, spaced evenly or as a Poisson
// process (exponential gaps, the arrival model of SIPp's `-rate` with `-rp` randomised
// and of telephony traffic tables). While no binding is registered no backlog builds up:
// the target does not flood the first phone that registers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/result.hpp"
#include "engine/target/originator.hpp"

namespace ringstorm::target {

enum class call_spacing : unsigned char { fixed, poisson };

// One entry of a behaviour mix: `weight` out of the sum of all weights.
struct behaviour_weight {
    call_behaviour behaviour = call_behaviour::answered_then_target_bye;
    std::uint32_t weight = 1;
};

struct call_schedule_config {
    double rate = 0;  // calls per second over the target; 0 places none
    call_spacing spacing = call_spacing::poisson;
    std::uint64_t seed = 1;
    // Calls due at once after a stall (a busy worker) are capped; the rest are skipped and
    // counted, so a late harness does not burst (see missed()).
    std::size_t max_burst = 100;
    std::vector<behaviour_weight> mix{{call_behaviour::answered_then_target_bye, 1}};

    // Empty when usable, else what is wrong ("rate -1 must be 0 or more calls/s").
    std::string validate() const;
};

// "answered_then_target_bye=3,target_cancel_while_ringing=1" (a bare name weighs 1) as a
// mix; the error names the entry and lists the behaviours.
core::result<std::vector<behaviour_weight>, std::string> parse_call_mix(std::string_view text);

// The behaviour a `ticket` (uniform over [0, sum of weights)) falls on.
call_behaviour pick_behaviour(const std::vector<behaviour_weight>& mix,
                              std::uint64_t ticket) noexcept;

// One call to place: the index of the binding to call (in the owner's list) and what to do.
struct call_pick {
    std::size_t binding = 0;
    call_behaviour behaviour = call_behaviour::answered_then_target_bye;
};

class call_schedule {
public:
    // `config` must validate() clean; the first call is due one gap after `start`.
    call_schedule(call_schedule_config config, core::time_point start);

    // When the next call falls due; nullopt when the rate is 0 or `bindings` is 0.
    std::optional<core::time_point> next_due(std::size_t bindings) const noexcept;
    // The calls due by `now`, each with its binding (uniform among `bindings`) and its
    // behaviour (by the mix's weights). With no bindings nothing is due and the schedule
    // restarts from `now`.
    std::vector<call_pick> take_due(core::time_point now, std::size_t bindings);

    // A new rate from `now` on (a worker's share of the target's rate changes as phones
    // register on it and on its peers). From 0 to more, the first call is one gap after
    // `now`: no backlog from the time the rate was 0.
    void set_rate(double rate, core::time_point now);
    double rate() const noexcept { return config_.rate; }

    std::uint64_t placed() const noexcept { return placed_; }
    std::uint64_t missed() const noexcept { return missed_; }  // skipped by max_burst

private:
    core::clock::duration gap();
    std::uint64_t next_random() noexcept;
    double uniform01() noexcept;  // in [0, 1)

    call_schedule_config config_;
    std::uint64_t state_;
    std::uint64_t weight_total_ = 0;
    core::time_point next_;
    std::uint64_t placed_ = 0;
    std::uint64_t missed_ = 0;
};

}  // namespace ringstorm::target
