// call_options::validate(): the calls a target places, checked as a whole before any
// worker starts, so a bad `--call-*` option or `target.calls` section stops at start-up.

#include "engine/target/embedded_target.hpp"

namespace ringstorm::target {

std::string call_options::validate() const {
    if (how == mode::off) {
        return {};
    }
    if (how == mode::rate && !(schedule.rate > 0)) {
        return "calls at a rate need a rate above 0 calls/s";
    }
    if (how == mode::each_binding && after.count() < 0) {
        return "the pause before each call (after) must not be negative";
    }
    if (std::string why = schedule.validate(); !why.empty()) {
        return why;
    }
    // The mix decides each call's behaviour, so the plan must suit every behaviour in it
    // (a cancel_after above ring_timeout only matters when some calls cancel).
    for (const behaviour_weight& w : schedule.mix) {
        if (w.weight == 0) {
            continue;
        }
        call_plan p = plan;
        p.behaviour = w.behaviour;
        if (std::string why = p.validate(); !why.empty()) {
            return std::string(to_string(w.behaviour)) + ": " + why;
        }
    }
    return {};
}

}  // namespace ringstorm::target
