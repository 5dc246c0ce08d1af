// What a leg of a forked call needs beyond a single call: telling its messages from its
// siblings' (they share the Call-ID and From tag) and being given up when the caller
// cancels or another leg answers.

#include "engine/sip/dialog.hpp"
#include "engine/sip/timers.hpp"
#include "engine/sip/transaction.hpp"
#include "engine/target/originator.hpp"

namespace ringstorm::target {

namespace {

// RFC 3326 §2 with the cause a forking proxy gives the losers (RFC 3261 §16.7 step 10
// leaves the text free; the SDK's platform sends exactly this).
constexpr const char* completed_elsewhere_reason =
    "SIP;cause=200;text=\"Call completed elsewhere\"";

}  // namespace

bool originated_call::matches(const sip::message& m) const {
    if (m.is_response()) {
        auto key = sip::client_key_of(m);
        if (!key) {
            return false;
        }
        for (const auto* request : {invite_tx_ ? &invite_tx_->request() : nullptr,
                                    hold_tx_ ? &hold_tx_->request() : nullptr,
                                    cancel_tx_ ? &cancel_tx_->request() : nullptr,
                                    bye_tx_ ? &bye_tx_->request() : nullptr}) {
            if (request == nullptr) {
                continue;
            }
            auto mine = sip::client_key_of(*request);
            if (mine && *mine == *key) {
                return true;
            }
        }
        return false;
    }
    return dialog_ && sip::dialog_id_of_request(m) == dialog_->id();
}

call_actions originated_call::cancel(core::time_point now) {
    return abandon(now, {});
}

call_actions originated_call::cancel_elsewhere(core::time_point now) {
    return abandon(now, completed_elsewhere_reason);
}

call_actions originated_call::abandon(core::time_point now, std::string reason) {
    call_actions out;
    if (cancel_sent_ || cancel_pending_) {
        return out;
    }
    if (state_ == call_state::idle || state_ == call_state::ending || state_ == call_state::done) {
        return out;  // nothing started, or a BYE is already on its way
    }
    if (state_ == call_state::calling) {
        // RFC 3261 §9.1: no CANCEL before a provisional response; it goes with the first
        // one. A phone that never sends one is given up after 64*T1.
        cancel_pending_ = true;
        const core::time_point give_up = now + sip::timer_config{}.timeout_64t1();
        if (!ring_deadline_ || give_up < *ring_deadline_) {
            ring_deadline_ = give_up;
        }
    }
    cancel_reason_ = std::move(reason);
    result_.completed_elsewhere = !cancel_reason_.empty();
    end_outcome_ = call_outcome::cancelled;
    cancel_at_.reset();
    if (state_ == call_state::ringing) {
        send_cancel(out, now);
    } else if (state_ == call_state::talking) {
        // Its 2xx raced the winner's (both ACKed, §13.2.2.4): end it with a BYE.
        send_bye(out, now);
    }
    return out;
}

}  // namespace ringstorm::target
