// The SDP side of an outgoing call: our offers (the INVITE's, hold and unhold, the one in
// a 2xx to an offerless re-INVITE), the check of the answers to them, and our answer to
// the far end's re-offers. Shapes from media/sdp (build_webrtc_audio*, RFC 3264 rules).

#include <utility>

#include "engine/phone/outgoing_call.hpp"
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

std::string outgoing_call::offer_sdp(sdp::direction d) {
    sdp::webrtc_audio_params p = media_;
    p.direction = d;
    // A browser says actpass in every offer; the answerer keeps its role unless it wants
    // a new DTLS association (RFC 8842).
    p.setup = sdp::setup_role::actpass;
    // RFC 3264 §8: every new description of the session bumps the o= version.
    ++media_.session_version;
    last_offer_ = sdp::build_webrtc_audio(p);
    return sdp::serialize(*last_offer_);
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
    const auto answered = answer->direction_of(*m);
    if (!sdp::is_valid_answer(offered_direction_, answered)) {
        // RFC 3264 §6.1 / RFC 6337 §5.3, e.g. a sendrecv answer to our sendonly hold.
        call_action e{call_action_type::protocol_error, "sdp_answer_direction"};
        e.text = "answer " + std::string(sdp::to_string(answered)) + " to our offer " +
                 std::string(sdp::to_string(offered_direction_));
        out.push_back(std::move(e));
    } else if (last_offer_) {
        // RFC 3264 §6: the rest of the answer's shape (m= lines, formats).
        if (auto breaches = sdp::check_answer(*last_offer_, *answer); !breaches.empty()) {
            call_action e{call_action_type::protocol_error, "sdp_answer"};
            e.text = breaches.front().reason;
            out.push_back(std::move(e));
        }
    }
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
    local_direction_ = sdp::intersect(offered_direction_, sdp::reverse(answered));
    return true;
}

std::optional<std::string> outgoing_call::answer_sdp(std::string_view offer_text,
                                                     sdp::direction wish) {
    auto offer = sdp::parse(offer_text);
    if (!offer) {
        return std::nullopt;
    }
    sdp::webrtc_audio_params p = media_;
    p.direction = wish;
    p.setup = dtls_role_;
    auto answer = sdp::build_webrtc_audio_answer(*offer, p);
    if (!answer) {
        return std::nullopt;
    }
    const sdp::media_description* m = audio_of(*answer);
    if (m == nullptr) {
        return std::nullopt;
    }
    local_direction_ = answer->direction_of(*m);
    ++media_.session_version;
    return sdp::serialize(*answer);
}

}  // namespace ringstorm::phone
