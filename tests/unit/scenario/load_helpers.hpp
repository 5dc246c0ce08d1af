#pragma once
// Shared by the scenario loader tests: load text that must compile (failing the test with
// every diagnostic otherwise) or must not (returning the diagnostics).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/scenario/scenario.hpp"

namespace loader_test {

namespace rs = ringstorm::scenario;

inline rs::scenario load_ok(const std::string& text) {
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

inline std::vector<rs::diagnostic> load_bad(const std::string& text) {
    auto r = rs::load_scenario_text(text, "t.yaml");
    EXPECT_FALSE(r.has_value()) << "the scenario loaded but should not have";
    return r ? std::vector<rs::diagnostic>{} : std::move(r).error();
}

inline std::string dump(const std::vector<rs::diagnostic>& ds) {
    std::string all;
    for (const auto& d : ds) {
        all += to_string(d) + "\n";
    }
    return all;
}

// The two lines every broken case starts with, so its errors are from line 3 on.
inline const std::string head =
    "name: t\naccounts: {pattern: \"1{n:04}\", password: secret}\n";

}  // namespace loader_test
