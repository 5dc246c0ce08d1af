#include "engine/core/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

using namespace std::chrono_literals;
using ringstorm::core::default_le_seconds;
using ringstorm::core::histogram;

namespace {

// A quantile as an exact fraction, so the expected nearest rank is computed in integers
// and independently of the histogram's floating-point rank.
struct fraction {
    std::uint64_t num;
    std::uint64_t den;
};

constexpr fraction quantiles[] = {{0, 1}, {1, 2}, {9, 10}, {99, 100}, {999, 1000}, {1, 1}};

std::int64_t exact_quantile(const std::vector<std::int64_t>& sorted, fraction q) {
    std::uint64_t n = sorted.size();
    std::uint64_t rank = (q.num * n + q.den - 1) / q.den;  // ceil(q * n)
    rank = std::max<std::uint64_t>(rank, 1);
    return sorted[rank - 1];
}

// The documented precision: within 1/128 of the value in range, within 4 ns below it.
std::int64_t tolerance(std::int64_t exact) {
    return exact < histogram::lowest_tracked_ns ? 4 : exact / 128;
}

std::vector<std::int64_t> draw(std::size_t n, const std::function<double(std::mt19937_64&)>& gen) {
    std::mt19937_64 rng(20240501);
    std::vector<std::int64_t> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(std::llround(gen(rng)));
    }
    return out;
}

void expect_quantiles_match(const std::vector<std::int64_t>& values, const char* name) {
    histogram h;
    for (auto v : values) {
        h.record_ns(v);
    }
    auto sorted = values;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(h.count(), sorted.size()) << name;
    EXPECT_EQ(h.min().count(), sorted.front()) << name;
    EXPECT_EQ(h.max().count(), sorted.back()) << name;
    for (auto q : quantiles) {
        double qd = static_cast<double>(q.num) / static_cast<double>(q.den);
        std::int64_t exact = exact_quantile(sorted, q);
        std::int64_t got = h.value_at_quantile(qd).count();
        EXPECT_LE(std::llabs(got - exact), tolerance(exact))
            << name << " q=" << qd << " exact=" << exact << " got=" << got;
    }
}

}  // namespace

TEST(histogram, buckets_tile_the_range_with_bounded_width) {
    EXPECT_EQ(histogram::bucket_lower(0), 0);
    for (std::size_t i = 0; i + 1 < histogram::bucket_count; ++i) {
        std::int64_t lower = histogram::bucket_lower(i);
        std::int64_t width = histogram::bucket_width(i);
        ASSERT_EQ(lower + width, histogram::bucket_lower(i + 1)) << i;
        ASSERT_EQ(histogram::bucket_index(lower), i);
        ASSERT_EQ(histogram::bucket_index(lower + width - 1), i);
        // Relative precision: no bucket is wider than 1/64 of its start above 1 µs.
        if (lower >= histogram::lowest_tracked_ns) {
            ASSERT_LE(width * 64, lower) << i;
        } else {
            ASSERT_EQ(width, 8);
        }
    }
    EXPECT_EQ(histogram::bucket_index(histogram::highest_tracked_ns), histogram::bucket_count - 1);
    // One per step per worker: it has to stay small.
    EXPECT_LE(sizeof(histogram), 9 * 1024u);
}

TEST(histogram, empty_reports_zeros) {
    histogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.min(), 0ns);
    EXPECT_EQ(h.max(), 0ns);
    EXPECT_EQ(h.sum(), 0ns);
    EXPECT_EQ(h.mean_seconds(), 0);
    EXPECT_EQ(h.value_at_quantile(0.5), 0ns);
    auto counts = h.cumulative_counts(default_le_seconds);
    EXPECT_EQ(counts, std::vector<std::uint64_t>(default_le_seconds.size(), 0));
}

TEST(histogram, single_value_is_exact_at_every_quantile) {
    histogram h;
    h.record(123'456'789ns);
    for (double q : {0.0, 0.001, 0.5, 0.99, 1.0}) {
        EXPECT_EQ(h.value_at_quantile(q), 123'456'789ns) << q;
    }
    EXPECT_EQ(h.sum(), 123'456'789ns);
}

