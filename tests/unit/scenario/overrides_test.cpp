// Command-line overrides: the command line wins and every rule is checked again.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/scenario/overrides.hpp"

namespace rs = ringstorm::scenario;
using namespace std::chrono_literals;

namespace {

rs::scenario base(const std::string& extra = {}) {
    auto r = rs::load_scenario_text(
        "name: t\naccounts: {pattern: \"1{n:04}\", password: secret}\n"
        "load:\n  phones: 10\n  stages: [{duration: 1m, target: 10}]\n" +
            extra + "phone:\n  - register\n  - loop: {steps: [{think: 1s}]}\n",
        "t.yaml");
    EXPECT_TRUE(r.has_value());
    return r ? std::move(r).value() : rs::scenario{};
}

std::string first_error(const rs::load_result& r) {
    return r || r.error().empty() ? std::string() : to_string(r.error()[0]);
}

}  // namespace

TEST(overrides, nothing_given_changes_nothing) {
    const rs::scenario s = base();
    auto r = rs::apply_overrides(s, {});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->load.phones, 10U);
    EXPECT_EQ(r->load.stages.size(), 1U);
}

TEST(overrides, command_line_wins) {
    rs::overrides o;
    o.phones = "500";
    o.rate = "50";
    o.duration = "2m";
    o.threads = "4";
    o.target = "wss://sip.example.com:8443/ws";
    o.contract = "exotel-web-sdk-2.0.5";
    o.accounts = "2{n:03}";
    o.sipdomain = "example.com";
    o.insecure = true;
    auto r = rs::apply_overrides(base(), o);
    ASSERT_TRUE(r.has_value()) << first_error(r);
    EXPECT_EQ(r->load.phones, 500U);
    EXPECT_DOUBLE_EQ(*r->load.rate, 50);
    EXPECT_TRUE(r->load.stages.empty());  // --rate replaces the ramp
    EXPECT_EQ(*r->load.duration, 2min);
    EXPECT_EQ(*r->load.threads, 4U);
    EXPECT_EQ(r->target.url->host, "sip.example.com");
    EXPECT_EQ(r->contract, rs::contract_profile::exotel_web_sdk_2_0_5);
    EXPECT_EQ(r->accounts.source.at(0).user_name, "2001");
    EXPECT_EQ(r->accounts.source.at(0).secret, "secret");  // the scenario's password is kept
    EXPECT_EQ(r->target.sipdomain, "example.com");
    EXPECT_TRUE(r->target.insecure);
}

TEST(overrides, bad_values_name_the_option) {
    rs::overrides o;
    o.phones = "-3";
    o.duration = "10 min";
    o.target = "http://x";
    o.contract = "documentd";
    auto r = rs::apply_overrides(base(), o);
    ASSERT_FALSE(r.has_value());
    ASSERT_EQ(r.error().size(), 4U);
    EXPECT_EQ(to_string(r.error()[0]).substr(0, 36), "command line: --phones: the count is");
    EXPECT_NE(r.error()[0].message.find("negative"), std::string::npos);
    EXPECT_NE(r.error()[1].message.find("--duration: bad duration '10 min'"), std::string::npos);
    EXPECT_NE(r.error()[2].message.find("--target: scheme 'http'"), std::string::npos);
    EXPECT_NE(r.error()[3].message.find("did you mean 'documented'?"), std::string::npos);
}

TEST(overrides, rules_are_checked_again) {
    // Stages peak at 10; --phones 5 would leave the ramp short of phones.
    rs::overrides fewer;
    fewer.phones = "5";
    auto r = rs::apply_overrides(base(), fewer);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(first_error(r),
              "command line: --phones 5 is fewer than the stages' peak target 10\n"
              "    hint: raise phones to at least 10, or leave it out");

    rs::overrides shorter;
    shorter.duration = "30s";
    auto d = rs::apply_overrides(base(), shorter);
    ASSERT_FALSE(d.has_value());
    EXPECT_NE(first_error(d).find("--duration 30s is shorter than the stages (1m)"),
              std::string::npos);
}

TEST(overrides, duration_makes_a_loop_finite) {
    auto r = rs::load_scenario_text(
        "name: t\naccounts: {pattern: \"u{n}\", password: p}\nphone: [{loop: {steps: [{think: "
        "1s}]}}]\n",
        "t.yaml");
    ASSERT_FALSE(r.has_value());  // nothing ends the loop
    EXPECT_NE(r.error()[0].message.find("never ends"), std::string::npos);
}

