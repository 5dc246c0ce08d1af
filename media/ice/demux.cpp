// Names of the RFC 7983 packet kinds, for logs and stats labels.

#include "media/ice/demux.hpp"

namespace ringstorm::demux {

std::string_view to_string(packet_kind k) noexcept {
    switch (k) {
        case packet_kind::stun:
            return "stun";
        case packet_kind::zrtp:
            return "zrtp";
        case packet_kind::dtls:
            return "dtls";
        case packet_kind::turn_channel:
            return "turn_channel";
        case packet_kind::rtp_rtcp:
            return "rtp_rtcp";
        case packet_kind::unknown:
            return "unknown";
    }
    return "unknown";
}

}  // namespace ringstorm::demux
