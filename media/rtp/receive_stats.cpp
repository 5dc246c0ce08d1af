#include "media/rtp/receive_stats.hpp"

#include <cmath>

#include "media/rtp/ntp_time.hpp"

namespace ringstorm::rtp {

namespace {

// RFC 3550 A.1's constants: two in-order packets confirm a source; a forward jump of up to
// 3000 is loss, a backward one of up to 100 is misordering, anything else is a restart.
constexpr std::uint32_t min_sequential = 2;
constexpr std::uint32_t max_dropout = 3000;
constexpr std::uint32_t max_misorder = 100;
constexpr std::uint32_t seq_mod = 1U << 16;

}  // namespace

void receive_stats::init_sequence(std::uint16_t sequence) noexcept {
    base_seq_ = sequence;
    max_seq_ = sequence;
    bad_seq_ = seq_mod + 1;  // so sequence == bad_seq_ is false
    cycles_ = 0;
    received_ = 0;
    received_prior_ = 0;
    expected_prior_ = 0;
    seen_window_ = 0;
    gap_lost_ = 0;
    gap_events_ = 0;
}

// RFC 3550 A.1 update_seq: true when the packet counts.
bool receive_stats::update_sequence(std::uint16_t sequence) noexcept {
    const auto udelta = static_cast<std::uint16_t>(sequence - max_seq_);
    if (probation_ > 0) {
        if (sequence == static_cast<std::uint16_t>(max_seq_ + 1)) {
            --probation_;
            max_seq_ = sequence;
            if (probation_ == 0) {
                init_sequence(sequence);
                ++received_;
                return true;
            }
        } else {
            probation_ = min_sequential - 1;
            max_seq_ = sequence;
        }
        return false;
    }
    if (udelta < max_dropout) {
        if (sequence < max_seq_) {
            cycles_ += seq_mod;  // wrapped forward
        }
        max_seq_ = sequence;
    } else if (udelta <= seq_mod - max_misorder) {
        if (sequence == bad_seq_) {
            // Two packets in a row after a big jump: the sender restarted its sequence.
            init_sequence(sequence);
        } else {
            bad_seq_ = (sequence + 1U) & (seq_mod - 1);
            return false;
        }
    }
    // Otherwise a duplicate or a late (reordered) packet: counted, max_seq_ unchanged.
    ++received_;
    return true;
}

// The 64-packet window behind the highest sequence: true when `extended` was already seen.
bool receive_stats::mark_seen(std::uint64_t extended, std::uint64_t previous_highest) noexcept {
    if (extended > previous_highest) {
        const std::uint64_t shift = extended - previous_highest;
        if (shift > 1) {
            gap_lost_ += shift - 1;  // a run of shift-1 losses, unless late packets fill it
            ++gap_events_;
        }
        seen_window_ = shift >= 64 ? 0 : seen_window_ << shift;
        seen_window_ |= 1;
        return false;
    }
    const std::uint64_t behind = previous_highest - extended;
    if (behind >= 64) {
        return false;  // too old to tell; counted as the RFC counts it
    }
    const std::uint64_t bit = std::uint64_t{1} << behind;
    if ((seen_window_ & bit) != 0) {
        return true;
    }
    seen_window_ |= bit;
    if (gap_lost_ > 0) {
        --gap_lost_;  // a late packet: the gap it sat in was shorter than it looked
    }
    return false;
}

// RFC 3550 A.8: D = (Rj - Ri) - (Sj - Si) in timestamp units; J += (|D| - J) / 16.
void receive_stats::update_jitter(std::uint32_t rtp_timestamp,
                                  std::chrono::nanoseconds arrival) noexcept {
    if (has_transit_) {
        const double arrival_delta =
            static_cast<double>((arrival - last_arrival_).count()) * clock_rate_ / 1e9;
        // The signed 32-bit difference survives the timestamp wrapping.
        const auto timestamp_delta = static_cast<std::int32_t>(rtp_timestamp - last_timestamp_);
        const double d = std::fabs(arrival_delta - timestamp_delta);
        jitter_ += (d - jitter_) / 16.0;
    }
    has_transit_ = true;
    last_arrival_ = arrival;
    last_timestamp_ = rtp_timestamp;
}

receive_stats::verdict receive_stats::on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp,
                                                std::chrono::nanoseconds arrival) noexcept {
    ++packets_seen_;
    if (!started_) {
        // A.1: a new source starts on probation with max_seq one behind its first packet.
        started_ = true;
        init_sequence(sequence);
        max_seq_ = static_cast<std::uint16_t>(sequence - 1);
        probation_ = min_sequential;
    }
    const std::uint64_t previous_highest = extended_highest_sequence();
    const bool was_on_probation = probation_ > 0;
    if (!update_sequence(sequence)) {
        return was_on_probation ? verdict::probation : verdict::bad_jump;
    }
    if (received_ == 1) {
        // The source was just confirmed or restarted (init_sequence ran): a fresh window,
        // and no transit time to compare with across a restart's timestamp jump.
        seen_window_ = 1;
        has_transit_ = false;
    } else {
        // Extended number of this packet: the highest adjusted by the signed 16-bit distance,
        // which places a late packet from before a wrap in the previous cycle.
        const auto distance = static_cast<std::int16_t>(sequence - max_seq_);
        const auto extended = static_cast<std::uint64_t>(
            static_cast<std::int64_t>(extended_highest_sequence()) + distance);
        if (mark_seen(extended, previous_highest)) {
            ++duplicates_;
            return verdict::duplicate;
        }
    }
    update_jitter(rtp_timestamp, arrival);
    return verdict::accepted;
}

