#pragma once
// Server transactions (RFC 3261 §17.2): the INVITE machine (Figure 7, with the RFC 6026
// "Accepted" state when timer_config::rfc6026_accepted is set) and the non-INVITE
// machine (Figure 8). The owner creates one for a request whose server_key_of() matches
// no live transaction and routes retransmissions (and, for INVITE, the ACK of a non-2xx)
// to it. The TU answers through respond().

#include <optional>
#include <string_view>

#include "engine/sip/message.hpp"
#include "engine/sip/timers.hpp"
#include "engine/sip/transaction.hpp"

namespace ringstorm::sip {

enum class server_invite_state : unsigned char {
    proceeding,
    accepted,
    completed,
    confirmed,
    terminated
};
enum class server_non_invite_state : unsigned char { trying, proceeding, completed, terminated };

std::string_view to_string(server_invite_state s) noexcept;
std::string_view to_string(server_non_invite_state s) noexcept;

class server_invite_transaction {
public:
    server_invite_transaction(message invite, bool reliable, const timer_config& config = {});

    // Delivers the INVITE to the TU and arms the 100 Trying delay (§17.2.1); with a zero
    // delay the 100 Trying is sent at once.
    action_list start(time_point now);
    // A retransmitted INVITE, or an ACK, matched to this transaction.
    action_list on_request(const message& request, time_point now);
    // The TU's response. 1xx keeps Proceeding; 2xx ends the transaction (RFC 3261) or
    // moves to Accepted (RFC 6026); 3xx-6xx moves to Completed with Timers G and H.
    action_list respond(message response, time_point now);
    action_list on_timer(time_point now);
    action_list on_transport_error(time_point now);

    std::optional<time_point> next_deadline() const noexcept;
    server_invite_state state() const noexcept { return state_; }
    const message& request() const noexcept { return invite_; }
    // The response re-sent when the INVITE is retransmitted (empty before the first one).
    const message& last_response() const noexcept { return last_response_; }

private:
    void terminate(action_list& out);
    void send_trying(action_list& out);

    message invite_;
    message last_response_;
    timer_config config_;
    bool reliable_;
    server_invite_state state_ = server_invite_state::proceeding;
    duration g_interval_{0};
    std::optional<time_point> timer_trying_;
    std::optional<time_point> timer_g_;
    std::optional<time_point> timer_h_;
    std::optional<time_point> timer_i_;
    std::optional<time_point> timer_l_;
};

class server_non_invite_transaction {
public:
    server_non_invite_transaction(message request, bool reliable, const timer_config& config = {});

    // Delivers the request to the TU.
    action_list start(time_point now);
    // A retransmission of the request: absorbed in Trying, answered with the last
    // response in Proceeding and Completed (§17.2.2).
    action_list on_request(const message& request, time_point now);
    action_list respond(message response, time_point now);
    action_list on_timer(time_point now);
    action_list on_transport_error(time_point now);

    std::optional<time_point> next_deadline() const noexcept;
    server_non_invite_state state() const noexcept { return state_; }
    const message& request() const noexcept { return request_; }
    const message& last_response() const noexcept { return last_response_; }

private:
    void terminate(action_list& out);

    message request_;
    message last_response_;
    timer_config config_;
    bool reliable_;
    server_non_invite_state state_ = server_non_invite_state::trying;
    std::optional<time_point> timer_j_;
};

}  // namespace ringstorm::sip
