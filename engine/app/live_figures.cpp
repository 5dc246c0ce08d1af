#include "engine/app/live_figures.hpp"

#include <chrono>
#include <condition_variable>

#include <prometheus/metric_family.h>

#include "reporters/prometheus_metrics.hpp"

namespace ringstorm::app {

using namespace std::chrono_literals;

namespace {

// Runs `fn(worker)` on every worker's own thread and waits (bounded) for all answers:
// live figures are read by posting, never by touching a worker's state from here.
template <class Fn>
void on_every_worker(transport::worker_pool& pool, const std::vector<std::unique_ptr<worker>>& workers,
                     Fn fn) {
    struct gather {
        std::mutex m;
        std::condition_variable cv;
        std::size_t answered = 0;
    };
    auto g = std::make_shared<gather>();
    for (std::size_t i = 0; i < workers.size(); ++i) {
        worker* w = workers[i].get();
        pool.post(i, [g, w, fn] {
            fn(*w);
            std::lock_guard lock(g->m);
            ++g->answered;
            g->cv.notify_all();
        });
    }
    std::unique_lock lock(g->m);
    g->cv.wait_for(lock, 1s, [&] { return g->answered == workers.size(); });
}

}  // namespace

worker_progress gather_progress(transport::worker_pool& pool,
                                const std::vector<std::unique_ptr<worker>>& workers) {
    auto total = std::make_shared<std::pair<std::mutex, worker_progress>>();
    on_every_worker(pool, workers, [total](worker& w) {
        worker_progress p = w.progress();
        std::lock_guard lock(total->first);
        worker_progress& t = total->second;
        t.planned += p.planned;
        t.started += p.started;
        t.live += p.live;
        t.registered += p.registered;
        t.failed += p.failed;
        t.registrations_ok += p.registrations_ok;
        t.registrations_failed += p.registrations_failed;
        t.violations += p.violations;
        t.calls_offered += p.calls_offered;
        t.calls_completed += p.calls_completed;
        t.active_calls += p.active_calls;
        t.media_streams_active += p.media_streams_active;
        t.media_packets_received += p.media_packets_received;
    });
    std::lock_guard lock(total->first);
    return total->second;
}

void live_metrics::attach(transport::worker_pool& pool,
                          const std::vector<std::unique_ptr<worker>>& workers) {
    std::lock_guard lock(mutex_);
    pool_ = &pool;
    workers_ = &workers;
}

void live_metrics::detach() {
    std::lock_guard lock(mutex_);  // a scrape in progress finishes first
    pool_ = nullptr;
    workers_ = nullptr;
}

void live_metrics::set_final(const core::stats& totals) {
    std::lock_guard lock(mutex_);
    final_ = totals;
}

std::vector<prometheus::MetricFamily> live_metrics::collect() {
    std::lock_guard lock(mutex_);
    if (pool_ == nullptr) {
        return reporters::metric_families(final_, scenario_, 0);
    }
    struct merged {
        std::mutex m;
        core::stats stats;
        std::uint64_t live = 0;
    };
    auto all = std::make_shared<merged>();
    on_every_worker(*pool_, *workers_, [all](worker& w) {
        std::uint64_t live = w.progress().live;
        std::lock_guard lock(all->m);
        all->stats.merge(w.stats());
        all->live += live;
    });
    std::lock_guard merged_lock(all->m);
    return reporters::metric_families(all->stats, scenario_, all->live);
}

}  // namespace ringstorm::app
