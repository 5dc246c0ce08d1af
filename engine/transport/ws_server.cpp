#include "engine/transport/ws_server.hpp"

#include <sys/socket.h>

#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include "engine/transport/detail/ws_server_state.hpp"
#include "engine/transport/detail/ws_session.hpp"

namespace ringstorm::transport {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using core::unexpected;
using detail::use_tuple;

namespace detail {

bool offers_sip(const request& req) {
    // RFC 6455 §4.1: a comma-separated list of subprotocol tokens; names are compared
    // exactly ("sip" as registered by RFC 7118 §4).
    for (const auto token : http::token_list{req[http::field::sec_websocket_protocol]}) {
        if (token == "sip") {
            return true;
        }
    }
    return false;
}

}  // namespace detail

namespace {

using state = ws_server::state;

net::awaitable<void> accept_loop(std::shared_ptr<state> s) {
    for (;;) {
        auto [ec, socket] = co_await s->acceptor.async_accept(use_tuple);
        if (s->stopping || !s->acceptor.is_open()) {
            co_return;
        }
        if (ec) {
            // Out of descriptors (EMFILE/ENFILE) or a transient error: pause instead of
            // spinning, then keep serving the connections we have.
            net::steady_timer pause{s->acceptor.get_executor(), std::chrono::milliseconds{50}};
            (void)co_await pause.async_wait(use_tuple);
            continue;
        }
        ++s->stats.accepted;
        if (s->tls != nullptr) {
            detail::spawn_tls_session(s, std::move(socket));
        } else {
            detail::spawn_plain_session(s, std::move(socket));
        }
    }
}

core::result<std::uint16_t, failure> bind_listener(state& s) {
    boost::system::error_code ec;
    const std::string target = s.options.address + ":" + std::to_string(s.options.port);
    const auto address = net::ip::make_address(s.options.address, ec);
    if (ec) {
        return unexpected{failure{stage::accept, errc::bad_address, s.options.address, target}};
    }
    const tcp::endpoint endpoint{address, s.options.port};
    auto& acceptor = s.acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(net::socket_base::reuse_address{true}, ec);
    }
    if (!ec && s.options.reuse_port) {
        using reuse_port = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
        acceptor.set_option(reuse_port{true}, ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(s.options.backlog, ec);
    }
    if (ec) {
        acceptor.close();
        return unexpected{failure{stage::accept, ec, "listen", target}};
    }
    s.port = acceptor.local_endpoint(ec).port();
    return s.port;
}

}  // namespace

ws_server::ws_server(net::io_context& io, server_options options, server_handler& handler,
                     tls_context* tls)
    : state_(std::make_shared<state>(io, std::move(options), handler, tls)) {}

ws_server::~ws_server() {
    state_->handler = nullptr;
    abort();
}

core::result<std::uint16_t, failure> ws_server::listen() {
    return bind_listener(*state_);
}

void ws_server::start() {
    net::co_spawn(state_->acceptor.get_executor(), accept_loop(state_), net::detached);
}

net::awaitable<void> ws_server::stop() {
    auto s = state_;
    s->stopping = true;
    boost::system::error_code ignored;
    s->acceptor.close(ignored);
    std::vector<std::shared_ptr<connection>> open;
    for (auto& [id, conn] : s->sessions) {
        open.push_back(conn);
    }
    for (auto& conn : open) {
        if (conn->is_open()) {
            conn->close_detached();
        } else {
            conn->abort();  // still in its handshake: its session coroutine forgets it
        }
    }
    if (!s->sessions.empty()) {
        s->stop_timer.expires_after(s->options.limits.close_timeout + std::chrono::seconds{1});
        (void)co_await s->stop_timer.async_wait(use_tuple);
    }
    abort();
}

void ws_server::abort() noexcept {
    auto s = state_;
    s->stopping = true;
    boost::system::error_code ignored;
    s->acceptor.close(ignored);
    auto sessions = std::move(s->sessions);
    s->sessions.clear();
    for (auto& [id, conn] : sessions) {
        const bool was_open = conn->is_open();
        conn->abort();
        if (was_open && s->handler != nullptr) {
            s->handler->on_close(*conn,
                                 failure{stage::ws_close, errc::stopped, "aborted", conn->peer()});
        }
    }
}

std::uint16_t ws_server::port() const noexcept {
    return state_->port;
}
std::size_t ws_server::connections() const noexcept {
    return state_->sessions.size();
}
const server_stats& ws_server::stats() const noexcept {
    return state_->stats;
}

}  // namespace ringstorm::transport
