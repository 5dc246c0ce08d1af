// ws:// and wss:// between ws_client and ws_server on loopback: echo, TLS trust,
// subprotocol negotiation, timings, source address.
#include <gtest/gtest.h>

#include "engine/transport/tls_context.hpp"
#include "engine/transport/ws_client.hpp"
#include "engine/transport/ws_server.hpp"
#include "tests/unit/transport/test_support.hpp"

namespace ringstorm::transport {
namespace {

using namespace test;

ws_url url_for(bool secure, const std::string& host, std::uint16_t port) {
    const std::string scheme = secure ? "wss://" : "ws://";
    return *parse_ws_url(scheme + host + ":" + std::to_string(port) + "/ws");
}

// Connects, echoes three frames, closes; "" on success, else what went wrong.
net::awaitable<std::string> echo_three(net::io_context& io, ws_url url, tls_context* tls,
                                       client_options options = {}) {
    ws_client client{io, options, tls};
    const auto connected = co_await client.connect(url);
    if (!connected) {
        co_return "connect: " + connected.error().message();
    }
    if (connected->tcp_connect.count() <= 0) {
        co_return "no tcp_connect timing";
    }
    if (url.secure != (connected->tls_handshake.count() > 0)) {
        co_return "tls_handshake timing wrong";
    }
    inbox in{io.get_executor()};
    client.start(in.on_message(), in.on_close());
    const std::string frames[] = {"REGISTER sip:a SIP/2.0\r\n\r\n", "second",
                                  std::string(5000, 'x')};
    for (const auto& frame : frames) {
        if (const auto ec = client.send(frame)) {
            co_return "send: " + ec.message();
        }
    }
    for (const auto& frame : frames) {
        const auto echoed = co_await in.next();
        if (!echoed || *echoed != frame) {
            co_return "echo mismatch";
        }
    }
    const auto closed = co_await client.close();
    if (!closed) {
        co_return "close: " + closed.error().message();
    }
    const auto why = co_await in.closed();
    if (!why || why->code != std::error_code{errc::stopped}) {
        co_return "close handler did not report stopped";
    }
    co_return "";
}

TEST(ws_echo, plain_ws) {
    net::io_context io;
    echo_handler handler;
    ws_server server{io, {}, handler};
    const auto port = server.listen();
    ASSERT_TRUE(port) << port.error().message();
    server.start();
    const auto outcome = run(io, echo_three(io, url_for(false, "127.0.0.1", *port), nullptr));
    ASSERT_TRUE(outcome) << "timed out";
    EXPECT_EQ(*outcome, "");
    // The server saw the client's close frame.
    run(io, [&]() -> net::awaitable<bool> {
        net::steady_timer t{io, 200ms};
        co_await t.async_wait(net::use_awaitable);
        co_return true;
    }());
    ASSERT_EQ(handler.closes.size(), 1u);
    EXPECT_EQ(handler.closes[0].code, std::error_code{errc::peer_closed});
    EXPECT_EQ(handler.messages, 3);
    EXPECT_EQ(server.stats().upgraded, 1u);
}

struct tls_fixture {
    tls_fixture(key_type type = key_type::ec_p256,
                std::vector<std::string> names = {"localhost", "127.0.0.1", "::1"})
        : pair(*make_self_signed(type, names)),
          server_tls(tls_context::server({{}, {}, pair.cert_pem, pair.key_pem}).value()) {}
    pem_pair pair;
    tls_context server_tls;
};

TEST(ws_echo, wss_with_the_generated_certificate_trusted) {
    for (const auto type : {key_type::ec_p256, key_type::rsa_2048}) {
        tls_fixture fx{type};
        auto client_tls = tls_context::client({false, {}, fx.pair.cert_pem});
        ASSERT_TRUE(client_tls) << client_tls.error();
        net::io_context io;
        echo_handler handler;
        ws_server server{io, {}, handler, &fx.server_tls};
        const auto port = server.listen();
        ASSERT_TRUE(port);
        server.start();
        const auto outcome =
            run(io, echo_three(io, url_for(true, "127.0.0.1", *port), &*client_tls));
        ASSERT_TRUE(outcome) << "timed out";
        EXPECT_EQ(*outcome, "");
        // By host name too: SNI and DNS-name verification.
        const auto by_name =
            run(io, echo_three(io, url_for(true, "localhost", *port), &*client_tls));
        ASSERT_TRUE(by_name) << "timed out";
        EXPECT_EQ(*by_name, "");
    }
}

TEST(ws_echo, wss_over_ipv6_loopback) {
    tls_fixture fx;
    auto client_tls = tls_context::client({false, {}, fx.pair.cert_pem});
    ASSERT_TRUE(client_tls);
    net::io_context io;
    echo_handler handler;
    server_options options;
    options.address = "::1";
    ws_server server{io, options, handler, &fx.server_tls};
    const auto port = server.listen();
    if (!port) {
        GTEST_SKIP() << "no IPv6 loopback here: " << port.error().message();
    }
    server.start();
    const auto outcome = run(io, echo_three(io, url_for(true, "[::1]", *port), &*client_tls));
    ASSERT_TRUE(outcome) << "timed out";
    EXPECT_EQ(*outcome, "");
}

TEST(ws_echo, ca_file_trusts_the_certificate) {
    tls_fixture fx;
    const std::string path = ::testing::TempDir() + "/ringstorm_ca.pem";
    {
        std::FILE* f = std::fopen(path.c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fwrite(fx.pair.cert_pem.data(), 1, fx.pair.cert_pem.size(), f);
        std::fclose(f);
    }
    auto client_tls = tls_context::client({false, path, {}});
    ASSERT_TRUE(client_tls) << client_tls.error();
    net::io_context io;
    echo_handler handler;
    ws_server server{io, {}, handler, &fx.server_tls};
    const auto port = server.listen();
    ASSERT_TRUE(port);
    server.start();
    const auto outcome = run(io, echo_three(io, url_for(true, "127.0.0.1", *port), &*client_tls));
    ASSERT_TRUE(outcome);
    EXPECT_EQ(*outcome, "");
    std::remove(path.c_str());

    const auto missing = tls_context::client({false, "/nonexistent/ca.pem", {}});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("--ca /nonexistent/ca.pem"), std::string::npos)
        << missing.error();
}

TEST(ws_echo, insecure_skips_verification) {
    tls_fixture fx;
    auto client_tls = tls_context::client({true, {}, {}});
    ASSERT_TRUE(client_tls);
    EXPECT_TRUE(client_tls->insecure());
    net::io_context io;
    echo_handler handler;
    ws_server server{io, {}, handler, &fx.server_tls};
    const auto port = server.listen();
    ASSERT_TRUE(port);
    server.start();
    const auto outcome = run(io, echo_three(io, url_for(true, "127.0.0.1", *port), &*client_tls));
    ASSERT_TRUE(outcome);
    EXPECT_EQ(*outcome, "");
}

net::awaitable<failure> connect_expecting_failure(net::io_context& io, ws_url url, tls_context* tls,
                                                  client_options options = {}) {
    ws_client client{io, options, tls};
    auto connected = co_await client.connect(url);
    if (connected) {
        co_return failure{stage::accept, {}, "unexpectedly connected", {}};
    }
    co_return std::move(connected).error();
}

TEST(ws_echo, untrusted_certificate_fails_tls_handshake_naming_verify) {
    tls_fixture fx;
    auto client_tls = tls_context::client({});  // system store: does not know our cert
    ASSERT_TRUE(client_tls) << client_tls.error();
    net::io_context io;
    echo_handler handler;
    ws_server server{io, {}, handler, &fx.server_tls};
    const auto port = server.listen();
    ASSERT_TRUE(port);
    server.start();
    const auto url = url_for(true, "127.0.0.1", *port);
    const auto why = run(io, connect_expecting_failure(io, url, &*client_tls));
    ASSERT_TRUE(why);
    EXPECT_EQ(why->stage, stage::tls_handshake);
    const auto text = why->message();
    EXPECT_EQ(text.rfind("tls_handshake: ", 0), 0u) << text;
    EXPECT_NE(text.find("certificate verify failed"), std::string::npos) << text;
    EXPECT_NE(text.find("self-signed"), std::string::npos) << text;
    EXPECT_NE(text.find("(target " + to_string(url) + ")"), std::string::npos) << text;
    EXPECT_EQ(handler.opened, 0);
}

TEST(ws_echo, certificate_for_another_host_fails_verification) {
    tls_fixture fx{key_type::ec_p256, {"sbc.example.com"}};
    auto client_tls = tls_context::client({false, {}, fx.pair.cert_pem});
    ASSERT_TRUE(client_tls);
    net::io_context io;
    echo_handler handler;
    ws_server server{io, {}, handler, &fx.server_tls};
    const auto port = server.listen();
    ASSERT_TRUE(port);
    server.start();
    const auto by_ip =
        run(io, connect_expecting_failure(io, url_for(true, "127.0.0.1", *port), &*client_tls));
    ASSERT_TRUE(by_ip);
    EXPECT_EQ(by_ip->stage, stage::tls_handshake);
    EXPECT_NE(by_ip->message().find("IP address mismatch"), std::string::npos) << by_ip->message();
    const auto by_name =
        run(io, connect_expecting_failure(io, url_for(true, "localhost", *port), &*client_tls));
    ASSERT_TRUE(by_name);
    EXPECT_EQ(by_name->stage, stage::tls_handshake);
    EXPECT_NE(by_name->message().find("hostname mismatch"), std::string::npos)
        << by_name->message();
}

TEST(ws_echo, wss_url_without_tls_context_is_a_clear_error) {
    net::io_context io;
    const auto why = run(io, connect_expecting_failure(io, url_for(true, "127.0.0.1", 9), nullptr));
    ASSERT_TRUE(why);
    EXPECT_EQ(why->code, std::error_code{errc::tls_setup});
}

TEST(ws_echo, source_address_is_bound) {
    net::io_context io;
    echo_handler handler;
    ws_server server{io, {}, handler};
    const auto port = server.listen();
    ASSERT_TRUE(port);
    server.start();
    client_options options;
    options.source_address = "127.0.0.2";
    const auto outcome =
        run(io, echo_three(io, url_for(false, "127.0.0.1", *port), nullptr, options));
    ASSERT_TRUE(outcome);
    EXPECT_EQ(*outcome, "");
    ASSERT_EQ(handler.peers.size(), 1u);
    EXPECT_EQ(handler.peers[0].rfind("127.0.0.2:", 0), 0u) << handler.peers[0];

    options.source_address = "::1";  // wrong family for an IPv4 target
    const auto why = run(
        io, connect_expecting_failure(io, url_for(false, "127.0.0.1", *port), nullptr, options));
    ASSERT_TRUE(why);
    EXPECT_EQ(why->stage, stage::tcp_connect);
    EXPECT_EQ(why->code, std::error_code{errc::bad_address});
}

}  // namespace
}  // namespace ringstorm::transport
