// The scenario loader's located errors: one broken scenario per row, each of which must
// report its first error at the right line and column, with the right words.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/scenario/scenario.hpp"
#include "tests/unit/scenario/load_helpers.hpp"

namespace rs = ringstorm::scenario;

namespace {

using loader_test::dump;
using loader_test::head;
using loader_test::load_bad;

// One broken scenario per row: the first error must be at line:col and mention `what`.
struct broken_case {
    const char* label;
    std::string text;
    std::uint32_t line;
    std::uint32_t column;
    const char* what;
};

class scenario_loader_broken : public ::testing::TestWithParam<broken_case> {};

TEST_P(scenario_loader_broken, reports_located_error) {
    const broken_case& c = GetParam();
    const auto ds = load_bad(c.text);
    const auto found = std::find_if(ds.begin(), ds.end(), [&](const rs::diagnostic& d) {
        return d.file == "t.yaml" && d.line == c.line && d.column == c.column &&
               to_string(d).find(c.what) != std::string::npos;
    });
    EXPECT_NE(found, ds.end()) << "expected t.yaml:" << c.line << ":" << c.column << ": ..."
                               << c.what << "...\ngot:\n"
                               << dump(ds);
}


INSTANTIATE_TEST_SUITE_P(
    table, scenario_loader_broken,
    ::testing::Values(
        broken_case{"yaml_syntax", "name: t\nphone: [register\n", 3, 1, "YAML syntax error"},
        broken_case{"yaml_tab", "name: t\n\tphone: x\n", 2, 1, "tabs"},
        broken_case{"empty", "", 0, 0, "the scenario is empty"},
        broken_case{"not_a_map", "- register\n", 1, 1, "must be a map"},
        broken_case{"two_documents", head + "phone: [register]\n---\nname: u\n", 5, 1,
                    "one YAML document"},
        broken_case{"unknown_top_key", head + "phones: [register]\n", 3, 1,
                    "unknown key 'phones' at the top level (did you mean 'phone'?)"},
        broken_case{"duplicate_key", head + "phone: [register]\nname: u\n", 4, 1,
                    "'name' appears twice"},
        broken_case{"missing_phone", head, 0, 0, "missing 'phone'"},
        broken_case{"missing_accounts", "name: t\nphone: [register]\n", 0, 0, "missing 'accounts'"},
        broken_case{"bad_name", "name: Soak\n", 1, 7, "may only use a-z"},
        broken_case{"name_wrong_type", "name: [a]\n", 1, 7, "name must be text, found a list"},
        broken_case{"unknown_step", head + "phone:\n  - register\n  - regster\n", 5, 5,
                    "unknown step 'regster' (did you mean 'register'?)"},
        broken_case{"unknown_step_map", head + "phone:\n  - thnk: 5s\n", 4, 5,
                    "(did you mean 'think'?)"},
        broken_case{"missing_dash", head + "phone:\n  - think: 5s\n    unregister: \n", 4, 5,
                    "is a '-' missing before 'unregister'"},
        broken_case{"step_needs_args", head + "phone: [think]\n", 3, 9,
                    "step 'think' needs arguments"},
        broken_case{"step_takes_no_args", head + "phone:\n  - register: now\n", 4, 15,
                    "register takes no arguments"},
        broken_case{"bad_think", head + "phone:\n  - think: 5 seconds\n", 4, 12,
                    "bad duration '5 seconds'"},
        broken_case{"negative_think", head + "phone:\n  - think: -5s\n", 4, 12,
                    "negative duration"},
        broken_case{"think_two_kinds", head + "phone:\n  - think: {fixed: 1s, exponential: 2s}\n",
                    4, 12, "one distribution"},
        broken_case{"think_unknown_kind", head + "phone:\n  - think: {gaussian: 1s}\n", 4, 13,
                    "unknown key 'gaussian' in think"},
        broken_case{"uniform_reversed", head + "phone:\n  - think: {uniform: [5s, 1s]}\n", 4, 22,
                    "reversed"},
        broken_case{"uniform_one", head + "phone:\n  - think: {uniform: [5s]}\n", 4, 22,
                    "list of two durations"},
        broken_case{"expect_unknown_event",
                    head + "phone:\n  - expect: {event: registred, within: 5s}\n", 4, 21,
                    "did you mean 'registered'"},
        broken_case{"expect_no_within", head + "phone:\n  - expect: {event: registered}\n", 4, 13,
                    "a deadline"},
        broken_case{"expect_unknown_key",
                    head + "phone:\n  - expect: {event: registered, within: 1s, timeout: 5s}\n", 4,
                    45, "unknown key 'timeout' in expect"},
        broken_case{"repeat_negative",
                    head + "phone:\n  - repeat: {count: -3, steps: [register]}\n", 4, 21,
                    "repeat.count is negative (-3)"},
        broken_case{"repeat_no_steps", head + "phone:\n  - repeat: {count: 3}\n", 4, 13,
                    "repeat needs steps"},
        broken_case{"repeat_empty_steps", head + "phone:\n  - repeat: {count: 3, steps: []}\n", 4,
                    31, "non-empty list of steps"},
        broken_case{"nested_bad_step",
                    head + "phone:\n  - repeat:\n      count: 2\n      steps:\n        - "
                           "register\n        - unregistr\n",
                    8, 11, "did you mean 'unregister'"},
        broken_case{"loop_forever",
                    head + "phone:\n  - register\n  - loop: {steps: [{think: 1s}]}\n", 5, 5,
                    "this loop never ends"},
        broken_case{
            "loop_until_and_for",
            head +
                "load: {duration: 1m}\nphone:\n  - loop: {until: 1m, for: 1m, steps: [register]}\n",
            5, 23, "both until and for"},
        broken_case{"unreachable_after_loop",
                    head + "load: {duration: 1m}\nphone:\n  - repeat:\n      count: 2\n      "
                           "steps:\n        - loop: {steps: [{think: 1s}]}\n        - unregister\n",
                    9, 11, "unreachable step"},
        broken_case{"loop_after_loop",
                    head + "load: {duration: 1m}\nphone:\n  - loop: {steps: [{think: 1s}]}\n  - "
                           "loop: {until: 2m, steps: [register]}\n",
                    6, 5, "this loop never runs: the loop at 5:5"},
        broken_case{
            "too_deep",
            head + "phone: [{repeat: {count: 1, steps: [{repeat: {count: 1, steps: [{repeat: "
                   "{count: 1, steps: [{repeat: {count: 1, steps: [{repeat: {count: 1, steps: "
                   "[{repeat: {count: 1, steps: [{repeat: {count: 1, steps: [{repeat: {count: 1, "
                   "steps: [{repeat: {count: 1, steps: [register]}}]}}]}}]}}]}}]}}]}}]}}]}}]\n",
            3, 232, "nested more than 8 deep"},
        broken_case{"no_account_source", "name: t\naccounts: {tabs: 2}\nphone: [register]\n", 2, 1,
                    "accounts has no source"},
        broken_case{"pattern_and_csv",
                    "name: t\naccounts:\n  pattern: \"u{n}\"\n  password: p\n  csv: a.csv\nphone: "
                    "[register]\n",
                    5, 3, "both pattern and csv"},
        broken_case{"pattern_without_n",
                    "name: t\naccounts: {pattern: alice, password: p}\nphone: [register]\n", 2, 21,
                    "has no {n}"},
        broken_case{"pattern_bad_placeholder",
                    "name: t\naccounts: {pattern: \"u{i}\", password: p}\nphone: [register]\n", 2,
                    23, "unknown placeholder '{i}'"},
        broken_case{"pattern_bad_char",
                    "name: t\naccounts: {pattern: \"u {n}\", password: p}\nphone: [register]\n", 2,
                    23, "a space cannot appear in a SIP user name"},
        broken_case{"pattern_bad_width",
                    "name: t\naccounts:\n  pattern: 1{n:0x}\n  password: p\nphone: [register]\n", 3,
                    16, "bad width '0x'"},
        broken_case{"csv_with_password",
                    "name: t\naccounts: {password: p, csv: a.csv}\nphone: [register]\n", 2, 12,
                    "accounts.password goes with accounts.pattern"},
        broken_case{
            "tabs_zero",
            "name: t\naccounts: {pattern: \"u{n}\", password: p, tabs: 0}\nphone: [register]\n", 2,
            48, "accounts.tabs 0 is out of range"},
        broken_case{"bad_url_scheme",
                    head + "target: {url: \"https://x:443/ws\"}\nphone: [register]\n", 3, 16,
                    "scheme 'https' is not ws or wss"},
        broken_case{"bad_url_port",
                    head + "target:\n  url: wss://host:99999/ws\nphone: [register]\n", 4, 19,
                    "bad port '99999'"},
        broken_case{"bad_url_host", head + "target:\n  url: wss://ho_st:8443\nphone: [register]\n",
                    4, 16, "bad host name 'ho_st'"},
        broken_case{"url_fragment", head + "target:\n  url: ws://h/ws#x\nphone: [register]\n", 4,
                    17, "fragment"},
        broken_case{"sipdomain_url",
                    head + "target: {sipdomain: \"sip:example.com\"}\nphone: [register]\n", 3, 25,
                    "bad domain"},
        broken_case{"insecure_type", head + "target: {insecure: maybe}\nphone: [register]\n", 3, 20,
                    "true or false"},
        broken_case{"ca_unreadable",
                    head + "target: {ca: /nonexistent/ca.pem}\nphone: [register]\n", 3, 14,
                    "cannot read CA file"},
        broken_case{"unknown_load_key", head + "load:\n  phone: 5\nphone: [register]\n", 4, 3,
                    "unknown key 'phone' in load (did you mean 'phones'?)"},
        broken_case{"phones_text", head + "load: {phones: many}\nphone: [register]\n", 3, 16,
                    "must be a whole number, not 'many'"},
        broken_case{"phones_fraction", head + "load: {phones: 1.5}\nphone: [register]\n", 3, 16,
                    "whole number"},
        broken_case{"phones_zero", head + "load: {phones: 0}\nphone: [register]\n", 3, 16,
                    "out of range"},
        broken_case{"rate_negative", head + "load: {rate: -2}\nphone: [register]\n", 3, 14,
                    "load.rate -2 is negative"},
        broken_case{"rate_zero", head + "load: {rate: 0}\nphone: [register]\n", 3, 14,
                    "out of range"},
        broken_case{"duration_zero", head + "load: {duration: 0s}\nphone: [register]\n", 3, 18,
                    "must be longer than 0"},
        broken_case{
            "rate_and_stages",
            head + "load:\n  rate: 5\n  stages: [{duration: 1m, target: 5}]\nphone: [register]\n",
            5, 3, "both rate and stages"},
        broken_case{"stage_missing_target",
                    head + "load:\n  stages: [{duration: 1m}]\nphone: [register]\n", 4, 12,
                    "needs both duration and target"},
        broken_case{"stage_unknown_key",
                    head + "load:\n  stages: [{duration: 1m, targte: 3}]\nphone: [register]\n", 4,
                    27, "did you mean 'target'"},
        broken_case{"stages_all_zero",
                    head + "load:\n  stages: [{duration: 1m, target: 0}]\nphone: [register]\n", 4,
                    11, "never start a phone"},
        broken_case{
            "phones_below_stages",
            head +
                "load:\n  phones: 10\n  stages: [{duration: 1m, target: 50}]\nphone: [register]\n",
            4, 11, "fewer than the stages' peak target 50"},
        broken_case{"duration_below_stages",
                    head + "load:\n  duration: 30s\n  stages: [{duration: 1m, target: 5}]\nphone: "
                           "[register]\n",
                    4, 13, "shorter than the stages (1m)"},
        broken_case{"threads_zero", head + "load: {threads: 0}\nphone: [register]\n", 3, 17,
                    "load.threads 0 is out of range"},
        broken_case{"threshold_metric",
                    head + "thresholds: [\"regster.p99 < 0.2\"]\nphone: [register]\n", 3, 15,
                    "unknown metric 'regster.p99' (did you mean 'register.p99'?)"},
        broken_case{"threshold_op",
                    head + "thresholds:\n  - register.p99 =< 0.2\nphone: [register]\n", 4, 18,
                    "unknown operator '=<'"},
        broken_case{"threshold_value",
                    head + "thresholds:\n  - contract.violations == none\nphone: [register]\n", 4,
                    28, "bad value 'none'"},
        broken_case{"threshold_not_text",
                    head + "thresholds:\n  - {register.p99: 0.2}\nphone: [register]\n", 4, 5,
                    "must be text, found a map"},
        broken_case{"thresholds_not_list",
                    head + "thresholds: register.p99 < 0.2\nphone: [register]\n", 3, 13,
                    "thresholds must be a list"},
        broken_case{"terminated_in_sdk_profile",
                    head + "contract: exotel-web-sdk-2.0.5\nphone:\n  - register\n  - expect: "
                           "{event: terminated, within: 40s}\n",
                    6, 5, "never passes under contract exotel-web-sdk-2.0.5"},
        broken_case{"phone_empty", head + "phone: []\n", 3, 8,
                    "phone must be a non-empty list of steps"},
        broken_case{"phone_not_list", head + "phone: register\n", 3, 8,
                    "phone must be a non-empty list of steps, found 'register'"}),
    [](const ::testing::TestParamInfo<broken_case>& info) {
        return std::string(info.param.label);
    });

}  // namespace
