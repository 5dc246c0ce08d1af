#pragma once
// Live figures of a running run, read without touching a worker's state from another
// thread: a request is posted to every worker, each answers with a copy from its own
// thread, and the copies are merged here (seastar's per-shard metrics). Used by the
// console line and by /metrics scrapes.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/app/worker.hpp"
#include "engine/core/stats.hpp"
#include "engine/transport/worker_pool.hpp"

namespace prometheus {
struct MetricFamily;
}

namespace ringstorm::app {

// The console's figures, summed over workers (bounded wait: 1 s).
worker_progress gather_progress(transport::worker_pool& pool,
                                const std::vector<std::unique_ptr<worker>>& workers);

// What /metrics serves: live snapshots while the workers run, the final figures after.
class live_metrics {
public:
    explicit live_metrics(std::string scenario) : scenario_(std::move(scenario)) {}
    // Serve live figures of these workers (they must stay alive until finish()).
    void attach(transport::worker_pool& pool, const std::vector<std::unique_ptr<worker>>& workers);
    // The workers are stopping: a scrape in progress completes first, later ones get
    // `final_stats` (set it with set_final once merged).
    void detach();
    void set_final(const core::stats& totals);
    // Called from the HTTP server's thread on each scrape.
    std::vector<prometheus::MetricFamily> collect();

private:
    std::mutex mutex_;
    transport::worker_pool* pool_ = nullptr;
    const std::vector<std::unique_ptr<worker>>* workers_ = nullptr;
    std::string scenario_;
    core::stats final_;
};

}  // namespace ringstorm::app
