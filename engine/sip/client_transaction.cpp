#include "engine/sip/client_transaction.hpp"

#include <algorithm>
#include <utility>

namespace ringstorm::sip {

std::string_view to_string(client_invite_state s) noexcept {
    switch (s) {
        case client_invite_state::calling:
            return "Calling";
        case client_invite_state::proceeding:
            return "Proceeding";
        case client_invite_state::accepted:
            return "Accepted";
        case client_invite_state::completed:
            return "Completed";
        case client_invite_state::terminated:
            return "Terminated";
    }
    return "?";
}

std::string_view to_string(client_non_invite_state s) noexcept {
    switch (s) {
        case client_non_invite_state::trying:
            return "Trying";
        case client_non_invite_state::proceeding:
            return "Proceeding";
        case client_non_invite_state::completed:
            return "Completed";
        case client_non_invite_state::terminated:
            return "Terminated";
    }
    return "?";
}

// ---------------------------------------------------------------- client INVITE

client_invite_transaction::client_invite_transaction(message invite, bool reliable,
                                                     const timer_config& config)
    : invite_(std::move(invite)), config_(config), reliable_(reliable) {}

action_list client_invite_transaction::start(time_point now) {
    action_list out;
    out.push(action_kind::send, invite_);
    // RFC 3261 §17.1.1.2: Timer A only for unreliable transports; Timer B always.
    if (!reliable_) {
        a_interval_ = config_.t1;
        timer_a_ = now + a_interval_;
    }
    timer_b_ = now + config_.timeout_64t1();
    return out;
}

action_list client_invite_transaction::on_response(message response, time_point now) {
    action_list out;
    const int status = response.status();
    if (state_ == client_invite_state::calling || state_ == client_invite_state::proceeding) {
        // Any response stops the retransmissions, and Timer B only applies to Calling.
        timer_a_.reset();
        timer_b_.reset();
        if (status < 200) {
            state_ = client_invite_state::proceeding;
            out.push(action_kind::deliver, std::move(response));
        } else if (status < 300) {
            // The 2xx is ACKed by the TU core (§13.2.2.4), not by the transaction.
            out.push(action_kind::deliver, std::move(response));
            if (config_.rfc6026_accepted) {
                state_ = client_invite_state::accepted;  // RFC 6026 §8.4: Timer M
                timer_m_ = now + config_.timeout_64t1();
            } else {
                terminate(out);
            }
        } else {
            ack_ = make_ack_for_non2xx(invite_, response);
            out.push(action_kind::send, ack_);
            out.push(action_kind::deliver, std::move(response));
            state_ = client_invite_state::completed;
            const duration d = config_.timer_d_for(reliable_);
            if (d.count() == 0) {
                terminate(out);
            } else {
                timer_d_ = now + d;
            }
        }
    } else if (state_ == client_invite_state::completed) {
        // §17.1.1.2: a retransmitted final response is answered with the same ACK and
        // not passed up again.
        if (status >= 300) {
            out.push(action_kind::send, ack_);
        }
    } else if (state_ == client_invite_state::accepted) {
        // RFC 6026 §8.4: every 2xx (retransmissions, other forks) goes to the TU, which ACKs it.
        if (status >= 200 && status < 300) {
            out.push(action_kind::deliver, std::move(response));
        }
    }
    return out;
}

action_list client_invite_transaction::on_timer(time_point now) {
    action_list out;
    if (state_ == client_invite_state::calling) {
        if (is_due(timer_b_, now)) {
            out.push(action_kind::timeout, {}, timer_id::b);
            terminate(out);
        } else if (is_due(timer_a_, now)) {
            // §17.1.1.2: intervals double after each retransmission, with no cap; the
            // retransmissions end with Timer B.
            out.push(action_kind::send, invite_);
            a_interval_ *= 2;
            timer_a_ = now + a_interval_;
        }
    } else if (state_ == client_invite_state::completed && is_due(timer_d_, now)) {
        terminate(out);
    } else if (state_ == client_invite_state::accepted && is_due(timer_m_, now)) {
        terminate(out);
    }
    return out;
}

action_list client_invite_transaction::on_transport_error(time_point /*now*/) {
    action_list out;
    if (state_ != client_invite_state::terminated) {
        out.push(action_kind::transport_error);
        terminate(out);
    }
    return out;
}

std::optional<time_point> client_invite_transaction::next_deadline() const noexcept {
    return earliest({timer_a_, timer_b_, timer_d_, timer_m_});
}

void client_invite_transaction::terminate(action_list& out) {
    state_ = client_invite_state::terminated;
    timer_a_.reset();
    timer_b_.reset();
    timer_d_.reset();
    timer_m_.reset();
    out.push(action_kind::terminated);
}

// ---------------------------------------------------------------- client non-INVITE

client_non_invite_transaction::client_non_invite_transaction(message request, bool reliable,
                                                             const timer_config& config)
    : request_(std::move(request)), config_(config), reliable_(reliable) {}

action_list client_non_invite_transaction::start(time_point now) {
    action_list out;
    out.push(action_kind::send, request_);
    // RFC 3261 §17.1.2.2: Timer E only for unreliable transports; Timer F always.
    if (!reliable_) {
        e_interval_ = config_.t1;
        timer_e_ = now + e_interval_;
    }
    timer_f_ = now + config_.timeout_64t1();
    return out;
}

action_list client_non_invite_transaction::on_response(message response, time_point now) {
    action_list out;
    if (state_ != client_non_invite_state::trying &&
        state_ != client_non_invite_state::proceeding) {
        return out;  // Completed absorbs retransmitted finals (§17.1.2.2)
    }
    if (response.status() < 200) {
        state_ = client_non_invite_state::proceeding;
        out.push(action_kind::deliver, std::move(response));
        return out;
    }
    out.push(action_kind::deliver, std::move(response));
    timer_e_.reset();
    timer_f_.reset();
    state_ = client_non_invite_state::completed;
    const duration k = config_.timer_k_for(reliable_);
    if (k.count() == 0) {
        terminate(out);
    } else {
        timer_k_ = now + k;
    }
    return out;
}

action_list client_non_invite_transaction::on_timer(time_point now) {
    action_list out;
    if (state_ == client_non_invite_state::trying ||
        state_ == client_non_invite_state::proceeding) {
        if (is_due(timer_f_, now)) {
            out.push(action_kind::timeout, {}, timer_id::f);
            terminate(out);
        } else if (is_due(timer_e_, now)) {
            out.push(action_kind::send, request_);
            // §17.1.2.2: doubling up to T2 in Trying; T2 flat once a provisional arrived.
            e_interval_ = state_ == client_non_invite_state::trying
                              ? std::min(2 * e_interval_, config_.t2)
                              : config_.t2;
            timer_e_ = now + e_interval_;
        }
    } else if (state_ == client_non_invite_state::completed && is_due(timer_k_, now)) {
        terminate(out);
    }
    return out;
}

action_list client_non_invite_transaction::on_transport_error(time_point /*now*/) {
    action_list out;
    if (state_ != client_non_invite_state::terminated) {
        out.push(action_kind::transport_error);
        terminate(out);
    }
    return out;
}

std::optional<time_point> client_non_invite_transaction::next_deadline() const noexcept {
    return earliest({timer_e_, timer_f_, timer_k_});
}

void client_non_invite_transaction::terminate(action_list& out) {
    state_ = client_non_invite_state::terminated;
    timer_e_.reset();
    timer_f_.reset();
    timer_k_.reset();
    out.push(action_kind::terminated);
}

}  // namespace ringstorm::sip
