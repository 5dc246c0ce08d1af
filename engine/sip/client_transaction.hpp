#pragma once
// Client transactions (RFC 3261 §17.1): the INVITE machine (Figure 5, with the RFC 6026
// "Accepted" state when timer_config::rfc6026_accepted is set) and the non-INVITE
// machine (Figure 6). Sans-I/O: events carry the current time and return actions; the
// owner calls on_timer() once next_deadline() has passed. The owner routes a received
// response here after matching it with client_key_of() (RFC 3261 §17.1.3).

#include <optional>
#include <string_view>

#include "engine/sip/message.hpp"
#include "engine/sip/timers.hpp"
#include "engine/sip/transaction.hpp"

namespace ringstorm::sip {

enum class client_invite_state : unsigned char {
    calling,
    proceeding,
    accepted,
    completed,
    terminated
};
enum class client_non_invite_state : unsigned char { trying, proceeding, completed, terminated };

std::string_view to_string(client_invite_state s) noexcept;
std::string_view to_string(client_non_invite_state s) noexcept;

class client_invite_transaction {
public:
    // `invite` is the request to send (with its top Via branch set); `reliable` says
    // whether the transport retransmits by itself (TCP, TLS, WebSocket: §17.1.1.2).
    client_invite_transaction(message invite, bool reliable, const timer_config& config = {});

    // Sends the INVITE and arms Timer A (unreliable only) and Timer B.
    action_list start(time_point now);
    // A response matched to this transaction. 1xx and 2xx are delivered; a 3xx-6xx is
    // delivered once and acknowledged (again on every retransmission, §17.1.1.2).
    action_list on_response(message response, time_point now);
    // Fires every timer whose deadline is at or before `now`.
    action_list on_timer(time_point now);
    // The transport failed to send for this transaction: the TU is told, and it ends.
    action_list on_transport_error(time_point now);

    std::optional<time_point> next_deadline() const noexcept;
    client_invite_state state() const noexcept { return state_; }
    const message& request() const noexcept { return invite_; }
    // The ACK sent for the 3xx-6xx response (empty message before one arrived).
    const message& ack() const noexcept { return ack_; }

private:
    void terminate(action_list& out);

    message invite_;
    message ack_;
    timer_config config_;
    bool reliable_;
    client_invite_state state_ = client_invite_state::calling;
    duration a_interval_{0};
    std::optional<time_point> timer_a_;
    std::optional<time_point> timer_b_;
    std::optional<time_point> timer_d_;
    std::optional<time_point> timer_m_;
};

class client_non_invite_transaction {
public:
    // `request` is any request but INVITE and ACK (ACK has no transaction of its own).
    client_non_invite_transaction(message request, bool reliable, const timer_config& config = {});

    // Sends the request and arms Timer E (unreliable only) and Timer F.
    action_list start(time_point now);
    action_list on_response(message response, time_point now);
    action_list on_timer(time_point now);
    action_list on_transport_error(time_point now);

    std::optional<time_point> next_deadline() const noexcept;
    client_non_invite_state state() const noexcept { return state_; }
    const message& request() const noexcept { return request_; }

private:
    void terminate(action_list& out);

    message request_;
    timer_config config_;
    bool reliable_;
    client_non_invite_state state_ = client_non_invite_state::trying;
    duration e_interval_{0};
    std::optional<time_point> timer_e_;
    std::optional<time_point> timer_f_;
    std::optional<time_point> timer_k_;
};

}  // namespace ringstorm::sip
