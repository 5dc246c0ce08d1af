// The SDP side of an outgoing call: our offers (the INVITE's, hold and unhold, the one in
// a 2xx to an offerless re-INVITE), the check of the answers to them, and our answer to
// the far end's re-offers. Shapes from media/sdp (build_webrtc_audio*, RFC 3264 rules).

#include <utility>

#include "engine/phone/call_sdp.hpp"
#include "engine/phone/outgoing_call.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"

namespace ringstorm::phone {

// A browser says actpass in every offer; the answerer keeps its role unless it wants a new
// DTLS association (RFC 8842).
std::string outgoing_call::offer_sdp(sdp::direction d) {
    return make_offer(media_, d, last_offer_);
}

bool outgoing_call::take_answer(std::string_view answer_text, out_t& out) {
    auto answer = sdp::parse(answer_text);
    const sdp::media_description* m = answer ? audio_of(*answer) : nullptr;
    if (m == nullptr || !sdp::negotiate_opus(*m)) {
        // RFC 3261 §13.2.1: the 2xx to an INVITE with an offer carries the answer; ours
        // offered Opus only, so an answer without it is no answer to our offer.
        call_action e{call_action_type::protocol_error, "sdp_answer"};
        e.text = answer_text.empty() ? "no SDP answer"
                 : !answer           ? "unparsable SDP answer"
                                     : "no accepted audio section with Opus";
        out.push_back(std::move(e));
        return false;
    }
    // The call goes on whatever the answer's defect; the report names it.
    check_answer_shape(offered_direction_, last_offer_, *answer, *m, out);
    // RFC 5763 §5: the answerer chose its DTLS role; ours is the other one, kept when we
    // answer their re-offers (no new DTLS association, RFC 8842).
    if (const auto* setup = sdp::find<sdp::setup_role>(m->attributes)) {
        if (*setup == sdp::setup_role::active) {
            dtls_role_ = sdp::setup_role::passive;
        } else if (*setup == sdp::setup_role::passive) {
            dtls_role_ = sdp::setup_role::active;
        }
    }
    // The stream as both ends now allow it, seen from our side.
    local_direction_ = sdp::intersect(offered_direction_, sdp::reverse(answer->direction_of(*m)));
    return true;
}

std::optional<std::string> outgoing_call::answer_sdp(std::string_view offer_text,
                                                     sdp::direction wish) {
    sdp::webrtc_audio_params p = media_;
    p.direction = wish;
    p.setup = dtls_role_;
    auto answer = make_answer(offer_text, p);
    if (!answer) {
        return std::nullopt;
    }
    local_direction_ = answer->direction_of(*audio_of(*answer));
    ++media_.session_version;
    return sdp::serialize(*answer);
}

}  // namespace ringstorm::phone
