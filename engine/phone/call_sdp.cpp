#include "engine/phone/call_sdp.hpp"

#include <utility>

#include "media/sdp/offer_answer.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"

namespace ringstorm::phone {

const sdp::media_description* audio_of(const sdp::session_description& sd) {
    for (const auto& m : sd.media) {
        if (m.media == "audio" && !m.rejected()) {
            return &m;
        }
    }
    return nullptr;
}

std::string make_offer(sdp::webrtc_audio_params& params, sdp::direction d,
                       std::optional<sdp::session_description>& last_offer) {
    sdp::webrtc_audio_params p = params;
    p.direction = d;
    p.setup = sdp::setup_role::actpass;
    ++params.session_version;
    last_offer = sdp::build_webrtc_audio(p);
    return sdp::serialize(*last_offer);
}

std::optional<sdp::session_description> make_answer(std::string_view offer_text,
                                                    const sdp::webrtc_audio_params& params) {
    auto offer = sdp::parse(offer_text);
    if (!offer) {
        return std::nullopt;
    }
    auto answer = sdp::build_webrtc_audio_answer(*offer, params);
    if (!answer || audio_of(*answer) == nullptr) {
        return std::nullopt;
    }
    return std::move(*answer);
}

void check_answer_shape(sdp::direction offered,
                        const std::optional<sdp::session_description>& last_offer,
                        const sdp::session_description& answer, const sdp::media_description& audio,
                        call_actions& out) {
    const auto answered = answer.direction_of(audio);
    if (!sdp::is_valid_answer(offered, answered)) {
        // e.g. a sendrecv answer to our sendonly hold.
        call_action e{call_action_type::protocol_error, "sdp_answer_direction"};
        e.text = "answer " + std::string(sdp::to_string(answered)) + " to our offer " +
                 std::string(sdp::to_string(offered));
        out.push_back(std::move(e));
    } else if (last_offer) {
        if (auto breaches = sdp::check_answer(*last_offer, answer); !breaches.empty()) {
            call_action e{call_action_type::protocol_error, "sdp_answer"};
            e.text = breaches.front().reason;
            out.push_back(std::move(e));
        }
    }
}

}  // namespace ringstorm::phone
