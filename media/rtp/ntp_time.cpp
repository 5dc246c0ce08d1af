#include "media/rtp/ntp_time.hpp"

namespace ringstorm::rtp {

std::uint64_t ntp_from_unix(std::chrono::nanoseconds since_unix_epoch) noexcept {
    const auto ns = static_cast<std::uint64_t>(since_unix_epoch.count());
    const std::uint64_t seconds = ns / 1'000'000'000ULL + ntp_unix_offset_seconds;
    const std::uint64_t rem = ns % 1'000'000'000ULL;
    // The fraction is rem/1e9 of 2^32; rem < 2^30 so rem << 32 fits in 64 bits.
    const std::uint64_t fraction = (rem << 32) / 1'000'000'000ULL;
    return (seconds << 32) | fraction;
}

std::uint32_t to_ntp_short(std::chrono::nanoseconds delay) noexcept {
    if (delay.count() <= 0) {
        return 0;
    }
    const auto ns = static_cast<std::uint64_t>(delay.count());
    const std::uint64_t seconds = ns / 1'000'000'000ULL;
    if (seconds >= 0x10000) {
        return 0xFFFFFFFFU;
    }
    const std::uint64_t fraction = ((ns % 1'000'000'000ULL) << 16) / 1'000'000'000ULL;
    return static_cast<std::uint32_t>((seconds << 16) | fraction);
}

std::chrono::nanoseconds from_ntp_short(std::uint32_t units) noexcept {
    return std::chrono::nanoseconds((static_cast<std::int64_t>(units) * 1'000'000'000LL) >> 16);
}

std::optional<std::chrono::nanoseconds> round_trip_time(std::uint32_t arrival_middle32,
                                                        std::uint32_t lsr,
                                                        std::uint32_t dlsr) noexcept {
    if (lsr == 0) {
        return std::nullopt;
    }
    // Modulo-2^32 arithmetic copes with the 16-bit seconds field wrapping (every 18 hours).
    const auto rtt = static_cast<std::int32_t>(arrival_middle32 - lsr - dlsr);
    if (rtt < 0) {
        return std::nullopt;
    }
    return from_ntp_short(static_cast<std::uint32_t>(rtt));
}

}  // namespace ringstorm::rtp
