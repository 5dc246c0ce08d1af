#pragma once
// A latency histogram for step durations (REGISTER round trips, call setup, DTLS
// handshakes): log-linear buckets in the manner of HdrHistogram, so recording is one
// shift and one increment and memory is fixed (≈8.5 KB) whatever the number of samples.
//
// Layout: values are nanoseconds. Below 1024 ns there are 128 linear buckets 8 ns wide;
// above, every power-of-two octave [2^k, 2^(k+1)) is split into 64 equal buckets, so a
// bucket is at most 1/64 of its lower bound wide. Quantiles report the bucket midpoint,
// which is within 1/128 (0.78 %) of the true value for every value in the tracked range
// [1 µs, 1 h] (and within 4 ns below it). Values above 1 h are clamped to 1 h; values below
// 1 µs keep their 8 ns resolution; both are counted (above_range(), below_range()).
//
// One histogram per step per worker, never shared between threads: workers record into
// their own, and reports merge copies (a global atomic histogram contends on every
// sample and tears between fields).

#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace ringstorm::core {

class histogram {
public:
    // Smallest value with the full relative precision, and the largest value kept.
    static constexpr std::int64_t lowest_tracked_ns = 1'000;
    static constexpr std::int64_t highest_tracked_ns = 3'600'000'000'000;  // 1 h

    // Records one sample. Negative durations count as 0 (and as below range).
    void record(std::chrono::nanoseconds value) noexcept { record_ns(value.count()); }
    void record_ns(std::int64_t ns) noexcept;

    // Adds every sample of other into this histogram (per-worker histograms into a
    // report snapshot). Equal to having recorded other's samples here.
    void merge(const histogram& other) noexcept;

    // Forgets every sample.
    void reset() noexcept;

    std::uint64_t count() const noexcept { return count_; }
    // Smallest and largest recorded values (after clamping); 0 when empty.
    std::chrono::nanoseconds min() const noexcept;
    std::chrono::nanoseconds max() const noexcept { return std::chrono::nanoseconds{max_}; }
    // Exact sum of the recorded (clamped) values; saturates rather than wraps, which
    // takes more than 5 million samples at the 1 h clamp.
    std::chrono::nanoseconds sum() const noexcept;
    double sum_seconds() const noexcept { return static_cast<double>(sum_) * 1e-9; }
    // Exact mean of the recorded (clamped) values; 0 when empty.
    double mean_seconds() const noexcept;
    // Samples below 1 µs, and samples above 1 h that were clamped to 1 h.
    std::uint64_t below_range() const noexcept { return below_range_; }
    std::uint64_t above_range() const noexcept { return above_range_; }

    // The value at quantile q in [0, 1] (clamped into it), by nearest rank: the sample of
    // rank ceil(q * count) in sorted order (rank 1 for q = 0). The answer is the midpoint
    // of that sample's bucket clamped to [min, max], so it is within 1/128 of the exact
    // sample for values in [1 µs, 1 h], within 4 ns below 1 µs, exact at q = 0 and q = 1.
    // 0 when empty.
    std::chrono::nanoseconds value_at_quantile(double q) const noexcept;

    // Cumulative counts for Prometheus `_bucket{le=…}` series: result[k] is the number of
    // samples counted at or below le_seconds[k], bounds in any order. A sample counts
    // when its bucket starts at or below le, so result[k] includes every sample <= le and
    // may include samples up to one bucket (1/64 of le) above it. The `+Inf` bucket is
    // count().
    std::vector<std::uint64_t> cumulative_counts(std::span<const double> le_seconds) const;

    // Bucket arithmetic, public for tests and exporters.
    static constexpr int unit_shift = 3;               // linear buckets are 2^3 = 8 ns wide
    static constexpr int sub_bits = 6;                 // 2^6 = 64 buckets per octave
    static constexpr std::size_t bucket_count = 2153;  // bucket_index(1 h) + 1
    static constexpr std::size_t bucket_index(std::int64_t ns) noexcept;
    // First value of a bucket and its width in nanoseconds.
    static constexpr std::int64_t bucket_lower(std::size_t index) noexcept;
    static constexpr std::int64_t bucket_width(std::size_t index) noexcept;

private:
    static constexpr std::uint64_t linear_units = std::uint64_t{1} << (sub_bits + 1);
    static constexpr std::uint64_t half_units = std::uint64_t{1} << sub_bits;

