// MOS scores per call: exact mean, exact `le` counts on the Prometheus grid, clamping, merge.
#include "engine/core/mos_histogram.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

using namespace ringstorm::core;

TEST(mos_histogram, empty_reads_zero) {
    mos_histogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.mean(), 0.0);
    EXPECT_EQ(h.min(), 0.0);
    EXPECT_EQ(h.max(), 0.0);
    const std::array<double, 2> le{1.0, 4.5};
    EXPECT_EQ(h.cumulative_counts(le), (std::vector<std::uint64_t>{0, 0}));
}

TEST(mos_histogram, mean_min_max_are_exact) {
    mos_histogram h;
    for (double v : {4.41, 4.2, 3.05, 1.0}) {
        h.record(v);
    }
    EXPECT_EQ(h.count(), 4u);
    EXPECT_DOUBLE_EQ(h.mean(), (4.41 + 4.2 + 3.05 + 1.0) / 4);
    EXPECT_DOUBLE_EQ(h.min(), 1.0);
    EXPECT_DOUBLE_EQ(h.max(), 4.41);
}

TEST(mos_histogram, bounds_on_the_grid_count_exactly) {
    mos_histogram h;
    // Values on a bound count at that bound, values just above do not.
    for (double v : {1.0, 1.25, 1.2501, 4.0, 4.0049, 4.5}) {
        h.record(v);
    }
    const std::array<double, 6> le{1.0, 1.25, 1.5, 4.0, 4.25, 4.5};
    EXPECT_EQ(h.cumulative_counts(le), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
    // Every bound of the 0.25 grid maps to the bucket ending exactly on it.
    for (int k = 0; k <= 14; ++k) {
        const double bound = 1.0 + 0.25 * k;
        EXPECT_EQ(mos_histogram::bucket_index(bound), static_cast<std::size_t>(25 * k)) << bound;
    }
}

TEST(mos_histogram, out_of_range_is_clamped_and_nan_ignored) {
    mos_histogram h;
    h.record(0.2);
    h.record(7.0);
    h.record(std::nan(""));
    EXPECT_EQ(h.count(), 2u);
    EXPECT_DOUBLE_EQ(h.min(), 1.0);
    EXPECT_DOUBLE_EQ(h.max(), 5.0);
    EXPECT_DOUBLE_EQ(h.mean(), 3.0);
    const std::array<double, 3> le{0.5, 1.0, 4.99};
    EXPECT_EQ(h.cumulative_counts(le), (std::vector<std::uint64_t>{0, 1, 1}));
}

TEST(mos_histogram, merge_equals_recording_everything_in_one) {
    mos_histogram a;
    mos_histogram b;
    mos_histogram both;
    for (int i = 0; i < 50; ++i) {
        const double v = 1.0 + 0.07 * i;
        (i % 3 == 0 ? a : b).record(v);
        both.record(v);
    }
    mos_histogram merged;
    merged.merge(a);
    merged.merge(b);
    EXPECT_EQ(merged.count(), both.count());
    EXPECT_NEAR(merged.mean(), both.mean(), 1e-12);
    EXPECT_DOUBLE_EQ(merged.min(), both.min());
    EXPECT_DOUBLE_EQ(merged.max(), both.max());
    const std::array<double, 5> le{1.5, 2.0, 3.0, 4.0, 4.5};
    EXPECT_EQ(merged.cumulative_counts(le), both.cumulative_counts(le));
    // An empty side leaves min and max alone.
    merged.merge(mos_histogram{});
    EXPECT_DOUBLE_EQ(merged.min(), both.min());
    EXPECT_DOUBLE_EQ(merged.max(), both.max());
}
