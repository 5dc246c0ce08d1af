#include "engine/core/mos_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace ringstorm::core {

std::size_t mos_histogram::bucket_index(double mos) noexcept {
    const double clamped = std::clamp(mos, lowest, highest);
    // (mos - 1) * 100 is not exact in binary (4.0 gives 300.00000000000006): a relative nudge
    // down keeps grid values in their own bucket instead of the next one.
    const double x = (clamped - lowest) * 100.0;
    const double i = std::ceil(x - 1e-9 * (1.0 + x));
    return std::min(static_cast<std::size_t>(std::max(i, 0.0)), bucket_count - 1);
}

void mos_histogram::record(double mos) noexcept {
    if (std::isnan(mos)) {
        return;
    }
    const double v = std::clamp(mos, lowest, highest);
    ++counts_[bucket_index(v)];
    ++count_;
    sum_ += v;
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
}

void mos_histogram::merge(const mos_histogram& other) noexcept {
    for (std::size_t i = 0; i < bucket_count; ++i) {
        counts_[i] += other.counts_[i];
    }
    count_ += other.count_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

double mos_histogram::mean() const noexcept {
    return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_);
}

std::vector<std::uint64_t> mos_histogram::cumulative_counts(std::span<const double> le) const {
    std::vector<std::uint64_t> prefix(bucket_count);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        running += counts_[i];
        prefix[i] = running;
    }
    std::vector<std::uint64_t> out;
    out.reserve(le.size());
    for (double bound : le) {
        if (!(bound >= lowest)) {  // below the scale, or NaN: no score is that small
            out.push_back(0);
        } else if (bound >= highest) {
            out.push_back(count_);
        } else {
            // The last bucket whose upper edge is ≤ bound holds the scores ≤ bound.
            const double x = (bound - lowest) * 100.0;
            const auto i = static_cast<std::size_t>(std::floor(x + 1e-9 * (1.0 + x)));
            out.push_back(prefix[std::min(i, bucket_count - 1)]);
        }
    }
    return out;
}

}  // namespace ringstorm::core
