// The wire side of a call: requests the target sends in (or for) the call, and the
// responses to our re-INVITE, BYE and INFO.

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "engine/phone/call.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/response.hpp"

namespace ringstorm::phone {

namespace {

bool same_transaction(const sip::message& a, const sip::message& b) {
    auto ka = sip::server_key_of(a);
    auto kb = sip::server_key_of(b);
    return ka && kb && ka->branch == kb->branch && ka->sent_by == kb->sent_by;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) noexcept {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// RFC 3326 §2: `Reason: SIP ;cause=200 ;text="Call completed elsewhere"`, the convention
// a forking proxy uses on the CANCELs to the tabs that lost (RFC 3261 leaves it open).
bool cancelled_as_completed_elsewhere(const sip::message& cancel) {
    for (auto value : cancel.get_all(sip::header_id::reason)) {
        for (auto reason : sip::split_list(value)) {
            std::string_view rest = reason;
            const auto semi = rest.find(';');
            if (!equals_ignoring_case(trim(rest.substr(0, semi)), "SIP") ||
                semi == std::string_view::npos) {
                continue;
            }
            rest.remove_prefix(semi + 1);
            while (!rest.empty()) {
                const auto next = rest.find(';');
                const auto param = rest.substr(0, next);
                const auto eq = param.find('=');
                if (eq != std::string_view::npos &&
                    equals_ignoring_case(trim(param.substr(0, eq)), "cause") &&
                    trim(param.substr(eq + 1)) == "200") {
                    return true;
                }
                rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
            }
        }
    }
    return false;
}

}  // namespace

call_actions call::on_message(const sip::message& m, core::time_point now) {
    out_t out;
    count_received(m, out);
    if (m.is_response()) {
        on_response(m, now, out);
    } else {
        on_request(m, now, out);
    }
    return out;
}

void call::on_request(const sip::message& m, core::time_point now, out_t& out) {
    const bool ack = m.method() == sip::method::ack;
    // A response copies Via and CSeq (RFC 3261 §8.2.6.2) and travels by Via (§18.2.2):
    // without them no well-formed answer exists, so the request is dropped, as SIP.js
    // drops what its parser refuses.
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
        // The 2.0.5 SDK answers a CSeq method mismatch as if nothing were wrong.
        const bool lenient = sdk_2_0_5() && !sip::from_tag(m).empty() && !sip::call_id(m).empty();
        if (!lenient) {
            if (!ack) {
                send(sip::make_response(m, 400, "Bad Request"), out);
            }
            return;
        }
    }
    if (sip::call_id(m) != record_.call_id) {
        out.push_back(error_action("wrong_call"));
        if (!ack) {
            send(sip::make_response(m, 481), out);
        }
        return;
    }
    if (ack) {
        on_ack(m, now, out);
        return;
    }
    if (m.method() == sip::method::cancel) {
        on_cancel(m, now, out);
        return;
    }
    if (m.method() == sip::method::invite && sip::to_tag(m).empty()) {
        if (same_transaction(m, invite_)) {
            for (const auto& a : invite_tx_.on_request(m, now)) {
                if (a.kind == sip::action_kind::send) {
                    send(a.msg, out);  // the last provisional or final response again
                }
            }
        } else {
            // RFC 3261 §8.2.2.2: a merged request (same Call-ID, another transaction).
            out.push_back(error_action("merged_request"));
            send(sip::make_response(m, 482), out);
        }
        return;
    }
    // Everything else is within the dialog (RFC 3261 §12.2.2).
    const bool in_dialog =
        dialog_ && dialog_->state() != sip::dialog_state::terminated && sip::to_tag(m) == to_tag_;
    if (!in_dialog) {
        // A BYE crossing our own BYE is answered 200 (the dialog was just ended here).
        if (m.method() == sip::method::bye && dialog_ && sip::to_tag(m) == to_tag_) {
            send(make_local_response(m, 200), out);
            return;
        }
        out.push_back(error_action("no_dialog"));
        send(make_local_response(m, 481), out);
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

void call::on_ack(const sip::message& m, core::time_point now, out_t& out) {
    const bool ours =
        answer_2xx_ && sip::cseq_of(m)->number == answer_2xx_.cseq() && sip::to_tag(m) == to_tag_;
    if (!ours) {
        // The ACK of a non-2xx final response (RFC 3261 §17.2.1), or a late duplicate.
        (void)invite_tx_.on_request(m, now);
        return;
    }
    answer_2xx_.on_ack(now);
    if (record_.state == call_state::answering || bye_after_ack_) {
        record_.acked = now;
        call_action l{call_action_type::latency};
        l.step = core::step::answer_to_ack;
        l.latency = now - answered_at_;
        out.push_back(l);
    }
    if (bye_after_ack_) {
        bye_after_ack_ = false;
        send_bye(bye_due_, now, out);
        return;
    }
    if (record_.state == call_state::answering) {
        record_.state = call_state::connected;
        if (!sdk_2_0_5()) {
            call_action l{call_action_type::latency};
            l.step = core::step::answer_to_connected;
            l.latency = now - answered_at_;
            out.push_back(l);
            emit("connected", now, out);
        }
    }
}

void call::on_cancel(const sip::message& m, core::time_point now, out_t& out) {
    if (!same_transaction(m, invite_)) {
        send(make_local_response(m, 481), out);  // RFC 3261 §9.2: no matching transaction
        return;
    }
    // RFC 3261 §9.2: the CANCEL is answered 200 whatever the INVITE's state; only a
    // pending INVITE is then answered 487.
    send(make_local_response(m, 200), out);
    if (record_.state != call_state::ringing) {
        return;
    }
    record_.completed_elsewhere = cancelled_as_completed_elsewhere(m);
    respond_invite(make_local_response(invite_, 487), now, out);
    end(call_end::remote_cancel, now);
    emit(sdk_2_0_5() ? "callEnded" : "terminated", now, out);
}

void call::on_bye(const sip::message& m, core::time_point now, out_t& out) {
    send(make_local_response(m, 200), out);
    answer_2xx_.reset();  // a BYE before the ACK ends the 2xx retransmissions too
    bye_after_ack_ = false;
    if (record_.state == call_state::ended) {
        return;
    }
    end(call_end::remote_bye, now);
    emit(sdk_2_0_5() ? "callEnded" : "terminated", now, out);
}

void call::on_remote_reinvite(const sip::message& m, core::time_point now, out_t& out) {
    if (refuse_crossing_reinvite(m, reinvite_pending(), static_cast<bool>(answer_2xx_), out)) {
        return;
    }
    sip::message ok;
    if (m.body().empty()) {
        // RFC 3261 §14.2: an offerless re-INVITE gets our offer in the 2xx; the answer
        // comes in the ACK.
        ok = make_local_response(m, 200);
        ok.set_body("application/sdp", offer_sdp(local_direction_));
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
    }
    answer_2xx_.start(std::move(ok), sip::cseq_of(m)->number, config_.timers, now, out);
}

void call::on_response(const sip::message& m, core::time_point now, out_t& out) {
    auto key = sip::client_key_of(m);
    if (!key) {
        out.push_back(error_action("malformed_response"));
        return;
    }
    if (reinvite_ && sip::client_key_of(reinvite_->request()) == key) {
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
        return;
    }
    if (!requests_.on_response(m, *key, now, dialog_ ? &*dialog_ : nullptr, out)) {
        out.push_back(error_action("stray_response"));
    }
}

void call::on_reinvite_final(const sip::message& m, core::time_point now, out_t& out) {
    const auto& request = reinvite_->request();
    const bool first = reinvite_sent_ != core::time_point{};
    dialog_->on_response(request, m);
    if (m.status() >= 300) {
        reinvite_sent_ = {};
        if (m.status() == 491) {
            return;  // glare (RFC 3261 §14.1): the target's re-INVITE crossed ours; no breach
        }
        // The call goes on with the old session (RFC 3261 §14.1), but the hold or unhold
        // the app asked for did not happen.
        call_action e = error_action("reinvite_refused");
        e.text = std::to_string(m.status()) + " " + std::string(m.reason());
        out.push_back(std::move(e));
        return;  // the offer is withdrawn; the transaction sent the ACK
    }
    // RFC 3261 §13.2.2.4: every 2xx (retransmissions too) is acknowledged by the core.
    send(dialog_->make_ack(request, sip::make_branch(rng_())), out);
    if (!first) {
        return;
    }
    if (!take_answer(m.body(), out)) {
        // What Chrome's setRemoteDescription failure makes the 2.0.5 SDK do (seen in
        // tests/interop): the ACK above, then BYE with Reason 488 and callEnded.
        reinvite_sent_ = {};
        send_bye(now, now, out, "SIP;cause=488;text=\"Not Acceptable Here\"");
        end(call_end::local_hangup, now);
        emit("callEnded", now, out);
        return;
    }
    call_action l{call_action_type::latency};
    l.step = reinvite_intent_ == sdp::hold_intent::hold ? core::step::hold : core::step::unhold;
    l.latency = now - reinvite_sent_;
    out.push_back(l);
    reinvite_sent_ = {};
    record_.held = reinvite_intent_ == sdp::hold_intent::hold;
}

}  // namespace ringstorm::phone
