// summary.json read back with nlohmann and held against interface.md's schema
// `ringstorm.summary/1`, member by member.

#include "reporters/summary_json.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/step.hpp"

namespace ringstorm::reporters {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// The schema of interface.md with a value of the right type in every place. Maps whose
// keys are data (by_rule, by_kind, latency_seconds) have one example entry.
const json& schema_shape() {
    static const json shape = json::parse(R"({
      "schema": "ringstorm.summary/1", "scenario": "", "target": "",
      "started_at": "", "duration_seconds": 0.0, "verdict": "pass",
      "phones": {"planned": 0, "registered": 0, "failed": 0},
      "calls": {"offered": 0, "answered": 0, "completed": 0, "failed": 0},
      "contract": {"checked": 0, "passed": 0, "violations": 0, "by_rule": {"<rule-id>": 0},
                   "samples": [{"phone": "", "call_id": "", "rule": "", "expected": [""],
                                "observed": [""], "ladder": ""}]},
      "latency_seconds": {"<step>": {"count": 0, "min": 0, "p50": 0, "p90": 0, "p99": 0,
                                     "p999": 0, "max": 0}},
      "media": {"streams": 0, "packets_sent": 0, "packets_received": 0, "packets_lost": 0,
                "loss_ratio": 0, "jitter_seconds_p99": 0, "rtt_seconds_p50": 0, "mos_mean": 0,
                "srtp_auth_failures": 0},
      "protocol_errors": {"total": 0, "by_kind": {"<kind>": 0}},
      "thresholds": [{"metric": "", "condition": "", "value": 0, "passed": true}]
    })");
    return shape;
}

bool same_type(const json& a, const json& b) {
    if (a.is_number() || b.is_number()) {
        return a.is_number() && b.is_number();
    }
    return a.type() == b.type();
}

// Every member of `shape` is in `actual` with the same type, recursively; data-keyed maps
// (an example key in <>) have every entry shaped like the example.
void expect_shape(const json& actual, const json& shape, const std::string& path) {
    ASSERT_TRUE(same_type(actual, shape))
        << path << ": " << actual.type_name() << " instead of " << shape.type_name();
    if (shape.is_object()) {
        for (const auto& [key, sub] : shape.items()) {
            if (key.front() == '<') {
                for (const auto& [k, v] : actual.items()) {
                    expect_shape(v, sub, path + "." + k);
                }
                continue;
            }
            ASSERT_TRUE(actual.contains(key)) << path << "." << key << " is missing";
            expect_shape(actual.at(key), sub, path + "." + key);
        }
    } else if (shape.is_array()) {
        for (std::size_t i = 0; i < actual.size(); ++i) {
            expect_shape(actual[i], shape[0], path + "[" + std::to_string(i) + "]");
        }
    }
}

// The top-level member names in document order, duplicates included.
std::vector<std::string> top_level_keys(const std::string& text) {
    struct collector : nlohmann::json_sax<json> {
        std::vector<std::string> keys;
        int depth = 0;
        bool null() override { return true; }
        bool boolean(bool) override { return true; }
        bool number_integer(number_integer_t) override { return true; }
        bool number_unsigned(number_unsigned_t) override { return true; }
        bool number_float(number_float_t, const string_t&) override { return true; }
        bool string(string_t&) override { return true; }
        bool binary(binary_t&) override { return true; }
        bool start_object(std::size_t) override { return ++depth, true; }
        bool end_object() override { return --depth, true; }
        bool start_array(std::size_t) override { return ++depth, true; }
        bool end_array() override { return --depth, true; }
        bool key(string_t& k) override {
            if (depth == 1) {
                keys.push_back(k);
            }
            return true;
        }
        bool parse_error(std::size_t, const std::string&,
                         const nlohmann::detail::exception&) override {
            return false;
        }
    } sax;
    EXPECT_TRUE(json::sax_parse(text, &sax));
    return sax.keys;
}

