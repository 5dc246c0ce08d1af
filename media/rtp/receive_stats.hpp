#pragma once
// Per-source receive statistics (RFC 3550 Appendix A): sequence validation with probation
// and extended sequence numbers (A.1), expected/lost/fraction lost per report (A.3),
// interarrival jitter (A.8), and LSR/DLSR for the report block (§6.4.1). One per remote SSRC,
// a plain value updated by its worker; arrival times are passed in, no clock is read.

#include <chrono>
#include <cstdint>

#include "media/rtp/rtcp.hpp"

namespace ringstorm::rtp {

class receive_stats {
public:
    // What on_packet made of a packet.
    enum class verdict {
        accepted,   // counted (in order, late, or a duplicate the RFC counts: see duplicates())
        probation,  // a new source not yet confirmed by MIN_SEQUENTIAL in-order packets
        bad_jump,   // a sequence jump beyond MAX_DROPOUT; a second one in a row restarts
        duplicate,  // seen before within the last 64 sequence numbers (counted as received)
    };

    // clock_rate: the payload's RTP clock (48000 for Opus, RFC 7587 §4.1).
    explicit receive_stats(std::uint32_t clock_rate = 48000) noexcept : clock_rate_(clock_rate) {}

    // A packet arrived at `arrival` (any monotonic clock, the same for every call).
    verdict on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp,
                      std::chrono::nanoseconds arrival) noexcept;

    // An SR from this source arrived: remember it for LSR/DLSR in our next report block.
    void on_sender_report(std::uint64_t ntp_timestamp, std::chrono::nanoseconds arrival) noexcept;

    // The report block for this source at `now` (same clock as arrivals), and the start of a
    // new reporting interval for fraction_lost (A.3).
    report_block make_report_block(std::uint32_t ssrc, std::chrono::nanoseconds now) noexcept;

    // Cycles << 16 | highest sequence number received (A.1).
    std::uint32_t extended_highest_sequence() const noexcept { return cycles_ + max_seq_; }
    // Packets expected since the source was confirmed (A.3).
    std::int64_t expected() const noexcept;
    // Packets counted as received, duplicates included as RFC 3550 A.3 does.
    std::uint64_t received() const noexcept { return received_; }
    // expected - received; negative when duplicates outnumber losses (§6.4.1).
    std::int64_t cumulative_lost() const noexcept {
        return expected() - static_cast<std::int64_t>(received_);
    }
    // Duplicates recognised in the 64-packet window. Reported separately so that the loss
    // ratio below is not masked by them.
    std::uint64_t duplicates() const noexcept { return duplicates_; }
    // Every packet handed to on_packet, including probation and rejected ones.
    std::uint64_t packets_seen() const noexcept { return packets_seen_; }
    // Lost / expected with duplicates removed, 0..1.
    double loss_ratio() const noexcept;
    // Average length of a run of consecutive losses seen as sequence gaps (1 when no loss);
    // late packets that fill a gap shorten it. Input to the E-model's burst ratio.
    double mean_loss_burst() const noexcept;
    // Interarrival jitter in timestamp units (the report block's value) and in seconds.
    std::uint32_t jitter_units() const noexcept { return static_cast<std::uint32_t>(jitter_); }
    double jitter_seconds() const noexcept { return jitter_ / clock_rate_; }

private:
    void init_sequence(std::uint16_t sequence) noexcept;
    bool update_sequence(std::uint16_t sequence) noexcept;
    bool mark_seen(std::uint64_t extended, std::uint64_t previous_highest) noexcept;
    void update_jitter(std::uint32_t rtp_timestamp, std::chrono::nanoseconds arrival) noexcept;

    double clock_rate_;
    bool started_ = false;
    std::uint16_t max_seq_ = 0;         // highest sequence number seen
    std::uint32_t cycles_ = 0;          // sequence wraps, shifted left 16
    std::uint32_t base_seq_ = 0;        // first sequence number after probation
    std::uint32_t bad_seq_ = 0;         // last 'bad' sequence number + 1 (A.1)
    std::uint32_t probation_ = 0;       // in-order packets still needed to confirm the source
    std::uint64_t received_ = 0;        // packets counted (A.1)
    std::uint64_t expected_prior_ = 0;  // expected at the last report (A.3)
    std::uint64_t received_prior_ = 0;  // received at the last report (A.3)
    std::uint64_t duplicates_ = 0;
    std::uint64_t packets_seen_ = 0;
    std::uint64_t seen_window_ = 0;  // bit i: extended highest - i was received
    std::uint64_t gap_lost_ = 0;     // packets missing in sequence gaps, less late fills
    std::uint64_t gap_events_ = 0;   // sequence gaps (loss bursts) seen
    bool has_transit_ = false;
    std::chrono::nanoseconds last_arrival_{0};
    std::uint32_t last_timestamp_ = 0;
    double jitter_ = 0;  // A.8 estimate, timestamp units
    bool has_sr_ = false;
    std::uint32_t lsr_ = 0;  // middle 32 bits of the last SR's NTP time
    std::chrono::nanoseconds lsr_arrival_{0};
};

}  // namespace ringstorm::rtp
