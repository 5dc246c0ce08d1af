#pragma once
// Private to engine/transport: the steps of a client connect. The templates are
// instantiated once per stream type, in ws_connect_plain.cpp and ws_connect_tls.cpp.

#include <chrono>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/beast/http/field.hpp>

#include "engine/transport/detail/ws_stream_connection.hpp"
#include "engine/transport/url.hpp"
#include "engine/transport/ws_client.hpp"

namespace ringstorm::transport::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;
using core::unexpected;

template <class T>
using step = core::result<T, failure>;

// IP literals skip DNS; hostnames resolve within the connect deadline.
net::awaitable<step<std::vector<tcp::endpoint>>> resolve(const ws_url& url,
                                                         clock::time_point deadline,
                                                         const std::string& target);

// TCP connect to the first endpoint that answers, from `source` when not empty.
net::awaitable<step<done>> tcp_connect(beast::tcp_stream& stream,
                                       const std::vector<tcp::endpoint>& endpoints,
                                       const std::string& source, clock::time_point deadline,
                                       const std::string& target);

std::string_view trim(std::string_view text);

net::awaitable<step<connect_timings>> connect_plain(
    std::shared_ptr<ws_stream_connection<plain_stream>> conn, ws_url url, client_options options);
net::awaitable<step<connect_timings>> connect_tls(
    std::shared_ptr<ws_stream_connection<tls_stream>> conn, ws_url url, client_options options,
    bool insecure);
net::awaitable<step<done>> tls_handshake(tls_stream& stream, const ws_url& url, bool insecure,
                                         std::chrono::milliseconds timeout,
                                         const std::string& target);

template <class Connection>
net::awaitable<step<done>> ws_upgrade(Connection& conn, const ws_url& url,
                                      const client_options& options, const std::string& target) {
    auto& ws = conn.ws();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options.upgrade_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws.set_option(timeouts);
    ws.set_option(websocket::stream_base::decorator(
        [user_agent = options.user_agent](websocket::request_type& request) {
            // RFC 7118 §4: the client offers the "sip" subprotocol.
            request.set(http::field::sec_websocket_protocol, "sip");
            if (!user_agent.empty()) {
                request.set(http::field::user_agent, user_agent);
            }
        }));
    websocket::response_type response;
    auto [ec] = co_await ws.async_handshake(response, host_header(url), url.path, use_tuple);
    if (ec) {
        std::string status;
        if (response.result_int() != 0) {
            status = "HTTP " + std::to_string(response.result_int()) + " " +
                     std::string{response.reason()};
        }
        co_return unexpected{failure{stage::ws_upgrade, translate(ec), status, target}};
    }
    // RFC 6455 §4.1 and RFC 7118 §4: a server that does not select "sip" cannot carry
    // SIP; the client fails the connection.
    const auto selected = trim(response[http::field::sec_websocket_protocol]);
    if (selected != "sip") {
        conn.drop();
        const std::string got = selected.empty() ? "none" : "'" + std::string{selected} + "'";
        co_return unexpected{failure{stage::ws_upgrade, errc::subprotocol_missing,
                                     "server selected " + got, target}};
    }
    co_return done{};
}

template <class Connection>
net::awaitable<step<connect_timings>> run_connect(std::shared_ptr<Connection> conn, ws_url url,
                                                  client_options options, bool insecure) {
    connect_timings timings;
    const auto target = to_string(url);
    const auto started = clock::now();
    auto endpoints = co_await resolve(url, started + options.connect_timeout, target);
    if (!endpoints) {
        co_return unexpected{std::move(endpoints).error()};
    }
    if (conn->aborted()) {
        co_return unexpected{failure{stage::resolve, errc::stopped, {}, target}};
    }
    const auto resolved = clock::now();
    timings.resolve = url.is_ip() ? std::chrono::nanoseconds{0} : resolved - started;
    auto connected =
        co_await tcp_connect(beast::get_lowest_layer(conn->ws()), *endpoints,
                             options.source_address, started + options.connect_timeout, target);
    if (!connected) {
        co_return unexpected{std::move(connected).error()};
    }
    auto mark = clock::now();
    timings.tcp_connect = mark - resolved;
    if constexpr (std::is_same_v<Connection, ws_stream_connection<tls_stream>>) {
        auto secured = co_await tls_handshake(conn->ws().next_layer(), url, insecure,
                                              options.tls_timeout, target);
        if (!secured) {
            co_return unexpected{std::move(secured).error()};
        }
        timings.tls_handshake = clock::now() - mark;
        mark = clock::now();
    }
    auto upgraded = co_await ws_upgrade(*conn, url, options, target);
    if (!upgraded) {
        co_return unexpected{std::move(upgraded).error()};
    }
    timings.ws_upgrade = clock::now() - mark;
    conn->set_peer(target);
    conn->opened();
    co_return timings;
}

}  // namespace ringstorm::transport::detail
