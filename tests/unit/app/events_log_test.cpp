// --events: one JSON object per SDK callback, whole lines, escaped text.
#include "engine/app/events_log.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace ringstorm::app {
namespace {

std::string read_all(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

TEST(events_log, writes_one_parsable_line_per_event_in_the_interface_shape) {
    std::string path = testing::TempDir() + "events_log_test.jsonl";
    core::run_clock clock;
    {
        auto log = events_log::open(path);
        ASSERT_TRUE(log) << log.error();
        events_buffer buffer(log->get(), clock);
        buffer.add(clock.start() + std::chrono::milliseconds(1500), "10001", 0, "register",
                   "registered", "");
        buffer.add(clock.start() + std::chrono::seconds(2), "we\"ird\\\n", 3, "call", "incoming",
                   "abc@x");
    }
    std::istringstream lines(read_all(path));
    std::string line;
    std::vector<nlohmann::json> parsed;
    while (std::getline(lines, line)) {
        parsed.push_back(nlohmann::json::parse(line));
    }
    ASSERT_EQ(parsed.size(), 2u);
    EXPECT_DOUBLE_EQ(parsed[0]["t"].get<double>(), 1.5);
    EXPECT_EQ(parsed[0]["phone"], "10001");
    EXPECT_EQ(parsed[0]["tab"], 0);
    EXPECT_EQ(parsed[0]["cb"], "register");
    EXPECT_EQ(parsed[0]["event"], "registered");
    EXPECT_EQ(parsed[0]["call_id"], "");
    EXPECT_EQ(parsed[1]["phone"], "we\"ird\\\n");
    EXPECT_EQ(parsed[1]["tab"], 3);
    EXPECT_EQ(parsed[1]["call_id"], "abc@x");
    std::remove(path.c_str());
}

TEST(events_log, open_names_the_file_it_cannot_write) {
    auto log = events_log::open("/nonexistent-dir/events.jsonl");
    ASSERT_FALSE(log);
    EXPECT_NE(log.error().find("/nonexistent-dir/events.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace ringstorm::app
