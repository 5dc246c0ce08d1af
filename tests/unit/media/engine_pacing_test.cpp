// The engine's one pacing timer on a real clock, with tolerant bounds (other work shares
// the machine): every endpoint ticked once per 20 ms period on an exact grid, slots
// balanced, detach and attach from inside callbacks, no burst after a stall, idle stop,
// and the send-lateness distribution (one sample per tick).

#include <algorithm>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "engine_harness.hpp"

namespace ringstorm::media::test {
namespace {

struct pacing_fixture : ::testing::Test {
    boost::asio::io_context io;
    media_engine engine{io};
    port_id port = *engine.open_port("127.0.0.1");
};

long long ms_between(core::time_point a, core::time_point b) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

TEST_F(pacing_fixture, every_endpoint_is_ticked_once_per_period_on_an_exact_grid) {
    std::vector<std::unique_ptr<recording_endpoint>> endpoints;
    for (int i = 0; i < 40; ++i) {
        endpoints.push_back(std::make_unique<recording_endpoint>());
        engine.attach(port, *endpoints.back());
    }
    const auto start = core::clock::now();
    run_for(io, 200ms);
    const auto periods = static_cast<double>(ms_between(start, core::clock::now())) / 20.0;
    for (const auto& e : endpoints) {
        const auto n = static_cast<double>(e->ticks.size());
        EXPECT_GE(n, periods * 0.6) << "ticked too rarely";
        EXPECT_LE(n, periods + 2) << "ticked too often";
        for (std::size_t i = 1; i < e->ticks.size(); ++i) {
            // Absolute schedule: due times of one endpoint are whole periods apart.
            const auto gap = e->ticks[i].due - e->ticks[i - 1].due;
            EXPECT_EQ(gap % std::chrono::milliseconds(20), core::duration::zero());
            EXPECT_GT(gap, core::duration::zero());
        }
        for (const auto& t : e->ticks) {
            EXPECT_GE(t.now, t.due);
        }
    }
    const auto& s = engine.stats();
    EXPECT_GT(s.ticks, 0u);
    EXPECT_GE(s.tick_late_max_ns, s.tick_late_sum_ns / s.ticks);
    EXPECT_LT(s.tick_late_sum_ns / s.ticks, 20'000'000u);  // mean lateness under a period
    // Send lateness: one sample per tick, taken after the tick's flush, so never earlier
    // than the wake-up it follows.
    EXPECT_EQ(s.send_lateness.count(), s.ticks);
    EXPECT_GE(static_cast<std::uint64_t>(s.send_lateness.max().count()), s.tick_late_max_ns);
    EXPECT_LT(s.send_lateness.value_at_quantile(0.5), std::chrono::milliseconds(20));
}

TEST_F(pacing_fixture, endpoints_are_spread_evenly_over_the_20_slots) {
    std::vector<std::unique_ptr<recording_endpoint>> endpoints;
    for (int i = 0; i < 45; ++i) {
        endpoints.push_back(std::make_unique<recording_endpoint>());
        engine.attach(port, *endpoints.back());
    }
    ASSERT_TRUE(run_until(io, [&] {
        return std::all_of(endpoints.begin(), endpoints.end(),
                           [](const auto& e) { return !e->ticks.empty(); });
    }));
    // Dues are start + k ms: the slot of an endpoint is its due's millisecond offset mod 20.
    const auto reference = endpoints.front()->ticks.front().due;
    std::map<long long, int> per_slot;
    for (const auto& e : endpoints) {
        const auto offset = e->ticks.front().due - reference;
        ASSERT_EQ(offset % std::chrono::milliseconds(1), core::duration::zero());
        ++per_slot[((ms_between(reference, e->ticks.front().due) % 20) + 20) % 20];
    }
    EXPECT_EQ(per_slot.size(), 20u);
    for (const auto& [slot, count] : per_slot) {
        EXPECT_TRUE(count == 2 || count == 3) << "slot " << slot << " has " << count;
    }
}

TEST_F(pacing_fixture, detach_from_inside_ticks_is_safe_for_self_and_for_slot_mates) {
    // a (1st) and b (21st) share slot 0; a detaches b and destroys it before b's turn.
    auto a = std::make_unique<recording_endpoint>();
    std::vector<std::unique_ptr<recording_endpoint>> fillers;
    auto b = std::make_unique<recording_endpoint>();
    auto self = std::make_unique<recording_endpoint>();
    engine.attach(port, *a);
    for (int i = 0; i < 19; ++i) {
        fillers.push_back(std::make_unique<recording_endpoint>());
        engine.attach(port, *fillers.back());
    }
    engine.attach(port, *b);
    engine.attach(port, *self);  // slot 1, with the first filler
    a->on_tick_hook = [&](datagram_sink&) {
        if (b) {
            engine.detach(*b);
            b.reset();
        }
    };
    self->on_tick_hook = [&](datagram_sink&) { engine.detach(*self); };
    run_for(io, 100ms);
    EXPECT_FALSE(b);
    EXPECT_GE(a->ticks.size(), 2u);
    EXPECT_EQ(self->ticks.size(), 1u);
    EXPECT_EQ(engine.stats().endpoints, 20u);
}

TEST_F(pacing_fixture, attach_from_inside_a_tick_starts_ticking_the_newcomer) {
    recording_endpoint parent;
    recording_endpoint child;
    parent.on_tick_hook = [&](datagram_sink&) {
        if (parent.ticks.size() == 1) {
            engine.attach(port, child);
        }
    };
    engine.attach(port, parent);
    ASSERT_TRUE(run_until(io, [&] { return child.ticks.size() >= 2; }));
    EXPECT_EQ(engine.stats().endpoints, 2u);
}

TEST_F(pacing_fixture, a_stall_skips_ticks_instead_of_bursting_them) {
    std::vector<std::unique_ptr<recording_endpoint>> endpoints;
    for (int i = 0; i < 20; ++i) {
        endpoints.push_back(std::make_unique<recording_endpoint>());
        engine.attach(port, *endpoints.back());
    }
    bool stalled = false;
    endpoints[5]->on_tick_hook = [&](datagram_sink&) {
        if (endpoints[5]->ticks.size() == 3 && !stalled) {
            stalled = true;
            std::this_thread::sleep_for(70ms);  // the worker thread is blocked
        }
    };
    run_for(io, 250ms);
    ASSERT_TRUE(stalled);
    EXPECT_GE(engine.stats().ticks_skipped, 40u);  // ~70 ms behind, the last 19 ms caught up
    // The stalled tick itself is in the lateness distribution: ≈70 ms after its due time.
    EXPECT_GE(engine.stats().send_lateness.max(), std::chrono::milliseconds(60));
    for (const auto& e : endpoints) {
        // Replaying every missed tick would hand each endpoint 3-4 ticks at once.
        for (std::size_t i = 2; i < e->ticks.size(); ++i) {
            EXPECT_GE(e->ticks[i].now - e->ticks[i - 2].now, std::chrono::milliseconds(15));
        }
    }
}

TEST_F(pacing_fixture, the_timer_stops_when_idle_and_resumes_on_attach) {
    recording_endpoint e;
    engine.attach(port, e);
    ASSERT_TRUE(run_until(io, [&] { return e.ticks.size() >= 2; }));
    engine.detach(e);
    run_for(io, 10ms);
    const auto ticks = engine.stats().ticks;
    run_for(io, 50ms);
    EXPECT_EQ(engine.stats().ticks, ticks);
    const auto before = e.ticks.size();
    engine.attach(port, e);
    ASSERT_TRUE(run_until(io, [&] { return e.ticks.size() >= before + 2; }));
}

TEST(media_engine_lifetime, destroying_the_engine_with_waits_pending_is_safe) {
    boost::asio::io_context io;
    recording_endpoint e;
    udp_peer peer;
    {
        media_engine engine(io);
        const port_id p = *engine.open_port("127.0.0.1");
        engine.attach(p, e);
        run_until(io, [&] { return !e.ticks.empty(); });
        EXPECT_TRUE(engine.sink(p).send(peer.address(), bytes_of("queued")));  // flush posted
        peer.send_to(engine.local_address(p), "late");
    }
    const auto ticks = e.ticks.size();
    run_for(io, 40ms);  // the aborted waits and the posted flush find the engine gone
    EXPECT_EQ(e.ticks.size(), ticks);
    EXPECT_TRUE(e.datagrams.empty());
    const auto flushed = peer.receive(false);  // the destructor flushed what was queued
    ASSERT_TRUE(flushed);
    EXPECT_EQ(flushed->bytes, "queued");
}

}  // namespace
}  // namespace ringstorm::media::test
