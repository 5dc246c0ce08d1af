#pragma once
// One worker of a run: the phones it owns (every phone-th of the shard, see
// core::worker_phones), started at their due times, each running the scenario script as
// a coroutine (phone_script.hpp), and the worker's stats. Everything here runs on the
// worker's own thread; the run command talks to it only by posting functions.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/app/events_log.hpp"
#include "engine/app/run_plan.hpp"
#include "engine/core/schedule.hpp"
#include "engine/core/stats.hpp"
#include "engine/phone/phone_media.hpp"
#include "engine/phone/tab.hpp"
#include "reporters/run_report.hpp"

namespace ringstorm::media {
class worker_media;
}

namespace ringstorm::app {

class phone_script;

// A tab whose verdict failed, kept with its SIP ladder for failures/.
struct failed_tab {
    std::string name;  // "10001", or "10001#2" for tab 2
    std::string reason;  // why it failed, one line
    std::vector<reporters::contract_sample> samples;  // its contract violations, if any
    std::string ladder;  // the rendered ladder (phone/ladder_text)
};

// The live figures of a worker for the console line.
struct worker_progress {
    std::uint64_t planned = 0;
    std::uint64_t started = 0;
    std::uint64_t live = 0;        // phones whose script has not ended
    std::uint64_t registered = 0;  // phones that reached a registration
    std::uint64_t failed = 0;
    std::uint64_t registrations_ok = 0;
    std::uint64_t registrations_failed = 0;
    std::uint64_t violations = 0;
    std::uint64_t calls_offered = 0;
    std::uint64_t calls_completed = 0;
    std::int64_t active_calls = 0;
    std::int64_t media_streams_active = 0;     // streams running now (stats, live-folded)
    std::uint64_t media_packets_received = 0;  // RTP packets received so far
    bool done = false;
};

class worker {
public:
    // `workers`: how many workers the run has (the calls' tones are numbered across them).
    // The worker's media (the scenario's `media:` on) is made here, before any phone runs,
    // its shared ports bound on `media_ip` (found once per run: media_address.hpp);
    // media_error() says why when it could not be.
    worker(boost::asio::io_context& io, const run_plan& plan, core::phone_range phones,
           std::size_t index, std::size_t workers, std::string media_ip);
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;
    ~worker();

    // On the worker's thread: starts the feeder and the run's end timer. `on_done` is
    // called (on this thread) once every phone has ended.
    void start(std::function<void()> on_done);
    // The run's end (duration over, or the first Ctrl-C): every phone winds down.
    void end_run();
    // Second Ctrl-C or the grace period over: every phone drops at once.
    void abort();

    worker_progress progress() const;
    bool done() const noexcept { return done_; }
    // Read after the worker's thread has stopped (or from it).
    const core::stats& stats() const noexcept { return *stats_; }
    std::vector<failed_tab>& failures() noexcept { return failures_; }

    // For phone scripts.
    phone::worker_env& env() noexcept { return env_; }
    core::stats& mutable_stats() noexcept { return *stats_; }
    events_buffer& events() noexcept { return events_; }
    const run_plan& plan() const noexcept { return plan_; }
    bool ending() const noexcept { return ending_; }
    bool aborted() const noexcept { return aborted_; }
    core::time_point grace_deadline() const noexcept { return grace_deadline_; }
    std::uint64_t next_seed() noexcept;
    void keep_failure(failed_tab failure);
    // Why the worker's media could not be made ("media: dtls identity: …"); empty when it
    // was, or when the scenario turns media off. The run does not start with such a worker.
    const std::string& media_error() const noexcept { return media_error_; }

private:
    boost::asio::awaitable<void> feed();
    void phone_ended(phone_script* script);
    void check_done();
    void make_media(std::size_t workers, std::string media_ip);
    // Folds the running streams' counters into the stats once a second (live figures).
    void arm_media_fold();
    // Copies the media engine's own figures (send lateness, skipped ticks, drops) into
    // the stats; no-op without media.
    void fold_engine();

    boost::asio::io_context& io_;
    const run_plan& plan_;
    core::phone_range phones_;
    std::size_t index_;
    std::unique_ptr<core::stats> stats_;  // large: on the heap
    // The phones' media (null when the scenario turns it off); outlives every tab, whose
    // streams are attached to its engine. Declared before env_, which points into it.
    std::unique_ptr<media::worker_media> media_;
    phone::stream_registry streams_;
    std::string media_error_;
    phone::worker_env env_;
    events_buffer events_;
    boost::asio::steady_timer feed_timer_;
    boost::asio::steady_timer end_timer_;
    boost::asio::steady_timer grace_timer_;
    boost::asio::steady_timer media_timer_;
    std::list<std::unique_ptr<phone_script>> live_;
    std::vector<failed_tab> failures_;
    std::function<void()> on_done_;
    core::time_point grace_deadline_ = core::time_point::max();
    std::uint64_t seed_state_;
    bool feeding_ = false;
    bool ending_ = false;
    bool aborted_ = false;
    bool done_ = false;
};

}  // namespace ringstorm::app
