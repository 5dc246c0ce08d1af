#include "engine/target/target_worker.hpp"

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

target_worker::target_worker(std::uint32_t index, transport::worker_pool& pool,
                             const std::vector<std::unique_ptr<target_worker>>& peers,
                             registrar_config config, std::shared_ptr<const account_book> accounts,
                             intake_config intake_options)
    : index_(index),
      pool_(pool),
      peers_(peers),
      intake_(std::move(intake_options)),
      registrar_(std::move(config), std::move(accounts)),
      sweeper_(std::make_shared<sweeper>(pool.context(index))) {}

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
        schedule_sweep();
    });
}

void target_worker::stop(std::function<void()> done) {
    sweeper_->stopped = true;
    sweeper_->timer.cancel();
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
    intake_result in = intake_.take(std::move(frame));
    if (in.action == intake_action::reply) {
        send(conn.id(), in.message);
        return;
    }
    if (in.action != intake_action::register_) {
        return;
    }
    const connection_ref from{index_, conn.id()};
    const auto owner = static_cast<std::uint32_t>(owner_of(in.aor, peers_.size()));
    if (owner == index_) {
        send(from.id, registrar_.on_register(in.message, from, instant::now()));
        return;
    }
    target_worker* owner_worker = peers_[owner].get();
    pool_.post(owner, [owner_worker, from, request = std::move(in.message)]() {
        sip::message response = owner_worker->registrar_.on_register(request, from, instant::now());
        target_worker* back = owner_worker->peers_[from.worker].get();
        owner_worker->pool_.post(from.worker,
                                 [back, id = from.id, response]() { back->send(id, response); });
    });
}

void target_worker::on_close(transport::connection& conn, const transport::failure&) {
    const std::uint64_t id = conn.id();
    connections_.erase(id);
    // Its bindings may live on any worker (they are sharded by AOR, not by connection).
    for (std::uint32_t w = 0; w < peers_.size(); ++w) {
        if (w == index_) {
            registrar_.connection_closed(id);
            continue;
        }
        target_worker* peer = peers_[w].get();
        pool_.post(w, [peer, id]() { peer->registrar_.connection_closed(id); });
    }
}

void target_worker::send(std::uint64_t id, const sip::message& response) {
    auto it = connections_.find(id);
    std::shared_ptr<transport::connection> conn =
        it == connections_.end() ? nullptr : it->second.lock();
    if (!conn || conn->send(sip::serialize(response))) {
        ++send_failures_;
    }
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
}

}  // namespace ringstorm::target
