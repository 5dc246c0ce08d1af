#pragma once
// NTP timestamps as RTCP carries them (RFC 3550 §4, §6.4.1) and round-trip time from a
// report block's LSR/DLSR. Pure arithmetic: callers pass the wallclock, nothing reads a clock.

#include <chrono>
#include <cstdint>
#include <optional>

namespace ringstorm::rtp {

// Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01).
inline constexpr std::uint64_t ntp_unix_offset_seconds = 2208988800ULL;

// 64-bit NTP 32.32 fixed point for a wallclock given as time since the Unix epoch.
std::uint64_t ntp_from_unix(std::chrono::nanoseconds since_unix_epoch) noexcept;

// The middle 32 bits of an NTP timestamp (16.16 s): what LSR carries (RFC 3550 §6.4.1).
constexpr std::uint32_t ntp_middle32(std::uint64_t ntp) noexcept {
    return static_cast<std::uint32_t>(ntp >> 16);
}

// A delay in 1/65536 s units, as DLSR carries it; saturates at 2^32-1 (about 18 hours).
std::uint32_t to_ntp_short(std::chrono::nanoseconds delay) noexcept;

// 1/65536 s units back to nanoseconds.
std::chrono::nanoseconds from_ntp_short(std::uint32_t units) noexcept;

// RFC 3550 §6.4.1: RTT = A - LSR - DLSR, all in 1/65536 s, where A is the middle 32 bits of
// the NTP time at which the report block arrived. nullopt when LSR is 0 (the peer has not
// heard an SR from us yet) or when the result is negative (clocks or the peer's DLSR are off).
std::optional<std::chrono::nanoseconds> round_trip_time(std::uint32_t arrival_middle32,
                                                        std::uint32_t lsr,
                                                        std::uint32_t dlsr) noexcept;

}  // namespace ringstorm::rtp
