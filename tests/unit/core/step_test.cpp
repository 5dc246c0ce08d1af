#include "engine/core/step.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using ringstorm::core::all_steps;
using ringstorm::core::index;
using ringstorm::core::step;
using ringstorm::core::step_count;
using ringstorm::core::step_from_string;

TEST(step, names_are_those_of_the_interface_spec) {
    // The spelling users write in thresholds and dashboards query; changing one breaks them.
    const char* expected[] = {"ws_connect",
                              "tls_handshake",
                              "register",
                              "unregister",
                              "invite_to_incoming",
                              "answer_to_connected",
                              "answer_to_ack",
                              "hold",
                              "unhold",
                              "bye",
                              "cancel",
                              "ice",
                              "dtls_handshake",
                              "media_first_packet"};
    ASSERT_EQ(std::size(expected), step_count);
    for (std::size_t i = 0; i < step_count; ++i) {
        EXPECT_EQ(to_string(all_steps[i]), expected[i]);
        EXPECT_EQ(index(all_steps[i]), i);
    }
    EXPECT_EQ(to_string(step::register_), "register");
}

TEST(step, names_round_trip_and_are_distinct) {
    std::set<std::string> seen;
    for (step s : all_steps) {
        auto back = step_from_string(to_string(s));
        ASSERT_TRUE(back.has_value()) << to_string(s);
        EXPECT_EQ(*back, s);
        EXPECT_TRUE(seen.insert(std::string(to_string(s))).second);
    }
}

TEST(step, unknown_names_list_the_valid_ones) {
    for (const char* bad : {"", "Register", "register_", "registration", " bye", "ice "}) {
        auto r = step_from_string(bad);
        ASSERT_FALSE(r.has_value()) << bad;
        EXPECT_NE(r.error().find("unknown step '" + std::string(bad) + "'"), std::string::npos);
        EXPECT_NE(r.error().find("ws_connect, tls_handshake, register,"), std::string::npos);
        EXPECT_NE(r.error().find("media_first_packet)"), std::string::npos);
    }
}
