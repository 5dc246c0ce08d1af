// The one pacing timer of the engine: a 1 ms steady_timer on an absolute schedule
// (slot_schedule), each expiry ticking the endpoints of one of the 20 slots.

#include <algorithm>

#include "engine/media/engine_impl.hpp"

namespace ringstorm::media {

void media_engine::impl::start_timer() {
    if (timer_running) {
        return;
    }
    timer_running = true;
    schedule = slot_schedule(core::clock::now());
    arm_timer();
}

void media_engine::impl::arm_timer() {
    timer.expires_at(schedule.due());
    timer.async_wait([a = anchor](const boost::system::error_code& ec) {
        if (a->owner == nullptr || ec == boost::asio::error::operation_aborted) {
            return;
        }
        a->owner->on_timer();
    });
}

void media_engine::impl::on_timer() {
    if (members.empty()) {
        timer_running = false;  // idle: no wake-ups until the next attach
        return;
    }
    const core::time_point fired = core::clock::now();
    stats.ticks_skipped += schedule.catch_up(fired);
    const core::time_point due = schedule.due();
    const auto late = std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::nanoseconds>(fired - due).count());
    ++stats.ticks;
    stats.tick_late_sum_ns += static_cast<std::uint64_t>(late);
    stats.tick_late_max_ns = std::max(stats.tick_late_max_ns, static_cast<std::uint64_t>(late));

    const std::size_t slot = schedule.slot();
    auto& list = slots[slot];
    in_handler = true;
    iterating_slot = static_cast<int>(slot);
    // Members attached to this slot during the walk wait for its next turn.
    const std::size_t count = list.size();
    for (std::size_t i = 0; i < count; ++i) {
        member* m = list[i].get();
        if (!m->alive) {
            continue;
        }
        current = m;
        // Each endpoint gets its own `now`: the ones late in a crowded slot see their own
        // lateness, which is what their send-time jitter is made of.
        m->e->on_tick(due, core::clock::now(), *m->p);
        current = nullptr;
    }
    iterating_slot = -1;
    if (slot_dirty[slot]) {
        slot_dirty[slot] = false;
        compact(slot);
    }
    flush();
    // Measured after the flush: the last datagram of this tick has left, so no packet of
    // it went later than this (a batch that filled during the walk went earlier).
    stats.send_lateness.record(core::clock::now() - due);
    in_handler = false;
    schedule.advance();
    // A due time already past fires at once, after the handlers already queued: catching
    // up (≤ one period) interleaves with receiving instead of starving it.
    arm_timer();
}

void media_engine::impl::compact(std::size_t slot) {
    auto& list = slots[slot];
    std::erase_if(list, [](const std::unique_ptr<member>& m) { return !m->alive; });
}

}  // namespace ringstorm::media
