// Bad input and bad peers: every failure is a value naming its stage, nothing hangs.
#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "engine/transport/tls_context.hpp"
#include "engine/transport/ws_client.hpp"
#include "engine/transport/ws_server.hpp"
#include "tests/unit/transport/test_support.hpp"

namespace ringstorm::transport {
namespace {

using namespace test;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

ws_url url_for(bool secure, std::uint16_t port) {
    return *parse_ws_url(std::string{secure ? "wss" : "ws"} +
                         "://127.0.0.1:" + std::to_string(port) + "/ws");
}

tcp::acceptor loopback_acceptor(net::io_context& io) {
    return tcp::acceptor{io, tcp::endpoint{net::ip::make_address("127.0.0.1"), 0}};
}

net::awaitable<failure> expect_connect_failure(net::io_context& io, ws_url url, tls_context* tls,
                                               client_options options = {}) {
    ws_client client{io, options, tls};
    auto connected = co_await client.connect(url);
    if (connected) {
        co_return failure{stage::accept, {}, "unexpectedly connected", {}};
    }
    co_return std::move(connected).error();
}

// A WebSocket server that does not speak SIP: it accepts without selecting a subprotocol.
net::awaitable<void> serve_without_subprotocol(tcp::acceptor& acceptor) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec) {
        co_return;
    }
    websocket::stream<beast::tcp_stream> ws{std::move(socket)};
    (void)co_await ws.async_accept(use_tuple);
    beast::flat_buffer buffer;
    (void)co_await ws.async_read(buffer, use_tuple);
}

TEST(ws_failure, server_not_selecting_sip_fails_ws_upgrade) {
    net::io_context io;
    auto acceptor = loopback_acceptor(io);
    net::co_spawn(io, serve_without_subprotocol(acceptor), net::detached);
    const auto why = run(
        io, expect_connect_failure(io, url_for(false, acceptor.local_endpoint().port()), nullptr));
    ASSERT_TRUE(why);
    EXPECT_EQ(why->stage, stage::ws_upgrade);
    EXPECT_EQ(why->code, std::error_code{errc::subprotocol_missing});
    EXPECT_NE(why->message().find("selected none"), std::string::npos) << why->message();
}

// What a plain Beast client gets from ws_server when it offers `offer` (or nothing).
net::awaitable<int> upgrade_status(std::uint16_t port, std::string offer) {
    websocket::stream<beast::tcp_stream> ws{co_await net::this_coro::executor};
    beast::get_lowest_layer(ws).expires_after(5s);
    auto [ec] = co_await beast::get_lowest_layer(ws).async_connect(
        tcp::endpoint{net::ip::make_address("127.0.0.1"), port}, use_tuple);
    if (ec) {
        co_return -1;
    }
    ws.set_option(websocket::stream_base::decorator([offer](websocket::request_type& req) {
        if (!offer.empty()) {
            req.set(beast::http::field::sec_websocket_protocol, offer);
        }
    }));
    websocket::response_type res;
    (void)co_await ws.async_handshake(res, "127.0.0.1", "/ws", use_tuple);
    co_return res.result_int();
}

TEST(ws_failure, server_refuses_clients_not_offering_sip) {
    net::io_context io;
    echo_handler handler;
    ws_server server{io, {}, handler};
    const auto port = server.listen();
    ASSERT_TRUE(port);
    server.start();
    EXPECT_EQ(run(io, upgrade_status(*port, "")).value_or(0), 400);
    EXPECT_EQ(run(io, upgrade_status(*port, "chat, superchat")).value_or(0), 400);
    EXPECT_EQ(run(io, upgrade_status(*port, "SIP")).value_or(0), 400);  // names are exact
    EXPECT_EQ(run(io, upgrade_status(*port, "chat, sip")).value_or(0), 101);
    EXPECT_EQ(server.stats().rejected, 3u);
    EXPECT_EQ(handler.opened, 1);
}

TEST(ws_failure, connection_refused_fails_tcp_connect) {
    net::io_context io;
    std::uint16_t port = 0;
    {
        auto acceptor = loopback_acceptor(io);
        port = acceptor.local_endpoint().port();
    }  // closed: nothing listens there now
    const auto why = run(io, expect_connect_failure(io, url_for(false, port), nullptr));
    ASSERT_TRUE(why);
    EXPECT_EQ(why->stage, stage::tcp_connect);
    EXPECT_EQ(why->code, std::errc::connection_refused) << why->message();
    EXPECT_EQ(why->message().rfind("tcp_connect: ", 0), 0u) << why->message();
}

