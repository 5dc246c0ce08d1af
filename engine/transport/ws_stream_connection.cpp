// Helpers of detail/ws_stream_connection.hpp that need not be templates.
#include "engine/transport/detail/ws_stream_connection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace ringstorm::transport::detail {

std::error_code translate(const boost::system::error_code& ec) {
    if (!ec) {
        return {};
    }
    if (ec == websocket::error::closed) {
        return errc::peer_closed;
    }
    if (ec == beast::error::timeout) {
        return errc::timeout;
    }
    if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow) {
        return errc::message_too_big;
    }
    if (ec == net::error::eof || ec == net::error::connection_reset ||
        ec == net::error::broken_pipe || ec == net::ssl::error::stream_truncated ||
        ec == beast::http::error::end_of_stream) {
        return errc::connection_lost;
    }
    return ec;
}

std::string verify_detail(SSL* ssl) {
    if (ssl == nullptr) {
        return {};
    }
    const long result = SSL_get_verify_result(ssl);
    if (result == X509_V_OK) {
        return {};
    }
    return X509_verify_cert_error_string(result);
}

std::uint64_t next_connection_id() noexcept {
    // The only process-wide counter here: touched once per connection, never per frame.
    static std::atomic<std::uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

std::string endpoint_text(const net::ip::tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    std::string text = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return text + ":" + std::to_string(endpoint.port());
}

}  // namespace ringstorm::transport::detail
