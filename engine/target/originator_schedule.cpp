// Call arrivals for the embedded target: fixed or exponential gaps from a seeded stream.

#include "engine/target/originator_schedule.hpp"

#include <cmath>

namespace ringstorm::target {

std::string call_schedule_config::validate() const {
    if (!(rate >= 0) || !std::isfinite(rate)) {
        return "call rate " + std::to_string(rate) + " must be 0 or more calls/s";
    }
    if (rate > 0 && rate < 1e-6) {
        return "call rate " + std::to_string(rate) + " is below one call in 11 days; use 0";
    }
    if (max_burst == 0) {
        return "max_burst must be at least 1";
    }
    std::uint64_t total = 0;
    for (const auto& w : mix) {
        total += w.weight;
    }
    if (total == 0) {
        return "the behaviour mix needs at least one entry with a weight above 0";
    }
    return {};
}

core::result<std::vector<behaviour_weight>, std::string> parse_call_mix(std::string_view text) {
    using error = core::unexpected<std::string>;
    auto known = [] {
        std::string names;
        for (auto b :
             {call_behaviour::answered_then_target_bye, call_behaviour::target_cancel_while_ringing,
              call_behaviour::remote_hold_then_bye, call_behaviour::no_ack,
              call_behaviour::phone_hangs_up}) {
            names += (names.empty() ? "" : ", ") + std::string(to_string(b));
        }
        return names;
    };
    auto trim = [](std::string_view s) {
        while (!s.empty() && s.front() == ' ') {
            s.remove_prefix(1);
        }
        while (!s.empty() && s.back() == ' ') {
            s.remove_suffix(1);
        }
        return s;
    };
    std::vector<behaviour_weight> mix;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) {
            comma = text.size();
        }
        const std::string_view entry = trim(text.substr(start, comma - start));
        start = comma + 1;
        const std::size_t eq = entry.find('=');
        const std::string_view name = trim(entry.substr(0, eq));
        auto behaviour = call_behaviour_from_string(name);
        if (!behaviour) {
            return error("'" + std::string(name) + "' is not a call behaviour (one of " + known() +
                         ")");
        }
        std::uint32_t weight = 1;
        if (eq != std::string_view::npos) {
            const std::string_view digits = trim(entry.substr(eq + 1));
            std::uint64_t w = 0;
            bool ok = !digits.empty() && digits.size() <= 6;
            for (char c : digits) {
                ok = ok && c >= '0' && c <= '9';
                w = w * 10 + static_cast<std::uint64_t>(c - '0');
            }
            if (!ok) {
                return error("weight '" + std::string(digits) + "' of " + std::string(name) +
                             " is not a whole number up to 999999");
            }
            weight = static_cast<std::uint32_t>(w);
        }
        mix.push_back({*behaviour, weight});
    }
    std::uint64_t total = 0;
    for (const auto& w : mix) {
        total += w.weight;
    }
    if (total == 0) {
        return error("every weight is 0: no call could be placed");
    }
    return mix;
}

call_behaviour pick_behaviour(const std::vector<behaviour_weight>& mix,
                              std::uint64_t ticket) noexcept {
    for (const auto& w : mix) {
        if (ticket < w.weight) {
            return w.behaviour;
        }
        ticket -= w.weight;
    }
    return mix.empty() ? call_behaviour::answered_then_target_bye : mix.back().behaviour;
}

call_schedule::call_schedule(call_schedule_config config, core::time_point start)
    : config_(std::move(config)), state_(config_.seed) {
    for (const auto& w : config_.mix) {
        weight_total_ += w.weight;
    }
    next_ = start + gap();
}

std::uint64_t call_schedule::next_random() noexcept {
    // splitmix64: the same seed gives the same arrivals on every platform.
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
}

double call_schedule::uniform01() noexcept {
    return static_cast<double>(next_random() >> 11U) * 0x1.0p-53;
}

core::clock::duration call_schedule::gap() {
    if (config_.rate <= 0) {
        return core::clock::duration::zero();
    }
    double seconds = 1.0 / config_.rate;
    if (config_.spacing == call_spacing::poisson) {
        // Inverse transform of the exponential distribution with mean 1/rate.
        seconds = -std::log(1.0 - uniform01()) / config_.rate;
    }
    return std::chrono::duration_cast<core::clock::duration>(
        std::chrono::duration<double>(seconds));
}

std::optional<core::time_point> call_schedule::next_due(std::size_t bindings) const noexcept {
    if (config_.rate <= 0 || bindings == 0) {
        return std::nullopt;
    }
    return next_;
}

void call_schedule::set_rate(double rate, core::time_point now) {
    const bool was_idle = config_.rate <= 0;
    config_.rate = rate > 0 && std::isfinite(rate) ? rate : 0;
    if (config_.rate > 0 && was_idle) {
        next_ = now + gap();
    }
}

std::vector<call_pick> call_schedule::take_due(core::time_point now, std::size_t bindings) {
    std::vector<call_pick> out;
    if (config_.rate <= 0) {
        return out;
    }
    if (bindings == 0) {
        next_ = std::max(next_, now);  // no backlog while nobody can be called
        return out;
    }
    while (next_ <= now) {
        next_ += gap();
        if (out.size() == config_.max_burst) {
            ++missed_;
            continue;
        }
        call_pick pick;
        pick.binding = static_cast<std::size_t>(next_random() % bindings);
        pick.behaviour = pick_behaviour(config_.mix, next_random() % weight_total_);
        out.push_back(pick);
        ++placed_;
    }
    return out;
}

}  // namespace ringstorm::target
