// Requests the far end sends in the outgoing call's dialog: BYE, re-INVITE, INFO and the
// ACK of our 2xx to its re-INVITE. We are the UAC of the dialog, so their requests carry
// our From tag as their To tag (RFC 3261 §12.2.2).

#include <utility>

#include "engine/phone/outgoing_call.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/response.hpp"

namespace ringstorm::phone {

call_actions outgoing_call::on_message(const sip::message& m, core::time_point now) {
    out_t out;
    count_received(m, out);
    if (m.is_response()) {
        on_response(m, now, out);
    } else {
        on_request(m, now, out);
    }
    return out;
}

sip::message outgoing_call::make_local_response(const sip::message& request, int status) const {
    auto r = sip::make_response(request, status);
    // RFC 3261 §13.3.1.4 / §12.2.2: a 2xx to a (re-)INVITE carries our Contact.
    if (request.method() == sip::method::invite && status >= 200 && status < 300) {
        r.add(sip::header_id::contact, "<" + config_.call.contact_uri + ">");
    }
    return r;
}

void outgoing_call::on_request(const sip::message& m, core::time_point now, out_t& out) {
    const bool ack = m.method() == sip::method::ack;
    // A response copies Via and CSeq (RFC 3261 §8.2.6.2): without them no answer exists.
    auto cseq = sip::cseq_of(m);
    if (!sip::top_via(m) || !cseq) {
        out.push_back(error_action("malformed_request"));
        return;
    }
    // RFC 3261 §8.1.1.5, §8.1.1.3: the CSeq method names the request; a dialog needs tags.
    const bool cseq_mismatch =
        cseq->method_text != m.method_text() && !ack && m.method() != sip::method::cancel;
    if (cseq_mismatch || sip::from_tag(m).empty() || sip::call_id(m).empty()) {
        out.push_back(error_action("malformed_request"));
        if (!ack) {
            send(sip::make_response(m, 400), out);
        }
        return;
    }
    if (sip::call_id(m) != record_.call_id) {
        out.push_back(error_action("wrong_call"));
        if (!ack) {
            send(sip::make_response(m, 481), out);
        }
        return;
    }
    if (m.method() == sip::method::cancel) {
        // We answer their re-INVITEs at once: nothing is left to cancel (RFC 3261 §9.2).
        send(sip::make_response(m, 481), out);
        return;
    }
    if (sip::to_tag(m).empty()) {
        if (ack) {
            return;
        }
        // Our own Call-ID on a dialog-creating request: our INVITE came back to us, or
        // another UA reuses it (RFC 3261 §8.2.2.2 merged request, §16.3 loop).
        out.push_back(error_action("merged_request"));
        send(sip::make_response(m, 482), out);
        return;
    }
    on_dialog_request(m, now, out);
}

void outgoing_call::on_dialog_request(const sip::message& m, core::time_point now, out_t& out) {
    const bool ack = m.method() == sip::method::ack;
    const bool ours = sip::to_tag(m) == from_tag_;
    const bool in_dialog = ours && dialog_ && dialog_->state() != sip::dialog_state::terminated &&
                           sip::from_tag(m) == dialog_->id().remote_tag;
    if (!in_dialog) {
        if (ack) {
            return;  // nothing of ours to acknowledge (RFC 3261 §17.2.3: absorbed)
        }
        // A BYE crossing ours (or ending a fork we already sent BYE to) is answered 200.
        if (m.method() == sip::method::bye && ours && (dialog_ || !extra_legs_.empty())) {
            send(make_local_response(m, 200), out);
            return;
        }
        // RFC 3261 §12.2.2: a request for no dialog of ours (also before the 2xx: the
        // callee may not send BYE on an early dialog, §15).
        out.push_back(error_action("no_dialog"));
        send(make_local_response(m, 481), out);
        return;
    }
    if (ack) {
        on_ack(m, now, out);
        return;
    }
    // A retransmitted re-INVITE whose 2xx we still send: the same 2xx again.
    if (m.method() == sip::method::invite && answer_2xx_ &&
        sip::cseq_of(m)->number == answer_2xx_.cseq()) {
        send(answer_2xx_.response(), out);
        return;
    }
    const auto routed = route_dialog_request(*dialog_, m);
    if (!routed.error.empty()) {
        out.push_back(error_action(routed.error));
    }
    switch (routed.route) {
        case dialog_route::bye:
            on_bye(m, now, out);
            return;
        case dialog_route::reinvite:
            on_remote_reinvite(m, now, out);
            return;
        case dialog_route::respond:
            send(make_local_response(m, routed.status), out);
            return;
    }
}

void outgoing_call::on_ack(const sip::message& m, core::time_point now, out_t& out) {
    if (!answer_2xx_ || sip::cseq_of(m)->number != answer_2xx_.cseq()) {
        return;  // a duplicate, or the ACK of a non-2xx we sent: nothing to stop
    }
    answer_2xx_.on_ack(now);
    if (offer_in_2xx_) {
        // RFC 3261 §14.2 / RFC 3264 §5: our offer was in the 2xx, their answer in the ACK.
        offer_in_2xx_ = false;
        (void)take_answer(m.body(), out);
    }
}

void outgoing_call::on_bye(const sip::message& m, core::time_point now, out_t& out) {
    send(make_local_response(m, 200), out);
    answer_2xx_.reset();  // a BYE before the ACK ends the 2xx retransmissions too
    reinvite_.reset();    // RFC 3261 §15.1.2: pending requests of the dialog are over
    end_remote(call_end::remote_bye, now, out);
}

void outgoing_call::on_remote_reinvite(const sip::message& m, core::time_point now, out_t& out) {
    if (refuse_crossing_reinvite(m, reinvite_pending(), static_cast<bool>(answer_2xx_), out)) {
        return;
    }
    sip::message ok;
    if (m.body().empty()) {
        // RFC 3261 §14.2: an offerless re-INVITE gets our offer in the 2xx.
        ok = make_local_response(m, 200);
        offered_direction_ = local_direction_;
        ok.set_body("application/sdp", offer_sdp(local_direction_));
        offer_in_2xx_ = true;
    } else {
        // RFC 3264 §6.1 / RFC 6337 §5: answer with what we still want; holding stays held.
        const auto wish = record_.held ? sdp::direction::sendonly : sdp::direction::sendrecv;
        auto body = answer_sdp(m.body(), wish);
        if (!body) {
            out.push_back(error_action("reinvite_offer"));
            send(make_local_response(m, 488), out);
            return;
        }
        ok = make_local_response(m, 200);
        ok.set_body("application/sdp", *body);
        offer_in_2xx_ = false;
    }
    answer_2xx_.start(std::move(ok), sip::cseq_of(m)->number, config_.call.timers, now, out);
}

}  // namespace ringstorm::phone
