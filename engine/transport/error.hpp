#pragma once
// Errors of the transport layer (Beast's websocket/error.hpp pattern): one enum, one
// category, and a failure value that names the stage it happened in, like Beast's
// fail(ec, what), so a phone's record says "tls_handshake: certificate verify failed".

#include <string>
#include <string_view>
#include <system_error>

namespace ringstorm::transport {

enum class errc {
    timeout = 1,           // a deadline passed before the stage completed
    subprotocol_missing,   // the server did not select "sip" (RFC 7118 §4, RFC 6455 §4.1)
    subprotocol_rejected,  // server side: the client did not offer "sip"
    not_upgrade,           // server side: the request is not a WebSocket upgrade
    queue_full,            // the bounded write queue is full: back off (backpressure)
    not_open,              // send or close on a connection that is not open
    peer_closed,           // the peer ended the WebSocket with a close frame
    connection_lost,       // the TCP/TLS stream ended without a close handshake
    stopped,               // our side stopped the connection
    message_too_big,       // a frame larger than max_message_size
    bad_address,           // a source or listen address that is not an IP literal
    tls_setup,             // a TLS context could not be built (file, key or cert)
};

const std::error_category& transport_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), transport_category()};
}

// Where a connection failed, in the order a client walks through them.
enum class stage {
    resolve,        // name lookup (only for hostnames; IP literals skip it)
    tcp_connect,    // TCP connect, including the source-address bind
    tls_handshake,  // TLS handshake and certificate verification
    ws_upgrade,     // HTTP upgrade to WebSocket, subprotocol check
    ws_read,        // reading frames on an open connection
    ws_write,       // writing frames on an open connection
    ws_close,       // the close handshake
    accept,         // server side: accepting a TCP connection
};

// Stable lower-case name used in stats, events and reports: "tls_handshake".
std::string_view to_string(stage s) noexcept;

// A failed step. `code` is the cause (OpenSSL, system, Beast or errc); `detail` adds
// what the code cannot say (the certificate verify reason, the HTTP status of a refused
// upgrade); `target` is the URL or peer it concerns.
struct failure {
    transport::stage stage = stage::tcp_connect;
    std::error_code code;
    std::string detail;
    std::string target;

    // "tls_handshake: certificate verify failed: self-signed certificate (target
    // wss://127.0.0.1:8443/ws)"
    std::string message() const;
};

// The value of a step that has nothing to return but can fail: result<done, failure>.
struct done {};

}  // namespace ringstorm::transport

template <>
struct std::is_error_code_enum<ringstorm::transport::errc> : std::true_type {};
