#include "engine/media/record_engine.hpp"

namespace ringstorm::media {

void record_engine(core::stats& s, const engine_stats& e) noexcept {
    s.media_send_lateness = e.send_lateness;
    s.media_ticks_skipped = e.ticks_skipped;
    s.media_unroutable = e.unroutable;
    s.media_send_errors = e.send_errors;
    s.media_receive_errors = e.receive_errors;
    s.media_socket_drops = e.socket_drops;
}

}  // namespace ringstorm::media
