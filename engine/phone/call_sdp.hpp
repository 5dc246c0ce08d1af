#pragma once
// The SDP steps both call machines (call.hpp, outgoing_call.hpp) take alike: our offers,
// our answer's shape, and the RFC 3264 checks of the far end's answer to our offer. What
// each role keeps from a negotiation (the callee's payload types and DTLS role, the
// caller's role taken from the answer) stays in its own _media.cpp.

#include <optional>
#include <string>
#include <string_view>

#include "engine/phone/call_actions.hpp"
#include "media/sdp/session.hpp"
#include "media/sdp/webrtc.hpp"

namespace ringstorm::phone {

// The first accepted audio section, or nullptr.
const sdp::media_description* audio_of(const sdp::session_description& sd);

// Our offer from `params` in direction `d` with setup actpass, as a browser offers on an
// established DTLS association too (JSEP; the answerer keeps its role). Every new
// description bumps params.session_version (RFC 3264 §8); the offer is kept in
// `last_offer` to check its answer against.
std::string make_offer(sdp::webrtc_audio_params& params, sdp::direction d,
                       std::optional<sdp::session_description>& last_offer);

// Our answer to `offer_text` from `params`; nullopt when the offer does not parse or the
// answer has no accepted audio section.
std::optional<sdp::session_description> make_answer(std::string_view offer_text,
                                                    const sdp::webrtc_audio_params& params);

// The answer's direction (RFC 3264 §6.1 / RFC 6337 §5.3) and, when that is right, the rest
// of its shape against `last_offer` (§6: m= lines, formats): findings only, the call goes
// on. `audio` is the answer's audio section.
void check_answer_shape(sdp::direction offered,
                        const std::optional<sdp::session_description>& last_offer,
                        const sdp::session_description& answer, const sdp::media_description& audio,
                        call_actions& out);

}  // namespace ringstorm::phone
