// The call steps and call/session events of the phone script: what each compiles to, and
// every mistake reported at its line:column with a useful message.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/scenario/scenario.hpp"
#include "tests/unit/scenario/load_helpers.hpp"

namespace rs = ringstorm::scenario;
using namespace std::chrono_literals;

namespace {

using loader_test::dump;
using loader_test::load_bad;
using loader_test::load_ok;

// Calls need a source: the embedded target's calls, so a callee script loads.
const std::string callee_head =
    "name: t\naccounts: {pattern: \"1{n:04}\", password: secret, tabs: 2}\n"
    "target: {calls: {after: 1s}}\n";
// The caller role needs a routing target.
const std::string caller_head =
    "name: t\naccounts: {pattern: \"2{n:04}\", password: secret}\n"
    "target: {url: \"wss://127.0.0.1:8443/\"}\n";

template <class T>
const T& step_at(const rs::scenario& s, std::size_t i) {
    EXPECT_LT(i, s.phone.size());
    return std::get<T>(s.phone.at(i).action);
}

}  // namespace

TEST(call_steps, every_step_compiles_with_its_arguments) {
    const rs::scenario s = load_ok(callee_head + R"(phone:
  - register
  - wait_call
  - wait_call: {within: 5s}
  - answer
  - hold
  - unhold
  - mute
  - unmute
  - dtmf: "12#*AD"
  - dtmf: {digits: 9, gap: 250ms}
  - hangup
  - reject
  - wait_end
  - wait_end: {within: 90s}
  - close_tab: 1
  - close_tab
  - unregister
)");
    ASSERT_EQ(s.phone.size(), 17U);
    EXPECT_EQ(step_at<rs::wait_call_step>(s, 1).within, 30s);
    EXPECT_EQ(step_at<rs::wait_call_step>(s, 2).within, 5s);
    EXPECT_TRUE(std::holds_alternative<rs::answer_step>(s.phone[3].action));
    EXPECT_TRUE(std::holds_alternative<rs::hold_step>(s.phone[4].action));
    EXPECT_TRUE(std::holds_alternative<rs::unhold_step>(s.phone[5].action));
    EXPECT_TRUE(std::holds_alternative<rs::mute_step>(s.phone[6].action));
    EXPECT_TRUE(std::holds_alternative<rs::unmute_step>(s.phone[7].action));
    EXPECT_EQ(step_at<rs::dtmf_step>(s, 8).digits, "12#*AD");
    EXPECT_EQ(step_at<rs::dtmf_step>(s, 8).gap, 100ms);
    EXPECT_EQ(step_at<rs::dtmf_step>(s, 9).digits, "9");
    EXPECT_EQ(step_at<rs::dtmf_step>(s, 9).gap, 250ms);
    EXPECT_TRUE(std::holds_alternative<rs::hangup_step>(s.phone[10].action));
    EXPECT_TRUE(std::holds_alternative<rs::reject_step>(s.phone[11].action));
    EXPECT_EQ(step_at<rs::wait_end_step>(s, 12).within, 60s);
    EXPECT_EQ(step_at<rs::wait_end_step>(s, 13).within, 90s);
    EXPECT_EQ(step_at<rs::close_tab_step>(s, 14).tab, 1U);
    EXPECT_EQ(step_at<rs::close_tab_step>(s, 15).tab, 0U);
    EXPECT_EQ(s.phone[14].where, (rs::source_location{19, 5}));
    EXPECT_EQ(rs::step_name(s.phone[12].action), "wait_end");
    EXPECT_EQ(rs::step_name(s.phone[14].action), "close_tab");
}

TEST(call_steps, call_formats_the_callee_from_the_phone_number) {
    const rs::scenario s = load_ok(caller_head + R"(phone:
  - register
  - call: "sip:1{n:04}@127.0.0.1:8443"
  - call: {to: "1{n}", offset: 1000}
  - call: {to: "queue-7", offset: 5}
)");
    const auto& uri = step_at<rs::call_step>(s, 1);
    EXPECT_EQ(uri.to.expand(s.accounts.source.number(0) + uri.offset), "sip:10001@127.0.0.1:8443");
    const auto& user = step_at<rs::call_step>(s, 2);
    EXPECT_EQ(user.offset, 1000);
    EXPECT_EQ(user.to.expand(s.accounts.source.number(4) + user.offset), "11005");
    EXPECT_EQ(step_at<rs::call_step>(s, 3).to.expand(1), "queue-7");
}

