// When the target places calls at --call-rate, whom it calls and with which behaviour.

#include <gtest/gtest.h>

#include <map>

#include "engine/target/originator_schedule.hpp"

namespace ringstorm::target {
namespace {

using namespace std::chrono_literals;

const core::time_point t0 = core::time_point{} + 1000s;

call_schedule_config fixed(double rate) {
    call_schedule_config c;
    c.rate = rate;
    c.spacing = call_spacing::fixed;
    return c;
}

TEST(call_schedule, fixed_spacing_places_rate_calls_per_second) {
    call_schedule s(fixed(4), t0);
    EXPECT_EQ(s.next_due(10), t0 + 250ms);
    EXPECT_TRUE(s.take_due(t0 + 249ms, 10).empty());
    EXPECT_EQ(s.take_due(t0 + 250ms, 10).size(), 1U);
    EXPECT_EQ(s.take_due(t0 + 1s, 10).size(), 3U);
    EXPECT_EQ(s.placed(), 4U);
    EXPECT_EQ(s.next_due(10), t0 + 1250ms);
}

TEST(call_schedule, nothing_is_due_without_bindings_and_no_backlog_builds) {
    call_schedule s(fixed(10), t0);
    EXPECT_FALSE(s.next_due(0).has_value());
    EXPECT_TRUE(s.take_due(t0 + 60s, 0).empty());
    // The first phone registers a minute later: one call is due, not six hundred.
    EXPECT_EQ(s.take_due(t0 + 60s, 1).size(), 1U);
    EXPECT_EQ(s.next_due(1), t0 + 60s + 100ms);
}

TEST(call_schedule, a_stall_is_capped_by_max_burst_and_counted) {
    call_schedule_config c = fixed(100);
    c.max_burst = 5;
    call_schedule s(c, t0);
    EXPECT_EQ(s.take_due(t0 + 1s, 3).size(), 5U);
    EXPECT_EQ(s.missed(), 95U);
    EXPECT_EQ(s.next_due(3), t0 + 1010ms);
}

TEST(call_schedule, poisson_is_seeded_and_keeps_the_mean_rate) {
    call_schedule_config c;
    c.rate = 50;
    c.seed = 7;
    c.max_burst = 100000;  // one take_due covers the whole run here
    call_schedule a(c, t0);
    call_schedule b(c, t0);
    EXPECT_EQ(a.next_due(1), b.next_due(1));
    const auto n = a.take_due(t0 + 200s, 4).size();
    EXPECT_GT(n, 9500U);  // 10000 expected; the standard deviation is 100
    EXPECT_LT(n, 10500U);
    c.seed = 8;
    call_schedule other(c, t0);
    EXPECT_NE(other.next_due(1), b.next_due(1));
}

TEST(call_schedule, picks_spread_over_bindings_and_follow_the_mix_weights) {
    call_schedule_config c = fixed(1000);
    c.mix = {{call_behaviour::answered_then_target_bye, 3},
             {call_behaviour::target_cancel_while_ringing, 1},
             {call_behaviour::no_ack, 0}};
    c.max_burst = 100000;
    call_schedule s(c, t0);
    std::map<std::size_t, int> per_binding;
    std::map<call_behaviour, int> per_behaviour;
    for (const auto& p : s.take_due(t0 + 8s, 4)) {
        ++per_binding[p.binding];
        ++per_behaviour[p.behaviour];
    }
    EXPECT_EQ(per_binding.size(), 4U);
    for (const auto& [binding, n] : per_binding) {
        EXPECT_LT(binding, 4U);
        EXPECT_GT(n, 1700);  // 2000 each expected
    }
    EXPECT_EQ(per_behaviour.count(call_behaviour::no_ack), 0U);
    EXPECT_GT(per_behaviour[call_behaviour::answered_then_target_bye], 5700);  // 6000 expected
    EXPECT_GT(per_behaviour[call_behaviour::target_cancel_while_ringing], 1700);
}

TEST(call_schedule, config_errors_name_the_field) {
    call_schedule_config c = fixed(-1);
    EXPECT_NE(c.validate().find("call rate"), std::string::npos);
    c = fixed(1);
    c.mix = {{call_behaviour::no_ack, 0}};
    EXPECT_NE(c.validate().find("mix"), std::string::npos);
    c = fixed(0);
    EXPECT_TRUE(c.validate().empty());
    call_schedule idle(c, t0);
    EXPECT_FALSE(idle.next_due(5).has_value());
    EXPECT_TRUE(idle.take_due(t0 + 10s, 5).empty());
}

TEST(call_schedule, a_new_rate_applies_from_now_without_backlog) {
    call_schedule s(fixed(0), t0);
    EXPECT_FALSE(s.next_due(5).has_value());
    s.set_rate(2, t0 + 60s);  // this worker got its first AOR a minute in
    EXPECT_EQ(s.next_due(5), t0 + 60s + 500ms);
    EXPECT_EQ(s.take_due(t0 + 61s, 5).size(), 2U);
    s.set_rate(10, t0 + 61s);  // a running schedule keeps its next call, then spaces by 10/s
    EXPECT_EQ(s.take_due(t0 + 61500ms, 5).size(), 1U);
    EXPECT_EQ(s.next_due(5), t0 + 61600ms);
    s.set_rate(0, t0 + 62s);
    EXPECT_FALSE(s.next_due(5).has_value());
    EXPECT_TRUE(s.take_due(t0 + 70s, 5).empty());
}

TEST(call_mix, weights_parse_and_a_bare_name_weighs_one) {
    auto mix = parse_call_mix("answered_then_target_bye=3, target_cancel_while_ringing");
    ASSERT_TRUE(mix.has_value()) << mix.error();
    ASSERT_EQ(mix->size(), 2U);
    EXPECT_EQ((*mix)[0].behaviour, call_behaviour::answered_then_target_bye);
    EXPECT_EQ((*mix)[0].weight, 3U);
    EXPECT_EQ((*mix)[1].behaviour, call_behaviour::target_cancel_while_ringing);
    EXPECT_EQ((*mix)[1].weight, 1U);
    EXPECT_EQ(pick_behaviour(*mix, 2), call_behaviour::answered_then_target_bye);
    EXPECT_EQ(pick_behaviour(*mix, 3), call_behaviour::target_cancel_while_ringing);
}

TEST(call_mix, bad_entries_say_what_is_wrong) {
    auto unknown = parse_call_mix("answered=2");
    ASSERT_FALSE(unknown.has_value());
    EXPECT_NE(unknown.error().find("'answered' is not a call behaviour"), std::string::npos);
    EXPECT_NE(unknown.error().find("phone_hangs_up"), std::string::npos);  // lists the names
    auto weight = parse_call_mix("no_ack=x");
    ASSERT_FALSE(weight.has_value());
    EXPECT_NE(weight.error().find("weight 'x' of no_ack"), std::string::npos);
    EXPECT_FALSE(parse_call_mix("no_ack=0").has_value());
    EXPECT_FALSE(parse_call_mix("").has_value());
}

}  // namespace
}  // namespace ringstorm::target
