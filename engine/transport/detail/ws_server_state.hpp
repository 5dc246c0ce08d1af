#pragma once
// Private to engine/transport: what a ws_server shares with its accept loop and its
// sessions (they hold it by shared_ptr, so it outlives the ws_server if need be).

#include <memory>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/transport/ws_server.hpp"

namespace ringstorm::transport {

namespace detail {
namespace net = boost::asio;
using tcp = net::ip::tcp;
}  // namespace detail

struct ws_server::state : std::enable_shared_from_this<state> {
    state(detail::net::io_context& io, server_options opts, server_handler& h, tls_context* context)
        : acceptor(io), stop_timer(io), options(std::move(opts)), handler(&h), tls(context) {}

    // A connection ended (or never got upgraded): forget it; the last one wakes stop().
    void forget(std::uint64_t id) {
        sessions.erase(id);
        if (stopping && sessions.empty()) {
            stop_timer.cancel();
        }
    }

    detail::tcp::acceptor acceptor;
    detail::net::steady_timer stop_timer;  // stop() waits on it; the last session's end cancels it
    server_options options;
    server_handler* handler;  // null once the ws_server is gone
    tls_context* tls;
    // Every accepted connection, upgraded or still in its handshake (so stop reaches all).
    std::unordered_map<std::uint64_t, std::shared_ptr<connection>> sessions;
    server_stats stats;
    std::uint16_t port = 0;
    bool stopping = false;
};

namespace detail {

// Take over an accepted socket: TLS (when the server has a context), upgrade, session.
// Each is compiled in its own file (ws_session_plain.cpp, ws_session_tls.cpp).
void spawn_plain_session(const std::shared_ptr<ws_server::state>& s, tcp::socket socket);
void spawn_tls_session(const std::shared_ptr<ws_server::state>& s, tcp::socket socket);

}  // namespace detail
}  // namespace ringstorm::transport
