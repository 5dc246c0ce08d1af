// The scenario loader: valid files compile to the expected model; broken ones give every
// error at its exact line:column with a useful message.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "engine/scenario/scenario.hpp"

namespace rs = ringstorm::scenario;
using namespace std::chrono_literals;

namespace {

const char* const minimal = R"(name: t
accounts: {pattern: "1{n:04}", password: secret}
phone: [register]
)";

rs::scenario load_ok(const std::string& text) {
    auto r = rs::load_scenario_text(text, "t.yaml");
    if (!r) {
        std::string all;
        for (const auto& d : r.error()) {
            all += to_string(d) + "\n";
        }
        ADD_FAILURE() << "unexpected errors:\n" << all;
        return {};
    }
    return std::move(r).value();
}

std::vector<rs::diagnostic> load_bad(const std::string& text) {
    auto r = rs::load_scenario_text(text, "t.yaml");
    EXPECT_FALSE(r.has_value()) << "the scenario loaded but should not have";
    return r ? std::vector<rs::diagnostic>{} : std::move(r).error();
}

std::string dump(const std::vector<rs::diagnostic>& ds) {
    std::string all;
    for (const auto& d : ds) {
        all += to_string(d) + "\n";
    }
    return all;
}

std::filesystem::path temp_dir() {
    auto dir = std::filesystem::temp_directory_path() /
               ("ringstorm_loader_test_" +
                std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    return dir;
}

void write(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST(scenario_loader, minimal_scenario_gets_defaults) {
    const rs::scenario s = load_ok(minimal);
    EXPECT_EQ(s.name, "t");
    EXPECT_EQ(s.contract, rs::contract_profile::documented);
    EXPECT_FALSE(s.target.url.has_value());  // embedded target
    EXPECT_EQ(s.load.phones, 1U);
    EXPECT_FALSE(s.load.rate.has_value());
    EXPECT_FALSE(s.load.duration.has_value());
    EXPECT_EQ(s.accounts.tabs, 1U);
    ASSERT_EQ(s.phone.size(), 1U);
    EXPECT_TRUE(std::holds_alternative<rs::register_step>(s.phone[0].action));
    EXPECT_EQ(s.phone[0].where, (rs::source_location{3, 9}));
}

TEST(scenario_loader, full_scenario_compiles_every_field) {
    const rs::scenario s = load_ok(R"(name: register-soak
description: soak it
contract: exotel-web-sdk-2.0.5
target:
  url: wss://127.0.0.1:8443/ws
  insecure: true
  sipdomain: example.com
accounts:
  pattern: "1{n:04}"
  password: pw{n}
  first: 7
  tabs: 2
load:
  phones: 1000
  rate: 200.5
  duration: 5m
  threads: 2
thresholds:
  - register.p99 < 0.2
  - register.p50 <= 50ms
  - contract.violations == 0
  - registrations.failed_ratio < 1%
phone:
  - register
  - expect: {event: registered, within: 5s}
  - think: 30s
  - think: {uniform: [1s, 5s]}
  - think: {exponential: 10s}
  - think: {fixed: 2s}
  - repeat: {count: 3, steps: [unregister, register]}
  - loop:
      until: 4m
      steps: [{think: 1s}]
  - loop: {steps: [{think: 30s}]}
  - unregister
)");
    EXPECT_EQ(s.name, "register-soak");
    EXPECT_EQ(s.description, "soak it");
    EXPECT_EQ(s.contract, rs::contract_profile::exotel_web_sdk_2_0_5);
    ASSERT_TRUE(s.target.url.has_value());
    EXPECT_TRUE(s.target.url->tls);
    EXPECT_EQ(s.target.url->host, "127.0.0.1");
    EXPECT_EQ(s.target.url->port, 8443);
    EXPECT_EQ(s.target.url->path, "/ws");
    EXPECT_TRUE(s.target.insecure);
    EXPECT_EQ(s.target.sipdomain, "example.com");
    EXPECT_EQ(s.accounts.tabs, 2U);
    const rs::account a = s.accounts.source.at(0);
    EXPECT_EQ(a.user_name, "10007");
    EXPECT_EQ(a.auth_user, "10007");
    EXPECT_EQ(a.secret, "pw7");
    EXPECT_EQ(s.accounts.source.at(993).user_name, "11000");
    EXPECT_EQ(s.load.phones, 1000U);
    EXPECT_DOUBLE_EQ(*s.load.rate, 200.5);
    EXPECT_EQ(*s.load.duration, 5min);
    EXPECT_EQ(*s.load.threads, 2U);
    ASSERT_EQ(s.thresholds.size(), 4U);
    EXPECT_EQ(s.thresholds[0].metric, "register.p99");
    EXPECT_EQ(s.thresholds[0].condition, "< 0.2");
    EXPECT_DOUBLE_EQ(s.thresholds[1].value, 0.05);
    EXPECT_DOUBLE_EQ(s.thresholds[3].value, 0.01);
    EXPECT_EQ(s.thresholds[2].where, (rs::source_location{21, 5}));
    ASSERT_EQ(s.phone.size(), 10U);
    const auto& expect = std::get<rs::expect_step>(s.phone[1].action);
    EXPECT_EQ(expect.event.name, "registered");
    EXPECT_EQ(expect.within, 5s);
    EXPECT_EQ(std::get<rs::fixed_delay>(std::get<rs::think_step>(s.phone[2].action).how).value,
              30s);
    const auto uniform =
        std::get<rs::uniform_delay>(std::get<rs::think_step>(s.phone[3].action).how);
    EXPECT_EQ(uniform.low, 1s);
    EXPECT_EQ(uniform.high, 5s);
    EXPECT_EQ(std::get<rs::exponential_delay>(std::get<rs::think_step>(s.phone[4].action).how).mean,
              10s);
    const auto& repeat = std::get<rs::repeat_step>(s.phone[6].action);
    EXPECT_EQ(repeat.count, 3U);
    ASSERT_EQ(repeat.steps.size(), 2U);
    EXPECT_TRUE(std::holds_alternative<rs::unregister_step>(repeat.steps[0].action));
    const auto& until = std::get<rs::loop_step>(s.phone[7].action);
    EXPECT_EQ(until.end, rs::loop_end::run_clock);
    EXPECT_EQ(until.limit, 4min);
    EXPECT_EQ(std::get<rs::loop_step>(s.phone[8].action).end, rs::loop_end::run_end);
    EXPECT_EQ(rs::step_name(s.phone[9].action), "unregister");
}

TEST(scenario_loader, target_as_a_bare_url_and_default_ports) {
    rs::scenario s = load_ok(std::string(minimal) + "target: ws://sip.example.com\n");
    ASSERT_TRUE(s.target.url.has_value());
    EXPECT_FALSE(s.target.url->tls);
    EXPECT_EQ(s.target.url->port, 80);
    EXPECT_EQ(s.target.url->path, "/");
}

TEST(scenario_loader, stages_set_phones_and_duration) {
    const rs::scenario s =
        load_ok(std::string(minimal) +
                "load:\n  stages: [{duration: 30s, target: 1000}, {duration: 1m, target: 400}]\n");
    ASSERT_EQ(s.load.stages.size(), 2U);
    EXPECT_EQ(s.load.stages[1].target, 400U);
    EXPECT_EQ(s.load.phones, 1000U);
    EXPECT_EQ(*s.load.duration, 90s);
    EXPECT_FALSE(s.load.rate.has_value());
}

TEST(scenario_loader, loop_for_and_no_arg_step_as_a_map) {
    const rs::scenario s = load_ok(R"(name: t
accounts: {pattern: "u{n}", password: p}
phone:
  - register: {}
  - loop: {for: 1m, steps: [{think: 1s}]}
  - unregister:
)");
    ASSERT_EQ(s.phone.size(), 3U);
    EXPECT_EQ(std::get<rs::loop_step>(s.phone[1].action).end, rs::loop_end::loop_clock);
    EXPECT_TRUE(std::holds_alternative<rs::unregister_step>(s.phone[2].action));
}

TEST(scenario_loader, csv_accounts_resolve_against_the_scenario_directory) {
    const auto dir = temp_dir();
    write(dir / "people.csv",
          "userName,secret,displayname\r\nann,pw1,Ann\r\nbob,\"p,w\"\"2\",Bob B\r\n");
    write(dir / "s.yaml",
          "name: t\naccounts: {csv: people.csv}\nload: {phones: 2}\nphone: [register]\n");
    auto r = rs::load_scenario_file((dir / "s.yaml").string());
    ASSERT_TRUE(r.has_value()) << dump(r.error());
    EXPECT_FALSE(r->accounts.source.is_pattern());
    EXPECT_EQ(*r->accounts.source.capacity(), 2U);
    const rs::account bob = r->accounts.source.at(1);
    EXPECT_EQ(bob.user_name, "bob");
    EXPECT_EQ(bob.auth_user, "bob");
    EXPECT_EQ(bob.secret, "p,w\"2");
    EXPECT_EQ(bob.display_name, "Bob B");
    std::filesystem::remove_all(dir);
}

TEST(scenario_loader, csv_errors_are_located_in_the_csv) {
    const auto dir = temp_dir();
    write(dir / "bad.csv", "userName,secret\nann,pw\nbob\nann,x\n,y\n");
    write(dir / "s.yaml", "name: t\naccounts:\n  csv: bad.csv\nphone: [register]\n");
    auto r = rs::load_scenario_file((dir / "s.yaml").string());
    ASSERT_FALSE(r.has_value());
    const auto& ds = r.error();
    ASSERT_EQ(ds.size(), 3U) << dump(ds);
    const std::string csv = (dir / "bad.csv").string();
    EXPECT_EQ(to_string(ds[0]), csv + ":3: 1 fields, but the header has 2");
    EXPECT_EQ(ds[1].line, 4U);
    EXPECT_NE(ds[1].message.find("duplicate userName 'ann' (first on line 2)"), std::string::npos);
    EXPECT_EQ(ds[2].line, 5U);
    EXPECT_EQ(ds[2].column, 1U);
    EXPECT_NE(ds[2].message.find("userName '' is empty"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(scenario_loader, unreadable_csv_points_at_the_scenario_line) {
    const auto dir = temp_dir();
    write(dir / "s.yaml", "name: t\naccounts:\n  csv: missing.csv\nphone: [register]\n");
    auto r = rs::load_scenario_file((dir / "s.yaml").string());
    ASSERT_FALSE(r.has_value());
    ASSERT_EQ(r.error().size(), 1U);
    EXPECT_EQ(r.error()[0].line, 3U);
    EXPECT_EQ(r.error()[0].column, 8U);
    EXPECT_NE(r.error()[0].message.find("cannot read accounts CSV"), std::string::npos);
    EXPECT_NE(r.error()[0].message.find("missing.csv"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(scenario_loader, phones_beyond_the_csv_are_an_error) {
    const auto dir = temp_dir();
    write(dir / "a.csv", "userName,secret\nann,pw\n");
    write(dir / "s.yaml",
          "name: t\naccounts: {csv: a.csv}\nload:\n  phones: 5\nphone: [register]\n");
    auto r = rs::load_scenario_file((dir / "s.yaml").string());
    ASSERT_FALSE(r.has_value());
    ASSERT_EQ(r.error().size(), 1U) << dump(r.error());
    EXPECT_EQ(r.error()[0].line, 4U);
    EXPECT_NE(r.error()[0].message.find("5 is more than the 1 accounts"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(scenario_loader, missing_file_is_one_error_naming_it) {
    auto r = rs::load_scenario_file("/nonexistent/dir/x.yaml");
    ASSERT_FALSE(r.has_value());
    ASSERT_EQ(r.error().size(), 1U);
    EXPECT_EQ(r.error()[0].file, "/nonexistent/dir/x.yaml");
    EXPECT_NE(to_string(r.error()[0]).find("cannot read the scenario"), std::string::npos);
}

TEST(scenario_loader, collects_all_errors_in_file_order) {
    const auto ds = load_bad(R"(name: Bad Name
contract: documentd
accounts: {pattern: "1{n:04}"}
load:
  phones: -5
  duration: 5x
phone:
  - regster
  - think: soon
)");
    ASSERT_EQ(ds.size(), 7U) << dump(ds);
    EXPECT_EQ(to_string(ds[0]).substr(0, 11), "t.yaml:1:7:");
    EXPECT_NE(ds[1].message.find("did you mean 'documented'?"), std::string::npos);
    EXPECT_NE(ds[2].message.find("needs accounts.password"), std::string::npos);
    EXPECT_NE(ds[3].message.find("negative"), std::string::npos);
    EXPECT_NE(ds[4].message.find("unknown unit 'x'"), std::string::npos);
    EXPECT_EQ(to_string(ds[5]).substr(0, 35), "t.yaml:8:5: unknown step 'regster' ");
    EXPECT_EQ(to_string(ds[6]).substr(0, 35), "t.yaml:9:12: bad duration 'soon' fo");
    for (std::size_t i = 1; i < ds.size(); ++i) {
        EXPECT_LE(ds[i - 1].line, ds[i].line) << dump(ds);
    }
}

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

const std::string head =
    "name: t\naccounts: {pattern: \"1{n:04}\", password: secret}\n";  // 2 lines

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

TEST(scenario_loader, missing_keys_come_last_without_a_location) {
    const auto ds = load_bad("name: Soak\n");
    ASSERT_EQ(ds.size(), 3U) << dump(ds);
    EXPECT_EQ(ds[0].line, 1U);
    EXPECT_EQ(to_string(ds[1]),
              "t.yaml: missing 'accounts'\n    hint: add accounts: {pattern: \"1{n:04}\", "
              "password: secret} or accounts: {csv: accounts.csv}");
    EXPECT_EQ(ds[2].message, "missing 'phone'");
}

TEST(scenario_loader, a_misspelt_required_key_reports_both_problems) {
    const auto ds = load_bad(std::string(head) +
                             "load:\n  stages: [{duration: 1m, targte: 3}]\nphone: [register]\n");
    ASSERT_EQ(ds.size(), 2U) << dump(ds);
    EXPECT_NE(ds[0].message.find("needs both duration and target"), std::string::npos);
    EXPECT_NE(ds[1].message.find("did you mean 'target'"), std::string::npos);
}

TEST(scenario_loader, aliases_cannot_blow_up_the_script) {
    // Each level doubles the script through aliases: 25,000 steps if nothing stopped it.
    const std::string text = std::string(head);
    std::string defs =
        "phone:\n  - repeat:\n      count: 1\n      steps: &l0 [{think: 1s}, {think: 1s}]\n";
    for (int i = 1; i < 6; ++i) {
        defs += "  - repeat:\n      count: 1\n      steps: &l" + std::to_string(i) +
                " [{repeat: {count: 1, steps: *l" + std::to_string(i - 1) +
                "}}, {repeat: {count: 1, steps: *l" + std::to_string(i - 1) + "}}]\n";
    }
    for (int i = 0; i < 200; ++i) {
        defs += "  - repeat: {count: 1, steps: *l5}\n";
    }
    const auto ds = load_bad(text + defs);
    ASSERT_EQ(ds.size(), 1U) << dump(ds);
    EXPECT_NE(ds[0].message.find("more than 10000 steps"), std::string::npos) << dump(ds);
}

TEST(scenario_loader, an_error_under_an_alias_is_reported_once) {
    const auto ds =
        load_bad(std::string(head) +
                 "phone:\n  - repeat: {count: 1, steps: &s [{think: 5x}]}\n"
                 "  - repeat: {count: 2, steps: *s}\n  - repeat: {count: 3, steps: *s}\n");
    ASSERT_EQ(ds.size(), 1U) << dump(ds);
    EXPECT_EQ(ds[0].line, 4U);
}
