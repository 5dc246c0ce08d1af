#include "engine/app/worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/app/phone_script.hpp"

namespace ringstorm::app {

namespace net = boost::asio;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

phone::worker_env make_env(net::io_context& io, core::stats& stats, const run_plan& plan) {
    return phone::worker_env{.io = io,
                             .stats = stats,
                             .profile = plan.scenario->contract,
                             .url = plan.url,
                             .sipdomain = plan.sipdomain,
                             .tls = plan.tls,
                             .client = plan.client,
                             .source_ips = plan.source_ips};
}

}  // namespace

worker::worker(net::io_context& io, const run_plan& plan, core::phone_range phones,
               std::size_t index)
    : io_(io),
      plan_(plan),
      phones_(phones),
      index_(index),
      stats_(std::make_unique<core::stats>()),
      env_(make_env(io, *stats_, plan)),
      events_(plan.events, plan.clock),
      feed_timer_(io),
      end_timer_(io),
      grace_timer_(io),
      seed_state_(plan.seed * 0x2545f4914f6cdd1dULL + index) {
    stats_->phones_planned = phones_.count;
}

worker::~worker() {
    live_.clear();  // tabs drop their connections before the env they point to goes
}

void worker::start(std::function<void()> on_done) {
    on_done_ = std::move(on_done);
    core::duration length = plan_.schedule.length();
    if (length != core::schedule::unbounded) {
        end_timer_.expires_at(plan_.clock.at(length));
        end_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) {
                end_run();
            }
        });
    }
    feeding_ = true;
    net::co_spawn(io_, feed(), net::detached);
}

// Starts each phone at its due time, in due order (worker_phones keeps that order).
net::awaitable<void> worker::feed() {
    for (std::uint64_t k = 0; k < phones_.count && !ending_ && !aborted_; ++k) {
        std::uint64_t number = phones_.at(k);
        core::time_point due = plan_.clock.at(plan_.schedule.due_start(number));
        if (core::clock::now() < due) {
            feed_timer_.expires_at(due);
            co_await feed_timer_.async_wait(use_tuple);
            if (ending_ || aborted_) {
                break;
            }
        }
        auto script = std::make_unique<phone_script>(*this, number, plan_.schedule.windows(number));
        phone_script* raw = script.get();
        live_.push_back(std::move(script));
        ++stats_->phones_started;
        net::co_spawn(io_, raw->run(), [this, raw](std::exception_ptr e) {
            if (e) {
                // A phone's coroutine must not end the run: record it as that phone's failure.
                stats_->protocol_errors.add("internal_error");
                ++stats_->phones_failed;
            }
            phone_ended(raw);
        });
    }
    feeding_ = false;
    check_done();
}

void worker::phone_ended(phone_script* script) {
    // Destroy later: the coroutine that called us is still unwinding inside the script.
    net::post(io_, [this, script] {
        live_.remove_if([script](const auto& p) { return p.get() == script; });
        check_done();
    });
}

void worker::check_done() {
    if (!done_ && !feeding_ && live_.empty()) {
        done_ = true;
        end_timer_.cancel();
        grace_timer_.cancel();
        events_.flush();
        if (on_done_) {
            on_done_();
        }
    }
}

void worker::end_run() {
    if (ending_) {
        return;
    }
    ending_ = true;
    grace_deadline_ = core::clock::now() + plan_.grace;
    feed_timer_.cancel();
    for (auto& script : live_) {
        script->end_run();
    }
    grace_timer_.expires_at(grace_deadline_);
    grace_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !live_.empty()) {
            stats_->protocol_errors.add("wind_down_timeout");
            abort();
        }
    });
}

void worker::abort() {
    aborted_ = true;
    ending_ = true;
    feed_timer_.cancel();
    for (auto& script : live_) {
        script->abort();
    }
}

worker_progress worker::progress() const {
    worker_progress p;
    p.planned = stats_->phones_planned;
    p.started = stats_->phones_started;
    p.live = live_.size();
    p.registered = stats_->phones_registered;
    p.failed = stats_->phones_failed;
    p.registrations_ok = stats_->registration_count(core::registration_result::ok);
    p.registrations_failed = stats_->registrations_failed();
    p.violations = stats_->contract_violations.total();
    p.calls_offered = stats_->calls_offered;
    p.calls_completed = stats_->calls_completed;
    p.active_calls = stats_->active_calls;
    p.done = done_;
    return p;
}

std::uint64_t worker::next_seed() noexcept {
    seed_state_ = seed_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return seed_state_ ^ (seed_state_ >> 29);
}

void worker::keep_failure(failed_tab failure) {
    if (failures_.size() < plan_.max_failures_per_worker) {
        failures_.push_back(std::move(failure));
    }
}

}  // namespace ringstorm::app
