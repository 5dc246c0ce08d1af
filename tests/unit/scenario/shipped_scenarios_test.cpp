// Every scenario shipped in scenarios/ loads without a single diagnostic.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/scenario/scenario.hpp"

namespace rs = ringstorm::scenario;

TEST(shipped_scenarios, every_file_loads_clean) {
    const std::filesystem::path dir = std::filesystem::path(RINGSTORM_SOURCE_DIR) / "scenarios";
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".yaml") {
            continue;
        }
        ++count;
        auto r = rs::load_scenario_file(entry.path().string());
        std::string errors;
        if (!r) {
            for (const auto& d : r.error()) {
                errors += to_string(d) + "\n";
            }
        }
        EXPECT_TRUE(r.has_value()) << errors;
        if (r) {
            EXPECT_EQ(r->name + ".yaml", entry.path().filename().string())
                << "name the file after the scenario";
            EXPECT_FALSE(r->description.empty()) << entry.path();
            EXPECT_FALSE(r->thresholds.empty()) << entry.path();
        }
    }
    EXPECT_GE(count, 2U);
}

TEST(shipped_scenarios, soak_holds_registrations_until_the_end) {
    auto r =
        rs::load_scenario_file(std::string(RINGSTORM_SOURCE_DIR) + "/scenarios/register-soak.yaml");
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->load.duration.has_value());
    bool holds = false;
    for (const auto& s : r->phone) {
        const auto* loop = std::get_if<rs::loop_step>(&s.action);
        holds = holds || (loop != nullptr && loop->end == rs::loop_end::run_end);
    }
    EXPECT_TRUE(holds);
    EXPECT_TRUE(std::holds_alternative<rs::register_step>(r->phone.front().action));
}

TEST(shipped_scenarios, burst_ends_when_phones_finish) {
    auto r = rs::load_scenario_file(std::string(RINGSTORM_SOURCE_DIR) +
                                    "/scenarios/register-burst.yaml");
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->load.duration.has_value());
    EXPECT_GE(r->load.phones, 1000U);
    EXPECT_TRUE(r->load.rate.has_value());
}

namespace {

// The script's action steps in order (waits and thinks left out).
std::vector<std::string_view> actions_of(const rs::block& steps) {
    std::vector<std::string_view> out;
    for (const auto& s : steps) {
        const std::string_view name = rs::step_name(s.action);
        if (name != "think" && name != "expect" && name != "wait_call" && name != "wait_end") {
            out.push_back(name);
        }
    }
    return out;
}

rs::scenario shipped(const std::string& name) {
    auto r = rs::load_scenario_file(std::string(RINGSTORM_SOURCE_DIR) + "/scenarios/" + name);
    EXPECT_TRUE(r.has_value()) << name;
    return r ? std::move(*r) : rs::scenario{};
}

}  // namespace

TEST(shipped_scenarios, call_guide_walks_the_guides_flow_against_the_embedded_target) {
    const rs::scenario s = shipped("call-guide.yaml");
    EXPECT_FALSE(s.target.url.has_value());
    ASSERT_TRUE(s.target.calls.has_value());
    EXPECT_EQ(actions_of(s.phone),
              (std::vector<std::string_view>{"register", "answer", "hold", "unhold", "mute",
                                             "unmute", "dtmf", "hangup", "unregister"}));
}

TEST(shipped_scenarios, each_call_scenario_asks_the_target_for_its_behaviour) {
    using b = rs::target_call_behaviour;
    EXPECT_TRUE(shipped("call-cancel.yaml").target.calls->uses(b::target_cancel_while_ringing));
    EXPECT_TRUE(shipped("call-remote-hangup.yaml").target.calls->uses(b::answered_then_target_bye));
    const rs::scenario multitab = shipped("call-multitab.yaml");
    EXPECT_GE(multitab.accounts.tabs, 2U);
    EXPECT_TRUE(multitab.target.calls->fork);
}

// The proxy pair: callers dial exactly the callees' numbers.
TEST(shipped_scenarios, proxy_callers_dial_the_callees_accounts) {
    const rs::scenario callee = shipped("call-proxy-callee.yaml");
    const rs::scenario caller = shipped("call-proxy-caller.yaml");
    ASSERT_TRUE(callee.target.url && caller.target.url);
    const rs::call_step* call = nullptr;
    for (const auto& s : caller.phone) {
        call = call != nullptr ? call : std::get_if<rs::call_step>(&s.action);
    }
    ASSERT_NE(call, nullptr);
    for (std::uint64_t i = 0; i < caller.load.phones; ++i) {
        const std::string to = call->to.expand(caller.accounts.source.number(i) + call->offset);
        EXPECT_NE(to.find("sip:" + callee.accounts.source.at(i).user_name + "@"), std::string::npos)
            << to;
    }
}