run_report busy_report() {
    run_report r;
    r.scenario = "smoke";
    r.contract = "exotel-web-sdk-2.0.5";
    r.target = "wss://127.0.0.1:8443/ws";
    r.started_at = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h + 3min + 4s + 5ms;
    r.duration_seconds = 90.5;
    r.passed = false;
    r.totals.phones_planned = 3;
    r.totals.phones_registered = 2;
    r.totals.phones_failed = 1;
    r.totals.calls_offered = 4;
    r.totals.record(core::step::register_, 120ms);
    r.totals.record(core::step::register_, 80ms);
    r.totals.contract_checked = 3;
    r.totals.contract_passed = 2;
    r.totals.contract_violations.add("register.refused");
    r.totals.protocol_errors.add("unparsable", 2);
    r.totals.media_packets_received = 300;
    r.totals.media_packets_lost = 100;
    r.samples.push_back(contract_sample{"10001",
                                        "",
                                        "register.refused",
                                        {"sent_request", "registered"},
                                        {"sent_request", "unregistered"},
                                        "failures/10001.txt",
                                        "403 Forbidden"});
    r.thresholds.push_back(threshold_result{"register.p99", "< 0.2", 0.12, true});
    r.thresholds.push_back(threshold_result{"calls.failed_ratio", "< 0.01",
                                            std::numeric_limits<double>::quiet_NaN(), false});
    return r;
}

TEST(SummaryJson, EveryMemberOfTheSchemaIsThereInOrderWithItsType) {
    for (const run_report& r : {run_report{}, busy_report()}) {
        const std::string text = to_summary_json(r);
        const json doc = json::parse(text);
        expect_shape(doc, schema_shape(), "$");
        const std::vector<std::string> spec_order{
            "schema",           "scenario", "contract",        "target",    "started_at",
            "duration_seconds", "verdict",  "phones",          "calls",     "contract",
            "latency_seconds",  "media",    "protocol_errors", "thresholds"};
        std::vector<std::string> keys = top_level_keys(text);
        ASSERT_GE(keys.size(), spec_order.size());
        keys.resize(spec_order.size());  // extensions come after the schema's members
        EXPECT_EQ(keys, spec_order);
    }
}

TEST(SummaryJson, ValuesOfABusyRun) {
    const std::string text = to_summary_json(busy_report());
    const json doc = json::parse(text);
    EXPECT_EQ(doc["schema"], "ringstorm.summary/1");
    EXPECT_EQ(doc["scenario"], "smoke");
    EXPECT_EQ(doc["target"], "wss://127.0.0.1:8443/ws");
    EXPECT_EQ(doc["started_at"], "2024-05-01T12:03:04.005Z");
    EXPECT_EQ(doc["duration_seconds"], 90.5);
    EXPECT_EQ(doc["verdict"], "fail");
    // The profile is the first "contract" member; a reader keeping the last sees the section,
    // so the profile is also under contract_profile.
    EXPECT_NE(text.find("\"contract\": \"exotel-web-sdk-2.0.5\""), std::string::npos);
    EXPECT_EQ(doc["contract_profile"], "exotel-web-sdk-2.0.5");
    EXPECT_EQ(doc["phones"], (json{{"planned", 3}, {"registered", 2}, {"failed", 1}}));
    EXPECT_EQ(doc["calls"]["offered"], 4);
    const json& contract = doc["contract"];
    EXPECT_EQ(contract["checked"], 3);
    EXPECT_EQ(contract["passed"], 2);
    EXPECT_EQ(contract["violations"], 1);
    EXPECT_EQ(contract["by_rule"], (json{{"register.refused", 1}}));
    ASSERT_EQ(contract["samples"].size(), 1u);
    EXPECT_EQ(contract["samples"][0]["phone"], "10001");
    EXPECT_EQ(contract["samples"][0]["observed"], (json{"sent_request", "unregistered"}));
    EXPECT_EQ(contract["samples"][0]["ladder"], "failures/10001.txt");
    const json& reg = doc["latency_seconds"]["register"];
    EXPECT_EQ(reg["count"], 2);
    EXPECT_NEAR(reg["min"].get<double>(), 0.080, 0.080 / 100);
    EXPECT_NEAR(reg["max"].get<double>(), 0.120, 0.120 / 100);
    EXPECT_EQ(doc["protocol_errors"]["total"], 2);
    EXPECT_EQ(doc["protocol_errors"]["by_kind"], (json{{"unparsable", 2}}));
    EXPECT_DOUBLE_EQ(doc["media"]["loss_ratio"].get<double>(), 0.25);
    ASSERT_EQ(doc["thresholds"].size(), 2u);
    EXPECT_EQ(doc["thresholds"][0], (json{{"metric", "register.p99"},
                                          {"condition", "< 0.2"},
                                          {"value", 0.12},
                                          {"passed", true}}));
    // No data: 0, and the threshold fails.
    EXPECT_EQ(doc["thresholds"][1]["value"], 0);
    EXPECT_EQ(doc["thresholds"][1]["passed"], false);
}

