#include "engine/contract/call_rules.hpp"

#include <array>

namespace ringstorm::contract {
namespace {

using phone::call_end;
using src = call_rule_source;

constexpr std::array<call_rule, 28> rules{{
    {src::end, call_end::no_ack, "call.no_ack",
     "the target never acknowledged the phone's 200 OK: BYE after 64*T1 = 32 s "
     "(RFC 3261 §13.3.1.4)"},
    {src::end, call_end::transport_error, "call.transport_error",
     "the WebSocket to the target was lost during the call"},
    {src::end, call_end::bad_invite, "call.bad_invite",
     "the target's INVITE lacked what a dialog needs (Call-ID, From tag, Contact; "
     "RFC 3261 §12.1.1): answered 400"},
    {src::end, call_end::bad_offer, "call.bad_offer",
     "the target's INVITE carried no usable SDP offer (no SDP, no Opus): answered 488"},
    {src::end, call_end::reinvite_timeout, "call.reinvite_timeout",
     "the target never answered the phone's hold/unhold re-INVITE: BYE (RFC 3261 §14.1)"},
    {src::end, call_end::remote_rejected, "call.caller_rejected",
     "the far side refused the caller's INVITE with a 3xx-6xx final response"},
    {src::end, call_end::no_final, "call.caller_no_final",
     "the caller's INVITE (or its CANCEL) got no final response (Timer B, RFC 3261 §17.1.1.2)"},
    {src::sequence, call_end::none, call_sequence_rule,
     "the target behaved but the app saw other call callbacks than the profile's"},

    {src::finding, call_end::none, "call.malformed_request",
     "the target sent a request of the call the phone could not use (answered 400)"},
    {src::finding, call_end::none, "call.cseq_order",
     "an in-dialog request's CSeq was not above the last one (RFC 3261 §12.2.2)"},
    {src::finding, call_end::none, "call.no_dialog",
     "an in-dialog request arrived outside or before the dialog (answered 481)"},
    {src::finding, call_end::none, "call.hold_answer_direction",
     "the answer to the phone's hold offer had a direction RFC 3264 §6.1 / RFC 6337 §5.3 "
     "forbid"},
    {src::finding, call_end::none, "call.bad_answer_sdp",
     "the answer to the phone's offer was not a valid RFC 3264 answer"},
    {src::finding, call_end::none, "call.stray_response",
     "the target sent a response that matches no transaction of the call"},
    {src::finding, call_end::none, "call.request_timeout",
     "the phone's BYE or INFO got no final response (Timer F, RFC 3261 §17.1.2.2)"},
    {src::finding, call_end::none, "call.hold_refused",
     "the target answered the phone's hold/unhold re-INVITE with a non-2xx"},

    // The call's media (engine/phone/call_stream.hpp, media/stream): each is a finding of
    // the call's stream, judged like the SIP findings.
    {src::finding, call_end::none, "media.ice_failed",
     "ICE found no working candidate pair in time (RFC 8445 §7.2.5, §8)"},
    {src::finding, call_end::none, "media.dtls_failed",
     "the DTLS-SRTP handshake failed or timed out, or the far end's certificate did not match "
     "its a=fingerprint (RFC 5763 §5, RFC 5764 §4.1)"},
    {src::finding, call_end::none, "media.no_media",
     "no RTP arrived once SRTP was up although the negotiated direction says the far end "
     "sends (RFC 3264 §5.1)"},
    {src::finding, call_end::none, "media.one_way_audio",
     "the far end's packets decoded as silence while it should send audio"},
    {src::finding, call_end::none, "media.wrong_audio",
     "the audio received was another call's tone, or not the echo of ours: cross-talk"},
    {src::finding, call_end::none, "media.mute_not_silent",
     "the echo of the phone's muted stream (encoded silence) was not silence"},
    {src::finding, call_end::none, "media.hold_direction",
     "media kept arriving while the negotiated direction forbids the far end to send "
     "(RFC 3264 §6.1, RFC 6337 §5.3)"},
    {src::finding, call_end::none, "media.before_dtls",
     "SRTP/RTP arrived before the DTLS handshake gave keys (RFC 5764 §5.1.2)"},
    {src::finding, call_end::none, "media.srtp_auth",
     "SRTP/SRTCP packets failed authentication (RFC 3711 §3.4)"},
    {src::finding, call_end::none, "media.bad_sdp",
     "the far end's SDP asks for ICE but lacks what DTLS-SRTP needs (a=fingerprint, a usable "
     "a=setup; RFC 8122 §5, RFC 5763 §5)"},

    {src::session, call_end::none, cancel_elsewhere_rule,
     "a forked call answered on another tab did not end here with a CANCEL carrying "
     "Reason: SIP;cause=200"},
    {src::session, call_end::none, session_sequence_rule,
     "the tab's SessionCallback events do not mirror its sibling tabs' call events"},
}};

}  // namespace

std::span<const call_rule> call_rules() noexcept {
    return rules;
}

const call_rule* find_end_rule(phone::call_end end) noexcept {
    for (const call_rule& r : rules) {
        if (r.source == src::end && r.end == end) {
            return &r;
        }
    }
    return nullptr;
}

const call_rule* find_call_rule(std::string_view id) noexcept {
    for (const call_rule& r : rules) {
        if (r.id == id) {
            return &r;
        }
    }
    return nullptr;
}

}  // namespace ringstorm::contract
