#pragma once
// Shared by the in-process `ringstorm run` tests: a fresh directory per test, the scenario
// written into it, the options that put every report there, and the reports read back.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/app/run_options.hpp"

namespace run_test {

namespace fs = std::filesystem;

inline std::string read_all(const fs::path& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// A fresh directory per test under the gtest temp dir.
inline fs::path fresh_dir(const std::string& name) {
    // The pid keeps two builds' test runs (release and asan in CI, a developer's) apart.
    fs::path dir = fs::path(testing::TempDir()) /
                   ("ringstorm_run_test_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

inline fs::path write_scenario(const fs::path& dir, const std::string& text) {
    fs::path file = dir / "scenario.yaml";
    std::ofstream(file) << text;
    return file;
}

// Reports in DIR/out, events in DIR/events.jsonl, two threads, quiet.
inline ringstorm::app::run_options options_for(const fs::path& dir, const fs::path& scenario) {
    ringstorm::app::run_options o;
    o.scenario_file = scenario.string();
    o.out_dir = (dir / "out").string();
    o.events_file = (dir / "events.jsonl").string();
    o.quiet = true;
    o.overrides.threads = "2";
    return o;
}

inline nlohmann::json summary_of(const fs::path& dir) {
    return nlohmann::json::parse(read_all(dir / "out" / "summary.json"));
}

// Every line of the --events file, parsed.
inline std::vector<nlohmann::json> events_of(const fs::path& dir) {
    std::istringstream lines(read_all(dir / "events.jsonl"));
    std::string line;
    std::vector<nlohmann::json> out;
    while (std::getline(lines, line)) {
        out.push_back(nlohmann::json::parse(line));
    }
    return out;
}

}  // namespace run_test
