// `ringstorm run` with calls, end to end in process: phones over WSS against the embedded
// target placing calls per the scenario's target.calls, the call steps driving the tabs,
// then the verdict, the figures and the --events lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/app/run_options.hpp"
#include "tests/unit/app/run_helpers.hpp"

namespace ringstorm::app {
namespace {

using run_test::events_of;
using run_test::fresh_dir;
using run_test::options_for;
using run_test::read_all;
using run_test::summary_of;
using run_test::write_scenario;
using json = nlohmann::json;
namespace fs = std::filesystem;

// The call events of each phone's tab ("phone#tab"), in order.
std::map<std::string, std::vector<std::string>> events_by_tab(const std::vector<json>& events,
                                                              const std::string& callback) {
    std::map<std::string, std::vector<std::string>> out;
    for (const json& e : events) {
        if (e["cb"] == callback) {
            out[e["phone"].get<std::string>() + "#" + std::to_string(e["tab"].get<int>())]
                .push_back(e["event"]);
        }
    }
    return out;
}

std::string label(const std::string& profile) {
    return profile == "documented" ? "documented" : "sdk_2_0_5";
}

std::string profile_label(const ::testing::TestParamInfo<std::string>& info) {
    return label(info.param);
}

// The guide's flow: register, a call comes in, answer, hold/unhold, mute/unmute, DTMF,
// hang up, unregister. The target waits for the phone's BYE (phone_hangs_up).
const char* const guide = R"(name: call-guide-test
accounts: {pattern: "61{n:02}", password: secret}
target:
  calls: {after: 1s, behaviour: phone_hangs_up, talk_time: 10s}
load: {phones: 3, rate: 20}
thresholds:
  - phones.failed == 0
  - contract.violations == 0
phone:
  - register
  - expect: {event: registered, within: 5s}
  - wait_call: {within: 5s}
  - expect: {event: call:incoming, within: 1s}
  - answer
  - expect: {event: call:connected, within: 5s}
  - think: 500ms              # talk (under 2.0.5 connected comes before the ACK)
  - hold
  - think: 200ms
  - unhold
  - think: 200ms
  - mute
  - unmute
  - dtmf: {digits: "1#", gap: 50ms}
  - think: 200ms
  - hangup
  - expect: {event: call:callEnded, within: 2s}
  - think: 300ms              # 2.0.5 closes its WebSocket at unregister: let the BYE's 200 in
  - unregister
  - expect: {event: unregistered, within: 5s}
)";

class call_run_profiles : public ::testing::TestWithParam<std::string> {};

TEST_P(call_run_profiles, the_guide_flow_passes_with_zero_violations) {
    fs::path dir = fresh_dir("call_guide_" + label(GetParam()));
    run_options o = options_for(dir, write_scenario(dir, guide));
    o.overrides.contract = GetParam();
    ASSERT_EQ(run_command(o), 0) << read_all(dir / "out" / "summary.json");

    json summary = summary_of(dir);
    EXPECT_EQ(summary["verdict"], "pass");
    EXPECT_EQ(summary["contract"]["violations"], 0);
    EXPECT_EQ(summary["phones"]["failed"], 0);
    EXPECT_EQ(summary["calls"]["offered"], 3);
    EXPECT_EQ(summary["calls"]["answered"], 3);
    EXPECT_EQ(summary["calls"]["completed"], 3);
    EXPECT_EQ(summary["calls"]["failed"], 0);
    for (const char* step :
         {"invite_to_incoming", "answer_to_connected", "answer_to_ack", "hold", "unhold", "bye"}) {
        EXPECT_EQ(summary["latency_seconds"][step]["count"], 3) << step;
    }

    // Every call event names its call; each phone saw one call, in the guide's order.
    std::vector<json> events = events_of(dir);
    std::set<std::string> call_ids;
    for (const json& e : events) {
        if (e["cb"] == "call") {
            EXPECT_FALSE(e["call_id"].get<std::string>().empty()) << e.dump();
            call_ids.insert(e["call_id"]);
        } else {
            EXPECT_EQ(e["call_id"], "") << e.dump();
        }
    }
    EXPECT_EQ(call_ids.size(), 3U);
    auto calls = events_by_tab(events, "call");
    ASSERT_EQ(calls.size(), 3U);
    for (const auto& [tab, names] : calls) {
        EXPECT_EQ(names, (std::vector<std::string>{"incoming", "connected", "callEnded"})) << tab;
    }
}

// The far side hangs up: wait_end sees the call end, with the profile's end event.
TEST_P(call_run_profiles, a_remote_hangup_ends_the_call_for_wait_end) {
    const bool sdk = GetParam() != "documented";
    fs::path dir = fresh_dir("call_remote_bye_" + label(GetParam()));
    run_options o = options_for(dir, write_scenario(dir, std::string(R"(name: remote-bye
accounts: {pattern: "62{n:02}", password: secret}
target:
  calls: {after: 1s, behaviour: answered_then_target_bye, talk_time: 600ms}
load: {phones: 2, rate: 20}
thresholds: [phones.failed == 0]
phone:
  - register
  - expect: {event: registered, within: 5s}
  - wait_call: {within: 5s}
  - answer
  - wait_end: {within: 5s}
  - expect: {event: call:)") + (sdk ? "callEnded" : "terminated") +
                                                             R"(, within: 1s}
  - unregister
  - expect: {event: unregistered, within: 5s}
)"));
    o.overrides.contract = GetParam();
    ASSERT_EQ(run_command(o), 0) << read_all(dir / "out" / "summary.json");
    json summary = summary_of(dir);
    EXPECT_EQ(summary["contract"]["violations"], 0);
    EXPECT_EQ(summary["calls"]["answered"], 2);
    EXPECT_EQ(summary["calls"]["completed"], 2);
    EXPECT_EQ(summary["latency_seconds"]["bye"]["count"], 0) << "the target sent the BYE";
    for (const auto& [tab, names] : events_by_tab(events_of(dir), "call")) {
        EXPECT_EQ(names, (std::vector<std::string>{"incoming", "connected",
                                                   sdk ? "callEnded" : "terminated"}))
            << tab;
    }
}

INSTANTIATE_TEST_SUITE_P(profiles, call_run_profiles,
                         ::testing::Values(std::string("documented"),
                                           std::string("exotel-web-sdk-2.0.5")),
                         profile_label);

TEST(call_run, a_rejected_call_ends_with_call_ended_and_is_never_answered) {
    fs::path dir = fresh_dir("call_reject");
    run_options o = options_for(dir, write_scenario(dir, R"(name: reject
accounts: {pattern: "63{n:02}", password: secret}
target:
  calls: {after: 1s, talk_time: 5s}
load: {phones: 2, rate: 20}
thresholds: [phones.failed == 0]
phone:
  - register
  - expect: {event: registered, within: 5s}
  - wait_call: {within: 5s}
  - reject
  - expect: {event: call:callEnded, within: 1s}
  - unregister
  - expect: {event: unregistered, within: 5s}
)"));
    ASSERT_EQ(run_command(o), 0) << read_all(dir / "out" / "summary.json");
    json summary = summary_of(dir);
    EXPECT_EQ(summary["contract"]["violations"], 0);
    EXPECT_EQ(summary["calls"]["offered"], 2);
    EXPECT_EQ(summary["calls"]["answered"], 0);
    for (const auto& [tab, names] : events_by_tab(events_of(dir), "call")) {
        EXPECT_EQ(names, (std::vector<std::string>{"incoming", "callEnded"})) << tab;
    }
}

TEST(call_run, the_target_cancels_a_ringing_call) {
    fs::path dir = fresh_dir("call_cancel");
    run_options o = options_for(dir, write_scenario(dir, R"(name: cancel
accounts: {pattern: "64{n:02}", password: secret}
target:
  calls: {after: 1s, behaviour: target_cancel_while_ringing, cancel_after: 300ms}
load: {phones: 2, rate: 20}
thresholds: [phones.failed == 0]
phone:
  - register
  - expect: {event: registered, within: 5s}
  - wait_call: {within: 5s}
  - wait_end: {within: 5s}
  - expect: {event: call:terminated, within: 1s}
  - unregister
  - expect: {event: unregistered, within: 5s}
)"));
    ASSERT_EQ(run_command(o), 0) << read_all(dir / "out" / "summary.json");
    json summary = summary_of(dir);
    EXPECT_EQ(summary["contract"]["violations"], 0);
    EXPECT_EQ(summary["calls"]["answered"], 0);
    for (const auto& [tab, names] : events_by_tab(events_of(dir), "call")) {
        EXPECT_EQ(names, (std::vector<std::string>{"incoming", "terminated"})) << tab;
    }
}

// Two tabs: the call rings on both, tab 0 answers, tab 1 gets CANCEL "completed elsewhere";
// the BroadcastChannel gives each tab the other's events; when the parent closes, the
// child re-registers.
TEST(call_run, a_forked_call_is_answered_on_one_tab_and_the_others_hear_of_it) {
    fs::path dir = fresh_dir("call_multitab");
    run_options o = options_for(dir, write_scenario(dir, R"(name: multitab
accounts: {pattern: "65{n:02}", password: secret, tabs: 2}
target:
  calls: {after: 1s, behaviour: phone_hangs_up, talk_time: 10s, fork: true}
load: {phones: 2, rate: 20}
thresholds: [phones.failed == 0]
phone:
  - register
  - expect: {event: registered, within: 5s}
  - wait_call: {within: 5s}
  - expect: {event: session:incoming, within: 2s}
  - answer
  - expect: {event: call:connected, within: 5s}
  - expect: {event: session:connected, within: 2s}
  - think: 200ms
  - hangup
  - expect: {event: session:callEnded, within: 2s}
  - close_tab: 0
  - expect: {event: session:re-register, within: 1s}
  - expect: {event: registered, within: 5s}
  - unregister
  - expect: {event: unregistered, within: 5s}
)"));
    ASSERT_EQ(run_command(o), 0) << read_all(dir / "out" / "summary.json");
    json summary = summary_of(dir);
    EXPECT_EQ(summary["contract"]["violations"], 0);
    EXPECT_EQ(summary["phones"]["failed"], 0);
    EXPECT_EQ(summary["calls"]["answered"], 2);

    std::vector<json> events = events_of(dir);
    auto calls = events_by_tab(events, "call");
    auto sessions = events_by_tab(events, "session");
    for (const std::string phone : {"6501", "6502"}) {
        EXPECT_EQ(calls[phone + "#0"],
                  (std::vector<std::string>{"incoming", "connected", "callEnded"}))
            << phone;
        // The losing tab: the call rang, then the target's CANCEL ended it (documented:
        // terminated, which is not posted on the channel).
        EXPECT_EQ(calls[phone + "#1"], (std::vector<std::string>{"incoming", "terminated"}))
            << phone;
        const auto& child = sessions[phone + "#1"];
        for (const char* name : {"incoming", "connected", "callEnded", "re-register"}) {
            EXPECT_NE(std::find(child.begin(), child.end(), name), child.end())
                << phone << " tab 1 lacks session " << name;
        }
        EXPECT_EQ(sessions[phone + "#0"], (std::vector<std::string>{"incoming"})) << phone;
    }
}

// An ACK-less target: the phone's 2xx is never acknowledged, it sends BYE after 64·T1
// (32 s) and the verdict names call.no_ack, with the call's Call-ID and its ladder.
TEST(call_run, a_target_that_never_acks_gives_call_no_ack) {
    fs::path dir = fresh_dir("call_no_ack");
    run_options o = options_for(dir, write_scenario(dir, R"(name: no-ack
accounts: {pattern: "66{n:02}", password: secret}
target:
  calls: {after: 1s, behaviour: no_ack, talk_time: 40s}
load: {phones: 1}
thresholds: [phones.failed == 0]
phone:
  - register
  - expect: {event: registered, within: 5s}
  - wait_call: {within: 5s}
  - answer
  - wait_end: {within: 40s}
  - unregister
)"));
    ASSERT_EQ(run_command(o), 1);
    json summary = summary_of(dir);
    EXPECT_EQ(summary["verdict"], "fail");
    EXPECT_EQ(summary["contract"]["by_rule"]["call.no_ack"], 1) << summary["contract"].dump();
    EXPECT_EQ(summary["calls"]["failed"], 1);
    ASSERT_FALSE(summary["contract"]["samples"].empty());
    const json& sample = summary["contract"]["samples"][0];
    EXPECT_EQ(sample["rule"], "call.no_ack");
    EXPECT_FALSE(sample["call_id"].get<std::string>().empty());
    std::string ladder = read_all(dir / "out" / sample["ladder"].get<std::string>());
    EXPECT_NE(ladder.find("-> no_ack"), std::string::npos) << ladder;
    EXPECT_NE(ladder.find("BYE sip:"), std::string::npos) << ladder;
}

// A step that does not apply fails the phone with its line and the tab's reason.
TEST(call_run, a_command_without_a_call_fails_the_phone_at_its_line) {
    fs::path dir = fresh_dir("call_refused");
    run_options o = options_for(dir, write_scenario(dir, R"(name: refused
accounts: {pattern: "67{n:02}", password: secret}
target:
  calls: {after: 10s}
load: {phones: 1}
thresholds: [phones.failed == 0]
phone:
  - register
  - expect: {event: registered, within: 5s}
  - hold
  - unregister
)"));
    ASSERT_EQ(run_command(o), 1);
    json summary = summary_of(dir);
    EXPECT_EQ(summary["phones"]["failed"], 1);
    std::string text = read_all(dir / "out" / "failures" / "6701.txt");
    EXPECT_NE(text.find("failed: line 10: hold: "), std::string::npos) << text;
}

// The run's end cuts a top-level wait_call: the flat script's call steps after it have no
// call to act on and are skipped, its call expects are not owed, the unregister still runs
// and is still judged.
TEST(call_run, the_run_ending_during_wait_call_does_not_fail_the_phones) {
    fs::path dir = fresh_dir("call_cut");
    run_options o = options_for(dir, write_scenario(dir, R"(name: cut
accounts: {pattern: "68{n:02}", password: secret}
target:
  calls: {after: 30s}
load: {phones: 2, rate: 20, duration: 1s}
thresholds: [phones.failed == 0]
phone:
  - register
  - expect: {event: registered, within: 5s}
  - wait_call: {within: 30s}
  - answer
  - expect: {event: "call:connected", within: 5s}
  - hangup
  - expect: {event: "call:callEnded", within: 5s}
  - unregister
  - expect: {event: unregistered, within: 5s}
)"));
    ASSERT_EQ(run_command(o), 0) << read_all(dir / "out" / "summary.json");
    json summary = summary_of(dir);
    EXPECT_EQ(summary["phones"]["failed"], 0);
    EXPECT_EQ(summary["calls"]["offered"], 0);
    EXPECT_EQ(summary["latency_seconds"]["unregister"]["count"], 2);
}

}  // namespace
}  // namespace ringstorm::app
