// The SDP side of a call: our answer to the INVITE (and to a remote re-INVITE), our hold
// and unhold offers, and the check of the answer the target gives to them. The shapes
// come from media/sdp (build_webrtc_audio*, the RFC 3264 direction rules).

#include <utility>

#include "engine/phone/call.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"

namespace ringstorm::phone {

namespace {

// The first accepted audio section, or nullptr.
const sdp::media_description* audio_of(const sdp::session_description& sd) {
    for (const auto& m : sd.media) {
        if (m.media == "audio" && !m.rejected()) {
            return &m;
        }
    }
    return nullptr;
}

}  // namespace

std::optional<std::string> call::answer_sdp(std::string_view offer_text, sdp::direction wish) {
    auto offer = sdp::parse(offer_text);
    if (!offer) {
        return std::nullopt;
    }
    sdp::webrtc_audio_params p = negotiated_;
    p.direction = wish;
    auto answer = sdp::build_webrtc_audio_answer(*offer, p);
    if (!answer) {
        return std::nullopt;
    }
    const sdp::media_description* m = audio_of(*answer);
    if (m == nullptr) {
        return std::nullopt;
    }
    // What this answer fixed is what our later offers repeat.
    local_direction_ = answer->direction_of(*m);
    if (const auto* setup = sdp::find<sdp::setup_role>(m->attributes)) {
        negotiated_.setup = *setup;
    }
    if (auto codecs = sdp::negotiate_opus(*m)) {
        negotiated_.opus_pt = codecs->opus.payload_type;
        negotiated_.telephone_events.clear();
        if (codecs->telephone_event) {
            negotiated_.telephone_events.emplace_back(codecs->telephone_event->payload_type,
                                                      codecs->telephone_event->clock_rate);
        }
    }
    if (auto mid = m->mid_value()) {
        negotiated_.mid = std::string(*mid);
    }
    negotiated_.bundle = sdp::find<sdp::group>(answer->attributes) != nullptr;
    // RFC 3264 §8: every new description of the session bumps the o= version.
    ++negotiated_.session_version;
    return sdp::serialize(*answer);
}

std::string call::offer_sdp(sdp::direction d) {
    sdp::webrtc_audio_params p = negotiated_;
    p.direction = d;
    ++negotiated_.session_version;
    last_offer_ = sdp::build_webrtc_audio(p);
    return sdp::serialize(*last_offer_);
}

void call::take_answer(std::string_view answer_text, out_t& out) {
    auto protocol_error = [&out](std::string_view kind) {
        out.push_back({call_action_type::protocol_error, kind});
    };
    auto answer = sdp::parse(answer_text);
    const sdp::media_description* m = answer ? audio_of(*answer) : nullptr;
    if (m == nullptr) {
        // RFC 3261 §13.2.1: the 2xx to an INVITE with an offer carries the answer.
        protocol_error("sdp_answer");
        return;
    }
    if (last_offer_ && !sdp::check_answer(*last_offer_, *answer).empty()) {
        // RFC 3264 §6.1 / RFC 6337 §5.2, e.g. a sendrecv answer to our sendonly hold.
        // Both SDK versions keep the call; the report names the breach.
        protocol_error("sdp_answer_direction");
    }
    // The stream as both ends now allow it, seen from our side.
    local_direction_ = sdp::intersect(offered_direction_, sdp::reverse(answer->direction_of(*m)));
}

}  // namespace ringstorm::phone