TEST(call_steps, phone_numbers_follow_the_accounts) {
    const rs::scenario pattern = load_ok(
        "name: t\naccounts: {pattern: \"u{n}\", password: p, first: 40}\nphone: [register]\n");
    EXPECT_EQ(pattern.accounts.source.number(0), 40U);
    EXPECT_EQ(pattern.accounts.source.number(3), 43U);
}

TEST(call_steps, expect_takes_call_and_session_events) {
    const rs::scenario s = load_ok(callee_head + R"(phone:
  - expect: {event: call:incoming, within: 5s}
  - expect: {event: call:connected, within: 5s}
  - expect: {event: call:callEnded, within: 5s}
  - expect: {event: call:terminated, within: 5s}
  - expect: {event: session:incoming, within: 5s}
  - expect: {event: session:re-register, within: 5s}
  - expect: {event: register:registered, within: 5s}
  - expect: {event: terminated, within: 5s}
)");
    auto event = [&](std::size_t i) { return step_at<rs::expect_step>(s, i).event; };
    EXPECT_EQ(event(0), (rs::event_name{rs::callback_kind::call_event, "incoming"}));
    EXPECT_EQ(event(1), (rs::event_name{rs::callback_kind::call_event, "connected"}));
    EXPECT_EQ(event(2), (rs::event_name{rs::callback_kind::call_event, "callEnded"}));
    EXPECT_EQ(event(3), (rs::event_name{rs::callback_kind::call_event, "terminated"}));
    EXPECT_EQ(event(4), (rs::event_name{rs::callback_kind::session_event, "incoming"}));
    EXPECT_EQ(event(5), (rs::event_name{rs::callback_kind::session_event, "re-register"}));
    EXPECT_EQ(event(6), (rs::event_name{rs::callback_kind::register_event, "registered"}));
    EXPECT_EQ(event(7), (rs::event_name{rs::callback_kind::register_event, "terminated"}));
    EXPECT_EQ(rs::written_name(event(5)), "session:re-register");
    EXPECT_EQ(rs::written_name(event(6)), "registered");
}

TEST(call_steps, every_error_of_a_script_is_reported_at_once) {
    const auto ds = load_bad(callee_head + R"(phone:
  - dtmf: "1x"
  - awnser
  - expect: {event: call:conected, within: 1s}
)");
    ASSERT_EQ(ds.size(), 3U) << dump(ds);
    EXPECT_EQ(ds[0].line, 5U);
    EXPECT_EQ(ds[1].line, 6U);
    EXPECT_NE(ds[1].message.find("did you mean 'answer'"), std::string::npos);
    EXPECT_EQ(ds[2].line, 7U);
    EXPECT_NE(ds[2].message.find("did you mean 'call:connected'"), std::string::npos);
    EXPECT_NE(ds[2].hint.find("session:re-register"), std::string::npos) << "lists valid events";
}

