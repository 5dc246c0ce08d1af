#pragma once
// Private to engine/transport/*.cpp: the Beast WebSocket stream behind `connection`,
// shared by the client (ws_client.cpp) and the server (ws_server.cpp). NextLayer is
// beast::tcp_stream (ws://) or beast::ssl_stream<beast::tcp_stream> (wss://).

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "engine/transport/connection.hpp"

namespace ringstorm::transport::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// Beast/Asio codes that callers compare against become transport errc values; the rest
// (OpenSSL, system) pass through as they are.
std::error_code translate(const boost::system::error_code& ec);
// The OpenSSL verify result of a failed handshake ("self-signed certificate"), or "".
std::string verify_detail(SSL* ssl);
std::uint64_t next_connection_id() noexcept;
std::string endpoint_text(const net::ip::tcp::endpoint& endpoint);

template <class NextLayer>
class ws_stream_connection final : public connection {
public:
    using ws_type = websocket::stream<NextLayer>;

    template <class... Args>
    explicit ws_stream_connection(const connection_limits& limits, Args&&... args)
        : ws_(std::forward<Args>(args)...),
          write_timer_(ws_.get_executor()),
          limits_(limits),
          id_(next_connection_id()) {}

    ws_type& ws() noexcept { return ws_; }
    void set_peer(std::string peer) { peer_ = std::move(peer); }

    // After a successful upgrade: one text frame per SIP message, bounded reads, and
    // Beast's own timer for the close handshake and (optionally) idle pings.
    void opened() {
        ws_.text(true);
        ws_.auto_fragment(false);
        ws_.read_message_max(limits_.max_message_size);
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = limits_.close_timeout;
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        if (limits_.idle_timeout.count() > 0) {
            timeouts.idle_timeout = limits_.idle_timeout;
            timeouts.keep_alive_pings = true;
        }
        ws_.set_option(timeouts);
        open_ = true;
    }

    void start(message_handler on_message, close_handler on_close) override;
    std::error_code send(std::string frame) override;
    net::awaitable<core::result<done, failure>> close() override;

    void close_detached() override {
        net::co_spawn(ws_.get_executor(), close_quietly(self()), net::detached);
    }

    void abort() noexcept override {
        aborted_ = true;
        on_message_ = nullptr;
        on_close_ = nullptr;
        open_ = false;
        drop();
    }

    bool is_open() const noexcept override { return open_ && !closing_; }
    bool aborted() const noexcept { return aborted_; }
    std::size_t queued() const noexcept override { return queue_.size(); }
    const std::string& peer() const noexcept override { return peer_; }
    std::uint64_t id() const noexcept override { return id_; }

    // Closes the socket under every pending operation; they complete with an error.
    void drop() noexcept {
        boost::system::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

private:
    std::shared_ptr<ws_stream_connection> self() {
        return std::static_pointer_cast<ws_stream_connection>(shared_from_this());
    }

    static net::awaitable<void> close_quietly(std::shared_ptr<ws_stream_connection> self);
    static net::awaitable<void> read_loop(std::shared_ptr<ws_stream_connection> self);
    static net::awaitable<void> write_loop(std::shared_ptr<ws_stream_connection> self);
    void arm_write_deadline();
    void write_failed(const boost::system::error_code& ec);
    // The read loop ended: tell the owner once, why.
    void finish(const boost::system::error_code& ec);

    ws_type ws_;
    net::steady_timer write_timer_;
    connection_limits limits_;
    std::uint64_t id_;
    std::string peer_;
    std::deque<std::string> queue_;  // frames waiting; the front one is being written
    message_handler on_message_;
    close_handler on_close_;
    std::optional<failure> first_failure_;  // a write failure, reported when reading ends
    std::uint64_t write_generation_ = 0;    // matches the armed write deadline
    bool open_ = false;                     // upgraded and not yet ended
    bool closing_ = false;                  // our close handshake started
    bool writing_ = false;                  // write_loop is running
    bool write_timed_out_ = false;          // the write deadline dropped the connection
    bool aborted_ = false;                  // the owner called abort()
};

// Compiled once each, in ws_plain_connection.cpp and ws_tls_connection.cpp (the member
// definitions are in ws_stream_connection_impl.hpp): Beast's composed operations are
// the costly part of building this library.
extern template class ws_stream_connection<plain_stream>;
extern template class ws_stream_connection<tls_stream>;

}  // namespace ringstorm::transport::detail