TEST(SummaryJson, MediaFiguresOverCalls) {
    run_report r;
    core::stats& s = r.totals;
    s.media_streams = 4;
    s.media_packets_sent = 2000;
    s.media_packets_received = 1980;
    s.media_packets_lost = 20;
    s.media_srtp_auth_failures = 0;
    for (std::chrono::milliseconds j : {1ms, 2ms, 3ms, 12ms}) {
        s.media_jitter.record(j);
    }
    s.media_rtt.record(500us);
    s.media_rtt.record(700us);
    s.media_rtt.record(90ms);
    for (double mos : {4.4, 4.4, 4.2, 3.0}) {
        s.media_mos.record(mos);
    }
    const json media = json::parse(to_summary_json(r))["media"];
    EXPECT_EQ(media["streams"], 4);
    EXPECT_EQ(media["packets_sent"], 2000);
    EXPECT_EQ(media["packets_received"], 1980);
    EXPECT_EQ(media["packets_lost"], 20);
    EXPECT_DOUBLE_EQ(media["loss_ratio"].get<double>(), 0.01);
    EXPECT_NEAR(media["jitter_seconds_p99"].get<double>(), 0.012, 0.012 / 128);  // the worst call
    EXPECT_NEAR(media["rtt_seconds_p50"].get<double>(), 0.0007, 0.0007 / 128);
    EXPECT_NEAR(media["mos_mean"].get<double>(), 4.0, 1e-12);
    EXPECT_EQ(media["srtp_auth_failures"], 0);
    // Extensions: how many calls each figure is over, and a little more of each spread.
    EXPECT_EQ(media["jitter_samples"], 4);
    EXPECT_EQ(media["rtt_samples"], 3);
    EXPECT_EQ(media["mos_samples"], 4);
    EXPECT_NEAR(media["jitter_seconds_p50"].get<double>(), 0.002, 0.002 / 128);
    EXPECT_DOUBLE_EQ(media["mos_min"].get<double>(), 3.0);
}

TEST(SummaryJson, MediaEngineFiguresAreExtensionsInSeconds) {
    run_report r;
    core::stats& s = r.totals;
    for (int i = 1; i <= 200; ++i) {
        s.media_send_lateness.record(std::chrono::microseconds(10 * i));  // 10 µs … 2 ms
    }
    s.media_send_lateness.record(15ms);  // one stall
    s.media_ticks_skipped = 7;
    s.media_unroutable = 3;
    s.media_send_errors = 2;
    s.media_receive_errors = 5;
    s.media_socket_drops = 9;
    const json doc = json::parse(to_summary_json(r));
    const json& media = doc["media"];
    // 201 ticks: rank ceil(0.99 × 201) = 199 is the 1.99 ms tick; the stall is the max only.
    EXPECT_NEAR(media["send_lateness_seconds_p99"].get<double>(), 0.00199, 0.00199 / 128);
    EXPECT_DOUBLE_EQ(media["send_lateness_seconds_max"].get<double>(), 0.015);
    EXPECT_EQ(media["ticks_skipped"], 7);
    EXPECT_EQ(media["unroutable"], 3);
    EXPECT_EQ(media["send_errors"], 2);
    EXPECT_EQ(media["receive_errors"], 5);
    EXPECT_EQ(media["socket_drops"], 9);
    expect_shape(doc, schema_shape(), "");  // additions keep the schema's shape
}

