// Responses to the outgoing call's requests: the INVITE's provisional, challenge, 2xx and
// failure answers, the CANCEL's, the re-INVITE's, and the BYE's and INFO's.

#include <algorithm>
#include <string>
#include <utility>

#include "engine/phone/outgoing_call.hpp"
#include "engine/sip/headers.hpp"

namespace ringstorm::phone {

namespace {

bool same_key(const sip::message& request, const sip::client_key& key) {
    return sip::client_key_of(request) == key;
}

}  // namespace

void outgoing_call::on_response(const sip::message& m, core::time_point now, out_t& out) {
    auto key = sip::client_key_of(m);
    if (!key) {
        out.push_back({call_action_type::protocol_error, "malformed_response"});
        return;
    }
    if (invite_tx_ && same_key(invite_tx_->request(), *key)) {
        on_invite_response(m, now, out);
        return;
    }
    if (cancel_ && same_key(cancel_->tx.request(), *key)) {
        // RFC 3261 §9.1: the CANCEL's own answer says nothing about the INVITE; its 487
        // (or a 2xx that crossed the CANCEL) does.
        (void)cancel_->tx.on_response(m, now);
        if (cancel_->tx.state() == sip::client_non_invite_state::terminated) {
            cancel_.reset();
        }
        return;
    }
    if (reinvite_ && same_key(reinvite_->request(), *key)) {
        on_reinvite_response(m, now, out);
        return;
    }
    if (requests_.on_response(m, *key, now, dialog_ ? &*dialog_ : nullptr, out)) {
        return;
    }
    // A 2xx retransmission of our INVITE after its transaction ended (RFC 6026 Timer M):
    // still ACKed, like every 2xx of a dialog we keep (RFC 3261 §13.2.2.4).
    auto cseq = sip::cseq_of(m);
    const bool late_2xx = m.status() >= 200 && m.status() < 300 && cseq &&
                          cseq->method == sip::method::invite && cseq->number == cseq_ &&
                          sip::call_id(m) == record_.call_id && sip::from_tag(m) == from_tag_;
    if (late_2xx && dialog_) {
        on_extra_2xx(m, now, out);
        return;
    }
    out.push_back({call_action_type::protocol_error, "stray_response"});
}

void outgoing_call::on_invite_response(const sip::message& m, core::time_point now, out_t& out) {
    for (const auto& a : invite_tx_->on_response(m, now)) {
        if (a.kind == sip::action_kind::send) {
            send(a.msg, out);  // the transaction's ACK of a 3xx-6xx (RFC 3261 §17.1.1.3)
        } else if (a.kind == sip::action_kind::deliver) {
            const int status = a.msg.status();
            if (status < 200) {
                on_provisional(a.msg, now, out);
            } else if (status < 300) {
                on_invite_2xx(a.msg, now, out);
            } else {
                on_invite_failure(a.msg, now, out);
            }
        }
    }
    if (invite_tx_ && invite_tx_->state() == sip::client_invite_state::terminated) {
        invite_tx_.reset();
    }
}

void outgoing_call::on_provisional(const sip::message& m, core::time_point now, out_t& out) {
    if (state_ == outgoing_state::calling && m.status() > 100) {
        state_ = outgoing_state::ringing;
    }
    // RFC 3261 §9.1: a hangup before any provisional response sends its CANCEL now.
    if (state_ == outgoing_state::cancelling && !cancel_ && !cancel_give_up_) {
        send_cancel(now, out);
    }
}

void outgoing_call::on_invite_2xx(const sip::message& m, core::time_point now, out_t& out) {
    if (dialog_) {
        on_extra_2xx(m, now, out);  // a retransmission, or another fork's answer
        return;
    }
    if (state_ == outgoing_state::ended) {
        return;  // given up (no final answer in time): the late 2xx is stray
    }
    auto d = sip::dialog::create_uac(invite_, m, config_.call.secure_transport);
    if (!d) {
        // Without To tag or Contact no ACK can be addressed (RFC 3261 §12.1.2, §13.2.2.4).
        out.push_back({call_action_type::protocol_error, "malformed_response"});
        record_.final_status = static_cast<std::uint16_t>(m.status());
        end_remote(call_end::remote_rejected, now, out);
        return;
    }
    dialog_ = std::move(*d);
    record_.final_status = static_cast<std::uint16_t>(m.status());
    ack_ = dialog_->make_ack(invite_, sip::make_branch(rng_()));
    send(ack_, out);
    record_.acked = now;
    cancel_give_up_.reset();
    if (state_ == outgoing_state::cancelling) {
        // RFC 3261 §9.1 / §15: the answer crossed our CANCEL; the call is ended with a BYE.
        send_bye(now, now, out);
        end(call_end::local_hangup, now);
        return;
    }
    if (!take_answer(m.body(), out)) {
        // RFC 3261 §13.2.2.4: a 2xx without an acceptable answer is ACKed, then ended
        // with a BYE. The phone hangs up (callEnded); the finding names the answer.
        send_bye(now, now, out);
        end(call_end::local_hangup, now);
        emit("callEnded", now, out);
        return;
    }
    remote_answer_ = std::string(m.body());
    record_.answered = now;
    state_ = outgoing_state::connected;
    record_.state = call_state::connected;
    emit("connected", now, out);
}

void outgoing_call::on_extra_2xx(const sip::message& m, core::time_point now, out_t& out) {
    const std::string_view tag = sip::to_tag(m);
    if (tag == dialog_->id().remote_tag) {
        send(ack_, out);  // RFC 3261 §13.2.2.4: every retransmission gets the ACK again
        return;
    }
    auto leg = std::find_if(extra_legs_.begin(), extra_legs_.end(),
                            [tag](const extra_leg& l) { return l.tag == tag; });
    if (leg != extra_legs_.end()) {
        send(leg->ack, out);
        return;
    }
    // RFC 3261 §13.2.2.4: a 2xx of another fork makes a dialog of its own; it is ACKed and
    // ended with a BYE, as we keep one call.
    auto d = sip::dialog::create_uac(invite_, m, config_.call.secure_transport);
    if (!d) {
        out.push_back({call_action_type::protocol_error, "malformed_response"});
        return;
    }
    extra_leg l{std::string(tag), d->make_ack(invite_, sip::make_branch(rng_()))};
    send(l.ack, out);
    auto bye = d->make_request(sip::method::bye, sip::make_branch(rng_()));
    extra_legs_.push_back(std::move(l));
    start_request(std::move(bye), now, now, out);
}

bool outgoing_call::answer_challenge(const sip::message& m, core::time_point now, out_t& out) {
    const auto decision = digest_.on_challenge(m, invite_);
    // One answer to a challenge; a `stale` one (our nonce expired, RFC 7616 §3.3) once more.
    const bool answer = (decision.action == sip::challenge_action::answer && challenges_ == 0) ||
                        (decision.action == sip::challenge_action::answer_stale && challenges_ < 2);
    if (!answer) {
        return false;
    }
    ++challenges_;
    // RFC 3261 §22.2: the same request again, with credentials, a new CSeq and branch.
    ++cseq_;
    send_invite(now, out);
    return true;
}

void outgoing_call::on_invite_failure(const sip::message& m, core::time_point now, out_t& out) {
    const int status = m.status();
    record_.final_status = static_cast<std::uint16_t>(status);
    const bool challenge = status == 401 || status == 407;
    if (challenge && state_ != outgoing_state::cancelling && state_ != outgoing_state::ended) {
        // The transaction ended with its ACK; a new one carries our credentials.
        invite_tx_.reset();
        if (answer_challenge(m, now, out)) {
            return;
        }
    }
    if (state_ == outgoing_state::cancelling) {
        if (status == 487 && cancel_give_up_) {  // our CANCEL went out and did it
            call_action l{call_action_type::latency};
            l.step = core::step::cancel;
            l.latency = now - cancel_due_;
            out.push_back(l);
        }
        end(call_end::local_hangup, now);
        return;
    }
    // RFC 3261 §13.2.2.3: a 3xx-6xx ends the attempt (401/407 after our credentials too).
    end_remote(call_end::remote_rejected, now, out);
}

void outgoing_call::on_reinvite_response(const sip::message& m, core::time_point now, out_t& out) {
    for (const auto& a : reinvite_->on_response(m, now)) {
        if (a.kind == sip::action_kind::send) {
            send(a.msg, out);  // the transaction's ACK of a non-2xx
        } else if (a.kind == sip::action_kind::deliver && a.msg.status() >= 200) {
            on_reinvite_final(a.msg, now, out);
        }
    }
    if (reinvite_ && reinvite_->state() == sip::client_invite_state::terminated) {
        reinvite_.reset();
    }
}

void outgoing_call::on_reinvite_final(const sip::message& m, core::time_point now, out_t& out) {
    const auto& request = reinvite_->request();
    if (dialog_) {
        dialog_->on_response(request, m);
    }
    if (m.status() >= 300) {
        // The offer is withdrawn and the call goes on with the old session (RFC 3261
        // §14.1); the transaction sent the ACK. The hold or unhold asked did not happen.
        call_action e{call_action_type::protocol_error, "reinvite_refused"};
        e.text = std::to_string(m.status()) + " " + std::string(m.reason());
        out.push_back(std::move(e));
        return;
    }
    if (reinvite_answered_) {
        send(reinvite_ack_, out);  // RFC 3261 §13.2.2.4: ACK every retransmitted 2xx
        return;
    }
    reinvite_answered_ = true;
    reinvite_ack_ = dialog_->make_ack(request, sip::make_branch(rng_()));
    send(reinvite_ack_, out);
    // An unusable answer to a re-offer is reported there; the previous session stays.
    (void)take_answer(m.body(), out);
    call_action l{call_action_type::latency};
    l.step = reinvite_intent_ == sdp::hold_intent::hold ? core::step::hold : core::step::unhold;
    l.latency = now - reinvite_sent_;
    out.push_back(l);
    record_.held = reinvite_intent_ == sdp::hold_intent::hold;
}

}  // namespace ringstorm::phone
