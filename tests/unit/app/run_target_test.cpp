// The scenario's target.calls as the embedded target's call options: every field reaches
// the target, and what the target would refuse is refused before the run starts.
#include "engine/app/run_target.hpp"

#include <gtest/gtest.h>

#include "tests/unit/scenario/load_helpers.hpp"

namespace ringstorm::app {
namespace {

using namespace std::chrono_literals;

scenario::target_calls_config calls_of(const std::string& yaml) {
    scenario::scenario s = loader_test::load_ok(loader_test::head + "target:\n  calls:\n" + yaml +
                                                "phone: [register]\n");
    EXPECT_TRUE(s.target.calls.has_value());
    return s.target.calls.value_or(scenario::target_calls_config{});
}

TEST(run_target, each_binding_calls_map_every_field) {
    target::call_options o = to_call_options(calls_of(R"(    after: 1500ms
    behaviour: remote_hold_then_bye
    talk_time: 4s
    hold_after: 1s
    cancel_after: 700ms
    ring_timeout: 9s
    fork: false
)"),
                                             42);
    EXPECT_EQ(o.how, target::call_options::mode::each_binding);
    EXPECT_EQ(o.after, 1500ms);
    ASSERT_EQ(o.schedule.mix.size(), 1U);
    EXPECT_EQ(o.schedule.mix[0].behaviour, target::call_behaviour::remote_hold_then_bye);
    EXPECT_EQ(o.plan.behaviour, target::call_behaviour::remote_hold_then_bye);
    EXPECT_EQ(o.plan.talk_time, 4s);
    EXPECT_EQ(o.plan.hold_after, 1s);
    EXPECT_EQ(o.plan.cancel_after, 700ms);
    EXPECT_EQ(o.plan.ring_timeout, 9s);
    EXPECT_FALSE(o.fork);
    EXPECT_EQ(o.schedule.seed, 42U);
    EXPECT_EQ(o.validate(), "");
}

TEST(run_target, a_rate_with_a_mix_maps_to_the_schedule) {
    target::call_options o = to_call_options(calls_of(R"(    rate: 3.5
    spacing: fixed
    mix: {answered_then_target_bye: 2, no_ack: 1, phone_hangs_up: 0}
)"),
                                             7);
    EXPECT_EQ(o.how, target::call_options::mode::rate);
    EXPECT_DOUBLE_EQ(o.schedule.rate, 3.5);
    EXPECT_EQ(o.schedule.spacing, target::call_spacing::fixed);
    ASSERT_EQ(o.schedule.mix.size(), 3U);
    EXPECT_EQ(o.schedule.mix[1].behaviour, target::call_behaviour::no_ack);
    EXPECT_EQ(o.schedule.mix[1].weight, 1U);
    EXPECT_EQ(o.schedule.mix[2].behaviour, target::call_behaviour::phone_hangs_up);
    EXPECT_EQ(o.schedule.mix[2].weight, 0U);
    EXPECT_EQ(o.validate(), "");
}

// Every behaviour the scenario can name is one the target knows by the same name.
TEST(run_target, every_scenario_behaviour_is_a_target_behaviour) {
    for (std::string_view name : scenario::target_call_behaviour_names()) {
        auto b = target::call_behaviour_from_string(name);
        ASSERT_TRUE(b.has_value()) << name;
        target::call_options o =
            to_call_options(calls_of("    behaviour: " + std::string(name) + "\n"), 1);
        EXPECT_EQ(o.schedule.mix.at(0).behaviour, *b) << name;
        EXPECT_EQ(target::to_string(*b), name);
    }
}

}  // namespace
}  // namespace ringstorm::app
