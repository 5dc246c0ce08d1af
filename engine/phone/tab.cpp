// The driver of one tab: performs the registration machine's actions with Asio on the
// worker's io_context (WebSocket, one steady_timer for the earliest deadline of the
// registration and the calls, stats, the listener), and the tab's lifetime (shutdown,
// abort). The calls' side is tab_calls.cpp.

#include "engine/phone/tab.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/phone/tab_state.hpp"

namespace ringstorm::phone {

namespace net = boost::asio;

namespace {

registration_config config_for(const worker_env& env, scenario::account account) {
    registration_config c;
    c.profile = env.profile;
    c.account = std::move(account);
    c.sipdomain = env.sipdomain;
    c.expires = env.expires;
    c.register_timeout = env.register_timeout;
    c.retry_interval = env.retry_interval;
    c.ladder_limit_bytes = env.ladder_limit_bytes;
    return c;
}

}  // namespace

tab_state::tab_state(worker_env& e, tab& o, registration_config config, std::uint64_t p,
                     std::uint32_t i, std::uint64_t seed)
    : env(e),
      owner(&o),
      machine(std::move(config), seed),
      phone(p),
      index(i),
      timer(e.io),
      idle(e.io),
      call_rng(seed ^ 0xc2b2ae3d27d4eb4fULL) {}

namespace {

net::awaitable<void> connect_task(std::weak_ptr<tab_state> weak,
                                  std::shared_ptr<transport::ws_client> client,
                                  transport::ws_url url, std::uint64_t epoch) {
    auto connected = co_await client->connect(url);
    auto s = weak.lock();
    if (!s || s->aborted || s->epoch != epoch) {
        co_return;
    }
    const auto now = core::clock::now();
    if (!connected) {
        s->perform(s->machine.on_connect_failed(connected.error(), now));
        co_return;
    }
    client->start(
        [weak, epoch](transport::connection&, std::string frame) {
            auto st = weak.lock();
            if (st && !st->aborted && st->epoch == epoch) {
                st->on_frame(frame, core::clock::now());
            }
        },
        [weak, epoch](transport::connection&, const transport::failure& why) {
            auto st = weak.lock();
            if (st && !st->aborted && st->epoch == epoch) {
                st->on_ws_lost(why, core::clock::now());
            }
        });
    const auto& t = *connected;
    s->perform(
        s->machine.on_connected(t.resolve + t.tcp_connect + t.ws_upgrade, t.tls_handshake, now));
}

}  // namespace

void tab_state::perform(registration_actions actions) {
    for (auto& a : actions) {
        switch (a.type) {
            case action_type::connect:
                start_connect();
                break;
            case action_type::send:
                send_frame(std::move(a.text));
                break;
            case action_type::close:
                // The machine considers the socket gone: later frames and the close
                // report belong to no one, and the calls on it are lost.
                ++epoch;
                if (client && client->connection_ptr()) {
                    client->connection_ptr()->close_detached();
                }
                closing = std::move(client);
                closing_own_socket = true;
                calls_lost(core::clock::now());
                closing_own_socket = false;
                break;
            case action_type::emit:
                if (listener && owner) {
                    listener->on_event(*owner, machine.history().events[a.event]);
                }
                break;
            case action_type::latency:
                env.stats.record(a.step, a.latency);
                break;
            case action_type::registration_result:
                env.stats.count_registration(a.result);
                break;
            case action_type::sip_count:
                env.stats.count_sip(a.direction, a.method, a.status);
                break;
            case action_type::protocol_error:
                env.stats.protocol_errors.add(a.error_kind);
                break;
        }
    }
    settle();
}

void tab_state::send_frame(std::string text) {
    if (client && client->is_open()) {
        if (auto ec = client->send(std::move(text))) {
            on_send_error(ec);
        }
    }
}

void tab_state::start_connect() {
    transport::client_options options = env.client;
    if (!env.source_ips.empty()) {
        options.source_address = env.source_ips[(phone + index) % env.source_ips.size()];
    }
    if (client) {
        closing = std::move(client);
    }
    client = std::make_shared<transport::ws_client>(env.io, std::move(options),
                                                    env.url.secure ? env.tls : nullptr);
    const auto my_epoch = ++epoch;
    net::co_spawn(env.io, connect_task(weak_from_this(), client, env.url, my_epoch),
                  [](std::exception_ptr) {});
}

void tab_state::settle() {
    std::erase_if(calls, [](const live_call& c) { return c.ended && c.finished(); });
    rearm();
    if (!busy()) {
        idle.cancel();
    }
}

bool tab_state::busy() const noexcept {
    return machine.busy() ||
           std::any_of(calls.begin(), calls.end(), [](const live_call& c) { return c.busy(); });
}

void tab_state::rearm() {
    std::optional<core::time_point> deadline;
    if (!aborted) {
        deadline = machine.next_deadline();
        for (const auto& c : calls) {
            deadline = sip::earliest({deadline, c.next_deadline()});
        }
    }
    if (deadline == armed) {
        return;
    }
    armed = deadline;
    const auto generation = ++timer_generation;
    if (!deadline) {
        timer.cancel();
        return;
    }
    timer.expires_at(*deadline);
    timer.async_wait([weak = weak_from_this(), generation](std::error_code ec) {
        auto s = weak.lock();
        if (!s || ec || s->aborted || s->timer_generation != generation) {
            return;
        }
        s->armed.reset();
        s->on_timer(core::clock::now());
    });
}

void tab_state::on_timer(core::time_point now) {
    // Which calls are due is decided first: performing one call's actions may end or add
    // nothing else, but must not be iterated over while `calls` changes.
    std::vector<std::uint32_t> due;
    for (const auto& c : calls) {
        if (sip::is_due(c.next_deadline(), now)) {
            due.push_back(c.episode);
        }
    }
    for (const auto episode : due) {
        if (auto* c = find_call(episode)) {
            perform_call(episode, c->visit([now](auto& m) { return m.on_timer(now); }), now,
                         nullptr);
        }
    }
    perform(machine.on_timer(now));
}

void tab_state::on_send_error(std::error_code ec) {
    // A full queue or a dead socket: the connection is useless to SIP now (a REGISTER that
    // cannot be sent is a lost one), so it is cut and reported as dropped, after the
    // current batch of actions so events keep their order.
    transport::failure why{transport::stage::ws_write, ec, "frame not queued",
                           transport::to_string(env.url)};
    if (client) {
        client->abort();
    }
    const auto my_epoch = ++epoch;  // the aborted connection's handlers stay silent
    net::post(env.io, [weak = weak_from_this(), why = std::move(why), my_epoch]() {
        auto s = weak.lock();
        if (s && !s->aborted && s->epoch == my_epoch) {
            s->on_ws_lost(why, core::clock::now());
        }
    });
}

void tab_state::on_ws_lost(const transport::failure& why, core::time_point now) {
    calls_lost(now);
    perform(machine.on_closed(why, now));
}

void tab_state::drop_all() noexcept {
    aborted = true;
    ++epoch;
    machine.stop();
    // Calls cut here stay unended in their episodes (cut by the run's end), but the gauge
    // of calls up must come down for each of them, and their media stops (figures kept in
    // the episode, detached from the worker's engine before the tab goes).
    const auto now = core::clock::now();
    for (auto& c : calls) {
        if (c.active) {
            c.active = false;
            --env.stats.active_calls;
        }
        // Judging a stream allocates (its figures, finding texts with counts): only
        // std::bad_alloc can come out. It must not stop the teardown below, which ~tab and
        // tab::abort() rely on and cannot report a failure from, so a call whose record
        // cannot be allocated loses its media figures and findings, not the tab's sockets.
        try {
            end_media(c, now, true);
        } catch (...) {  // NOLINT(bugprone-empty-catch): the record is what is given up
        }
    }
    armed.reset();
    ++timer_generation;
    timer.cancel();
    idle.cancel();
    if (client) {
        client->abort();
    }
    if (closing) {
        closing->abort();
    }
}

// ---------------------------------------------------------------------------------------

tab::tab(worker_env& env, scenario::account account, std::uint64_t phone, std::uint32_t index,
         std::uint64_t seed)
    : impl_(std::make_unique<impl>()) {
    impl_->state = std::make_shared<tab_state>(env, *this, config_for(env, std::move(account)),
                                               phone, index, seed);
}

tab::~tab() {
    auto& s = *impl_->state;
    s.owner = nullptr;
    s.listener = nullptr;
    s.drop_all();
}

void tab::set_listener(event_listener* listener) noexcept {
    impl_->state->listener = listener;
}

void tab::do_register(core::time_point due) {
    auto& s = *impl_->state;
    if (s.aborted) {
        return;
    }
    s.perform(s.machine.do_register(due, core::clock::now()));
}

void tab::unregister(core::time_point due) {
    auto& s = *impl_->state;
    if (s.aborted) {
        return;
    }
    s.perform(s.machine.unregister(due, core::clock::now()));
}

net::awaitable<void> tab::shutdown(core::time_point deadline) {
    auto s = impl_->state;  // the state outlives this coroutine even if the tab does not
    s->stopping = true;
    s->machine.stop();
    if (!s->aborted) {
        s->unload_calls(core::clock::now());
    }
    s->settle();
    // What the unload lets finish: the transaction in flight, our BYE's answer.
    while (!s->aborted && s->busy() && core::clock::now() < deadline) {
        s->idle.expires_at(deadline);
        (void)co_await s->idle.async_wait(net::as_tuple(net::use_awaitable));
    }
    // A close handshake already under way (2.0.5 closes right after its de-REGISTER) must
    // reach the peer before the tab goes: its close frame is part of the wire behaviour.
    while (!s->aborted && s->closing && s->closing->is_open() && core::clock::now() < deadline) {
        s->idle.expires_after(std::chrono::milliseconds(10));
        (void)co_await s->idle.async_wait(net::as_tuple(net::use_awaitable));
    }
    if (s->aborted) {
        co_return;
    }
    ++s->epoch;  // our own close is not a drop
    s->armed.reset();
    ++s->timer_generation;
    s->timer.cancel();
    if (auto client = s->client; client && client->is_open()) {
        (void)co_await client->close();
    } else if (client) {
        client->abort();  // a connect still in progress when the deadline passed
    }
}

void tab::abort() noexcept {
    impl_->state->drop_all();
}

bool tab::registered() const noexcept {
    return impl_->state->machine.registered();
}
bool tab::busy() const noexcept {
    return impl_->state->machine.busy();
}
const timeline& tab::history() const noexcept {
    return impl_->state->machine.history();
}
const scenario::account& tab::account() const noexcept {
    return impl_->state->machine.config().account;
}
std::uint64_t tab::phone() const noexcept {
    return impl_->state->phone;
}
std::uint32_t tab::index() const noexcept {
    return impl_->state->index;
}

}  // namespace ringstorm::phone
