// Cost of the latency histogram on the paths that matter: record() runs once per
// measured step on a worker thread; merge() and quantiles run per report or scrape.
//
// Reproduce (figures in benchmarks/RESULTS.md):
//   cmake --preset release && cmake --build build/release --target micro_bench
//   build/release/benchmarks/micro_bench --benchmark_filter='histogram|stats_merge'
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "engine/core/histogram.hpp"
#include "engine/core/stats.hpp"

namespace {

using ringstorm::core::histogram;

// Latencies shaped like SIP round trips: lognormal around 40 ms with a long tail.
std::vector<std::int64_t> sample_latencies(std::size_t n) {
    std::mt19937_64 rng(42);
    std::lognormal_distribution<> dist(std::log(40e6), 1.2);
    std::vector<std::int64_t> out(n);
    for (auto& v : out) {
        v = std::llround(dist(rng));
    }
    return out;
}

histogram filled(std::size_t n) {
    histogram h;
    for (auto v : sample_latencies(n)) {
        h.record_ns(v);
    }
    return h;
}

void bm_histogram_record(benchmark::State& state) {
    auto values = sample_latencies(4096);  // a power of two: the index wraps with a mask
    histogram h;
    std::size_t i = 0;
    for (auto _ : state) {
        h.record_ns(values[i++ & 4095]);
    }
    benchmark::DoNotOptimize(h.count());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_histogram_record);

void bm_histogram_merge(benchmark::State& state) {
    histogram part = filled(100'000);
    histogram total;
    for (auto _ : state) {
        total.merge(part);
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(total.count());
}
BENCHMARK(bm_histogram_merge);

void bm_histogram_quantile(benchmark::State& state) {
    histogram h = filled(100'000);
    double q = static_cast<double>(state.range(0)) / 1000.0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(h.value_at_quantile(q));
    }
}
BENCHMARK(bm_histogram_quantile)->Arg(500)->Arg(990)->Arg(999);

void bm_histogram_summarize(benchmark::State& state) {
    histogram h = filled(100'000);
    for (auto _ : state) {
        benchmark::DoNotOptimize(ringstorm::core::summarize(h));
    }
}
BENCHMARK(bm_histogram_summarize);

void bm_histogram_prometheus_buckets(benchmark::State& state) {
    histogram h = filled(100'000);
    for (auto _ : state) {
        benchmark::DoNotOptimize(h.cumulative_counts(ringstorm::core::default_le_seconds));
    }
}
BENCHMARK(bm_histogram_prometheus_buckets);

// A whole worker snapshot (14 step histograms and the counters) merged into a report.
void bm_stats_merge(benchmark::State& state) {
    auto worker = std::make_unique<ringstorm::core::stats>();
    for (auto step : ringstorm::core::all_steps) {
        for (auto v : sample_latencies(1000)) {
            worker->record(step, std::chrono::nanoseconds(v));
        }
    }
    worker->protocol_errors.add("timer_f", 3);
    auto snapshot = std::make_unique<ringstorm::core::stats>();
    for (auto _ : state) {
        snapshot->merge(*worker);
        benchmark::ClobberMemory();
    }
}
BENCHMARK(bm_stats_merge);

}  // namespace
