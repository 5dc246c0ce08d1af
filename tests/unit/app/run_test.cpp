// `ringstorm run` end to end, in process: real phones over WSS against the embedded target
// (or one the test starts with other passwords), then the exit code and the reports.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/app/cli.hpp"
#include "engine/app/run_options.hpp"
#include "engine/target/embedded_target.hpp"
#include "tests/unit/app/run_helpers.hpp"

namespace ringstorm::app {
namespace {

using run_test::fresh_dir;
using run_test::options_for;
using run_test::read_all;
using run_test::write_scenario;
namespace fs = std::filesystem;

const char* const hold_scenario = R"(name: run-test
contract: documented
accounts:
  pattern: "7{n:03}"
  password: secret
load:
  phones: 6
  rate: 20
  duration: 2s
thresholds:
  - register.count >= 6
  - contract.violations == 0
phone:
  - register
  - expect: {event: registered, within: 5s}
  - loop:
      steps:
        - think: 500ms
  - unregister
  - expect: {event: unregistered, within: 5s}
)";

TEST(run, phones_register_against_the_embedded_target_and_reports_are_written) {
    fs::path dir = fresh_dir("embedded");
    run_options o = options_for(dir, write_scenario(dir, hold_scenario));
    ASSERT_EQ(run_command(o), 0);

    auto summary = nlohmann::json::parse(read_all(dir / "out" / "summary.json"));
    EXPECT_EQ(summary["schema"], "ringstorm.summary/1");
    EXPECT_EQ(summary["scenario"], "run-test");
    EXPECT_EQ(summary["verdict"], "pass");
    EXPECT_EQ(summary["phones"]["planned"], 6);
    EXPECT_EQ(summary["phones"]["registered"], 6);
    EXPECT_EQ(summary["phones"]["failed"], 0);
    EXPECT_GE(summary["latency_seconds"]["register"]["count"].get<int>(), 6);
    EXPECT_EQ(summary["latency_seconds"]["unregister"]["count"], 6);
    EXPECT_EQ(summary["latency_seconds"]["tls_handshake"]["count"], 6);
    EXPECT_GT(summary["contract"]["checked"].get<int>(), 0);
    EXPECT_EQ(summary["contract"]["violations"], 0);
    ASSERT_EQ(summary["thresholds"].size(), 2u);
    EXPECT_TRUE(summary["thresholds"][0]["passed"].get<bool>());
    EXPECT_TRUE(fs::exists(dir / "out" / "junit.xml"));
    EXPECT_NE(read_all(dir / "out" / "report.html").find("PASS"), std::string::npos);

    // Every phone's register callbacks are in the events file, in the documented order.
    std::istringstream lines(read_all(dir / "events.jsonl"));
    std::string line;
    std::map<std::string, std::vector<std::string>> by_phone;
    while (std::getline(lines, line)) {
        auto e = nlohmann::json::parse(line);
        EXPECT_EQ(e["cb"], "register");
        by_phone[e["phone"]].push_back(e["event"]);
    }
    ASSERT_EQ(by_phone.size(), 6u);
    for (const auto& [phone, events] : by_phone) {
        EXPECT_EQ(events, (std::vector<std::string>{"sent_request", "registered", "sent_request",
                                                    "unregistered"}))
            << phone;
    }
}

// The wind-down's own steps run in full: a think after the loop is not cut by the end,
// even for phones whose window closed a moment before the worker saw the end.
TEST(run, top_level_steps_after_the_end_run_in_full) {
    fs::path dir = fresh_dir("wind_down");
    run_options o = options_for(dir, write_scenario(dir, R"(name: wind-down
accounts: {pattern: "8{n:03}", password: secret}
load: {phones: 10, rate: 100, duration: 1s}
phone:
  - register
  - loop: {steps: [{think: 200ms}]}
  - think: 1s
  - unregister
)"));
    ASSERT_EQ(run_command(o), 0);
    std::istringstream lines(read_all(dir / "events.jsonl"));
    std::string line;
    int unregisters = 0;
    while (std::getline(lines, line)) {
        auto e = nlohmann::json::parse(line);
        if (e["event"] == "unregistered") {
            ++unregisters;
            EXPECT_GE(e["t"].get<double>(), 1.9) << line;
        }
    }
    EXPECT_EQ(unregisters, 10);
}

// With stages that ramp down and up again, a phone winds down and comes back: it
// registers once per window.
TEST(run, a_phone_comes_back_when_a_later_stage_ramps_up_again) {
    fs::path dir = fresh_dir("windows");
    run_options o = options_for(dir, write_scenario(dir, R"(name: windows
accounts: {pattern: "9{n:03}", password: secret}
load:
  stages:
    - {duration: 400ms, target: 2}
    - {duration: 400ms, target: 0}
    - {duration: 300ms, target: 0}
    - {duration: 400ms, target: 2}
  duration: 2500ms
phone:
  - register
  - expect: {event: registered, within: 2s}
  - loop: {steps: [{think: 100ms}]}
  - unregister
  - expect: {event: unregistered, within: 2s}
)"));
    ASSERT_EQ(run_command(o), 0);
    std::istringstream lines(read_all(dir / "events.jsonl"));
    std::string line;
    std::map<std::string, int> registered;
    while (std::getline(lines, line)) {
        auto e = nlohmann::json::parse(line);
        if (e["event"] == "registered") {
            ++registered[e["phone"]];
        }
    }
    ASSERT_EQ(registered.size(), 2u);
    for (const auto& [phone, n] : registered) {
        EXPECT_EQ(n, 2) << phone;
    }
}

// Multi-tab: each tab of a user is its own registration (own Contact) of one AOR; every
// tab's callbacks are recorded and judged, and the phone counts as registered once all are.
TEST(run, every_tab_of_a_user_registers_its_own_binding) {
    fs::path dir = fresh_dir("tabs");
    run_options o = options_for(dir, write_scenario(dir, R"(name: tabs
accounts: {pattern: "5{n:03}", password: secret, tabs: 3}
load: {phones: 2, rate: 50}
phone:
  - register
  - expect: {event: registered, within: 5s}
  - unregister
  - expect: {event: unregistered, within: 5s}
)"));
    ASSERT_EQ(run_command(o), 0);
    auto summary = nlohmann::json::parse(read_all(dir / "out" / "summary.json"));
    EXPECT_EQ(summary["phones"]["registered"], 2);
    EXPECT_EQ(summary["latency_seconds"]["register"]["count"], 6);
    EXPECT_EQ(summary["contract"]["violations"], 0);
    std::istringstream lines(read_all(dir / "events.jsonl"));
    std::string line;
    std::set<std::pair<std::string, int>> registered_tabs;
    while (std::getline(lines, line)) {
        auto e = nlohmann::json::parse(line);
        if (e["event"] == "registered") {
            registered_tabs.insert({e["phone"].get<std::string>(), e["tab"].get<int>()});
        }
    }
    EXPECT_EQ(registered_tabs.size(), 6u);
}

TEST(run, the_2_0_5_profile_runs_its_own_sequences_and_passes) {
    fs::path dir = fresh_dir("sdk205");
    run_options o = options_for(dir, write_scenario(dir, hold_scenario));
    o.overrides.contract = "exotel-web-sdk-2.0.5";
    ASSERT_EQ(run_command(o), 0);
    auto summary = nlohmann::json::parse(read_all(dir / "out" / "summary.json"));
    EXPECT_EQ(summary["contract"]["violations"], 0);
    EXPECT_EQ(summary["phones"]["registered"], 6);
}

TEST(run, a_wrong_password_fails_the_run_with_recorded_evidence) {
    fs::path dir = fresh_dir("password");
    target::target_options t;
    t.listen = "wss://127.0.0.1:0/ws";
    auto user = scenario::name_template::parse("7{n:03}", true, true);
    auto password = scenario::name_template::parse("not-the-secret", false, false);
    ASSERT_TRUE(user && password);
    t.accounts = scenario::account_source(*user, *password, 0);
    auto target = target::embedded_target::start(t);
    ASSERT_TRUE(target) << target.error();
    std::ofstream(dir / "ca.pem") << (*target)->generated_cert_pem();

    run_options o = options_for(dir, write_scenario(dir, hold_scenario));
    o.overrides.target = transport::to_string((*target)->url());
    o.overrides.ca = (dir / "ca.pem").string();
    o.overrides.sipdomain = (*target)->domain();
    EXPECT_EQ(run_command(o), 1);

    auto summary = nlohmann::json::parse(read_all(dir / "out" / "summary.json"));
    EXPECT_EQ(summary["verdict"], "fail");
    EXPECT_EQ(summary["phones"]["registered"], 0);
    EXPECT_EQ(summary["phones"]["failed"], 6);
    EXPECT_GT(summary["contract"]["violations"].get<int>(), 0);
    ASSERT_FALSE(summary["contract"]["samples"].empty());
    std::string ladder = summary["contract"]["samples"][0]["ladder"];
    ASSERT_FALSE(ladder.empty());
    std::string text = read_all(dir / "out" / ladder);
    EXPECT_NE(text.find("403"), std::string::npos) << text;
    EXPECT_NE(text.find("REGISTER sip:"), std::string::npos);
    (*target)->stop();
}

TEST(run, an_unreachable_target_exits_3_and_still_writes_the_summary) {
    fs::path dir = fresh_dir("dead");
    run_options o = options_for(dir, write_scenario(dir, hold_scenario));
    o.overrides.target = "ws://127.0.0.1:1/ws";  // nothing listens on port 1
    EXPECT_EQ(run_command(o), 3);
    auto summary = nlohmann::json::parse(read_all(dir / "out" / "summary.json"));
    EXPECT_EQ(summary["verdict"], "fail");
    EXPECT_EQ(summary["phones"]["registered"], 0);
}

TEST(run, scenario_errors_exit_2_before_anything_starts) {
    fs::path dir = fresh_dir("bad");
    fs::path file = write_scenario(dir,
                                   "name: bad\naccounts: {pattern: \"1{n}\", password: x}\n"
                                   "phone:\n  - regster\n");
    std::string path = file.string();
    std::vector<std::string> args{"ringstorm", "validate", path};
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    EXPECT_EQ(app::main(static_cast<int>(argv.size()), argv.data()), 2);
    args[1] = "run";
    argv.clear();
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    EXPECT_EQ(app::main(static_cast<int>(argv.size()), argv.data()), 2);
    EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(run, version_and_usage_errors_have_their_exit_codes) {
    std::vector<std::string> version{"ringstorm", "version"};
    std::vector<char*> argv{version[0].data(), version[1].data()};
    EXPECT_EQ(app::main(2, argv.data()), 0);
    std::vector<std::string> unknown{"ringstorm", "run", "x.yaml", "--no-such-option"};
    std::vector<char*> argv2;
    for (auto& a : unknown) {
        argv2.push_back(a.data());
    }
    EXPECT_EQ(app::main(static_cast<int>(argv2.size()), argv2.data()), 2);
}

}  // namespace
}  // namespace ringstorm::app