void receive_stats::on_sender_report(std::uint64_t ntp_timestamp,
                                     std::chrono::nanoseconds arrival) noexcept {
    has_sr_ = true;
    lsr_ = ntp_middle32(ntp_timestamp);
    lsr_arrival_ = arrival;
}

std::int64_t receive_stats::expected() const noexcept {
    if (!started_ || probation_ > 0) {
        return 0;
    }
    return static_cast<std::int64_t>(extended_highest_sequence()) -
           static_cast<std::int64_t>(base_seq_) + 1;
}

double receive_stats::loss_ratio() const noexcept {
    const std::int64_t exp = expected();
    if (exp <= 0) {
        return 0.0;
    }
    const std::int64_t unique = static_cast<std::int64_t>(received_ - duplicates_);
    const std::int64_t lost = exp - unique;
    return lost <= 0 ? 0.0 : static_cast<double>(lost) / static_cast<double>(exp);
}

double receive_stats::mean_loss_burst() const noexcept {
    if (gap_events_ == 0 || gap_lost_ == 0) {
        return 1.0;
    }
    return static_cast<double>(gap_lost_) / static_cast<double>(gap_events_);
}

report_block receive_stats::make_report_block(std::uint32_t ssrc,
                                              std::chrono::nanoseconds now) noexcept {
    report_block block;
    block.ssrc = ssrc;
    const std::int64_t exp = expected();
    const std::int64_t lost = cumulative_lost();
    block.cumulative_lost = static_cast<std::int32_t>(
        lost > 0x7FFFFF ? 0x7FFFFF : (lost < -0x800000 ? -0x800000 : lost));
    block.extended_highest_seq = extended_highest_sequence();
    // A.3: the fraction covers the interval since the previous report, and is 0 when
    // duplicates made the interval's loss negative.
    const std::int64_t expected_interval = exp - static_cast<std::int64_t>(expected_prior_);
    const std::int64_t received_interval =
        static_cast<std::int64_t>(received_) - static_cast<std::int64_t>(received_prior_);
    expected_prior_ = static_cast<std::uint64_t>(exp < 0 ? 0 : exp);
    received_prior_ = received_;
    const std::int64_t lost_interval = expected_interval - received_interval;
    if (expected_interval > 0 && lost_interval > 0) {
        block.fraction_lost = static_cast<std::uint8_t>((lost_interval << 8) / expected_interval);
    }
    block.jitter = jitter_units();
    if (has_sr_) {
        block.lsr = lsr_;
        block.dlsr = to_ntp_short(now - lsr_arrival_);
    }
    return block;
}

}  // namespace ringstorm::rtp