    // Counts per bucket. 32 bits keep the histogram small (one per step per worker);
    // a bucket saturates at 2^32 - 1 samples instead of wrapping.
    std::array<std::uint32_t, bucket_count> counts_{};
    std::uint64_t count_ = 0;  // samples recorded, including saturated ones
    std::uint64_t sum_ = 0;    // nanoseconds, saturating
    std::int64_t min_ = std::numeric_limits<std::int64_t>::max();  // max() when empty
    std::int64_t max_ = 0;                                         // 0 when empty
    std::uint64_t below_range_ = 0;  // samples under lowest_tracked_ns
    std::uint64_t above_range_ = 0;  // samples clamped to highest_tracked_ns
};

constexpr std::size_t histogram::bucket_index(std::int64_t ns) noexcept {
    auto units = static_cast<std::uint64_t>(ns) >> unit_shift;
    if (units < linear_units) {
        return static_cast<std::size_t>(units);
    }
    // Octave k = bit_width - 1 >= sub_bits + 1; the top sub_bits + 1 bits select the
    // bucket, and octaves follow one another every half_units indices.
    int shift = std::bit_width(units) - 1 - sub_bits;
    return static_cast<std::size_t>(static_cast<std::uint64_t>(shift) * half_units +
                                    (units >> shift));
}

static_assert(histogram::bucket_index(histogram::highest_tracked_ns) + 1 ==
              histogram::bucket_count);
static_assert(histogram::bucket_index(histogram::lowest_tracked_ns) < histogram::bucket_count);

constexpr std::int64_t histogram::bucket_lower(std::size_t index) noexcept {
    if (index < linear_units) {
        return static_cast<std::int64_t>(index << unit_shift);
    }
    std::size_t shift = index / half_units - 1;
    std::uint64_t top = index % half_units + half_units;
    return static_cast<std::int64_t>((top << shift) << unit_shift);
}

constexpr std::int64_t histogram::bucket_width(std::size_t index) noexcept {
    if (index < linear_units) {
        return std::int64_t{1} << unit_shift;
    }
    std::size_t shift = index / half_units - 1;
    return std::int64_t{1} << (shift + unit_shift);
}

inline void histogram::record_ns(std::int64_t ns) noexcept {
    if (ns < lowest_tracked_ns) {
        ++below_range_;
        if (ns < 0) {
            ns = 0;
        }
    } else if (ns > highest_tracked_ns) {
        ++above_range_;
        ns = highest_tracked_ns;
    }
    std::uint32_t& slot = counts_[bucket_index(ns)];
    slot += static_cast<std::uint32_t>(slot != std::numeric_limits<std::uint32_t>::max());
    ++count_;
    auto u = static_cast<std::uint64_t>(ns);
    sum_ = sum_ > std::numeric_limits<std::uint64_t>::max() - u
               ? std::numeric_limits<std::uint64_t>::max()
               : sum_ + u;
    min_ = ns < min_ ? ns : min_;
    max_ = ns > max_ ? ns : max_;
}

// Default `le` bounds in seconds for ringstorm_step_duration_seconds: a 1-2-5 series
// from 1 ms (loopback round trips) to 60 s, plus 32 s because SIP transaction timers B
// and F fire at 64*T1 = 32 s (RFC 3261 §17.1.1.2, §17.1.2.2), which separates answers
// that came just in time from transactions that timed out.
inline constexpr std::array<double, 16> default_le_seconds{
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 32, 60,
};

// The figures of one step in summary.json's latency_seconds (seconds, 0 when empty).
struct latency_summary {
    std::uint64_t count = 0;
    double min = 0;
    double p50 = 0;
    double p90 = 0;
    double p99 = 0;
    double p999 = 0;
    double max = 0;
    double mean = 0;
};
latency_summary summarize(const histogram& h) noexcept;

}  // namespace ringstorm::core
