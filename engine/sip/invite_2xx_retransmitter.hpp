#pragma once
// The UAS core's retransmission of a 2xx to INVITE until the ACK arrives (RFC 3261
// §13.3.1.4). This is end to end, above the transaction layer, so it runs over reliable
// transports too: a proxy on the path may forward over UDP.

#include <optional>

#include "engine/sip/message.hpp"
#include "engine/sip/timers.hpp"
#include "engine/sip/transaction.hpp"

namespace ringstorm::sip {

class invite_2xx_retransmitter {
public:
    explicit invite_2xx_retransmitter(message response_2xx, const timer_config& config = {});

    // Sends the 2xx; retransmissions follow at T1, doubling up to T2.
    action_list start(time_point now);
    // The ACK for this 2xx arrived (the owner matched it by dialog and CSeq number):
    // retransmissions stop.
    action_list on_ack(time_point now);
    // Retransmits when due; after 64*T1 without an ACK reports timeout(wait_ack) so the
    // TU ends the session with a BYE (§13.3.1.4), then terminates.
    action_list on_timer(time_point now);

    std::optional<time_point> next_deadline() const noexcept;
    bool active() const noexcept { return active_; }
    const message& response() const noexcept { return response_; }

private:
    void stop(action_list& out);

    message response_;
    timer_config config_;
    bool active_ = false;
    duration interval_{0};
    std::optional<time_point> next_send_;
    std::optional<time_point> give_up_;
};

}  // namespace ringstorm::sip
