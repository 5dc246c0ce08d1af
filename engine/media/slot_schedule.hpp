#pragma once
// The pacing timer's arithmetic, kept apart from Asio so its catch-up rule is tested with
// made-up instants. Tick k is due at start + k × 1 ms (an absolute schedule: a late tick
// does not push the later ones back, so there is no drift) and serves slot k mod 20, so
// each slot, and every endpoint in it, comes round every 20 ms.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "engine/core/clock.hpp"

namespace ringstorm::media {

class slot_schedule {
public:
    static constexpr std::size_t slots = 20;
    static constexpr core::duration step = std::chrono::milliseconds(1);
    static constexpr core::duration period = step * slots;  // 20 ms: one Opus frame

    explicit slot_schedule(core::time_point start = {}) noexcept : start_(start) {}

    core::time_point due() const noexcept {
        return start_ + step * static_cast<std::int64_t>(tick_);
    }
    std::size_t slot() const noexcept { return static_cast<std::size_t>(tick_ % slots); }
    std::uint64_t tick() const noexcept { return tick_; }

    // Called when the timer fired at `now`, before running the tick. Less than one period
    // late, the tick runs and the ones behind it follow back to back (each slot at most
    // once). A period or more late (the thread was stalled), replaying every missed tick
    // would hand each endpoint several frames at once; instead the oldest ticks are skipped
    // so that exactly the last period's worth (one tick per slot) remains to catch up:
    // a stall of L ms costs each endpoint about (L - 20) ms of frames, never a burst.
    // Returns how many were skipped.
    std::uint64_t catch_up(core::time_point now) noexcept {
        if (now < due()) {
            return 0;
        }
        const auto behind = static_cast<std::uint64_t>((now - due()) / step);
        if (behind < slots) {
            return 0;
        }
        const std::uint64_t skipped = behind - (slots - 1);
        tick_ += skipped;
        return skipped;
    }

    void advance() noexcept { ++tick_; }

private:
    core::time_point start_;
    std::uint64_t tick_ = 0;
};

}  // namespace ringstorm::media