TEST(overrides, account_source_switches) {
    const auto dir = std::filesystem::temp_directory_path() / "ringstorm_overrides_test";
    std::filesystem::create_directories(dir);
    const std::string csv = (dir / "a.csv").string();
    std::ofstream(csv) << "userName,secret\nann,pw\nbob,pw2\n";

    rs::overrides to_csv;
    to_csv.accounts_csv = csv;
    auto too_many = rs::apply_overrides(base(), to_csv);  // 10 phones, 2 accounts
    ASSERT_FALSE(too_many.has_value());
    EXPECT_NE(first_error(too_many).find("load.phones 10 is more than the 2 accounts"),
              std::string::npos);
    to_csv.phones = "2";
    to_csv.rate = "1";
    auto ok = rs::apply_overrides(base(), to_csv);
    ASSERT_TRUE(ok.has_value()) << first_error(ok);
    EXPECT_EQ(ok->accounts.source.at(1).user_name, "bob");

    rs::overrides password_only;
    password_only.password = "x";
    auto on_csv = rs::apply_overrides(*ok, password_only);
    ASSERT_FALSE(on_csv.has_value());
    EXPECT_NE(first_error(on_csv).find("--password: goes with --accounts"), std::string::npos);

    rs::overrides back;
    back.accounts = "9{n}";
    EXPECT_FALSE(rs::apply_overrides(*ok, back).has_value());  // needs --password now
    back.password = "pw{n}";
    auto pattern = rs::apply_overrides(*ok, back);
    ASSERT_TRUE(pattern.has_value()) << first_error(pattern);
    EXPECT_EQ(pattern->accounts.source.at(0).secret, "pw1");

    rs::overrides missing;
    missing.accounts_csv = (dir / "none.csv").string();
    auto gone = rs::apply_overrides(base(), missing);
    ASSERT_FALSE(gone.has_value());
    EXPECT_NE(first_error(gone).find("command line: --accounts-csv: cannot read accounts CSV"),
              std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(overrides, tls_options) {
    const auto dir = std::filesystem::temp_directory_path() / "ringstorm_overrides_tls";
    std::filesystem::create_directories(dir);
    const std::string ca = (dir / "ca.pem").string();
    std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\n";
    auto s = rs::load_scenario_text(
        "name: t\naccounts: {pattern: \"u{n}\", password: p}\ntarget: {ca: " + ca +
            "}\nphone: [register]\n",
        "t.yaml");
    ASSERT_TRUE(s.has_value()) << first_error(s);
    EXPECT_EQ(s->target.ca, ca);

    rs::overrides insecure;
    insecure.insecure = true;
    auto r = rs::apply_overrides(*s, insecure);
    ASSERT_TRUE(r.has_value()) << first_error(r);
    EXPECT_TRUE(r->target.insecure);
    EXPECT_TRUE(r->target.ca.empty());

    rs::overrides both;
    both.insecure = true;
    both.ca = ca;
    EXPECT_NE(first_error(rs::apply_overrides(*s, both)).find("contradict"), std::string::npos);

    auto in_file = rs::load_scenario_text(
        "name: t\naccounts: {pattern: \"u{n}\", password: p}\ntarget:\n  ca: " + ca +
            "\n  insecure: true\nphone: [register]\n",
        "t.yaml");
    ASSERT_FALSE(in_file.has_value());
    EXPECT_EQ(in_file.error()[0].line, 5U);
    EXPECT_NE(in_file.error()[0].message.find("both insecure and ca"), std::string::npos);
    std::filesystem::remove_all(dir);
}

// `ringstorm run` loads with the overrides in place, so a file whose loop only the
// command line ends still runs (`load_scenario_file` alone rejects it).
TEST(overrides, loading_with_a_duration_accepts_an_open_loop) {
    const auto dir = std::filesystem::temp_directory_path() / "ringstorm_overrides_load";
    std::filesystem::create_directories(dir);
    const auto file = (dir / "open-loop.yaml").string();
    std::ofstream(file) << "name: open-loop\naccounts: {pattern: \"1{n}\", password: x}\n"
                           "phone:\n  - register\n  - loop: {steps: [{think: 1s}]}\n";
    EXPECT_FALSE(rs::load_scenario_file(file));
    rs::overrides o;
    EXPECT_FALSE(rs::load_scenario_file(file, o));
    o.duration = "10s";
    auto loaded = rs::load_scenario_file(file, o);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->load.duration, std::chrono::seconds(10));
    o.duration = "ten";
    auto bad = rs::load_scenario_file(file, o);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().front().file, "command line");
    std::filesystem::remove_all(dir);
}
