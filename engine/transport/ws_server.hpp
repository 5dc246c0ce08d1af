#pragma once
// The WebSocket listener of the embedded target (`ringstorm serve`): ws:// or wss://,
// the upgrade must offer the `sip` subprotocol (RFC 7118 §4), each accepted connection
// is a `connection` handed to a server_handler (the registrar plugs in here).
//
// A server runs on one worker (io_context). To spread connections over workers, make
// one server per worker on the same port with reuse_port (the kernel balances accepts).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "engine/core/result.hpp"
#include "engine/transport/connection.hpp"
#include "engine/transport/error.hpp"

namespace boost::asio {
class io_context;
}

namespace ringstorm::transport {

class tls_context;

struct server_options {
    std::string address = "127.0.0.1";              // IP literal to listen on
    std::uint16_t port = 0;                         // 0 = a free port (read it back with port())
    bool reuse_port = false;                        // SO_REUSEPORT, for one listener per worker
    int backlog = 4096;                             // pending connections (capped by somaxconn)
    std::chrono::milliseconds tls_timeout{10'000};  // TLS handshake of a new client
    std::chrono::milliseconds upgrade_timeout{10'000};  // its HTTP upgrade request
    std::size_t max_header_bytes = 8192;                // of the upgrade request
    std::string server_header = "ringstorm";            // Server header of answers
    connection_limits limits;                           // every accepted connection
};

// What the embedded target implements. All calls run on the server's worker thread.
class server_handler {
public:
    virtual ~server_handler() = default;
    // A client finished the upgrade; frames may be sent on `conn` from now on.
    virtual void on_open(connection& conn) = 0;
    // One SIP message (RFC 7118 §5.1).
    virtual void on_message(connection& conn, std::string frame) = 0;
    // The connection ended (see connection::close_handler for `why`).
    virtual void on_close(connection& conn, const failure& why) = 0;
};

// Counters of one server, for the target's report.
struct server_stats {
    std::uint64_t accepted = 0;  // TCP connections accepted
    std::uint64_t upgraded = 0;  // of which became WebSocket connections
    std::uint64_t rejected = 0;  // upgrade refused (not an upgrade, no `sip` offered)
    std::uint64_t failed = 0;    // TLS or HTTP failure or timeout before the upgrade
};

class ws_server {
public:
    // `tls` null = ws://; otherwise wss:// with that (server) context, which must
    // outlive the server. `handler` must outlive the server too.
    ws_server(boost::asio::io_context& io, server_options options, server_handler& handler,
              tls_context* tls = nullptr);
    ws_server(const ws_server&) = delete;
    ws_server& operator=(const ws_server&) = delete;
    // Aborts every connection; the handler is not called any more.
    ~ws_server();

    // Binds and listens; the port actually bound. Failure stage `accept`.
    core::result<std::uint16_t, failure> listen();
    // Starts accepting (after listen()), on the server's worker.
    void start();
    // Orderly stop: no new connections, a close handshake with every open one (bounded
    // by limits.close_timeout), then whatever remains is dropped.
    boost::asio::awaitable<void> stop();
    // Immediate stop: the listener and every connection closed without a handshake.
    void abort() noexcept;

    std::uint16_t port() const noexcept;
    std::size_t connections() const noexcept;  // accepted and not yet ended
    const server_stats& stats() const noexcept;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace ringstorm::transport
