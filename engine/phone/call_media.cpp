// The SDP side of a call: our answer to the INVITE (and to a remote re-INVITE), our hold
// and unhold offers, and the check of the answer the target gives to them. The shapes
// come from media/sdp (build_webrtc_audio*, the RFC 3264 direction rules).

#include <utility>

#include "engine/phone/call.hpp"
#include "engine/phone/call_sdp.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"

namespace ringstorm::phone {

std::optional<std::string> call::answer_sdp(std::string_view offer_text, sdp::direction wish) {
    sdp::webrtc_audio_params p = negotiated_;
    p.direction = wish;
    auto answer = make_answer(offer_text, p);
    if (!answer) {
        return std::nullopt;
    }
    const sdp::media_description* m = audio_of(*answer);
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

// Chrome re-offers actpass on the established DTLS association (JSEP); the answerer keeps
// its role, which take_answer() checks.
std::string call::offer_sdp(sdp::direction d) {
    return make_offer(negotiated_, d, last_offer_);
}

bool call::take_answer(std::string_view answer_text, out_t& out) {
    auto protocol_error = [&out](std::string_view kind) {
        out.push_back({call_action_type::protocol_error, kind});
    };
    auto answer = sdp::parse(answer_text);
    const sdp::media_description* m = answer ? audio_of(*answer) : nullptr;
    if (m == nullptr) {
        // RFC 3261 §13.2.1: the 2xx to an INVITE with an offer carries the answer.
        protocol_error("sdp_answer");
        return true;  // SIP.js keeps a call whose 2xx lacks the answer
    }
    // Our DTLS role was fixed by our first answer (negotiated_.setup); the answer to our
    // actpass re-offer must take the other one (RFC 5763 §5), or both ends claim one role
    // and Chrome refuses the answer ("Failed to set SSL role for the transport").
    const sdp::setup_role* role = sdp::find<sdp::setup_role>(m->attributes);
    role = role != nullptr ? role : sdp::find<sdp::setup_role>(answer->attributes);
    if (role != nullptr && (*role == negotiated_.setup || *role == sdp::setup_role::actpass ||
                            *role == sdp::setup_role::holdconn)) {
        call_action e{call_action_type::protocol_error, "sdp_answer"};
        e.text = "answer a=setup:" + std::string(sdp::to_string(*role)) + " to our actpass offer "
                 "while we are DTLS " + std::string(sdp::to_string(negotiated_.setup)) +
                 " (RFC 5763 §5: the established roles are kept)";
        out.push_back(std::move(e));
        return false;
    }
    // Both SDK versions keep the call whatever the answer's defect; the report names it.
    check_answer_shape(offered_direction_, last_offer_, *answer, *m, out);
    // The stream as both ends now allow it, seen from our side.
    local_direction_ = sdp::intersect(offered_direction_, sdp::reverse(answer->direction_of(*m)));
    return true;
}

}  // namespace ringstorm::phone
