// The wss:// connection, instantiated once (see detail/ws_stream_connection.hpp).
#include "engine/transport/detail/ws_stream_connection_impl.hpp"

namespace ringstorm::transport::detail {

template class ws_stream_connection<tls_stream>;

}  // namespace ringstorm::transport::detail
