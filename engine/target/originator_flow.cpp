// The exchanges of an originated call: responses to our INVITE, CANCEL, BYE and hold
// re-INVITE, and the call's timers. Building the call and its requests is in
// originator.cpp; the phone's own requests in originator_inbound.cpp.

#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "engine/sip/transaction.hpp"
#include "engine/target/originator.hpp"
#include "media/sdp/offer_answer.hpp"
#include "media/sdp/parser.hpp"
#include "media/stream/sdp_media.hpp"

namespace ringstorm::target {

namespace {

bool same_transaction(const sip::message& request, const sip::client_key& key) {
    auto mine = sip::client_key_of(request);
    return mine && *mine == key;
}

std::string status_text(const sip::message& r) {
    return std::to_string(r.status()) + " " + std::string(r.reason());
}

}  // namespace

void originated_call::sends(const sip::action_list& list, call_actions& out) {
    for (const auto& a : list) {
        if (a.kind == sip::action_kind::send) {
            out.send.push_back(sip::serialize(a.msg));
        }
    }
}

call_actions originated_call::start(core::time_point now) {
    call_actions out;
    if (state_ != call_state::idle) {
        return out;
    }
    invite_at_ = now;
    state_ = call_state::calling;
    invite_tx_.emplace(invite_, /*reliable=*/true);  // WSS: no Timer A (§17.1.1.2)
    sends(invite_tx_->start(now), out);
    ring_deadline_ = now + plan_.ring_timeout;
    return out;
}

call_actions originated_call::on_text(std::string_view frame, core::time_point now) {
    auto m = sip::parse(frame);
    if (!m) {
        call_actions out;
        ++malformed_;
        flag(out, finding_kind::malformed_message, "unparsable: " + m.error().to_string(), now);
        return out;
    }
    return on_message(*m, now);
}

call_actions originated_call::on_message(const sip::message& m, core::time_point now) {
    call_actions out;
    if (state_ == call_state::idle || state_ == call_state::done) {
        return out;
    }
    if (m.is_request()) {
        on_request(m, out, now);
        return out;
    }
    auto key = sip::client_key_of(m);
    if (!key) {
        ++malformed_;
        flag(out, finding_kind::malformed_message,
             status_text(m) + " without a usable Via branch or CSeq (RFC 3261 §17.1.3)", now);
        return out;
    }
    if (invite_tx_ && same_transaction(invite_tx_->request(), *key)) {
        if (invite_tx_->state() == sip::client_invite_state::terminated) {
            if (m.status() >= 200 && m.status() < 300) {
                on_ok(m, out, now);  // a 2xx retransmission after Timer M (§13.2.2.4)
            }
            return out;
        }
        auto list = invite_tx_->on_response(m, now);
        sends(list, out);
        for (const auto& a : list) {
            if (a.kind == sip::action_kind::deliver) {
                on_invite_response(a.msg, out, now);
            }
        }
    } else if (hold_tx_ && same_transaction(hold_tx_->request(), *key)) {
        auto list = hold_tx_->on_response(m, now);
        sends(list, out);
        for (const auto& a : list) {
            if (a.kind == sip::action_kind::deliver) {
                on_hold_response(a.msg, out, now);
            }
        }
    } else if (bye_tx_ && same_transaction(bye_tx_->request(), *key)) {
        auto list = bye_tx_->on_response(m, now);
        if (list.has(sip::action_kind::deliver) && m.status() >= 200) {
            result_.ended_by = call_side::target;
            finish(out, end_outcome_, now);
        }
    } else if (cancel_tx_ && same_transaction(cancel_tx_->request(), *key)) {
        // The 200 to CANCEL says nothing about the call; the 487 to the INVITE ends it.
        cancel_tx_->on_response(m, now);
    }
    return out;
}

void originated_call::on_invite_response(const sip::message& r, call_actions& out,
                                         core::time_point now) {
    const int status = r.status();
    if (status < 200) {
        if (status == 100) {
            return;  // hop-by-hop (§8.1.3.2): not a sign of ringing, and no CANCEL yet
        }
        if (!result_.invite_to_ringing) {
            result_.invite_to_ringing = since_invite(now);
            state_ = call_state::ringing;
            if (plan_.behaviour == call_behaviour::target_cancel_while_ringing &&
                !cancel_pending_) {
                cancel_at_ = now + plan_.cancel_after;
            }
        }
        if ((ring_timed_out_ || cancel_pending_) && !cancel_sent_) {
            send_cancel(out, now);  // RFC 3261 §9.1: the CANCEL waited for a provisional
        }
        return;
    }
    if (status < 300) {
        on_ok(r, out, now);
        return;
    }
    // 3xx-6xx: the transaction already sent its ACK (§17.1.1.3).
    result_.final_status = status;
    if (status == 487 && cancel_sent_) {
        finish(out, end_outcome_, now,
               ring_timed_out_ ? "no answer within ring_timeout" : std::string{});
        return;
    }
    finish(out, call_outcome::rejected, now, status_text(r));
}

void originated_call::on_ok(const sip::message& r, call_actions& out, core::time_point now) {
    if (dialog_) {
        // A retransmission of the 2xx: the UAS has not seen our ACK (§13.2.2.4).
        ++result_.ok_retransmissions;
        if (!ack_text_.empty()) {  // empty for no_ack: its 2xx stays un-ACKed
            out.send.push_back(ack_text_);
        }
        return;
    }
    result_.final_status = r.status();
    auto d = sip::dialog::create_uac(invite_, r, /*secure_transport=*/true);
    if (!d) {
        ++malformed_;
        flag(out, finding_kind::malformed_message,
             status_text(r) + " creates no dialog: " + std::string(sip::to_string(d.error())) +
                 " (RFC 3261 §12.1.2)",
             now);
        finish(out, call_outcome::failed, now, "unusable 2xx to the INVITE");
        return;
    }
    dialog_ = std::move(*d);
    answered_at_ = now;
    result_.invite_to_answer = since_invite(now);
    ring_deadline_.reset();
    cancel_at_.reset();
    auto answer = check_answer_sdp(r, offer_, /*hold=*/false, out, now);
    // A 2xx to a leg being given up is ACKed whatever the behaviour: only the BYE that
    // follows should end it (RFC 3261 §13.2.2.4: every 2xx is ACKed, unwanted ones BYEd).
    const bool abandoning = cancel_sent_ || cancel_pending_;
    if (answer && real_media_ && !abandoning) {
        media_from_answer(*answer, out);  // a leg being given up never starts media
    }
    if (plan_.behaviour != call_behaviour::no_ack || abandoning) {
        ack_text_ = sip::serialize(dialog_->make_ack(invite_, next_branch()));
        out.send.push_back(ack_text_);
    }
    if (abandoning) {
        cancel_pending_ = false;
        send_bye(out, now);  // the 2xx crossed our CANCEL: the call must still be ended (§9.1)
        return;
    }
    state_ = call_state::talking;
    bye_at_ = now + plan_.talk_time;
    if (plan_.behaviour == call_behaviour::remote_hold_then_bye) {
        hold_at_ = now + plan_.hold_after;
    }
}

void originated_call::on_hold_response(const sip::message& r, call_actions& out,
                                       core::time_point now) {
    if (r.status() < 200) {
        return;
    }
    if (r.status() == 491) {
        return;  // glare (RFC 3261 §14.1): the phone's own re-INVITE crossed ours; no breach
    }
    if (r.status() >= 300) {
        flag(out, finding_kind::hold_refused, "hold re-INVITE answered " + status_text(r), now);
        return;
    }
    dialog_->on_response(hold_invite_, r);
    out.send.push_back(sip::serialize(dialog_->make_ack(hold_invite_, next_branch())));
    if (!hold_answered_) {
        hold_answered_ = true;
        auto answer = check_answer_sdp(r, hold_offer_, /*hold=*/true, out, now);
        const sdp::media_description* audio = answer ? first_audio(*answer) : nullptr;
        if (real_media_ && audio != nullptr) {
            // RFC 3264 §6.1: what flows is what both sides allow; we offered sendonly.
            const sdp::direction offered = sdp::direction::sendonly;
            const sdp::direction answered = answer->direction_of(*audio);
            out.media.flow = media::flow{sdp::sends(offered) && sdp::receives(answered),
                                         sdp::receives(offered) && sdp::sends(answered)};
        }
    }
}

void originated_call::media_from_answer(const sdp::session_description& answer,
                                        call_actions& out) const {
    const sdp::media_description* audio = first_audio(answer);
    if (audio == nullptr) {
        out.media.unusable = "the answer has no audio section";
        return;
    }
    auto remote = media::remote_from_sdp(answer, *audio, /*we_offered=*/true, media_.setup);
    if (!remote) {
        out.media.unusable = remote.error();
        return;
    }
    out.media.start = std::move(*remote);
    // The answer's direction is the phone's; ours is its mirror (RFC 3264 §6.1).
    const sdp::direction theirs = answer.direction_of(*audio);
    out.media.flow = media::flow{sdp::receives(theirs), sdp::sends(theirs)};
}

std::optional<sdp::session_description> originated_call::check_answer_sdp(
    const sip::message& r, const sdp::session_description& offer, bool hold, call_actions& out,
    core::time_point now) {
    const char* what = hold ? "2xx to the hold re-INVITE" : "2xx to the INVITE";
    auto type = r.get(sip::header_id::content_type);
    if (r.body().empty() || !type || type->find("application/sdp") == std::string_view::npos) {
        // RFC 3261 §13.2.1 / RFC 3264 §5: an offer in the INVITE wants its answer in the 2xx.
        flag(out, finding_kind::bad_answer_sdp, std::string(what) + " carries no SDP answer", now);
        return std::nullopt;
    }
    auto answer = sdp::parse(r.body());
    if (!answer) {
        flag(out, finding_kind::bad_answer_sdp,
             std::string(what) + ": unparsable SDP: " + answer.error().to_string(), now);
        return std::nullopt;
    }
    for (const auto& v : sdp::check_answer(offer, *answer)) {
        // A direction the offer did not allow is the RFC 6337 §5.2 hold breach the
        // contract rules look for; everything else is a plain RFC 3264 §6 breach.
        const bool direction = v.reason.find("is not a valid answer to") != std::string::npos;
        const finding_kind kind =
            hold && direction ? finding_kind::hold_answer_direction : finding_kind::bad_answer_sdp;
        flag(out, kind,
             std::string(what) + ", m-line " + std::to_string(v.media_index) + ": " + v.reason +
                 (direction ? " (RFC 3264 §6.1, RFC 6337 §5.2)" : " (RFC 3264 §6)"),
             now);
    }
    if (hold) {
        return std::move(*answer);
    }
    // The phone's DTLS role is now fixed: answers to its later offers (Chrome re-offers
    // actpass on hold) must keep ours opposite, or both ends claim one role and the browser
    // refuses the answer (RFC 5763 §5; seen with the real SDK, tests/interop/README.md).
    const sdp::media_description* audio = first_audio(*answer);
    const sdp::setup_role* role =
        audio != nullptr ? sdp::find<sdp::setup_role>(audio->attributes) : nullptr;
    if (role == nullptr) {
        role = sdp::find<sdp::setup_role>(answer->attributes);
    }
    if (role != nullptr && *role == sdp::setup_role::active) {
        media_.setup = sdp::setup_role::passive;
    } else if (role != nullptr && *role == sdp::setup_role::passive) {
        media_.setup = sdp::setup_role::active;
    }
    return std::move(*answer);
}

void originated_call::send_cancel(call_actions& out, core::time_point now) {
    cancel_sent_ = true;
    cancel_pending_ = false;
    cancel_at_.reset();
    sip::message cancel = sip::make_cancel(invite_);
    if (!cancel_reason_.empty()) {
        cancel.add("Reason", cancel_reason_);  // RFC 3326 §2
    }
    cancel_tx_.emplace(std::move(cancel), /*reliable=*/true);
    sends(cancel_tx_->start(now), out);
    // RFC 3261 §9.1: with no final response 64*T1 after the CANCEL, the INVITE is given up.
    ring_deadline_ = now + sip::timer_config{}.timeout_64t1();
}

void originated_call::send_bye(call_actions& out, core::time_point now) {
    state_ = call_state::ending;
    bye_at_.reset();
    hold_at_.reset();
    sip::message bye = dialog_->make_request(sip::method::bye, next_branch());
    if (!cancel_reason_.empty()) {
        bye.add("Reason", cancel_reason_);  // RFC 3326 §2 allows it on BYE as well
    }
    bye_tx_.emplace(std::move(bye), /*reliable=*/true);
    sends(bye_tx_->start(now), out);
}

call_actions originated_call::on_timer(core::time_point now) {
    call_actions out;
    if (state_ == call_state::idle || state_ == call_state::done) {
        return out;
    }
    if (invite_tx_) {
        auto list = invite_tx_->on_timer(now);
        sends(list, out);
        if (list.has(sip::action_kind::timeout)) {
            finish(out, call_outcome::failed, now,
                   "no response to the INVITE (Timer B, RFC 3261 §17.1.1.2)");
            return out;
        }
    }
    for (auto* tx : {&cancel_tx_, &bye_tx_}) {
        if (*tx) {
            auto list = (*tx)->on_timer(now);
            sends(list, out);
            if (tx == &bye_tx_ && list.has(sip::action_kind::timeout)) {
                result_.ended_by = call_side::target;
                finish(out, end_outcome_, now, "BYE unanswered (Timer F, RFC 3261 §17.1.2.2)");
                return out;
            }
        }
    }
    if (hold_tx_) {
        auto list = hold_tx_->on_timer(now);
        if (list.has(sip::action_kind::timeout)) {
            flag(out, finding_kind::hold_refused, "hold re-INVITE unanswered (Timer B)", now);
        }
    }
    if (sip::is_due(ring_deadline_, now)) {
        ring_deadline_.reset();
        if (cancel_sent_) {
            finish(out, end_outcome_, now, "no final response after CANCEL (RFC 3261 §9.1)");
            return out;
        }
        if (cancel_pending_) {
            finish(out, call_outcome::failed, now,
                   "no provisional response to the INVITE, so no CANCEL could be sent "
                   "(RFC 3261 §9.1)");
            return out;
        }
        ring_timed_out_ = true;
        end_outcome_ = call_outcome::failed;
        if (state_ != call_state::ringing) {
            finish(out, call_outcome::failed, now, "no answer within ring_timeout");
            return out;
        }
        send_cancel(out, now);
    }
    if (sip::is_due(cancel_at_, now)) {
        end_outcome_ = call_outcome::cancelled;
        send_cancel(out, now);
    }
    if (sip::is_due(hold_at_, now)) {
        hold_at_.reset();
        hold_invite_ = build_hold();
        hold_tx_.emplace(hold_invite_, /*reliable=*/true);
        sends(hold_tx_->start(now), out);
    }
    if (sip::is_due(bye_at_, now)) {
        if (plan_.behaviour == call_behaviour::phone_hangs_up ||
            plan_.behaviour == call_behaviour::no_ack) {
            flag(out, finding_kind::phone_did_not_hang_up,
                 "no BYE from the phone within talk_time; the target ends the call", now);
        }
        send_bye(out, now);
    }
    return out;
}

call_actions originated_call::on_transport_error(core::time_point now) {
    call_actions out;
    if (state_ != call_state::idle && state_ != call_state::done) {
        finish(out, call_outcome::failed, now, "connection lost");
    }
    return out;
}

std::optional<core::time_point> originated_call::next_deadline() const noexcept {
    if (state_ == call_state::idle || state_ == call_state::done) {
        return std::nullopt;
    }
    auto of = [](const auto& tx) -> std::optional<core::time_point> {
        return tx ? tx->next_deadline() : std::nullopt;
    };
    return sip::earliest({of(invite_tx_), of(hold_tx_), of(cancel_tx_), of(bye_tx_), ring_deadline_,
                          cancel_at_, hold_at_, bye_at_});
}

void originated_call::flag(call_actions& out, finding_kind k, std::string detail,
                           core::time_point now) {
    out.findings.push_back(finding{k, std::move(detail), since_invite(now)});
}

void originated_call::finish(call_actions& out, call_outcome o, core::time_point now,
                             std::string reason) {
    if (state_ == call_state::done) {
        return;
    }
    state_ = call_state::done;
    result_.outcome = o;
    result_.reason = std::move(reason);
    result_.total = since_invite(now);
    if (answered_at_) {
        result_.talk = std::chrono::duration_cast<call_duration>(now - *answered_at_);
    }
    out.finished = result_;
}

}  // namespace ringstorm::target
