#include "engine/core/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/core/clock.hpp"

using namespace std::chrono_literals;
using namespace ringstorm::core;

namespace {

schedule make(load_profile p) {
    auto s = schedule::make(std::move(p));
    EXPECT_TRUE(s.has_value()) << (s.has_value() ? "" : s.error());
    return std::move(s).value();
}

load_profile rate_profile(std::uint64_t phones, double rate, duration d = 0s) {
    load_profile p;
    p.phones = phones;
    p.rate = rate;
    p.run_duration = d;
    return p;
}

load_profile stages_profile(std::vector<stage> stages) {
    load_profile p;
    p.stages = std::move(stages);
    return p;
}

std::string error_of(load_profile p) {
    auto e = p.validate();
    EXPECT_TRUE(e.has_value());
    auto s = schedule::make(std::move(p));
    EXPECT_FALSE(s.has_value());
    return e.value_or("");
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Checks due_by, active_at and windows against one another by brute force over phones,
// at every `step` of the run and just around every window edge.
void expect_consistent(const schedule& s, duration step, duration horizon) {
    std::vector<std::vector<window>> all;
    std::vector<duration> probes;
    for (duration t = 0s; t <= horizon; t += step) {
        probes.push_back(t);
    }
    for (std::uint64_t i = 0; i < s.planned(); ++i) {
        all.push_back(s.windows(i));
        ASSERT_FALSE(all.back().empty()) << "phone " << i << " never runs";
        EXPECT_EQ(all.back().front().start, s.due_start(i)) << i;
        if (i > 0) {
            EXPECT_GE(s.due_start(i), s.due_start(i - 1)) << i;
        }
        for (std::size_t k = 0; k < all.back().size(); ++k) {
            const window& w = all.back()[k];
            EXPECT_LT(w.start, w.stop) << i;
            if (k > 0) {
                EXPECT_LT(all.back()[k - 1].stop, w.start) << i;  // sorted, not touching
            }
            for (duration t : {w.start - 1ns, w.start, w.stop - 1ns, w.stop}) {
                probes.push_back(t);
            }
        }
    }
    for (duration t : probes) {
        std::uint64_t due = 0;
        std::uint64_t active = 0;
        for (std::uint64_t i = 0; i < s.planned(); ++i) {
            due += s.due_start(i) <= t ? 1 : 0;
            for (const window& w : all[i]) {
                active += (w.start <= t && t < w.stop) ? 1 : 0;
            }
        }
        ASSERT_EQ(s.due_by(t), due) << "t=" << t.count();
        ASSERT_EQ(s.active_at(t), active) << "t=" << t.count();
    }
}

}  // namespace

TEST(schedule, constant_rate_spaces_phones_by_one_over_rate) {
    auto s = make(rate_profile(10, 2, 60s));
    EXPECT_EQ(s.planned(), 10u);
    EXPECT_EQ(s.length(), 60s);
    for (std::uint64_t i = 0; i < 10; ++i) {
        EXPECT_EQ(s.due_start(i), std::chrono::milliseconds(500 * i)) << i;
    }
    EXPECT_EQ(s.due_start(10), schedule::unbounded);
    EXPECT_EQ(s.due_by(-1ns), 0u);
    EXPECT_EQ(s.due_by(0s), 1u);
    EXPECT_EQ(s.due_by(499ms), 1u);
    EXPECT_EQ(s.due_by(500ms), 2u);
    EXPECT_EQ(s.due_by(4500ms), 10u);
    EXPECT_EQ(s.due_by(1h), 10u);
    EXPECT_EQ(s.active_at(4s), 9u);
    EXPECT_EQ(s.active_at(59s), 10u);
    EXPECT_EQ(s.active_at(60s), 0u);  // the run is over
    auto w = s.windows(3);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].start, 1500ms);
    EXPECT_EQ(w[0].stop, 60s);
    EXPECT_TRUE(s.windows(10).empty());
}

TEST(schedule, constant_rate_without_duration_is_open_ended) {
    auto s = make(rate_profile(3, 1000));
    EXPECT_EQ(s.length(), schedule::unbounded);
    EXPECT_EQ(s.due_start(2), 2ms);
    EXPECT_EQ(s.windows(2)[0].stop, schedule::unbounded);
    EXPECT_EQ(s.active_at(10h), 3u);
}

TEST(schedule, fractional_rates_round_to_the_nanosecond_consistently) {
    auto s = make(rate_profile(1000, 3, 1h));
    EXPECT_EQ(s.due_start(1), 333'333'333ns);
    EXPECT_EQ(s.due_start(2), 666'666'667ns);
    EXPECT_EQ(s.due_start(3), 1s);
    for (std::uint64_t i = 0; i < 1000; ++i) {
        ASSERT_EQ(s.due_by(s.due_start(i)), i + 1) << i;
        ASSERT_EQ(s.due_by(s.due_start(i) - 1ns), i) << i;
    }
}