TEST(histogram, nearest_rank_is_not_fooled_by_binary_fractions) {
    // 0.9 * 10 is 9.000000000000002 in doubles; the 9th of 10 samples is the answer.
    histogram h;
    for (int i = 1; i <= 10; ++i) {
        h.record(std::chrono::milliseconds(i * 100));
    }
    EXPECT_NEAR(static_cast<double>(h.value_at_quantile(0.9).count()), 900e6, 900e6 / 128);
    EXPECT_NEAR(static_cast<double>(h.value_at_quantile(0.5).count()), 500e6, 500e6 / 128);
    EXPECT_EQ(h.value_at_quantile(0.95), 1000ms);  // rank 10 is the max, exactly
    EXPECT_EQ(h.value_at_quantile(0.05), 100ms);   // rank 1 is the min, exactly
    EXPECT_EQ(h.value_at_quantile(-3), 100ms);     // out-of-range q is clamped
    EXPECT_EQ(h.value_at_quantile(7), 1000ms);
}

TEST(histogram, quantiles_match_sorted_data_for_several_distributions) {
    constexpr std::size_t n = 100'000;
    expect_quantiles_match(
        draw(n, [](auto& rng) { return std::uniform_real_distribution<>(1e6, 1e9)(rng); }),
        "uniform 1ms..1s");
    expect_quantiles_match(
        draw(n, [](auto& rng) { return std::exponential_distribution<>(1 / 50e6)(rng); }),
        "exponential mean 50ms");
    expect_quantiles_match(
        draw(n, [](auto& rng) { return std::lognormal_distribution<>(std::log(80e6), 1.0)(rng); }),
        "lognormal median 80ms");
    expect_quantiles_match(draw(n,
                                [](auto& rng) {
                                    bool slow = std::bernoulli_distribution(0.1)(rng);
                                    return slow ? std::normal_distribution<>(2e9, 1e8)(rng)
                                                : std::normal_distribution<>(20e6, 2e6)(rng);
                                }),
                           "bimodal 20ms/2s");
    expect_quantiles_match(
        draw(n, [](auto& rng) { return std::uniform_real_distribution<>(1e3, 3.6e12)(rng); }),
        "uniform over the whole range");
    expect_quantiles_match(
        draw(n, [](auto& rng) { return std::uniform_real_distribution<>(0, 1500)(rng); }),
        "sub-microsecond");
}

TEST(histogram, out_of_range_values_are_clamped_and_counted) {
    histogram h;
    h.record(2h);
    h.record(-5ns);
    h.record(500ns);
    h.record(10ms);
    EXPECT_EQ(h.count(), 4u);
    EXPECT_EQ(h.above_range(), 1u);
    EXPECT_EQ(h.below_range(), 2u);
    EXPECT_EQ(h.max(), 1h);
    EXPECT_EQ(h.min(), 0ns);
    EXPECT_EQ(h.sum(), 1h + 500ns + 10ms);
    // 500 ns keeps its 8 ns resolution: rank 2 of 4.
    EXPECT_NEAR(static_cast<double>(h.value_at_quantile(0.5).count()), 500, 4);
}

TEST(histogram, sum_and_mean_are_exact) {
    histogram h;
    std::int64_t total = 0;
    for (std::int64_t v = 1'000; v < 50'000'000; v = v * 3 + 7) {
        h.record_ns(v);
        total += v;
    }
    EXPECT_EQ(h.sum().count(), total);
    EXPECT_DOUBLE_EQ(h.mean_seconds(),
                     static_cast<double>(total) / static_cast<double>(h.count()) * 1e-9);
    EXPECT_DOUBLE_EQ(h.sum_seconds(), static_cast<double>(total) * 1e-9);
}

