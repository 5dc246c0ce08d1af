#include "engine/transport/error.hpp"

namespace ringstorm::transport {

namespace {

class transport_error_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "ringstorm.transport"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::timeout:
                return "timed out";
            case errc::subprotocol_missing:
                return "server did not select the 'sip' WebSocket subprotocol";
            case errc::subprotocol_rejected:
                return "client did not offer the 'sip' WebSocket subprotocol";
            case errc::not_upgrade:
                return "request is not a WebSocket upgrade";
            case errc::queue_full:
                return "write queue full";
            case errc::not_open:
                return "connection not open";
            case errc::peer_closed:
                return "peer closed the WebSocket";
            case errc::connection_lost:
                return "connection lost without a close handshake";
            case errc::stopped:
                return "stopped";
            case errc::message_too_big:
                return "WebSocket message too big";
            case errc::bad_address:
                return "not an IP address";
            case errc::tls_setup:
                return "TLS setup failed";
        }
        return "unknown transport error";
    }
};

}  // namespace

const std::error_category& transport_category() noexcept {
    static const transport_error_category category;
    return category;
}

std::string_view to_string(stage s) noexcept {
    switch (s) {
        case stage::resolve:
            return "resolve";
        case stage::tcp_connect:
            return "tcp_connect";
        case stage::tls_handshake:
            return "tls_handshake";
        case stage::ws_upgrade:
            return "ws_upgrade";
        case stage::ws_read:
            return "ws_read";
        case stage::ws_write:
            return "ws_write";
        case stage::ws_close:
            return "ws_close";
        case stage::accept:
            return "accept";
    }
    return "unknown";
}

std::string failure::message() const {
    std::string text{to_string(stage)};
    text += ": ";
    text += code ? code.message() : std::string{"failed"};
    if (!detail.empty()) {
        text += ": ";
        text += detail;
    }
    if (!target.empty()) {
        text += " (target ";
        text += target;
        text += ')';
    }
    return text;
}

}  // namespace ringstorm::transport
