#include "engine/target/target_worker.hpp"

#include <algorithm>
#include <functional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/sip/parser.hpp"
#include "engine/transport/worker_pool.hpp"

namespace ringstorm::target {

namespace net = boost::asio;

namespace {
// Bindings are also filtered by expiry when read, so the sweep only frees memory and
// keeps the `bindings` gauge honest; once a second is plenty.
constexpr std::chrono::seconds sweep_period{1};
}  // namespace

// The sweep timer lives in a shared block so a pending wait outlives a stopping worker.
struct target_worker::sweeper {
    explicit sweeper(net::io_context& io) : timer(io) {}
    net::steady_timer timer;
    bool stopped = false;
};

// The worker's one timer for its calls (see call_router.cpp for why one per worker), in a
// shared block for the same reason. `generation` tells a superseded wait from the live
// one: re-arming earlier cancels the old wait, whose handler still runs.
struct target_worker::call_clock {
    explicit call_clock(net::io_context& io) : timer(io) {}
    net::steady_timer timer;
    std::optional<core::time_point> armed_at;
    std::uint64_t generation = 0;
    bool stopped = false;
};

target_worker::target_worker(std::uint32_t index, transport::worker_pool& pool,
                             const std::vector<std::unique_ptr<target_worker>>& peers,
                             registrar_config config, std::shared_ptr<const account_book> accounts,
                             intake_config intake_options, const call_options& calls,
                             const caller_identity& who, std::uint64_t call_seed,
                             std::unique_ptr<media::worker_media> media, media_mode mode,
                             std::string media_ip)
    : index_(index),
      pool_(pool),
      peers_(peers),
      intake_(std::move(intake_options)),
      registrar_(std::move(config), std::move(accounts)),
      sweeper_(std::make_shared<sweeper>(pool.context(index))),
      media_(std::move(media)),
      call_clock_(std::make_shared<call_clock>(pool.context(index))) {
    if (media_ && mode != media_mode::none) {
        call_media_ = std::make_unique<target_media>(*media_, mode, std::move(media_ip), index,
                                                     static_cast<std::uint32_t>(pool.size()));
    }
    if (calls.how != call_options::mode::off) {
        // Arrivals differ per worker too, or the workers' Poisson processes would be one.
        const std::uint64_t schedule_seed = calls.schedule.seed + 0x9E3779B97F4A7C15ULL * index;
        router_ = std::make_unique<call_router>(calls, who, registrar_, call_seed, schedule_seed,
                                                core::clock::now(), call_media_.get());
        aor_counts_.assign(pool.size(), 0);
    }
}

target_worker::~target_worker() = default;

core::result<std::uint16_t, transport::failure> target_worker::listen(
    transport::server_options options, transport::tls_context* tls) {
    server_ = std::make_unique<transport::ws_server>(pool_.context(index_), std::move(options),
                                                     *this, tls);
    return server_->listen();
}

void target_worker::start() {
    server_->start();
    schedule_sweep();
}

void target_worker::schedule_sweep() {
    sweeper_->timer.expires_after(sweep_period);
    sweeper_->timer.async_wait([this, keep = sweeper_](const boost::system::error_code& ec) {
        if (ec || keep->stopped) {
            return;
        }
        registrar_.sweep(core::clock::now());
        if (router_) {
            // Tell every peer how many AORs live here, for their share of the call rate
            // (rate mode); a second-old figure only shifts the split for a second.
            const std::size_t mine = registrar_.aor_count();
            for (std::uint32_t w = 0; w < peers_.size(); ++w) {
                if (w == index_) {
                    continue;
                }
                target_worker* peer = peers_[w].get();
                pool_.post(w, [peer, from = index_, mine]() {
                    peer->aor_counts_[from] = mine;
                    peer->refresh_share();
                    peer->arm_calls();
                });
            }
            refresh_share();
            arm_calls();
        }
        schedule_sweep();
    });
}

void target_worker::refresh_share() {
    aor_counts_[index_] = registrar_.aor_count();
    std::size_t total = 0;
    for (std::size_t n : aor_counts_) {
        total += n;
    }
    router_->set_share(
        total == 0 ? 0.0 : static_cast<double>(aor_counts_[index_]) / static_cast<double>(total),
        core::clock::now());
}

void target_worker::arm_calls() {
    if (!router_ || call_clock_->stopped) {
        return;
    }
    const std::optional<core::time_point> due = router_->next_deadline();
    if (!due || (call_clock_->armed_at && *call_clock_->armed_at <= *due)) {
        return;  // nothing due, or the armed wait comes first (it re-arms when it fires)
    }
    call_clock_->armed_at = due;
    const std::uint64_t generation = ++call_clock_->generation;
    call_clock_->timer.expires_at(*due);
    call_clock_->timer.async_wait(
        [this, keep = call_clock_, generation](const boost::system::error_code&) {
            if (keep->stopped || generation != keep->generation) {
                return;  // stopping, or superseded by an earlier deadline
            }
            keep->armed_at.reset();
            router_output out;
            router_->on_timer(core::clock::now(), out);
            dispatch(std::move(out));
        });
}

void target_worker::stop(std::function<void()> done) {
    sweeper_->stopped = true;
    sweeper_->timer.cancel();
    call_clock_->stopped = true;
    call_clock_->timer.cancel();
    net::co_spawn(
        pool_.context(index_),
        [](transport::ws_server* server) -> net::awaitable<void> {
            co_await server->stop();
        }(server_.get()),
        [done = std::move(done)](std::exception_ptr) { done(); });
}

void target_worker::on_open(transport::connection& conn) {
    ++accepted_;
    connections_[conn.id()] = conn.weak_from_this();
}

void target_worker::on_message(transport::connection& conn, std::string frame) {
    const connection_ref from{index_, conn.id()};
    // Frames of our calls go to the call before the intake could answer them (a BYE
    // would get 481, a response be counted as stray).
    if (routes_.any(from.id)) {
        if (auto call_id = peek_call_id(frame)) {
            if (auto owner = routes_.owner_of(from.id, *call_id)) {
                route_frame(*owner, std::string(*call_id), std::move(frame), from);
                return;
            }
        }
    }
    intake_result in = intake_.take(std::move(frame));
    if (in.action == intake_action::reply) {
        send(conn.id(), in.message);
        return;
    }
    if (in.action != intake_action::register_) {
        return;
    }
    const auto owner = static_cast<std::uint32_t>(owner_of(in.aor, peers_.size()));
    if (owner == index_) {
        handle_register(in.message, from, in.aor);
        return;
    }
    target_worker* owner_worker = peers_[owner].get();
    pool_.post(owner,
               [owner_worker, from, request = std::move(in.message), aor = std::move(in.aor)]() {
                   owner_worker->handle_register(request, from, aor);
               });
}

void target_worker::handle_register(const sip::message& request, connection_ref from,
                                    const std::string& aor) {
    sip::message response = registrar_.on_register(request, from, instant::now());
    const bool ok = response.status() >= 200 && response.status() < 300;
    if (from.worker == index_) {
        send(from.id, response);
    } else {
        target_worker* back = peers_[from.worker].get();
        pool_.post(from.worker, [back, id = from.id, response = std::move(response)]() {
            back->send(id, response);
        });
    }
    if (ok && router_ && !aor.empty()) {
        router_output out;
        router_->on_registered(aor, core::clock::now(), out);
        refresh_share();
        dispatch(std::move(out));
    }
}

void target_worker::route_frame(std::uint32_t owner, std::string call_id, std::string frame,
                                connection_ref from) {
    target_worker* owner_worker = peers_[owner].get();
    auto deliver = [owner_worker, call_id = std::move(call_id), frame = std::move(frame), from]() {
        router_output out;
        owner_worker->router_->on_frame(call_id, frame, from, core::clock::now(), out);
        owner_worker->dispatch(std::move(out));
    };
    if (owner == index_) {
        deliver();
    } else {
        pool_.post(owner, std::move(deliver));
    }
}

void target_worker::dispatch(router_output out) {
    // One batch per connection worker, in the router's order: a route is in place before
    // the INVITE that needs it is sent, and removed after the call's last message.
    const bool one_worker =
        std::all_of(out.begin(), out.end(),
                    [&](const router_item& item) { return item.via.worker == out.front().via.worker; });
    if (out.empty() || one_worker) {
        // Most frames and timers (one call, one connection): no batching, no allocation.
        if (!out.empty()) {
            const std::uint32_t w = out.front().via.worker;
            if (w == index_) {
                carry(index_, std::move(out));
            } else {
                target_worker* peer = peers_[w].get();
                pool_.post(w, [peer, owner = index_, items = std::move(out)]() mutable {
                    peer->carry(owner, std::move(items));
                });
            }
        }
        arm_calls();
        return;
    }
    std::vector<router_output> batches(peers_.size());
    for (router_item& item : out) {
        batches[item.via.worker].push_back(std::move(item));
    }
    for (std::uint32_t w = 0; w < batches.size(); ++w) {
        if (batches[w].empty()) {
            continue;
        }
        if (w == index_) {
            carry(index_, std::move(batches[w]));
            continue;
        }
        target_worker* peer = peers_[w].get();
        pool_.post(w, [peer, owner = index_, items = std::move(batches[w])]() mutable {
            peer->carry(owner, std::move(items));
        });
    }
    arm_calls();
}

void target_worker::carry(std::uint32_t owner, router_output items) {
    for (router_item& item : items) {
        switch (item.what) {
            case router_item::kind::route_add:
                // A connection that closed already gets no route (nothing could remove it);
                // the send that follows fails and tells the owner.
                if (connections_.count(item.via.id) != 0) {
                    routes_.add(item.via.id, item.call_id, owner);
                }
                break;
            case router_item::kind::route_remove:
                routes_.remove(item.via.id, item.call_id);
                break;
            case router_item::kind::send:
                if (!send_text(item.via.id, std::move(item.text))) {
                    // Posted even to this worker: the router is never re-entered from
                    // inside its own dispatch.
                    target_worker* owner_worker = peers_[owner].get();
                    pool_.post(owner,
                               [owner_worker, call_id = std::move(item.call_id), via = item.via]() {
                                   router_output out;
                                   owner_worker->router_->on_send_failed(call_id, via,
                                                                         core::clock::now(), out);
                                   owner_worker->dispatch(std::move(out));
                               });
                }
                break;
        }
    }
}

void target_worker::on_close(transport::connection& conn, const transport::failure&) {
    const std::uint64_t id = conn.id();
    connections_.erase(id);
    routes_.connection_closed(id);
    // Its bindings and calls may live on any worker (they are sharded by AOR, not by
    // connection).
    for (std::uint32_t w = 0; w < peers_.size(); ++w) {
        target_worker* peer = peers_[w].get();
        auto closed = [peer, id]() {
            peer->registrar_.connection_closed(id);
            if (peer->router_) {
                router_output out;
                peer->router_->on_connection_closed(id, core::clock::now(), out);
                peer->refresh_share();
                peer->dispatch(std::move(out));
            }
        };
        if (w == index_) {
            closed();
        } else {
            pool_.post(w, std::move(closed));
        }
    }
}

void target_worker::send(std::uint64_t id, const sip::message& response) {
    send_text(id, sip::serialize(response));
}

bool target_worker::send_text(std::uint64_t id, std::string text) {
    auto it = connections_.find(id);
    std::shared_ptr<transport::connection> conn =
        it == connections_.end() ? nullptr : it->second.lock();
    if (!conn || conn->send(std::move(text))) {
        ++send_failures_;
        return false;
    }
    return true;
}

std::vector<std::string> target_worker::call_notes() const {
    return router_ ? router_->notes() : std::vector<std::string>{};
}

void target_worker::add_to(target_stats& out) const {
    const intake_stats& i = intake_.stats();
    const registrar_stats& r = registrar_.stats();
    out.connections_open += connections_.size();
    out.connections_accepted += accepted_;
    out.registers += r.registers;
    out.challenges += r.challenges;
    out.auth_failures += r.auth_failures;
    out.registered += r.registered;
    out.unregistered += r.unregistered;
    out.bindings += registrar_.binding_count();
    out.bad_requests += i.bad_requests + r.bad_requests;
    out.unsupported += i.unsupported;
    out.requests += i.requests;
    out.options += i.options;
    out.acks += i.acks;
    out.not_found += r.not_found;
    out.interval_too_brief += r.interval_too_brief;
    out.bad_extension += r.bad_extension;
    out.no_transaction += i.no_transaction;
    out.stray_responses += i.stray_responses;
    out.dropped += i.dropped;
    out.expired += r.expired;
    out.closed_bindings += r.closed;
    out.aors += registrar_.aor_count();
    out.send_failures += send_failures_;
    if (router_) {
        router_->add_to(out);
    }
}

}  // namespace ringstorm::target
