// `target.calls`: the embedded target's calls as the scenario asks for them, and every
// mistake located.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/scenario/scenario.hpp"
#include "tests/unit/scenario/load_helpers.hpp"

namespace rs = ringstorm::scenario;
using namespace std::chrono_literals;

namespace {

using loader_test::dump;
using loader_test::head;
using loader_test::load_bad;
using loader_test::load_ok;

using behaviour = rs::target_call_behaviour;

}  // namespace

TEST(target_calls, absent_means_no_calls) {
    const rs::scenario s = load_ok(head + "phone: [register]\n");
    EXPECT_FALSE(s.target.calls.has_value());
}

TEST(target_calls, an_empty_section_takes_the_targets_defaults) {
    const rs::scenario s = load_ok(head + "target:\n  calls:\nphone: [register]\n");
    ASSERT_TRUE(s.target.calls.has_value());
    const rs::target_calls_config& c = *s.target.calls;
    EXPECT_EQ(c.how, rs::target_calls_config::mode::each_binding);
    EXPECT_EQ(c.after, 1s);
    ASSERT_EQ(c.mix.size(), 1U);
    EXPECT_EQ(c.mix[0].behaviour, behaviour::answered_then_target_bye);
    EXPECT_EQ(c.talk_time, 40s);
    EXPECT_EQ(c.cancel_after, 2s);
    EXPECT_EQ(c.hold_after, 3s);
    EXPECT_EQ(c.ring_timeout, 65s);
    EXPECT_TRUE(c.fork);
    EXPECT_EQ(c.at, (rs::source_location{4, 3}));
}

TEST(target_calls, each_binding_with_one_behaviour) {
    const rs::scenario s = load_ok(head + R"(target:
  calls:
    after: 500ms
    behaviour: target_cancel_while_ringing
    cancel_after: 300ms
    talk_time: 2s
    ring_timeout: 10s
    fork: false
phone: [register]
)");
    const rs::target_calls_config& c = *s.target.calls;
    EXPECT_EQ(c.how, rs::target_calls_config::mode::each_binding);
    EXPECT_EQ(c.after, 500ms);
    ASSERT_EQ(c.mix.size(), 1U);
    EXPECT_EQ(c.mix[0].behaviour, behaviour::target_cancel_while_ringing);
    EXPECT_EQ(c.cancel_after, 300ms);
    EXPECT_EQ(c.talk_time, 2s);
    EXPECT_EQ(c.ring_timeout, 10s);
    EXPECT_FALSE(c.fork);
    EXPECT_TRUE(c.uses(behaviour::target_cancel_while_ringing));
    EXPECT_FALSE(c.uses(behaviour::no_ack));
}

TEST(target_calls, a_rate_with_a_weighted_mix) {
    const rs::scenario s = load_ok(head + R"(target:
  calls:
    rate: 2.5
    spacing: fixed
    mix: {answered_then_target_bye: 3, remote_hold_then_bye: 1, no_ack: 0}
    hold_after: 1s
    talk_time: 4s
phone: [register]
)");
    const rs::target_calls_config& c = *s.target.calls;
    EXPECT_EQ(c.how, rs::target_calls_config::mode::rate);
    EXPECT_DOUBLE_EQ(c.rate, 2.5);
    EXPECT_FALSE(c.poisson);
    ASSERT_EQ(c.mix.size(), 3U);
    EXPECT_EQ(c.mix[0].behaviour, behaviour::answered_then_target_bye);
    EXPECT_EQ(c.mix[0].weight, 3U);
    EXPECT_EQ(c.mix[1].behaviour, behaviour::remote_hold_then_bye);
    EXPECT_EQ(c.mix[1].weight, 1U);
    EXPECT_FALSE(c.uses(behaviour::no_ack)) << "a weight of 0 is not used";
}

TEST(target_calls, behaviour_names_round_trip) {
    for (std::string_view name : rs::target_call_behaviour_names()) {
        const rs::scenario s = load_ok(head + "target: {calls: {behaviour: " + std::string(name) +
                                       ", talk_time: 40s}}\nphone: [register]\n");
        EXPECT_EQ(rs::to_string(s.target.calls->mix.at(0).behaviour), name);
    }
    EXPECT_EQ(rs::target_call_behaviour_names().size(), 5U);
}

