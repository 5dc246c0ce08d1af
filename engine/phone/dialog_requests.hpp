#pragma once
// What both call machines (call.hpp, the incoming call; outgoing_call.hpp, the caller
// role) do alike in an established dialog, whichever side created it: the actions of one
// message in or out, our BYE and INFO in their non-INVITE transactions, our 2xx to an
// INVITE until its ACK, the ticks of our re-INVITE, the routing of the far end's
// in-dialog requests and the DTMF INFO. Sans-I/O like the machines: everything goes out
// as call_actions.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/phone/call_actions.hpp"
#include "engine/sip/client_transaction.hpp"
#include "engine/sip/dialog.hpp"
#include "engine/sip/invite_2xx_retransmitter.hpp"
#include "engine/sip/transaction.hpp"

namespace ringstorm::phone {

// One SIP message out: its count, then its text.
void append_send(const sip::message& m, call_actions& out);
// One SIP message in: its count.
void append_received(const sip::message& m, call_actions& out);
// A CallListenerCallback event of the call `record`: kept in its events and put out.
void append_emit(call_record& record, std::string_view name, core::time_point now,
                 call_actions& out);
inline call_action error_action(std::string_view kind) {
    return {call_action_type::protocol_error, kind};
}

// One request of ours in its non-INVITE client transaction.
struct pending_request {
    sip::client_non_invite_transaction tx;
    core::time_point sent;  // latency origin: when it was due
};

// Our BYEs and INFOs of a call, until their transactions end.
class dialog_requests {
public:
    // `due`: the latency origin of its final response (the bye step for a BYE).
    void start(sip::message request, core::time_point due, core::time_point now,
               const sip::timer_config& timers, call_actions& out);
    // The response `m` (client key `key`) to one of them: a BYE's final records the bye
    // latency, another final goes to `dialog` (its target refresh, RFC 3261 §12.2.1.2).
    // false when it answers none of them.
    bool on_response(const sip::message& m, const sip::client_key& key, core::time_point now,
                     sip::dialog* dialog, call_actions& out);
    // Timer F of each (RFC 3261 §17.1.2.2): a request_timeout naming the request.
    void on_timer(core::time_point now, call_actions& out);
    std::optional<core::time_point> next_deadline() const noexcept;
    // One of them has no final response yet.
    bool awaiting_final() const noexcept;
    bool empty() const noexcept { return list_.empty(); }
    void clear() noexcept { list_.clear(); }

private:
    void drop_terminated();

    std::vector<pending_request> list_;
};

// Our 2xx to an INVITE (the initial one or a re-INVITE) until its ACK (RFC 3261
// §13.3.1.4): the core, not the transaction, retransmits it.
class pending_2xx {
public:
    void start(sip::message ok, std::uint32_t cseq, const sip::timer_config& timers,
               core::time_point now, call_actions& out);
    explicit operator bool() const noexcept { return r_.has_value(); }
    // The CSeq number of the INVITE it answers, which its ACK carries.
    std::uint32_t cseq() const noexcept { return cseq_; }
    const sip::message& response() const { return r_->response(); }
    // The ACK came: the retransmissions stop.
    void on_ack(core::time_point now);
    // Retransmissions out; true when 64·T1 passed without an ACK (an ack_timeout is out).
    bool on_timer(core::time_point now, call_actions& out);
    std::optional<core::time_point> next_deadline() const noexcept;
    void reset() noexcept { r_.reset(); }

private:
    std::optional<sip::invite_2xx_retransmitter> r_;
    std::uint32_t cseq_ = 0;
};

// Our re-INVITE has no final response yet (its transaction may linger in Accepted,
// RFC 6026, after the 2xx; that no longer blocks a new offer).
bool invite_pending(const std::optional<sip::client_invite_transaction>& tx) noexcept;
// Ticks of our re-INVITE: retransmissions out; a terminated transaction is dropped.
// true when Timer B fired (RFC 3261 §14.1: the dialog ends): a reinvite_timeout is out
// and the transaction dropped.
bool tick_reinvite(std::optional<sip::client_invite_transaction>& tx, core::time_point now,
                   call_actions& out);

// What an in-dialog request of the far end asks for, once the dialog took its CSeq.
enum class dialog_route : std::uint8_t { bye, reinvite, respond };
struct routed_request {
    dialog_route route = dialog_route::respond;
    int status = 0;          // for `respond`: our response's status
    std::string_view error;  // a protocol error to report first; empty for none
};
// RFC 3261 §12.2.2: the CSeq check (500 out of order, 400 malformed), then BYE and
// re-INVITE for the call; INFO, OPTIONS and NOTIFY are answered 200, the rest 501.
routed_request route_dialog_request(sip::dialog& dialog, const sip::message& m);

// RFC 3261 §14.2: their re-INVITE `m` while an offer is outstanding is refused: 491 when
// our own re-INVITE crossed it (glare), 500 with Retry-After while our 2xx to an earlier
// INVITE awaits its ACK. false (nothing sent) when it can be answered.
bool refuse_crossing_reinvite(const sip::message& m, bool our_reinvite_pending,
                              bool our_2xx_pending, call_actions& out);

// Why dtmf(digit) does not apply: "bad_digit" (not one of 0-9 * # A-D), "not_connected";
// empty when it does.
std::string_view dtmf_refusal(char digit, bool connected) noexcept;
// INFO application/dtmf-relay carrying `digit`, as SIP.js sends it (240 ms).
sip::message dtmf_info(sip::dialog& dialog, char digit, std::string_view branch);

}  // namespace ringstorm::phone
