// `ringstorm run SCENARIO.yaml [options]`: load and check the scenario, find or start the
// target, start the workers, show progress, stop in order on the run's end or Ctrl-C,
// then judge and write the reports. Exit codes per interface.md.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include <prometheus/metric_family.h>

#include "engine/app/console.hpp"
#include "engine/app/events_log.hpp"
#include "engine/app/live_figures.hpp"
#include "engine/app/media_address.hpp"
#include "engine/app/metrics_endpoint.hpp"
#include "engine/app/report_files.hpp"
#include "engine/app/run_options.hpp"
#include "engine/app/run_target.hpp"
#include "engine/app/signals.hpp"
#include "engine/app/source_ips.hpp"
#include "engine/app/worker.hpp"
#include "engine/transport/fd_limit.hpp"
#include "engine/transport/worker_pool.hpp"
#include "reporters/figures.hpp"
#include "reporters/prometheus_metrics.hpp"

namespace ringstorm::app {

using namespace std::chrono_literals;

namespace {

constexpr int exit_pass = 0;
constexpr int exit_fail = 1;
constexpr int exit_usage = 2;
constexpr int exit_not_started = 3;

void print_diagnostics(const std::vector<scenario::diagnostic>& diags) {
    for (const scenario::diagnostic& d : diags) {
        std::fprintf(stderr, "%s\n", scenario::to_string(d).c_str());
    }
}

// The scenario's load section in the schedule's terms. Without a rate or stages every
// phone starts at once; a duration longer than the stages holds the last target.
core::load_profile to_schedule_profile(const scenario::load_profile& load) {
    core::load_profile p;
    if (!load.stages.empty()) {
        for (const scenario::stage& s : load.stages) {
            p.stages.push_back({s.duration, s.target});
        }
        core::duration total = load.stages_total();
        if (load.duration && *load.duration > total) {
            p.stages.push_back({*load.duration - total, load.stages.back().target});
        }
        return p;
    }
    p.phones = load.phones;
    p.rate = load.rate.value_or(1e9);  // "all at once": a nanosecond apart
    p.run_duration = load.duration.value_or(core::duration{0});
    return p;
}

// Whether the script keeps a phone connected until the run's end (a loop).
bool holds_phones(const scenario::block& steps) {
    return std::any_of(steps.begin(), steps.end(), [](const scenario::step& s) {
        if (std::holds_alternative<scenario::loop_step>(s.action)) {
            return true;
        }
        const auto* r = std::get_if<scenario::repeat_step>(&s.action);
        return r != nullptr && holds_phones(r->steps);
    });
}

struct run_setup {
    std::shared_ptr<const scenario::scenario> scenario;
    std::optional<core::schedule> schedule;
    core::phone_range phones;
    std::vector<std::string> source_ips;
    std::size_t threads = 1;
    std::uint64_t seed = 1;
};

// Everything that can be refused before anything starts (exit 2).
std::optional<run_setup> prepare(const run_options& o) {
    auto loaded = scenario::load_scenario_file(o.scenario_file, o.overrides);
    if (!loaded) {
        print_diagnostics(loaded.error());
        return std::nullopt;
    }
    run_setup s;
    s.scenario = std::make_shared<const scenario::scenario>(std::move(*loaded));
    auto schedule = core::schedule::make(to_schedule_profile(s.scenario->load));
    if (!schedule) {
        std::fprintf(stderr, "%s: load: %s\n", o.scenario_file.c_str(), schedule.error().c_str());
        return std::nullopt;
    }
    s.schedule = std::move(*schedule);
    core::shard shard;
    if (!o.shard.empty()) {
        auto parsed = core::parse_shard(o.shard);
        if (!parsed) {
            std::fprintf(stderr, "command line: --shard: %s\n", parsed.error().c_str());
            return std::nullopt;
        }
        shard = *parsed;
    }
    s.phones = core::shard_phones(s.schedule->planned(), shard);
    if (!o.source_ips.empty()) {
        auto ips = parse_source_ips(o.source_ips);
        if (!ips) {
            std::fprintf(stderr, "command line: %s\n", ips.error().c_str());
            return std::nullopt;
        }
        s.source_ips = std::move(*ips);
    }
    s.threads = s.scenario->load.threads.value_or(
        std::max<unsigned>(1, std::thread::hardware_concurrency()));
    s.seed = o.seed.value_or(std::random_device{}());
    return s;
}

// File descriptors: one per tab, one more per tab for the embedded target's side and one
// for its media port per call, and the phone workers' shared media ports.
// False (after saying why) when the run must not start.
bool descriptors_suffice(const run_setup& setup, console& out) {
    const scenario::scenario& sc = *setup.scenario;
    auto limits = transport::raise_fd_limit();
    if (!limits) {
        return true;  // unknown limits: a phone that meets one records its connect failure
    }
    const bool embedded = !sc.target.url.has_value();
    transport::fd_need need{
        .connections = setup.phones.count * sc.accounts.tabs,
        .embedded_target = embedded,
        .per_phone = sc.accounts.tabs,
        .media_port_per_connection = embedded && sc.target.calls.has_value() &&
                                     sc.target.media != scenario::target_media_mode::none,
        .media_shared_ports = sc.media.enabled ? setup.threads : 0};
    auto fits = transport::check_fd_budget(need, *limits);
    if (fits) {
        return true;
    }
    // A script that holds its phones (a loop until the run's end) keeps every connection
    // open at once: refuse. Short-lived phones may fit: warn, and a phone that meets the
    // limit records its connect failure.
    if (holds_phones(sc.phone)) {
        std::fprintf(stderr, "ringstorm: %s\n", fits.error().c_str());
        return false;
    }
    out.message("warning: if every phone were connected at once: " + fits.error());
    return true;
}

// Runs the workers until every phone has ended, showing progress each second. The first
// Ctrl-C ends the run (phones wind down); the second aborts. True when aborted.
bool supervise(transport::worker_pool& pool, const std::vector<std::unique_ptr<worker>>& workers,
               const run_plan& plan, console& out) {
    std::mutex done_mutex;
    std::condition_variable done_cv;
    std::size_t done_count = 0;
    auto all_done = [&] { return done_count == workers.size(); };
    auto on_every = [&](auto fn) {
        for (std::size_t i = 0; i < workers.size(); ++i) {
            worker* w = workers[i].get();
            pool.post(i, [w, fn] { fn(*w); });
        }
    };
    pool.start();
    on_every([&](worker& w) {
        w.start([&] {
            std::lock_guard lock(done_mutex);
            ++done_count;
            done_cv.notify_all();
        });
    });
    int signals_seen = 0;
    bool ending = false;
    auto next_tick = core::clock::now() + 1s;
    for (;;) {
        {
            std::unique_lock lock(done_mutex);
            if (done_cv.wait_for(lock, 100ms, all_done)) {
                return false;
            }
        }
        if (int s = stop_signals(); s > signals_seen) {
            signals_seen = s;
            if (s >= 2) {
                on_every([](worker& w) { w.abort(); });
                std::unique_lock lock(done_mutex);
                done_cv.wait_for(lock, 2s, all_done);
                return true;
            }
            out.message("stopping: phones wind down (Ctrl-C again to abort)");
            ending = true;
            on_every([](worker& w) { w.end_run(); });
        }
        if (core::clock::now() >= next_tick) {
            next_tick += 1s;
            bool past_end = plan.schedule.length() != core::schedule::unbounded &&
                            plan.clock.since_start(core::clock::now()) >= plan.schedule.length();
            out.progress(plan.clock.seconds_now(), gather_progress(pool, workers),
                         ending || past_end);
        }
    }
}

// The verdict (thresholds and contract), the reports, the summary; the exit code.
int conclude(reporters::run_report& report, std::vector<failed_tab>& failures,
             const scenario::scenario& sc, const run_options& o, console& out) {
    if (!o.pushgateway.empty()) {
        auto pushed = push_metrics(o.pushgateway, sc.name,
                                   reporters::metric_families(report.totals, sc.name, 0));
        if (!pushed) {
            std::fprintf(stderr, "ringstorm: %s\n", pushed.error().c_str());
        }
    }
    report.thresholds = reporters::evaluate_thresholds(sc.thresholds, report);
    bool thresholds_ok = std::all_of(report.thresholds.begin(), report.thresholds.end(),
                                     [](const reporters::threshold_result& t) { return t.passed; });
    report.passed =
        !report.aborted && thresholds_ok && report.totals.contract_violations.total() == 0;

    written_reports written = write_reports(report, failures, o);
    for (const std::string& e : written.errors) {
        std::fprintf(stderr, "ringstorm: %s\n", e.c_str());
    }
    std::string files;
    for (const std::string& f : written.files) {
        if (f.find("/failures/") == std::string::npos) {
            files += (files.empty() ? "" : ", ") + f;
        }
    }
    out.summary(report, files);
    if (report.aborted) {
        return exit_not_started;
    }
    return report.passed ? exit_pass : exit_fail;
}

}  // namespace

int run_command(const run_options& o) {
    install_stop_signals();
    console out(stdout, o.quiet);
    std::optional<run_setup> setup = prepare(o);
    if (!setup || !descriptors_suffice(*setup, out)) {
        return exit_usage;
    }
    const scenario::scenario& sc = *setup->scenario;

    reporters::run_report report;
    report.scenario = sc.name;
    report.description = sc.description;
    report.contract = std::string(scenario::to_string(sc.contract));
    report.started_at = core::wall_clock::now();
    report.totals.phones_planned = setup->phones.count;  // also when the run cannot start
    auto fail_to_start = [&](const std::string& why) {
        std::fprintf(stderr, "ringstorm: %s\n", why.c_str());
        report.aborted = true;
        report.abort_reason = why;
        std::vector<failed_tab> none;
        write_reports(report, none, o);
        out.summary(report, "");
        return exit_not_started;
    };

    transport::client_options client;
    client.user_agent = "ringstorm";
    auto target = open_target(sc, client, setup->seed);
    if (!target) {
        if (target.error().usage) {
            std::fprintf(stderr, "ringstorm: %s\n", target.error().message.c_str());
            return exit_usage;
        }
        return fail_to_start(target.error().message);
    }
    report.target = transport::to_string(target->url);
    if (target->embedded) {
        out.message("embedded target listening on " + report.target);
    } else if (sc.target.calls) {
        out.message("note: target.calls is not used: it configures the embedded target, and " +
                    report.target + " places its own calls");
    }

    std::unique_ptr<events_log> events;
    if (!o.events_file.empty()) {
        auto opened = events_log::open(o.events_file);
        if (!opened) {
            std::fprintf(stderr, "ringstorm: %s\n", opened.error().c_str());
            return exit_usage;
        }
        events = std::move(*opened);
    }

    run_plan plan{.scenario = setup->scenario,
                  .schedule = *setup->schedule,
                  .clock = core::run_clock{},
                  .url = target->url,
                  .sipdomain = target->sipdomain,
                  .tls = target->tls_context(),
                  .client = client,
                  .source_ips = setup->source_ips,
                  .events = events.get(),
                  .seed = setup->seed};
    report.started_at = plan.clock.wall_start();

    // Once for the run, not per worker: the lookup blocks, and its warning is said once.
    // With --source-ips each tab's media binds its own source address instead.
    media_address media_at;
    if (sc.media.enabled && plan.source_ips.empty()) {
        media_at = find_media_address(plan.url);
        if (!media_at.warning.empty()) {
            std::fprintf(stderr, "ringstorm: warning: %s\n", media_at.warning.c_str());
        }
    }

    transport::worker_pool pool(setup->threads);
    std::vector<std::unique_ptr<worker>> workers;
    for (std::size_t i = 0; i < pool.size(); ++i) {
        workers.push_back(std::make_unique<worker>(
            pool.context(i), plan, core::worker_phones(setup->phones, i, pool.size()), i,
            pool.size(), media_at.ip));
        // The phones' media could not be made (DTLS identity, engine options): no phone of
        // the run would carry media, so the run does not start.
        if (!workers.back()->media_error().empty()) {
            const std::string why = workers.back()->media_error();
            workers.clear();
            return fail_to_start(why);
        }
    }
    live_metrics metrics(sc.name);
    std::unique_ptr<metrics_endpoint> endpoint;
    if (!o.prometheus.empty()) {
        metrics.attach(pool, workers);
        auto started =
            metrics_endpoint::start(o.prometheus, [&metrics] { return metrics.collect(); });
        if (!started) {
            return fail_to_start(started.error());
        }
        endpoint = std::move(*started);
        out.message("metrics on http://" + o.prometheus + "/metrics");
    }
    out.message("running " + sc.name + ": " + std::to_string(setup->phones.count) + " phones on " +
                std::to_string(pool.size()) + " threads against " + report.target +
                " (Ctrl-C: orderly stop; twice: abort)");

    if (supervise(pool, workers, plan, out)) {
        report.aborted = true;
        report.abort_reason = "interrupted twice";
    }
    metrics.detach();
    pool.stop();
    pool.join();
    report.duration_seconds = plan.clock.seconds_now();

    std::vector<failed_tab> failures;
    report.totals.phones_planned = 0;  // the workers' own counts follow
    for (auto& w : workers) {
        report.totals.merge(w->stats());
        for (failed_tab& f : w->failures()) {
            failures.push_back(std::move(f));
        }
    }
    workers.clear();
    if (target->embedded) {
        target->embedded->stop();
    }
    if (events) {
        events->flush();
    }
    metrics.set_final(report.totals);
    return conclude(report, failures, sc, o, out);
}

}  // namespace ringstorm::app