TEST(SummaryJson, MediaWithoutSamplesIsZeroWithZeroSamples) {
    const json media = json::parse(to_summary_json(run_report{}))["media"];
    for (const char* key :
         {"streams", "packets_sent", "loss_ratio", "jitter_seconds_p99", "rtt_seconds_p50",
          "mos_mean", "jitter_samples", "rtt_samples", "mos_samples", "mos_min",
          "send_lateness_seconds_p99", "send_lateness_seconds_max", "ticks_skipped", "unroutable",
          "send_errors", "receive_errors", "socket_drops"}) {
        ASSERT_TRUE(media.contains(key)) << key;
        EXPECT_TRUE(media[key].is_number()) << key;
        EXPECT_EQ(media[key], 0) << key;
    }
}

TEST(SummaryJson, LatencyListsEveryStepEvenWithoutSamples) {
    const json doc = json::parse(to_summary_json(run_report{}));
    const json& latency = doc["latency_seconds"];
    EXPECT_EQ(latency.size(), core::step_count);
    for (core::step s : core::all_steps) {
        const std::string name(core::to_string(s));
        ASSERT_TRUE(latency.contains(name)) << name;
        for (const char* stat : {"count", "min", "p50", "p90", "p99", "p999", "max"}) {
            EXPECT_EQ(latency[name][stat], 0) << name << "." << stat;
        }
    }
}

TEST(SummaryJson, AnEmptyRunIsAllZeroAndEmpty) {
    const json doc = json::parse(to_summary_json(run_report{}));
    EXPECT_EQ(doc["verdict"], "fail");
    EXPECT_EQ(doc["contract"]["by_rule"], json::object());
    EXPECT_EQ(doc["contract"]["samples"], json::array());
    EXPECT_EQ(doc["protocol_errors"]["by_kind"], json::object());
    EXPECT_EQ(doc["thresholds"], json::array());
    EXPECT_EQ(doc["media"]["loss_ratio"], 0);  // nothing expected: zero, not NaN
    EXPECT_EQ(doc["aborted"], false);
    EXPECT_EQ(doc["abort_reason"], "");
}

TEST(SummaryJson, NaNAndInfinityNeverReachTheDocument) {
    run_report r;
    r.duration_seconds = std::numeric_limits<double>::infinity();
    r.thresholds.push_back(
        threshold_result{"x", "< 1", std::numeric_limits<double>::infinity(), true});
    const std::string text = to_summary_json(r);
    EXPECT_EQ(text.find("nan"), std::string::npos);
    EXPECT_EQ(text.find("null"), std::string::npos);
    const json doc = json::parse(text);
    EXPECT_EQ(doc["duration_seconds"], 0);
    EXPECT_EQ(doc["thresholds"][0]["value"], 0);
    EXPECT_EQ(doc["thresholds"][0]["passed"], false);
}

TEST(SummaryJson, PassAbortAndBytesThatAreNotUtf8) {
    run_report r;
    r.passed = true;
    r.aborted = true;
    r.abort_reason = "interrupted twice";
    r.samples.push_back(contract_sample{"user\xff", "", "register.sequence", {}, {}, "", ""});
    const json doc = json::parse(to_summary_json(r));
    EXPECT_EQ(doc["verdict"], "pass");
    EXPECT_EQ(doc["aborted"], true);
    EXPECT_EQ(doc["abort_reason"], "interrupted twice");
    EXPECT_EQ(doc["contract"]["samples"][0]["phone"], "user\xEF\xBF\xBD");  // U+FFFD
}

}  // namespace
}  // namespace ringstorm::reporters
