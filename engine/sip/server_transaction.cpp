#include "engine/sip/server_transaction.hpp"

#include <algorithm>
#include <utility>

#include "engine/sip/response.hpp"

namespace ringstorm::sip {

std::string_view to_string(server_invite_state s) noexcept {
    switch (s) {
        case server_invite_state::proceeding:
            return "Proceeding";
        case server_invite_state::accepted:
            return "Accepted";
        case server_invite_state::completed:
            return "Completed";
        case server_invite_state::confirmed:
            return "Confirmed";
        case server_invite_state::terminated:
            return "Terminated";
    }
    return "?";
}

std::string_view to_string(server_non_invite_state s) noexcept {
    switch (s) {
        case server_non_invite_state::trying:
            return "Trying";
        case server_non_invite_state::proceeding:
            return "Proceeding";
        case server_non_invite_state::completed:
            return "Completed";
        case server_non_invite_state::terminated:
            return "Terminated";
    }
    return "?";
}

// ---------------------------------------------------------------- server INVITE

server_invite_transaction::server_invite_transaction(message invite, bool reliable,
                                                     const timer_config& config)
    : invite_(std::move(invite)), config_(config), reliable_(reliable) {}

action_list server_invite_transaction::start(time_point now) {
    action_list out;
    out.push(action_kind::deliver, invite_);
    if (config_.trying_delay.count() == 0) {
        send_trying(out);
    } else {
        timer_trying_ = now + config_.trying_delay;
    }
    return out;
}

void server_invite_transaction::send_trying(action_list& out) {
    // RFC 3261 §17.2.1: the transaction answers for a TU that is slow to respond, so
    // that the client stops retransmitting; the 100 never carries a To tag (§8.2.6.2).
    timer_trying_.reset();
    last_response_ = make_response(invite_, 100);
    out.push(action_kind::send, last_response_);
}

action_list server_invite_transaction::on_request(const message& request, time_point now) {
    action_list out;
    if (request.method() == method::ack) {
        if (state_ == server_invite_state::completed) {
            // §17.2.1: the ACK ends the final response retransmissions; Timer I absorbs
            // ACK retransmissions.
            timer_g_.reset();
            timer_h_.reset();
            state_ = server_invite_state::confirmed;
            const duration i = config_.timer_i_for(reliable_);
            if (i.count() == 0) {
                terminate(out);
            } else {
                timer_i_ = now + i;
            }
        } else if (state_ == server_invite_state::accepted) {
            // RFC 6026 §8.7: an ACK reaching the Accepted state goes to the TU.
            out.push(action_kind::deliver, request);
        }
        return out;
    }
    // A retransmitted INVITE: re-send the last provisional (Proceeding) or the final
    // response (Completed); Accepted and Confirmed absorb it.
    const bool resend =
        (state_ == server_invite_state::proceeding || state_ == server_invite_state::completed);
    if (resend && last_response_.is_response()) {
        out.push(action_kind::send, last_response_);
    }
    return out;
}

action_list server_invite_transaction::respond(message response, time_point now) {
    action_list out;
    const int status = response.status();
    if (state_ == server_invite_state::accepted) {
        // RFC 6026 §8.7: the TU core's 2xx retransmissions pass through to the transport.
        if (status >= 200 && status < 300) {
            out.push(action_kind::send, std::move(response));
        }
        return out;
    }
    if (state_ != server_invite_state::proceeding) {
        return out;  // a final response was already sent
    }
    timer_trying_.reset();
    if (status < 200) {
        last_response_ = std::move(response);
        out.push(action_kind::send, last_response_);
    } else if (status < 300) {
        out.push(action_kind::send, std::move(response));
        if (config_.rfc6026_accepted) {
            state_ = server_invite_state::accepted;  // RFC 6026 §8.7: Timer L
            timer_l_ = now + config_.timeout_64t1();
        } else {
            terminate(out);  // RFC 3261 §17.2.1: the TU core retransmits the 2xx
        }
    } else {
        last_response_ = std::move(response);
        out.push(action_kind::send, last_response_);
        state_ = server_invite_state::completed;
        if (!reliable_) {
            g_interval_ = config_.t1;
            timer_g_ = now + g_interval_;
        }
        timer_h_ = now + config_.timeout_64t1();
    }
    return out;
}

action_list server_invite_transaction::on_timer(time_point now) {
    action_list out;
    switch (state_) {
        case server_invite_state::proceeding:
            if (is_due(timer_trying_, now)) {
                send_trying(out);
            }
            break;
        case server_invite_state::completed:
            if (is_due(timer_h_, now)) {
                // §17.2.1: no ACK arrived; the TU learns the response may not have arrived.
                out.push(action_kind::timeout, {}, timer_id::h);
                terminate(out);
            } else if (is_due(timer_g_, now)) {
                out.push(action_kind::send, last_response_);
                g_interval_ = std::min(2 * g_interval_, config_.t2);
                timer_g_ = now + g_interval_;
            }
            break;
        case server_invite_state::confirmed:
            if (is_due(timer_i_, now)) {
                terminate(out);
            }
            break;
        case server_invite_state::accepted:
            if (is_due(timer_l_, now)) {
                terminate(out);
            }
            break;
        case server_invite_state::terminated:
            break;
    }
    return out;
}

action_list server_invite_transaction::on_transport_error(time_point /*now*/) {
    action_list out;
    if (state_ == server_invite_state::terminated) {
        return out;
    }
    out.push(action_kind::transport_error);  // §17.2.4
    // RFC 6026 Figure 7 has no way out of Accepted but Timer L: the TU hears of the
    // failed 2xx, and INVITE retransmissions are still absorbed until L.
    if (state_ != server_invite_state::accepted) {
        terminate(out);
    }
    return out;
}

std::optional<time_point> server_invite_transaction::next_deadline() const noexcept {
    return earliest({timer_trying_, timer_g_, timer_h_, timer_i_, timer_l_});
}

void server_invite_transaction::terminate(action_list& out) {
    state_ = server_invite_state::terminated;
    timer_trying_.reset();
    timer_g_.reset();
    timer_h_.reset();
    timer_i_.reset();
    timer_l_.reset();
    out.push(action_kind::terminated);
}

// ---------------------------------------------------------------- server non-INVITE

server_non_invite_transaction::server_non_invite_transaction(message request, bool reliable,
                                                             const timer_config& config)
    : request_(std::move(request)), config_(config), reliable_(reliable) {}

action_list server_non_invite_transaction::start(time_point /*now*/) {
    action_list out;
    out.push(action_kind::deliver, request_);
    return out;
}

action_list server_non_invite_transaction::on_request(const message& /*request*/,
                                                      time_point /*now*/) {
    action_list out;
    // §17.2.2: Trying absorbs retransmissions; later states answer with the last response.
    if ((state_ == server_non_invite_state::proceeding ||
         state_ == server_non_invite_state::completed) &&
        last_response_.is_response()) {
        out.push(action_kind::send, last_response_);
    }
    return out;
}

action_list server_non_invite_transaction::respond(message response, time_point now) {
    action_list out;
    if (state_ != server_non_invite_state::trying &&
        state_ != server_non_invite_state::proceeding) {
        return out;  // §17.2.2: further responses from the TU are discarded in Completed
    }
    last_response_ = std::move(response);
    out.push(action_kind::send, last_response_);
    if (last_response_.status() < 200) {
        state_ = server_non_invite_state::proceeding;
        return out;
    }
    state_ = server_non_invite_state::completed;
    const duration j = config_.timer_j_for(reliable_);
    if (j.count() == 0) {
        terminate(out);
    } else {
        timer_j_ = now + j;
    }
    return out;
}

action_list server_non_invite_transaction::on_timer(time_point now) {
    action_list out;
    if (state_ == server_non_invite_state::completed && is_due(timer_j_, now)) {
        terminate(out);
    }
    return out;
}

action_list server_non_invite_transaction::on_transport_error(time_point /*now*/) {
    action_list out;
    if (state_ != server_non_invite_state::terminated) {
        out.push(action_kind::transport_error);
        terminate(out);
    }
    return out;
}

std::optional<time_point> server_non_invite_transaction::next_deadline() const noexcept {
    return timer_j_;
}

void server_non_invite_transaction::terminate(action_list& out) {
    state_ = server_non_invite_state::terminated;
    timer_j_.reset();
    out.push(action_kind::terminated);
}

}  // namespace ringstorm::sip
