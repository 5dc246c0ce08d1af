// The driver of one tab: performs the registration machine's actions with Asio on the
// worker's io_context (WebSocket, one steady_timer for the machine's earliest deadline,
// stats, the listener). Every Asio handler holds only a weak pointer to the tab's state
// and an epoch number, so a handler that outlives the tab, or a connection the tab has
// moved on from, does nothing.

#include "engine/phone/tab.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/phone/registration.hpp"

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

// Everything a handler may touch, shared with the handlers through weak pointers.
struct tab_state : std::enable_shared_from_this<tab_state> {
    tab_state(worker_env& e, tab& o, scenario::account account, std::uint64_t p, std::uint32_t i,
              std::uint64_t seed)
        : env(e),
          owner(&o),
          machine(config_for(e, std::move(account)), seed),
          phone(p),
          index(i),
          timer(e.io),
          idle(e.io) {}

    void perform(registration_actions actions);
    void start_connect();
    void rearm();
    void on_send_error(std::error_code ec);
    void drop_all() noexcept;

    worker_env& env;
    tab* owner;  // null once the tab is destroyed
    event_listener* listener = nullptr;
    registration machine;
    std::uint64_t phone;
    std::uint32_t index;
    std::shared_ptr<transport::ws_client> client;
    std::shared_ptr<transport::ws_client> closing;  // kept until its close handshake is done
    std::uint64_t epoch = 0;  // bumped per connection; stale handlers compare and return
    net::steady_timer timer;
    std::optional<core::time_point> armed;
    std::uint64_t timer_generation = 0;
    net::steady_timer idle;  // wakes shutdown() when nothing is in flight any more
    bool aborted = false;
};

struct tab::impl {
    std::shared_ptr<tab_state> state;
};

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
                st->perform(st->machine.on_frame(frame, core::clock::now()));
            }
        },
        [weak, epoch](transport::connection&, const transport::failure& why) {
            auto st = weak.lock();
            if (st && !st->aborted && st->epoch == epoch) {
                st->perform(st->machine.on_closed(why, core::clock::now()));
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
                if (client && client->is_open()) {
                    if (auto ec = client->send(std::move(a.text))) {
                        on_send_error(ec);
                    }
                }
                break;
            case action_type::close:
                // The machine considers the socket gone: later frames and the close
                // report belong to no one.
                ++epoch;
                if (client && client->connection_ptr()) {
                    client->connection_ptr()->close_detached();
                }
                closing = std::move(client);
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
    rearm();
    if (!machine.busy()) {
        idle.cancel();
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

void tab_state::rearm() {
    const auto deadline = aborted ? std::nullopt : machine.next_deadline();
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
        s->perform(s->machine.on_timer(core::clock::now()));
    });
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
            s->perform(s->machine.on_closed(why, core::clock::now()));
        }
    });
}

void tab_state::drop_all() noexcept {
    aborted = true;
    ++epoch;
    machine.stop();
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
    impl_->state = std::make_shared<tab_state>(env, *this, std::move(account), phone, index, seed);
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
    s->machine.stop();
    s->rearm();
    while (!s->aborted && s->machine.busy() && core::clock::now() < deadline) {
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
