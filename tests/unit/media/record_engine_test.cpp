// The media engine's own figures in the worker's stats: copied, not added, so the
// worker's periodic fold and its final one never count the engine twice; merged across
// workers like every stat; and a real engine's ticks arrive as lateness samples.

#include "engine/media/record_engine.hpp"

#include <chrono>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "engine_harness.hpp"

namespace ringstorm::media::test {
namespace {

engine_stats busy_engine(std::uint64_t k) {
    engine_stats e;
    for (std::uint64_t i = 1; i <= 100; ++i) {
        e.send_lateness.record(std::chrono::microseconds(10 * i * k));  // 10 µs … 1 ms × k
    }
    e.ticks = 100;
    e.ticks_skipped = 3 * k;
    e.unroutable = 5 * k;
    e.send_errors = 7 * k;
    e.receive_errors = 11 * k;
    e.socket_drops = 13 * k;
    return e;
}

TEST(record_engine, copies_the_engine_figures_into_the_stats) {
    auto s = std::make_unique<core::stats>();
    record_engine(*s, busy_engine(1));
    EXPECT_EQ(s->media_send_lateness.count(), 100u);
    EXPECT_EQ(s->media_send_lateness.max(), std::chrono::milliseconds(1));
    EXPECT_NEAR(static_cast<double>(s->media_send_lateness.value_at_quantile(0.99).count()), 990e3,
                990e3 / 128);
    EXPECT_EQ(s->media_ticks_skipped, 3u);
    EXPECT_EQ(s->media_unroutable, 5u);
    EXPECT_EQ(s->media_send_errors, 7u);
    EXPECT_EQ(s->media_receive_errors, 11u);
    EXPECT_EQ(s->media_socket_drops, 13u);
}

TEST(record_engine, folding_again_replaces_instead_of_adding) {
    auto s = std::make_unique<core::stats>();
    engine_stats e = busy_engine(1);
    record_engine(*s, e);  // the once-a-second fold
    e.send_lateness.record(std::chrono::milliseconds(4));
    ++e.ticks_skipped;
    record_engine(*s, e);  // later, and at the worker's end
    record_engine(*s, e);
    EXPECT_EQ(s->media_send_lateness.count(), 101u);
    EXPECT_EQ(s->media_send_lateness.max(), std::chrono::milliseconds(4));
    EXPECT_EQ(s->media_ticks_skipped, 4u);
    EXPECT_EQ(s->media_unroutable, 5u);
}

TEST(record_engine, workers_merge_into_one_distribution) {
    auto a = std::make_unique<core::stats>();
    auto b = std::make_unique<core::stats>();
    record_engine(*a, busy_engine(1));
    record_engine(*b, busy_engine(3));
    auto total = std::make_unique<core::stats>();
    total->merge(*a);
    total->merge(*b);
    EXPECT_EQ(total->media_send_lateness.count(), 200u);
    EXPECT_EQ(total->media_send_lateness.max(), std::chrono::milliseconds(3));
    EXPECT_EQ(total->media_ticks_skipped, 12u);
    EXPECT_EQ(total->media_send_errors, 28u);
}

TEST(record_engine, a_running_engine_gives_one_sample_per_tick) {
    boost::asio::io_context io;
    media_engine engine{io};
    const port_id port = *engine.open_port("127.0.0.1");
    std::vector<std::unique_ptr<recording_endpoint>> endpoints;
    for (int i = 0; i < 5; ++i) {
        endpoints.push_back(std::make_unique<recording_endpoint>());
        engine.attach(port, *endpoints.back());
    }
    run_for(io, std::chrono::milliseconds(60));
    auto s = std::make_unique<core::stats>();
    record_engine(*s, engine.stats());
    EXPECT_GT(s->media_send_lateness.count(), 20u);  // ≈60 ticks of 1 ms, tolerant
    EXPECT_EQ(s->media_send_lateness.count(), engine.stats().ticks);
    EXPECT_EQ(s->media_ticks_skipped, engine.stats().ticks_skipped);
    for (auto& e : endpoints) {
        engine.detach(*e);
    }
}

}  // namespace
}  // namespace ringstorm::media::test