namespace {

struct broken_case {
    const char* label;
    std::string text;
    std::uint32_t line;
    std::uint32_t column;
    const char* what;
};

class call_steps_broken : public ::testing::TestWithParam<broken_case> {};

TEST_P(call_steps_broken, reports_located_error) {
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

const std::string ph = callee_head + "phone:\n";  // steps start on line 5

INSTANTIATE_TEST_SUITE_P(
    table, call_steps_broken,
    ::testing::Values(
        broken_case{"step_typo", ph + "  - hangpu\n", 5, 5, "did you mean 'hangup'"},
        broken_case{"answer_args", ph + "  - answer: now\n", 5, 13, "answer takes no arguments"},
        broken_case{"mute_args", ph + "  - mute: {x: 1}\n", 5, 11, "mute takes no arguments"},
        broken_case{"wait_call_key", ph + "  - wait_call: {whithin: 5s}\n", 5, 17,
                    "unknown key 'whithin' in wait_call (did you mean 'within'?)"},
        broken_case{"wait_call_zero", ph + "  - wait_call: {within: 0s}\n", 5, 25,
                    "must be longer than 0"},
        broken_case{"wait_end_duration", ph + "  - wait_end: {within: 5 minutes}\n", 5, 24,
                    "bad duration"},
        broken_case{"dtmf_bare", ph + "  - dtmf\n", 5, 5, "step 'dtmf' needs arguments"},
        broken_case{"dtmf_comment", ph + "  - dtmf: #1\n", 5, 5, "dtmf needs digits"},
        broken_case{"dtmf_bad_digit", ph + "  - dtmf: \"12x\"\n", 5, 14, "'x' is not a DTMF digit"},
        broken_case{"dtmf_lower_case", ph + "  - dtmf: 1a\n", 5, 12, "upper case"},
        broken_case{"dtmf_map_no_digits", ph + "  - dtmf: {gap: 1s}\n", 5, 11, "dtmf needs digits"},
        broken_case{"dtmf_gap", ph + "  - dtmf: {digits: 1, gap: soon}\n", 5, 28, "bad duration"},
        broken_case{"dtmf_too_long", ph + "  - dtmf: \"" + std::string(65, '1') + "\"\n", 5, 11,
                    "1 to 64 digits"},
        broken_case{"close_tab_range", ph + "  - close_tab: 2\n", 5, 5,
                    "close_tab 2: the phones have 2 tab(s)"},
        broken_case{"close_tab_text", ph + "  - close_tab: parent\n", 5, 16, "whole number"},
        broken_case{"expect_bare_call_event", ph + "  - expect: {event: connected, within: 5s}\n",
                    5, 21, "did you mean 'call:connected' or 'session:connected'"},
        broken_case{"expect_bad_prefix", ph + "  - expect: {event: cal:connected, within: 5s}\n", 5,
                    21, "unknown callback 'cal' in event 'cal:connected' (did you mean 'call'?)"},
        broken_case{"expect_session_only",
                    ph + "  - expect: {event: call:re-register, within: 1s}\n", 5, 21,
                    "did you mean 'session:re-register'"},
        broken_case{"call_terminated_in_sdk_profile",
                    callee_head + "contract: exotel-web-sdk-2.0.5\nphone:\n  - expect: {event: "
                                  "call:terminated, within: 5s}\n",
                    6, 5, "'call:terminated' never passes under contract exotel-web-sdk-2.0.5"},
        broken_case{"session_event_one_tab",
                    "name: t\naccounts: {pattern: \"1{n}\", password: p}\n"
                    "target: {calls: {}}\nphone:\n  - expect: {event: session:incoming, within: "
                    "5s}\n",
                    5, 5, "never passes with one tab"},
        broken_case{"wait_call_without_calls",
                    "name: t\naccounts: {pattern: \"1{n}\", password: p}\nphone:\n  - register\n"
                    "  - wait_call\n",
                    5, 5, "the embedded target places no calls"},
        broken_case{"call_needs_a_proxy",
                    "name: t\naccounts: {pattern: \"1{n}\", password: p}\nphone:\n  - call: "
                    "\"2{n}\"\n",
                    4, 5, "the embedded target answers a phone's INVITE 405"},
        broken_case{"call_bare", caller_head + "phone:\n  - call:\n", 5, 5,
                    "call needs whom to call"},
        broken_case{"call_no_to", caller_head + "phone:\n  - call: {offset: 3}\n", 5, 11,
                    "call needs to"},
        broken_case{"call_bad_user", caller_head + "phone:\n  - call: {to: \"a b{n}\"}\n", 5, 18,
                    "a space cannot appear in a SIP user name"},
        broken_case{"call_bad_placeholder", caller_head + "phone:\n  - call: \"sip:{x}@h\"\n", 5,
                    16, "unknown placeholder '{x}'"},
        broken_case{"call_name_addr", caller_head + "phone:\n  - call: \"<sip:1@h>\"\n", 5, 12,
                    "'<' cannot appear in a SIP user name"},
        broken_case{"call_uri_space", caller_head + "phone:\n  - call: \"sip:1 @h\"\n", 5, 17,
                    "a SIP URI cannot contain a space"},
        broken_case{"call_empty_uri", caller_head + "phone:\n  - call: \"sip:\"\n", 5, 16,
                    "nothing after the scheme"},
        broken_case{"call_offset_text",
                    caller_head + "phone:\n  - call: {to: \"1{n}\", offset: x}\n", 5, 32,
                    "offset must be a whole number, not 'x'"},
        broken_case{"call_offset_negative_number",
                    caller_head + "phone:\n  - call: {to: \"1{n}\", offset: -5}\n", 5, 5,
                    "makes phone 1 call a negative number"},
        broken_case{"call_unknown_key",
                    caller_head + "phone:\n  - call: {to: \"1{n}\", ofset: 1}\n", 5, 24,
                    "did you mean 'offset'"}),
    [](const ::testing::TestParamInfo<broken_case>& info) {
        return std::string(info.param.label);
    });

}  // namespace
