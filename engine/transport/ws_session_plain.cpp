// Accepted ws:// connections (see detail/ws_session.hpp).
#include "engine/transport/detail/ws_session.hpp"

namespace ringstorm::transport::detail {

void spawn_plain_session(const std::shared_ptr<ws_server::state>& s, tcp::socket socket) {
    boost::system::error_code ec;
    socket.set_option(tcp::no_delay{true}, ec);
    const auto endpoint = socket.remote_endpoint(ec);
    spawn_session(
        s,
        std::make_shared<ws_stream_connection<plain_stream>>(s->options.limits, std::move(socket)),
        endpoint);
}

}  // namespace ringstorm::transport::detail
