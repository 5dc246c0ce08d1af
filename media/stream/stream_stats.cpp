#include "media/stream/stream_stats.hpp"

namespace ringstorm::media {

std::string_view rule_id(media_rule r) noexcept {
    switch (r) {
        case media_rule::ice_failed:
            return "media.ice_failed";
        case media_rule::dtls_failed:
            return "media.dtls_failed";
        case media_rule::no_media:
            return "media.no_media";
        case media_rule::one_way_audio:
            return "media.one_way_audio";
        case media_rule::wrong_audio:
            return "media.wrong_audio";
        case media_rule::mute_not_silent:
            return "media.mute_not_silent";
        case media_rule::hold_direction:
            return "media.hold_direction";
        case media_rule::before_dtls:
            return "media.before_dtls";
        case media_rule::srtp_auth:
            return "media.srtp_auth";
    }
    return "media.unknown";
}

}  // namespace ringstorm::media
