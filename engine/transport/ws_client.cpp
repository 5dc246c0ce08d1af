#include "engine/transport/ws_client.hpp"

#include <boost/asio/io_context.hpp>

#include "engine/transport/detail/ws_connect.hpp"
#include "engine/transport/tls_context.hpp"

namespace ringstorm::transport {

namespace net = boost::asio;
using core::unexpected;
using detail::step;

ws_client::ws_client(net::io_context& io, client_options options, tls_context* tls)
    : io_(io), options_(std::move(options)), tls_(tls) {}

ws_client::~ws_client() {
    abort();
}

net::awaitable<core::result<connect_timings, failure>> ws_client::connect(const ws_url& url) {
    abort();
    aborted_ = false;
    step<connect_timings> result = connect_timings{};
    if (url.secure) {
        if (tls_ == nullptr) {
            co_return unexpected{failure{stage::tls_handshake, errc::tls_setup,
                                         "wss:// needs a TLS context", to_string(url)}};
        }
        auto conn = std::make_shared<detail::ws_stream_connection<detail::tls_stream>>(
            options_.limits, io_.get_executor(), tls_->native());
        connection_ = conn;
        result = co_await detail::connect_tls(conn, url, options_, tls_->insecure());
    } else {
        auto conn = std::make_shared<detail::ws_stream_connection<detail::plain_stream>>(
            options_.limits, io_.get_executor());
        connection_ = conn;
        result = co_await detail::connect_plain(conn, url, options_);
    }
    if (!result) {
        if (connection_) {
            connection_->abort();
            connection_.reset();
        }
        if (aborted_) {
            auto why = std::move(result).error();
            why.code = errc::stopped;
            co_return unexpected{std::move(why)};
        }
    }
    co_return result;
}

void ws_client::start(connection::message_handler on_message, connection::close_handler on_close) {
    if (connection_) {
        connection_->start(std::move(on_message), std::move(on_close));
    }
}

std::error_code ws_client::send(std::string frame) {
    return connection_ ? connection_->send(std::move(frame)) : std::error_code{errc::not_open};
}

net::awaitable<core::result<done, failure>> ws_client::close() {
    if (!connection_) {
        co_return done{};
    }
    auto conn = connection_;  // kept alive across the wait even if connect() replaces it
    co_return co_await conn->close();
}

void ws_client::abort() noexcept {
    if (connection_) {
        aborted_ = true;
        connection_->abort();
    }
}

bool ws_client::is_open() const noexcept {
    return connection_ && connection_->is_open();
}

std::size_t ws_client::queued() const noexcept {
    return connection_ ? connection_->queued() : 0;
}

}  // namespace ringstorm::transport
