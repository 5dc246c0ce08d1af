#pragma once
// A histogram of MOS estimates (ITU-T G.107 E-model scores, 1 to 4.5 in practice, 1 to 5 by
// definition): one sample per call, recorded by the worker that ran it and merged into
// report snapshots like core::histogram. The latency histogram works in nanoseconds and
// would need a fake unit for a dimensionless score, so scores get their own fixed grid:
// 401 buckets 0.01 wide covering [1, 5], ≈3.2 KB whatever the number of samples.
//
// Bucket i (1 ≤ i ≤ 400) holds the scores in (1 + (i-1)/100, 1 + i/100], bucket 0 exactly 1
// (and everything below, clamped). So "samples ≤ le" is exact for every le on the 0.01 grid,
// which covers the Prometheus bounds 1, 1.25 … 4.5 of ringstorm_media_mos. The mean is kept
// exactly (sum of the unclamped-to-grid, range-clamped values).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ringstorm::core {

class mos_histogram {
public:
    static constexpr double lowest = 1.0;   // E-model floor (R ≤ 0 maps to 1)
    static constexpr double highest = 5.0;  // scale ceiling; values outside are clamped
    static constexpr std::size_t bucket_count = 401;

    // Records one score; NaN is ignored (no estimate is not a score of 1).
    void record(double mos) noexcept;
    // Adds every sample of other (per-worker histograms into a snapshot).
    void merge(const mos_histogram& other) noexcept;

    std::uint64_t count() const noexcept { return count_; }
    double sum() const noexcept { return sum_; }
    // Exact mean of the (range-clamped) scores; 0 when empty.
    double mean() const noexcept;
    // Smallest and largest recorded scores; 0 when empty.
    double min() const noexcept { return count_ == 0 ? 0.0 : min_; }
    double max() const noexcept { return count_ == 0 ? 0.0 : max_; }

    // Cumulative counts for Prometheus `_bucket{le=…}`: result[k] is the number of samples
    // ≤ le[k] (exact for bounds on the 0.01 grid, bounds in any order). `+Inf` is count().
    std::vector<std::uint64_t> cumulative_counts(std::span<const double> le) const;

    // The bucket of a score (public for tests).
    static std::size_t bucket_index(double mos) noexcept;

private:
    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t count_ = 0;
    double sum_ = 0;
    double min_ = highest;
    double max_ = lowest;
};

}  // namespace ringstorm::core
