// The pacing timer's schedule with made-up instants: absolute due times, the slot each
// tick serves, and the catch-up rule after a stall.

#include "engine/media/slot_schedule.hpp"

#include <gtest/gtest.h>

namespace ringstorm::media {
namespace {

using namespace std::chrono_literals;

const core::time_point t0 = core::time_point{} + 1000s;

TEST(slot_schedule, ticks_are_due_every_millisecond_from_the_start_and_cycle_20_slots) {
    slot_schedule s(t0);
    for (int k = 0; k < 45; ++k) {
        EXPECT_EQ(s.due(), t0 + std::chrono::milliseconds(k));
        EXPECT_EQ(s.slot(), static_cast<std::size_t>(k % 20));
        s.advance();
    }
}

TEST(slot_schedule, lateness_under_one_period_is_caught_up_tick_by_tick) {
    slot_schedule s(t0);
    // Fired 15 ms late: nothing is skipped, the ticks behind follow one by one.
    EXPECT_EQ(s.catch_up(t0 + 15ms), 0u);
    EXPECT_EQ(s.due(), t0);
    EXPECT_EQ(s.catch_up(t0 + 19ms + 900us), 0u);
    EXPECT_EQ(s.tick(), 0u);
    EXPECT_EQ(s.catch_up(t0 - 1ms), 0u);  // early (a spurious wake-up): nothing to do
}

TEST(slot_schedule, a_stall_keeps_only_the_last_period_to_catch_up) {
    slot_schedule s(t0);
    s.advance();  // tick 1, due t0 + 1 ms
    const auto now = t0 + 1ms + 57ms + 300us;
    const auto skipped = s.catch_up(now);
    EXPECT_EQ(skipped, 38u);  // 57 behind, 19 kept
    EXPECT_EQ(s.tick(), 39u);
    EXPECT_EQ(s.due(), t0 + 39ms);  // still on the absolute grid: no drift
    EXPECT_EQ(s.slot(), 19u);
    // What remains, ticks 39..58, is one per slot: no endpoint is ticked twice in the burst.
    std::size_t remaining = 0;
    while (s.due() <= now) {
        ++remaining;
        s.advance();
    }
    EXPECT_EQ(remaining, 20u);
}

TEST(slot_schedule, exactly_one_period_late_skips_one_tick) {
    slot_schedule s(t0);
    EXPECT_EQ(s.catch_up(t0 + 20ms), 1u);
    EXPECT_EQ(s.due(), t0 + 1ms);
}

}  // namespace
}  // namespace ringstorm::media
