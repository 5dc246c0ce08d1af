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