TEST(histogram, merge_equals_recording_everything_in_one) {
    auto values = draw(
        50'000, [](auto& rng) { return std::lognormal_distribution<>(std::log(30e6), 1.5)(rng); });
    values.push_back(-1);                     // below range
    values.push_back(5 * 3'600'000'000'000);  // above range
    histogram all;
    std::array<histogram, 4> parts;
    std::mt19937 pick(7);
    for (auto v : values) {
        all.record_ns(v);
        parts[pick() % parts.size()].record_ns(v);
    }
    histogram merged;
    for (const auto& p : parts) {
        merged.merge(p);
    }
    merged.merge(histogram{});  // merging an empty histogram changes nothing
    EXPECT_EQ(merged.count(), all.count());
    EXPECT_EQ(merged.min(), all.min());
    EXPECT_EQ(merged.max(), all.max());
    EXPECT_EQ(merged.sum(), all.sum());
    EXPECT_EQ(merged.below_range(), all.below_range());
    EXPECT_EQ(merged.above_range(), all.above_range());
    for (int i = 0; i <= 1000; ++i) {
        double q = i / 1000.0;
        ASSERT_EQ(merged.value_at_quantile(q), all.value_at_quantile(q)) << q;
    }
    std::vector<double> every_bucket;
    for (std::size_t i = 0; i < histogram::bucket_count; ++i) {
        every_bucket.push_back(static_cast<double>(histogram::bucket_lower(i)) * 1e-9);
    }
    EXPECT_EQ(merged.cumulative_counts(every_bucket), all.cumulative_counts(every_bucket));
}

TEST(histogram, cumulative_counts_are_monotone_and_bracket_the_exact_counts) {
    auto values = draw(
        20'000, [](auto& rng) { return std::lognormal_distribution<>(std::log(200e6), 2.0)(rng); });
    histogram h;
    for (auto v : values) {
        h.record_ns(v);
    }
    auto counts = h.cumulative_counts(default_le_seconds);
    ASSERT_EQ(counts.size(), default_le_seconds.size());
    EXPECT_TRUE(std::is_sorted(counts.begin(), counts.end()));
    EXPECT_LE(counts.back(), h.count());
    EXPECT_GT(counts.back(), counts.front());  // the data spreads over the bounds
    for (std::size_t k = 0; k < counts.size(); ++k) {
        double le_ns = default_le_seconds[k] * 1e9;
        auto at_or_below = std::count_if(values.begin(), values.end(),
                                         [&](auto v) { return static_cast<double>(v) <= le_ns; });
        auto within_a_bucket = std::count_if(values.begin(), values.end(), [&](auto v) {
            return static_cast<double>(v) < le_ns * (1 + 1.0 / 64) + 8;
        });
        EXPECT_GE(counts[k], static_cast<std::uint64_t>(at_or_below)) << default_le_seconds[k];
        EXPECT_LE(counts[k], static_cast<std::uint64_t>(within_a_bucket)) << default_le_seconds[k];
    }
    // Bounds in any order give the same count per bound; odd bounds are handled.
    std::vector<double> reversed(default_le_seconds.rbegin(), default_le_seconds.rend());
    auto counts_reversed = h.cumulative_counts(reversed);
    std::reverse(counts_reversed.begin(), counts_reversed.end());
    EXPECT_EQ(counts_reversed, counts);
    std::vector<double> odd{-1.0, 0.0, 1e9, std::nan("")};
    EXPECT_EQ(h.cumulative_counts(odd), (std::vector<std::uint64_t>{0, 0, h.count(), 0}));
}

TEST(histogram, a_sample_exactly_on_a_bound_counts_at_that_bound) {
    histogram h;
    h.record(1ms);
    h.record(100ms);
    h.record(60s);
    auto counts = h.cumulative_counts(default_le_seconds);
    EXPECT_EQ(counts.front(), 1u);  // le=0.001
    EXPECT_EQ(counts[6], 2u);       // le=0.1
    EXPECT_EQ(counts.back(), 3u);   // le=60
}

TEST(histogram, default_bounds_span_sip_latencies) {
    EXPECT_DOUBLE_EQ(default_le_seconds.front(), 0.001);
    EXPECT_DOUBLE_EQ(default_le_seconds.back(), 60);
    EXPECT_TRUE(std::is_sorted(default_le_seconds.begin(), default_le_seconds.end()));
    EXPECT_NE(std::find(default_le_seconds.begin(), default_le_seconds.end(), 32.0),
              default_le_seconds.end());  // Timer B/F
}

TEST(histogram, reset_forgets_everything) {
    histogram h;
    h.record(5s);
    h.record(2h);
    h.reset();
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.above_range(), 0u);
    EXPECT_EQ(h.max(), 0ns);
    EXPECT_EQ(h.cumulative_counts(default_le_seconds).back(), 0u);
    h.record(3ms);
    EXPECT_EQ(h.min(), 3ms);
    EXPECT_EQ(h.value_at_quantile(0.5), 3ms);
}

TEST(histogram, summarize_gives_seconds) {
    histogram h;
    for (int i = 1; i <= 1000; ++i) {
        h.record(std::chrono::milliseconds(i));
    }
    auto s = ringstorm::core::summarize(h);
    EXPECT_EQ(s.count, 1000u);
    EXPECT_DOUBLE_EQ(s.min, 0.001);
    EXPECT_DOUBLE_EQ(s.max, 1.0);
    EXPECT_NEAR(s.p50, 0.500, 0.500 / 128);
    EXPECT_NEAR(s.p90, 0.900, 0.900 / 128);
    EXPECT_NEAR(s.p99, 0.990, 0.990 / 128);
    EXPECT_NEAR(s.p999, 0.999, 0.999 / 128);
    EXPECT_DOUBLE_EQ(s.mean, 0.5005);
}
