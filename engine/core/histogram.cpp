#include "engine/core/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace ringstorm::core {
namespace {

constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t u32_max = std::numeric_limits<std::uint32_t>::max();

// Nearest rank (1-based) of quantile q among n samples: ceil(q * n), at least 1. The
// product is nudged down by a relative 1e-12 first, so that 0.9 * 10 (which is
// 9.000000000000002 in binary) gives rank 9, not 10.
std::uint64_t nearest_rank(double q, std::uint64_t n) {
    double x = q * static_cast<double>(n);
    double rank = std::ceil(x - x * 1e-12);
    if (rank < 1) {
        return 1;
    }
    if (rank >= static_cast<double>(n)) {
        return n;
    }
    return static_cast<std::uint64_t>(rank);
}

double seconds(std::chrono::nanoseconds d) {
    return static_cast<double>(d.count()) * 1e-9;
}

}  // namespace

void histogram::merge(const histogram& other) noexcept {
    for (std::size_t i = 0; i < bucket_count; ++i) {
        std::uint32_t room = u32_max - counts_[i];
        counts_[i] += std::min(room, other.counts_[i]);
    }
    count_ += other.count_;
    sum_ = sum_ > u64_max - other.sum_ ? u64_max : sum_ + other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    below_range_ += other.below_range_;
    above_range_ += other.above_range_;
}

void histogram::reset() noexcept {
    *this = histogram{};
}

std::chrono::nanoseconds histogram::min() const noexcept {
    return std::chrono::nanoseconds{count_ == 0 ? 0 : min_};
}

std::chrono::nanoseconds histogram::sum() const noexcept {
    constexpr auto cap = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    return std::chrono::nanoseconds{static_cast<std::int64_t>(std::min(sum_, cap))};
}

double histogram::mean_seconds() const noexcept {
    if (count_ == 0) {
        return 0;
    }
    return static_cast<double>(sum_) / static_cast<double>(count_) * 1e-9;
}

std::chrono::nanoseconds histogram::value_at_quantile(double q) const noexcept {
    if (count_ == 0) {
        return std::chrono::nanoseconds{0};
    }
    if (!(q > 0)) {  // also NaN
        q = 0;
    }
    q = std::min(q, 1.0);
    std::uint64_t rank = nearest_rank(q, count_);
    // The extreme ranks are known exactly; no need to go through the buckets.
    if (rank == 1) {
        return min();
    }
    if (rank == count_) {
        return max();
    }
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            std::int64_t mid = bucket_lower(i) + bucket_width(i) / 2;
            return std::chrono::nanoseconds{std::clamp(mid, min_, max_)};
        }
    }
    // Only reachable when buckets saturated: the rank lies beyond what they hold.
    return max();
}

std::vector<std::uint64_t> histogram::cumulative_counts(std::span<const double> le_seconds) const {
    // Prefix sums once, then one lookup per bound: bounds may come in any order.
    std::vector<std::uint64_t> prefix(bucket_count);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        running += counts_[i];
        prefix[i] = running;
    }
    std::vector<std::uint64_t> out;
    out.reserve(le_seconds.size());
    for (double le : le_seconds) {
        double ns = std::round(le * 1e9);
        if (!(ns >= 0)) {  // negative or NaN: no sample is that small
            out.push_back(0);
        } else if (ns >= static_cast<double>(highest_tracked_ns)) {
            out.push_back(count_);
        } else {
            out.push_back(prefix[bucket_index(static_cast<std::int64_t>(ns))]);
        }
    }
    return out;
}

latency_summary summarize(const histogram& h) noexcept {
    latency_summary s;
    s.count = h.count();
    s.min = seconds(h.min());
    s.p50 = seconds(h.value_at_quantile(0.50));
    s.p90 = seconds(h.value_at_quantile(0.90));
    s.p99 = seconds(h.value_at_quantile(0.99));
    s.p999 = seconds(h.value_at_quantile(0.999));
    s.max = seconds(h.max());
    s.mean = h.mean_seconds();
    return s;
}

}  // namespace ringstorm::core