// The hold a target could never send is an error only for the behaviour that sends it.
TEST(target_calls, plan_conflicts_matter_only_for_the_behaviours_in_use) {
    load_ok(head + "target: {calls: {hold_after: 10s, talk_time: 5s}}\nphone: [register]\n");
    const auto ds = load_bad(
        head +
        "target: {calls: {behaviour: remote_hold_then_bye, hold_after: 10s, talk_time: 5s}}\n"
        "phone: [register]\n");
    ASSERT_EQ(ds.size(), 1U) << dump(ds);
    EXPECT_EQ(ds[0].line, 3U);
    EXPECT_EQ(ds[0].column, 63U);
    EXPECT_NE(ds[0].message.find("hold would never be sent"), std::string::npos);
}

namespace {

struct broken_case {
    const char* label;
    std::string text;
    std::uint32_t line;
    std::uint32_t column;
    const char* what;
};

class target_calls_broken : public ::testing::TestWithParam<broken_case> {};

TEST_P(target_calls_broken, reports_located_error) {
    const broken_case& c = GetParam();
    const auto ds = load_bad(c.text);
    const auto found = std::find_if(ds.begin(), ds.end(), [&](const rs::diagnostic& d) {
        return d.line == c.line && d.column == c.column &&
               to_string(d).find(c.what) != std::string::npos;
    });
    EXPECT_NE(found, ds.end()) << "expected t.yaml:" << c.line << ":" << c.column << ": ..."
                               << c.what << "...\ngot:\n"
                               << dump(ds);
}

std::string calls(const std::string& body) {
    return head + "target:\n  calls:\n" + body + "phone: [register]\n";  // body from line 5
}

INSTANTIATE_TEST_SUITE_P(
    table, target_calls_broken,
    ::testing::Values(
        broken_case{"unknown_key", calls("    talktime: 5s\n"), 5, 5,
                    "unknown key 'talktime' in target.calls (did you mean 'talk_time'?)"},
        broken_case{"not_a_map", head + "target: {calls: 5}\nphone: [register]\n", 3, 17,
                    "target.calls must be a map"},
        broken_case{"after_and_rate", calls("    after: 1s\n    rate: 3\n"), 6, 5,
                    "both after and rate"},
        broken_case{"spacing_without_rate", calls("    spacing: fixed\n"), 5, 5,
                    "spacing goes with rate"},
        broken_case{"spacing_unknown", calls("    rate: 1\n    spacing: fixd\n"), 6, 14,
                    "unknown spacing 'fixd' (did you mean 'fixed'?)"},
        broken_case{"rate_zero", calls("    rate: 0\n"), 5, 11, "calls per second"},
        broken_case{"rate_text", calls("    rate: lots\n"), 5, 11, "must be a number"},
        broken_case{"after_text", calls("    after: later\n"), 5, 12, "bad duration 'later'"},
        broken_case{"behaviour_typo", calls("    behaviour: no_ak\n"), 5, 16,
                    "unknown call behaviour 'no_ak' (did you mean 'no_ack'?)"},
        broken_case{"behaviour_and_mix", calls("    behaviour: no_ack\n    mix: {no_ack: 1}\n"), 6,
                    5, "both behaviour and mix"},
        broken_case{"mix_unknown", calls("    mix: {no_ack: 1, hangs_up: 2}\n"), 5, 22,
                    "unknown call behaviour 'hangs_up'"},
        broken_case{"mix_weight", calls("    mix: {no_ack: -1}\n"), 5, 19, "is negative"},
        broken_case{"mix_all_zero", calls("    mix: {no_ack: 0}\n"), 5, 10,
                    "no behaviour with a weight above 0"},
        broken_case{"mix_not_map", calls("    mix: [no_ack]\n"), 5, 10,
                    "must be a map of behaviour: weight"},
        broken_case{"talk_time_zero", calls("    talk_time: 0s\n"), 5, 16, "longer than 0"},
        broken_case{"ring_timeout_negative", calls("    ring_timeout: -1s\n"), 5, 19,
                    "negative duration"},
        broken_case{"cancel_never_sent",
                    calls("    behaviour: target_cancel_while_ringing\n    cancel_after: 5s\n    "
                          "ring_timeout: 5s\n"),
                    6, 19, "the CANCEL would never be sent"},
        broken_case{"fork_text", calls("    fork: sometimes\n"), 5, 11, "true or false"}),
    [](const ::testing::TestParamInfo<broken_case>& info) {
        return std::string(info.param.label);
    });

}  // namespace
