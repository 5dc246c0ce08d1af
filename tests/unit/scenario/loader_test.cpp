// The scenario loader: valid files compile to the expected model; broken ones give every
// error at its exact line:column with a useful message.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "engine/scenario/scenario.hpp"
#include "tests/unit/scenario/load_helpers.hpp"

namespace rs = ringstorm::scenario;
using namespace std::chrono_literals;

namespace {

using loader_test::dump;
using loader_test::head;
using loader_test::load_bad;
using loader_test::load_ok;

const char* const minimal = R"(name: t
accounts: {pattern: "1{n:04}", password: secret}
phone: [register]
)";

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