TEST(schedule, rate_profiles_are_validated) {
    EXPECT_TRUE(contains(error_of(load_profile{}), "no load"));
    EXPECT_TRUE(contains(error_of(rate_profile(0, 5)), "phones must be at least 1"));
    EXPECT_TRUE(contains(error_of(rate_profile(10, 0)), "rate must be"));
    EXPECT_TRUE(contains(error_of(rate_profile(10, -2)), "(got -2)"));
    EXPECT_TRUE(contains(error_of(rate_profile(10, std::nan(""))), "rate must be"));
    EXPECT_TRUE(contains(error_of(rate_profile(10, 1.0 / 0.0)), "rate must be"));
    EXPECT_TRUE(contains(error_of(rate_profile(10, 1, -1s)), "duration must not be negative"));
    auto slow = error_of(rate_profile(1000, 10, 60s));
    EXPECT_TRUE(contains(slow, "takes 99900ms")) << slow;  // to start the last one
    EXPECT_TRUE(contains(slow, "duration is 1m")) << slow;
    EXPECT_TRUE(contains(error_of(rate_profile(1'000'000'000, 1e-3)), "100 days"));
    EXPECT_FALSE(rate_profile(1000, 10, 100s).validate().has_value());  // last due at 99.9 s
}

TEST(schedule, stages_ramp_up_hold_and_down_like_k6) {
    auto s = make(stages_profile({{10s, 10}, {20s, 10}, {10s, 0}}));
    EXPECT_EQ(s.planned(), 10u);
    EXPECT_EQ(s.length(), 40s);
    for (std::uint64_t i = 0; i < 10; ++i) {
        EXPECT_EQ(s.due_start(i), std::chrono::seconds(i)) << i;
        auto w = s.windows(i);
        ASSERT_EQ(w.size(), 1u);
        // The ramp down stops the last started first: phone 9 at 31 s, phone 0 at 40 s.
        EXPECT_EQ(w[0].stop, std::chrono::seconds(40 - i)) << i;
    }
    EXPECT_EQ(s.due_by(5s), 6u);
    EXPECT_EQ(s.active_at(5s), 6u);
    EXPECT_EQ(s.active_at(15s), 10u);
    EXPECT_EQ(s.active_at(35s), 5u);
    EXPECT_EQ(s.active_at(40s), 0u);
    expect_consistent(s, 250ms, 41s);
}

TEST(schedule, a_phone_can_run_again_when_a_ramp_comes_back_up) {
    auto s = make(stages_profile({{10s, 10}, {10s, 0}, {10s, 5}}));
    EXPECT_EQ(s.planned(), 10u);
    auto w2 = s.windows(2);
    ASSERT_EQ(w2.size(), 2u);
    EXPECT_EQ(w2[0].start, 2s);
    EXPECT_EQ(w2[0].stop, 18s);
    EXPECT_EQ(w2[1].start, 24s);
    EXPECT_EQ(w2[1].stop, 30s);
    // Phone 0 reaches the bottom of the ramp just as the next one starts: it runs on.
    auto w0 = s.windows(0);
    ASSERT_EQ(w0.size(), 1u);
    EXPECT_EQ(w0[0].start, 0s);
    EXPECT_EQ(w0[0].stop, 30s);
    auto w7 = s.windows(7);
    ASSERT_EQ(w7.size(), 1u);
    EXPECT_EQ(w7[0].start, 7s);
    EXPECT_EQ(w7[0].stop, 13s);
    EXPECT_EQ(s.due_by(25s), 10u);  // due_by counts first starts only
    EXPECT_EQ(s.active_at(25s), 3u);
    expect_consistent(s, 100ms, 31s);
}

TEST(schedule, holds_and_jumps_between_ramps) {
    auto s = make(stages_profile({{10s, 5}, {10s, 5}, {10s, 10}}));
    EXPECT_EQ(s.due_start(4), 8s);
    EXPECT_EQ(s.due_start(5), 20s);  // waits for the second ramp
    EXPECT_EQ(s.due_by(15s), 5u);
    expect_consistent(s, 100ms, 31s);

    auto jump = make(stages_profile({{0s, 5}, {10s, 5}, {0s, 8}, {5s, 8}, {0s, 2}, {5s, 2}}));
    EXPECT_EQ(jump.planned(), 8u);
    EXPECT_EQ(jump.length(), 20s);
    EXPECT_EQ(jump.due_start(4), 0s);
    EXPECT_EQ(jump.due_start(5), 10s);
    EXPECT_EQ(jump.active_at(0s), 5u);
    EXPECT_EQ(jump.active_at(12s), 8u);
    EXPECT_EQ(jump.active_at(15s), 2u);
    auto w6 = jump.windows(6);
    ASSERT_EQ(w6.size(), 1u);
    EXPECT_EQ(w6[0].start, 10s);
    EXPECT_EQ(w6[0].stop, 15s);
    expect_consistent(jump, 500ms, 21s);
}

TEST(schedule, uneven_ramps_stay_consistent) {
    expect_consistent(make(stages_profile({{7s, 13}, {3s, 2}, {11s, 29}, {1s, 0}})), 37ms, 23s);
    expect_consistent(make(rate_profile(97, 7.3, 20s)), 13ms, 21s);
}

TEST(schedule, stages_are_validated) {
    EXPECT_TRUE(contains(error_of(stages_profile({{10s, 0}})), "every stage target is 0"));
    EXPECT_TRUE(contains(error_of(stages_profile({{0s, 10}})), "last 0s"));
    EXPECT_TRUE(contains(error_of(stages_profile({{10s, 5}, {-1s, 3}})),
                         "stages[1].duration must not be negative"));
    EXPECT_TRUE(contains(error_of(stages_profile({{2400h, 5}, {1s, 3}})), "100 days"));
    auto with_rate = stages_profile({{10s, 5}});
    with_rate.rate = 5;
    EXPECT_TRUE(contains(error_of(with_rate), "rate and stages exclude each other"));
    auto with_duration = stages_profile({{10s, 5}});
    with_duration.run_duration = 1min;
    EXPECT_TRUE(contains(error_of(with_duration), "duration and stages exclude each other"));
    auto with_phones = stages_profile({{10s, 5}});
    with_phones.phones = 5;
    EXPECT_TRUE(contains(error_of(with_phones), "phones and stages exclude each other"));
}

TEST(schedule, shards_parse_with_clear_errors) {
    auto s = parse_shard("2/4");
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->index, 2u);
    EXPECT_EQ(s->count, 4u);
    EXPECT_TRUE(parse_shard("0/1").has_value());
    EXPECT_TRUE(contains(parse_shard("4/4").error(), "out of range for 4 shards (use 0 to 3)"));
    EXPECT_TRUE(contains(parse_shard("0/0").error(), "N must be at least 1"));
    for (const char* bad :
         {"", "3", "/4", "1/", "a/4", "1/4x", "-1/4", "1 /4", "1/4/2", "99999999999999999999/1"}) {
        auto r = parse_shard(bad);
        ASSERT_FALSE(r.has_value()) << bad;
        EXPECT_TRUE(contains(r.error(), "is not I/N")) << bad;
    }
}

TEST(schedule, shards_and_workers_cover_every_phone_exactly_once) {
    for (std::uint64_t planned : {0u, 1u, 7u, 100u, 1001u}) {
        for (std::uint64_t shards : {1u, 2u, 3u, 7u}) {
            std::vector<int> seen(planned, 0);
            for (std::uint64_t i = 0; i < shards; ++i) {
                phone_range mine = shard_phones(planned, shard{i, shards});
                for (std::uint64_t workers : {1u, 2u, 3u, 4u}) {
                    std::uint64_t total = 0;
                    for (std::uint64_t w = 0; w < workers; ++w) {
                        phone_range part = worker_phones(mine, w, workers);
                        // h2load's spread: the first (count % workers) take one more.
                        std::uint64_t expected =
                            mine.count / workers + (w < mine.count % workers ? 1 : 0);
                        ASSERT_EQ(part.count, expected);
                        for (std::uint64_t k = 0; k < part.count; ++k) {
                            ASSERT_TRUE(mine.contains(part.at(k)));
                            ASSERT_EQ(part.at(k) % shards, i);  // phones I, I+N, I+2N…
                            if (workers == 3) {
                                ++seen.at(part.at(k));
                            }
                        }
                        total += part.count;
                    }
                    ASSERT_EQ(total, mine.count);
                }
            }
            for (std::uint64_t p = 0; p < planned; ++p) {
                ASSERT_EQ(seen[p], 1)
                    << "phone " << p << " of " << planned << ", " << shards << " shards";
            }
        }
    }
}

TEST(schedule, phone_range_membership) {
    phone_range r{3, 4, 5};  // 3 7 11 15 19
    EXPECT_TRUE(r.contains(3));
    EXPECT_TRUE(r.contains(19));
    EXPECT_FALSE(r.contains(23));
    EXPECT_FALSE(r.contains(4));
    EXPECT_FALSE(r.contains(0));
    EXPECT_FALSE(phone_range{}.contains(0));
}

TEST(run_clock, maps_due_offsets_and_event_times) {
    time_point start = clock::now();
    run_clock rc(start, wall_clock::time_point{});
    EXPECT_EQ(rc.at(1500ms), start + 1500ms);
    EXPECT_EQ(rc.since_start(start + 250ms), 250ms);
    EXPECT_EQ(rc.since_start(start - 1s), -1s);
    EXPECT_DOUBLE_EQ(rc.seconds(start + 2500ms), 2.5);
    EXPECT_GE(run_clock().seconds_now(), 0.0);
}

TEST(run_clock, formats_rfc3339_utc_with_milliseconds) {
    EXPECT_EQ(format_rfc3339(wall_clock::time_point{}), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_rfc3339(wall_clock::time_point{1714564800123ms}), "2024-05-01T12:00:00.123Z");
    EXPECT_EQ(format_rfc3339(wall_clock::time_point{951782400s + 23h + 59min + 59s + 999ms}),
              "2000-02-29T23:59:59.999Z");
}