TEST(ws_failure, silent_peer_times_out_each_stage) {
    net::io_context io;
    auto acceptor = loopback_acceptor(io);  // the kernel completes TCP; nobody answers
    const auto port = acceptor.local_endpoint().port();
    client_options options;
    options.tls_timeout = 300ms;
    options.upgrade_timeout = 300ms;
    auto client_tls = tls_context::client({true, {}, {}});
    ASSERT_TRUE(client_tls);
    const auto started = std::chrono::steady_clock::now();
    const auto tls_why =
        run(io, expect_connect_failure(io, url_for(true, port), &*client_tls, options));
    ASSERT_TRUE(tls_why);
    EXPECT_EQ(tls_why->stage, stage::tls_handshake);
    EXPECT_EQ(tls_why->code, std::error_code{errc::timeout}) << tls_why->message();
    const auto ws_why = run(io, expect_connect_failure(io, url_for(false, port), nullptr, options));
    ASSERT_TRUE(ws_why);
    EXPECT_EQ(ws_why->stage, stage::ws_upgrade);
    EXPECT_EQ(ws_why->code, std::error_code{errc::timeout}) << ws_why->message();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

// A handler that ends each connection on its first message: by close handshake or drop.
struct closing_handler : echo_handler {
    explicit closing_handler(bool abrupt) : abrupt_(abrupt) {}
    void on_message(connection& conn, std::string) override {
        if (abrupt_) {
            conn.abort();
        } else {
            conn.close_detached();
        }
    }
    bool abrupt_;
};

net::awaitable<std::optional<failure>> send_and_wait_for_close(net::io_context& io,
                                                               std::uint16_t port,
                                                               std::string frame) {
    ws_client client{io, {}};
    if (!co_await client.connect(url_for(false, port))) {
        co_return std::nullopt;
    }
    inbox in{io.get_executor()};
    client.start(in.on_message(), in.on_close());
    client.send(std::move(frame));
    auto why = co_await in.closed();
    if (why && client.is_open()) {
        why->detail += " [still open]";
    }
    co_return why;
}

TEST(ws_failure, server_closing_mid_read_is_a_clean_error_value) {
    for (const bool abrupt : {false, true}) {
        net::io_context io;
        closing_handler handler{abrupt};
        ws_server server{io, {}, handler};
        const auto port = server.listen();
        ASSERT_TRUE(port);
        server.start();
        const auto why = run(io, send_and_wait_for_close(io, *port, "OPTIONS"));
        ASSERT_TRUE(why && *why) << "no close reported";
        const failure& f = **why;
        EXPECT_EQ(f.stage, stage::ws_read);
        if (abrupt) {
            EXPECT_EQ(f.code, std::error_code{errc::connection_lost}) << f.message();
        } else {
            EXPECT_EQ(f.code, std::error_code{errc::peer_closed}) << f.message();
            EXPECT_EQ(f.detail, "close code 1000") << f.message();
        }
    }
}

TEST(ws_failure, oversized_frame_ends_the_connection_with_1009) {
    net::io_context io;
    echo_handler handler;
    server_options options;
    options.limits.max_message_size = 1024;
    ws_server server{io, options, handler};
    const auto port = server.listen();
    ASSERT_TRUE(port);
    server.start();
    const auto why = run(io, send_and_wait_for_close(io, *port, std::string(4096, 'g')));
    ASSERT_TRUE(why && *why);
    // RFC 6455 §7.4.1: the server fails the connection with 1009 (message too big). The
    // unread rest of the frame makes its kernel answer with RST, which may overtake the
    // close frame: either way the client gets an error value, not a hang.
    const auto& code = (*why)->code;
    if (code == std::error_code{errc::peer_closed}) {
        EXPECT_EQ((*why)->detail, "close code 1009");
    } else {
        EXPECT_EQ(code, std::error_code{errc::connection_lost}) << (*why)->message();
    }
    EXPECT_EQ(handler.messages, 0);
    ASSERT_EQ(handler.closes.size(), 1u);
    EXPECT_EQ(handler.closes[0].code, std::error_code{errc::message_too_big});
}

net::awaitable<bool> send_garbage(std::uint16_t port) {
    tcp::socket socket{co_await net::this_coro::executor};
    auto [ec] = co_await socket.async_connect(
        tcp::endpoint{net::ip::make_address("127.0.0.1"), port}, use_tuple);
    const std::string garbage = "\x16\x03\x01garbage\r\n\r\n";
    auto [wec, n] = co_await net::async_write(socket, net::buffer(garbage), use_tuple);
    char byte = 0;
    auto [rec, r] = co_await socket.async_read_some(net::buffer(&byte, 1), use_tuple);
    co_return !ec && !wec && rec;  // the server hung up
}

TEST(ws_failure, garbage_instead_of_an_upgrade_is_dropped) {
    net::io_context io;
    echo_handler handler;
    ws_server server{io, {}, handler};
    const auto port = server.listen();
    ASSERT_TRUE(port);
    server.start();
    EXPECT_EQ(run(io, send_garbage(*port)), std::optional<bool>{true});
    EXPECT_EQ(server.stats().failed, 1u);
    EXPECT_EQ(handler.opened, 0);
    EXPECT_EQ(server.connections(), 0u);
}

net::awaitable<std::string> fill_the_queue(net::io_context& io, std::uint16_t port) {
    client_options options;
    options.limits.queue_limit = 4;
    ws_client client{io, options};
    if (!co_await client.connect(url_for(false, port))) {
        co_return "connect failed";
    }
    inbox in{io.get_executor()};
    client.start(in.on_message(), in.on_close());
    for (int i = 0; i < 4; ++i) {
        if (client.send("frame " + std::to_string(i))) {
            co_return "send failed below the limit";
        }
    }
    if (client.send("one too many") != std::error_code{errc::queue_full}) {
        co_return "no backpressure at the limit";
    }
    if (client.queued() != 4) {
        co_return "queue size wrong";
    }
    for (int i = 0; i < 4; ++i) {
        const auto echoed = co_await in.next();
        if (!echoed || *echoed != "frame " + std::to_string(i)) {
            co_return "echo " + std::to_string(i) + " missing";
        }
    }
    // (Two statements: GCC 12 crashes on co_await inside a short-circuit condition.)
    const bool accepted = !client.send("after drain");
    const auto after = co_await in.next();
    if (!accepted || !after) {
        co_return "queue did not drain";
    }
    (void)co_await client.close();
    if (client.send("after close") != std::error_code{errc::not_open}) {
        co_return "send after close accepted";
    }
    co_return "";
}

TEST(ws_failure, full_write_queue_signals_backpressure) {
    net::io_context io;
    echo_handler handler;
    ws_server server{io, {}, handler};
    const auto port = server.listen();
    ASSERT_TRUE(port);
    server.start();
    EXPECT_EQ(run(io, fill_the_queue(io, *port)), std::optional<std::string>{""});
}

net::awaitable<std::string> stop_with_open_clients(net::io_context& io, ws_server& server) {
    std::vector<std::unique_ptr<ws_client>> clients;
    std::vector<std::unique_ptr<inbox>> inboxes;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<ws_client>(io, client_options{}));
        inboxes.push_back(std::make_unique<inbox>(io.get_executor()));
        if (!co_await clients.back()->connect(url_for(false, server.port()))) {
            co_return "connect failed";
        }
        clients.back()->start(inboxes.back()->on_message(), inboxes.back()->on_close());
    }
    co_await server.stop();
    for (auto& in : inboxes) {
        const auto why = co_await in->closed();
        if (!why || why->code != std::error_code{errc::peer_closed}) {
            co_return "a client did not see the close handshake";
        }
    }
    co_return "";
}

TEST(ws_failure, orderly_stop_closes_every_connection) {
    net::io_context io;
    echo_handler handler;
    ws_server server{io, {}, handler};
    ASSERT_TRUE(server.listen());
    server.start();
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(run(io, stop_with_open_clients(io, server)), std::optional<std::string>{""});
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    EXPECT_EQ(server.connections(), 0u);
    ASSERT_EQ(handler.closes.size(), 5u);
    for (const auto& why : handler.closes) {
        EXPECT_EQ(why.code, std::error_code{errc::stopped}) << why.message();
    }
    const auto refused =
        run(io, expect_connect_failure(io, url_for(false, server.port()), nullptr));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->stage, stage::tcp_connect);
}

}  // namespace
}  // namespace ringstorm::transport
