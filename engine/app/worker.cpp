#include "engine/app/worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/app/phone_script.hpp"
#include "engine/media/record_engine.hpp"
#include "engine/media/worker_media.hpp"

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
               std::size_t index, std::size_t workers, std::string media_ip)
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
      media_timer_(io),
      seed_state_(plan.seed * 0x2545f4914f6cdd1dULL + index) {
    stats_->phones_planned = phones_.count;
    make_media(workers, std::move(media_ip));
}

void worker::make_media(std::size_t workers, std::string media_ip) {
    const scenario::scenario& sc = *plan_.scenario;
    if (!sc.media.enabled) {
        return;  // answers keep a random fingerprint and no candidates; no stream runs
    }
    media::worker_media_options options;
    options.seed = plan_.seed * 0x9e3779b97f4a7c15ULL + index_ + 1;
    auto made = media::worker_media::create(io_, options);
    if (!made) {
        media_error_ = made.error();
        return;
    }
    media_ = std::move(*made);
    phone::phone_media& m = env_.media;
    m.worker = media_.get();
    m.registry = &streams_;
    m.local_ip = std::move(media_ip);
    // The embedded target (no target.url) echoes when target.media says echo: each phone
    // then expects its own tone back. Any other far end's audio is not known in advance.
    m.peer_echoes = !sc.target.url && sc.target.media == scenario::target_media_mode::echo;
    if (sc.media.detect_every) {
        m.detect_every_ms = static_cast<std::uint32_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(*sc.media.detect_every).count());
    }
    m.live_opus = sc.media.encode == scenario::media_encode::live;
    if (sc.media.complexity) {
        m.opus_complexity = static_cast<int>(*sc.media.complexity);
    }
    // The run's calls numbered across workers (worker i: i, i + n, i + 2n, ...), so calls
    // of one run send different grid tones (rtp::frequency_for_call).
    m.next_tone = index_;
    m.tone_stride = workers == 0 ? 1 : workers;
}

void worker::arm_media_fold() {
    if (!media_) {
        return;
    }
    media_timer_.expires_after(std::chrono::seconds(1));
    media_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) {
            return;
        }
        streams_.fold();
        fold_engine();
        if (!done_) {
            arm_media_fold();
        }
    });
}

void worker::fold_engine() {
    if (media_) {
        media::record_engine(*stats_, media_->engine().stats());
    }
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
    arm_media_fold();
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
        media_timer_.cancel();
        fold_engine();  // the engine's final figures, before the run reads these stats
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
    p.media_streams_active = stats_->media_streams_active;
    p.media_packets_received = stats_->media_packets_received;
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
