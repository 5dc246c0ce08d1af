#pragma once
// The WebSocket client a phone uses to reach its SIP server (RFC 7118 over RFC 6455),
// over TCP (ws://) or TLS (wss://). Used from the owning worker's coroutines:
//
//     ws_client client{io, options, &tls};
//     auto connected = co_await client.connect(url);
//     if (!connected) { record(connected.error().message()); co_return; }
//     client.start(on_frame, on_closed);
//     client.send(register_text);
//     ...
//     co_await client.close();

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "engine/core/result.hpp"
#include "engine/transport/connection.hpp"
#include "engine/transport/error.hpp"
#include "engine/transport/url.hpp"

namespace boost::asio {
class io_context;
}

namespace ringstorm::transport {

class tls_context;

struct client_options {
    std::chrono::milliseconds connect_timeout{10'000};  // resolve + TCP connect
    std::chrono::milliseconds tls_timeout{10'000};      // TLS handshake
    std::chrono::milliseconds upgrade_timeout{10'000};  // HTTP upgrade and its answer
    connection_limits limits;                           // the open connection
    std::string source_address;  // --source-ips: local IP to bind before connecting; "" = any
    std::string user_agent;      // User-Agent of the upgrade request; "" = none
};

// How long each step of a successful connect took (stats `ws_connect`, `tls_handshake`).
struct connect_timings {
    std::chrono::nanoseconds resolve{0};        // 0 for IP literals (no DNS)
    std::chrono::nanoseconds tcp_connect{0};    // the `ws_connect` stat
    std::chrono::nanoseconds tls_handshake{0};  // 0 for ws://
    std::chrono::nanoseconds ws_upgrade{0};
};

class ws_client {
public:
    // `tls` is needed for wss:// URLs and must outlive the client; it may be shared by
    // all clients of all workers (OpenSSL's SSL_CTX is safe to share read-only).
    ws_client(boost::asio::io_context& io, client_options options, tls_context* tls = nullptr);
    ws_client(const ws_client&) = delete;
    ws_client& operator=(const ws_client&) = delete;
    // Drops the connection (or the connect in progress) without a close handshake.
    ~ws_client();

    // Resolve (hostnames only), TCP connect, TLS handshake with SNI and verification
    // (wss), HTTP upgrade offering `sip` (fails ws_upgrade unless the server selects it,
    // RFC 7118 §4). Each step has its deadline. Replaces an earlier connection.
    // The client must outlive the co_await.
    boost::asio::awaitable<core::result<connect_timings, failure>> connect(const ws_url& url);

    // See connection: start reading, queue a frame, close handshake.
    void start(connection::message_handler on_message, connection::close_handler on_close);
    std::error_code send(std::string frame);
    boost::asio::awaitable<core::result<done, failure>> close();
    // Cuts the connection or the connect in progress (orderly stop of a phone that is
    // still connecting); a pending connect() fails with errc::stopped.
    void abort() noexcept;

    bool is_open() const noexcept;
    std::size_t queued() const noexcept;
    // The open connection, or null; share it with whatever must send on it.
    const std::shared_ptr<connection>& connection_ptr() const noexcept { return connection_; }

private:
    boost::asio::io_context& io_;
    client_options options_;
    tls_context* tls_;
    std::shared_ptr<connection> connection_;  // set once a connect starts
    bool aborted_ = false;                    // abort() during connect
};

}  // namespace ringstorm::transport
