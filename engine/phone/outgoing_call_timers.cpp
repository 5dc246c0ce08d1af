// The outgoing call's clocks and its transport: every deadline (the INVITE's Timer B and
// RFC 6026 Timer M, the CANCEL's 64·T1, the re-INVITE's Timer B, our 2xx's
// retransmissions, Timer F of BYE and INFO) and the loss of the WebSocket.

#include "engine/phone/outgoing_call.hpp"

namespace ringstorm::phone {

call_actions outgoing_call::on_transport_lost(core::time_point now) {
    out_t out;
    // Nothing can reach the far end any more: every transaction is dropped.
    invite_tx_.reset();
    cancel_.reset();
    reinvite_.reset();
    answer_2xx_.reset();
    requests_.clear();
    if (state_ == outgoing_state::ended) {
        return out;
    }
    const bool app_ended = state_ == outgoing_state::cancelling;
    end(call_end::transport_error, now);
    // The contract table's "WebSocket lost during a call": 2.0.5 tells the app nothing.
    if (!app_ended && !sdk_2_0_5()) {
        emit("terminated", now, out);
    }
    return out;
}

std::optional<core::time_point> outgoing_call::next_deadline() const noexcept {
    return sip::earliest({invite_tx_ ? invite_tx_->next_deadline() : std::nullopt, cancel_give_up_,
                          cancel_ ? cancel_->tx.next_deadline() : std::nullopt,
                          reinvite_ ? reinvite_->next_deadline() : std::nullopt,
                          answer_2xx_.next_deadline(), requests_.next_deadline()});
}

bool outgoing_call::finished() const noexcept {
    return state_ == outgoing_state::ended && !next_deadline();
}

bool outgoing_call::busy() const noexcept {
    return state_ == outgoing_state::cancelling || reinvite_pending() || !requests_.empty();
}

void outgoing_call::on_invite_timer(core::time_point now, out_t& out) {
    if (invite_tx_) {
        for (const auto& a : invite_tx_->on_timer(now)) {
            if (a.kind == sip::action_kind::send) {
                send(a.msg, out);
            } else if (a.kind == sip::action_kind::timeout && state_ != outgoing_state::connected) {
                // RFC 3261 §17.1.1.2 Timer B: no response at all to the INVITE.
                end_remote(call_end::no_final, now, out);
            }
        }
        if (invite_tx_->state() == sip::client_invite_state::terminated) {
            invite_tx_.reset();
        }
    }
    if (sip::is_due(cancel_give_up_, now)) {
        // RFC 3261 §9.1: the CANCEL brought no final answer to the INVITE in 64·T1.
        cancel_give_up_.reset();
        end(call_end::no_final, now);
    }
    if (cancel_) {
        (void)cancel_->tx.on_timer(now);  // its Timer F: the INVITE's own timers decide
        if (cancel_->tx.state() == sip::client_non_invite_state::terminated) {
            cancel_.reset();
        }
    }
}

void outgoing_call::on_midcall_timers(core::time_point now, out_t& out) {
    if (tick_reinvite(reinvite_, now, out)) {
        // RFC 3261 §14.1: a re-INVITE that times out ends the dialog.
        send_bye(now, now, out);
        end_remote(call_end::reinvite_timeout, now, out);
    }
    if (answer_2xx_.on_timer(now, out)) {
        // RFC 3261 §13.3.1.4: our 2xx to their re-INVITE never ACKed ends the session.
        send_bye(now, now, out);
        end_remote(call_end::no_ack, now, out);
    }
    requests_.on_timer(now, out);
}

call_actions outgoing_call::on_timer(core::time_point now) {
    out_t out;
    on_invite_timer(now, out);
    on_midcall_timers(now, out);
    return out;
}

}  // namespace ringstorm::phone
