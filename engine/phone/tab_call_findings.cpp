// The call machine's protocol error kinds as contract rule ids (calls-design.md, "findings
// recorded by the phone"), each with the rule it breaks. The ids are stable: the contract
// checker and reports key on them.

#include <array>

#include "engine/phone/tab_state.hpp"

namespace ringstorm::phone {

namespace {

struct mapping {
    std::string_view kind;  // call_action::error_kind
    finding_rule finding;
};

constexpr std::array<mapping, 12> mappings{{
    {"malformed_request",
     {"call.malformed_request", "a request of the call the phone could not use (RFC 3261 §8.2)"}},
    {"merged_request",
     {"call.malformed_request",
      "a second INVITE transaction with the call's Call-ID, answered 482 (RFC 3261 §8.2.2.2)"}},
    {"cseq_out_of_order",
     {"call.cseq_order", "in-dialog CSeq not above the last one, answered 500 (RFC 3261 §12.2.2)"}},
    {"no_dialog",
     {"call.no_dialog",
      "in-dialog request outside or before the dialog, answered 481 "
      "(RFC 3261 §12.2.2)"}},
    {"wrong_call",
     {"call.no_dialog", "request of another Call-ID, answered 481 (RFC 3261 §12.2.2)"}},
    {"sdp_answer_direction",
     {"call.hold_answer_direction",
      "answer direction the offer forbids (RFC 3264 §6.1, RFC 6337 §5.3)"}},
    {"sdp_answer", {"call.bad_answer_sdp", "not a valid answer to our offer (RFC 3264 §6)"}},
    {"stray_response",
     {"call.stray_response",
      "a response matching no transaction of the call (RFC 3261 §17.1.3, §18.1.2)"}},
    {"malformed_response",
     {"call.stray_response",
      "a response without the Via branch or CSeq to match it "
      "(RFC 3261 §17.1.3)"}},
    {"request_timeout",
     {"call.request_timeout", "no final response in 64·T1 (Timer F, RFC 3261 §17.1.2.2)"}},
    {"reinvite_refused",
     {"call.hold_refused",
      "a non-2xx final response to our hold/unhold re-INVITE "
      "(RFC 3261 §14.1)"}},
    {"reinvite_offer",
     {"call.bad_offer",
      "re-INVITE offer the phone cannot answer, answered 488 "
      "(RFC 3261 §14.2, RFC 3264 §6)"}},
}};

}  // namespace

finding_rule finding_for(std::string_view kind) noexcept {
    for (const auto& m : mappings) {
        if (m.kind == kind) {
            return m.finding;
        }
    }
    // malformed_invite, invite_not_dialog_creating, sdp_offer, ack_timeout,
    // reinvite_timeout: the episode's end says it (call.bad_invite, call.bad_offer,
    // call.no_ack, call.reinvite_timeout), so no finding repeats it.
    return {};
}

}  // namespace ringstorm::phone

namespace ringstorm::phone {

finding_rule media_finding_for(media::media_rule rule) noexcept {
    using media::media_rule;
    switch (rule) {
        case media_rule::ice_failed:
            return {"media.ice_failed",
                    "no ICE candidate pair was selected in time: connectivity checks failed "
                    "(RFC 8445 §7.2.5, §8)"};
        case media_rule::dtls_failed:
            return {"media.dtls_failed",
                    "the DTLS-SRTP handshake failed or timed out, or the peer's certificate "
                    "did not match its a=fingerprint (RFC 5763 §5, RFC 5764 §4.1)"};
        case media_rule::no_media:
            return {"media.no_media",
                    "no RTP arrived after SRTP was up while the call's direction says the far "
                    "end sends (RFC 3264 §5.1)"};
        case media_rule::one_way_audio:
            return {"media.one_way_audio",
                    "packets arrived but decoded as silence while the far end should send "
                    "audio: one-way audio"};
        case media_rule::wrong_audio:
            return {"media.wrong_audio",
                    "the audio heard is not the far end's (another call's tone, or not our "
                    "own echo): cross-talk"};
        case media_rule::mute_not_silent:
            return {"media.mute_not_silent",
                    "while muted we send encoded silence, yet the echo of our stream was not "
                    "silence"};
        case media_rule::hold_direction:
            return {"media.hold_direction",
                    "media kept arriving while the negotiated direction says the far end must "
                    "not send (RFC 3264 §6.1, RFC 6337 §5.3)"};
        case media_rule::before_dtls:
            return {"media.before_dtls",
                    "SRTP/RTP arrived before the DTLS handshake completed (RFC 5764 §5.1.2: "
                    "no media before keys)"};
        case media_rule::srtp_auth:
            return {"media.srtp_auth",
                    "SRTP/SRTCP packets failed authentication (RFC 3711 §3.4)"};
    }
    return {"media.unknown", "a media check failed"};
}

}  // namespace ringstorm::phone
