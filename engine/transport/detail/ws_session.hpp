#pragma once
// Private to engine/transport: one accepted connection from TCP to WebSocket, as
// templates instantiated once per stream type (ws_session_plain.cpp, ws_session_tls.cpp).

#include <string>
#include <type_traits>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "engine/transport/detail/ws_server_state.hpp"
#include "engine/transport/detail/ws_stream_connection.hpp"

namespace ringstorm::transport::detail {

namespace http = beast::http;
using state = ws_server::state;
using request = http::request<http::empty_body>;

bool offers_sip(const request& req);

// Answers a refused upgrade with a plain-text HTTP error and ends the connection.
template <class Connection>
net::awaitable<void> refuse(Connection& conn, const request& req, http::status status,
                            std::string reason, const server_options& options) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::server, options.server_header);
    res.set(http::field::content_type, "text/plain");
    if (status == http::status::upgrade_required) {
        res.set(http::field::upgrade, "websocket");  // RFC 6455 §4.2.2
    }
    res.keep_alive(false);
    res.body() = std::move(reason);
    res.prepare_payload();
    beast::get_lowest_layer(conn.ws()).expires_after(options.upgrade_timeout);
    (void)co_await http::async_write(conn.ws().next_layer(), res, use_tuple);
    conn.drop();
}

// TLS handshake (wss), the HTTP upgrade request, the subprotocol check, the 101 answer.
// false when the connection did not become a WebSocket (already counted).
template <class Connection>
net::awaitable<bool> handshake(state& s, Connection& conn) {
    auto& lowest = beast::get_lowest_layer(conn.ws());
    if constexpr (std::is_same_v<Connection, ws_stream_connection<tls_stream>>) {
        lowest.expires_after(s.options.tls_timeout);
        auto [ec] = co_await conn.ws().next_layer().async_handshake(net::ssl::stream_base::server,
                                                                    use_tuple);
        if (ec) {
            ++s.stats.failed;
            co_return false;
        }
    }
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(s.options.max_header_bytes));
    lowest.expires_after(s.options.upgrade_timeout);
    auto [ec, bytes] = co_await http::async_read(conn.ws().next_layer(), buffer, parser, use_tuple);
    if (ec) {
        ++s.stats.failed;
        co_return false;
    }
    const request req = parser.release();
    if (!websocket::is_upgrade(req)) {
        ++s.stats.rejected;
        co_await refuse(conn, req, http::status::upgrade_required,
                        "a WebSocket upgrade offering the 'sip' subprotocol is required\n",
                        s.options);
        co_return false;
    }
    if (!offers_sip(req)) {
        ++s.stats.rejected;
        co_await refuse(conn, req, http::status::bad_request,
                        "Sec-WebSocket-Protocol must offer 'sip' (RFC 7118)\n", s.options);
        co_return false;
    }
    lowest.expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = s.options.upgrade_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    conn.ws().set_option(timeouts);
    conn.ws().set_option(websocket::stream_base::decorator(
        [server = s.options.server_header](websocket::response_type& res) {
            res.set(http::field::sec_websocket_protocol, "sip");  // RFC 7118 §4
            res.set(http::field::server, server);
        }));
    auto [accept_ec] = co_await conn.ws().async_accept(req, use_tuple);
    if (accept_ec) {
        ++s.stats.failed;
        co_return false;
    }
    ++s.stats.upgraded;
    co_return true;
}

template <class Connection>
net::awaitable<void> run_session(std::shared_ptr<state> s, std::shared_ptr<Connection> conn) {
    s->sessions.emplace(conn->id(), conn);
    const bool upgraded = co_await handshake(*s, *conn);
    if (!upgraded || s->stopping || s->handler == nullptr) {
        conn->drop();
        s->forget(conn->id());
        co_return;
    }
    conn->opened();
    s->handler->on_open(*conn);
    conn->start(
        [s](connection& from, std::string frame) {
            if (s->handler != nullptr) {
                s->handler->on_message(from, std::move(frame));
            }
        },
        [s](connection& from, const failure& why) {
            auto keep = from.shared_from_this();
            s->forget(from.id());
            if (s->handler != nullptr) {
                s->handler->on_close(from, why);
            }
        });
}

template <class Connection>
void spawn_session(const std::shared_ptr<state>& s, std::shared_ptr<Connection> conn,
                   const tcp::endpoint& endpoint) {
    conn->set_peer(endpoint_text(endpoint));
    const auto executor = conn->ws().get_executor();
    net::co_spawn(executor, run_session(s, std::move(conn)), net::detached);
}

}  // namespace ringstorm::transport::detail
