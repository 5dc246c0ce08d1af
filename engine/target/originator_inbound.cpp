// The requests the phone sends within an originated call: its BYE (RFC 3261 §15.1.2), a
// re-INVITE for its own Hold/UnHold (answered per RFC 3264 §6.1 so the call survives), and
// anything else, answered and reported.

#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "engine/target/originator.hpp"
#include "media/sdp/offer_answer.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"
#include "media/sdp/webrtc.hpp"

namespace ringstorm::target {

void originated_call::on_request(const sip::message& r, call_actions& out,
                                 core::time_point now) {
    if (r.method() == sip::method::ack) {
        return;  // the ACK to a 2xx we sent for the phone's re-INVITE (§13.3.1.4)
    }
    if (!dialog_ || sip::dialog_id_of_request(r) != dialog_->id()) {
        // §12.2.2: no such dialog (and no early UAS dialog exists at the target).
        out.send.push_back(sip::serialize(sip::make_response(r, 481)));
        return;
    }
    const auto verdict = dialog_->on_request(r);
    if (verdict != sip::request_verdict::accept) {
        const int status = verdict == sip::request_verdict::reject_out_of_order ? 500 : 400;
        out.send.push_back(sip::serialize(sip::make_response(r, status)));
        return;
    }
    if (r.method() == sip::method::bye) {
        out.send.push_back(sip::serialize(sip::make_response(r, 200)));  // §15.1.2
        result_.ended_by = call_side::phone;
        finish(out, end_outcome_, now);
        return;
    }
    if (r.method() == sip::method::invite) {
        const bool our_offer_pending =
            hold_tx_ && !hold_answered_ &&
            (hold_tx_->state() == sip::client_invite_state::calling ||
             hold_tx_->state() == sip::client_invite_state::proceeding);
        if (our_offer_pending) {
            // Glare: both ends re-INVITE at once; the one receiving the other's offer
            // while its own is pending answers 491 (RFC 3261 §14.2).
            out.send.push_back(sip::serialize(sip::make_response(r, 491)));
            return;
        }
        answer_reinvite(r, out, now);
        return;
    }
    if (r.method() == sip::method::options) {
        out.send.push_back(sip::serialize(sip::make_response(r, 200)));
        return;
    }
    if (r.method() == sip::method::info) {
        // The SDK's sendDTMF(): INFO application/dtmf-relay. Accepted like any INFO of the
        // legacy usage (RFC 6086 §2), so the phone's DTMF is not refused by the target.
        out.send.push_back(sip::serialize(sip::make_response(r, 200)));
        return;
    }
    flag(out, finding_kind::unexpected_request,
         std::string(r.method_text()) + " within the call, answered 501", now);
    out.send.push_back(sip::serialize(sip::make_response(r, 501)));
}

void originated_call::answer_reinvite(const sip::message& r, call_actions& out,
                                      core::time_point now) {
    // The phone's Hold/UnHold (contract: "no callback; call stays connected"): answer its
    // offer per RFC 3264 §6.1 so the call survives.
    auto offer = sdp::parse(r.body());
    sdp::webrtc_audio_params p = media_;
    p.session_version = ++media_.session_version;  // RFC 3264 §8: each new SDP bumps it
    auto answer = offer ? sdp::build_webrtc_audio_answer(*offer, p)
                        : core::result<sdp::session_description, sdp::negotiation_error>(
                              core::unexpected(sdp::negotiation_error::no_audio));
    if (!answer) {
        flag(out, finding_kind::unexpected_request, "re-INVITE without a usable offer, answered 488",
             now);
        out.send.push_back(sip::serialize(sip::make_response(r, 488)));
        return;
    }
    if (!real_media_) {
        strip_ice(*answer);
    } else if (const sdp::media_description* audio = first_audio(*answer)) {
        // The same ICE credentials, candidate and fingerprint as our offer (media_): a hold
        // is no ICE restart (RFC 8839 §4.4.1.1.1) and the DTLS association stays. Our
        // stream follows the direction our answer gives (a phone holding us with sendonly
        // gets recvonly: we stop sending, RFC 6337 §5.2).
        const sdp::direction ours = answer->direction_of(*audio);
        out.media.flow = media::flow{sdp::sends(ours), sdp::receives(ours)};
    }
    sip::message ok = sip::make_response(r, 200);
    ok.add(sip::header_id::contact, dialog_->local_contact());
    ok.set_body("application/sdp", sdp::serialize(*answer));
    out.send.push_back(sip::serialize(ok));
}

}  // namespace ringstorm::target
