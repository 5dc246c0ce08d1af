// Accepted wss:// connections (see detail/ws_session.hpp).
#include <boost/asio/ssl/stream.hpp>

#include "engine/transport/detail/ws_session.hpp"
#include "engine/transport/tls_context.hpp"

namespace ringstorm::transport::detail {

void spawn_tls_session(const std::shared_ptr<ws_server::state>& s, tcp::socket socket) {
    boost::system::error_code ec;
    socket.set_option(tcp::no_delay{true}, ec);
    const auto endpoint = socket.remote_endpoint(ec);
    spawn_session(s,
                  std::make_shared<ws_stream_connection<tls_stream>>(
                      s->options.limits, std::move(socket), s->tls->native()),
                  endpoint);
}

}  // namespace ringstorm::transport::detail
