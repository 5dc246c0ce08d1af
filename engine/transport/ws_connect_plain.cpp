// The ws:// connect: TCP, then the upgrade.
#include "engine/transport/detail/ws_connect.hpp"

namespace ringstorm::transport::detail {

net::awaitable<step<connect_timings>> connect_plain(
    std::shared_ptr<ws_stream_connection<plain_stream>> conn, ws_url url, client_options options) {
    return run_connect(std::move(conn), std::move(url), std::move(options), false);
}

}  // namespace ringstorm::transport::detail
