#include "engine/sip/invite_2xx_retransmitter.hpp"

#include <algorithm>
#include <utility>

namespace ringstorm::sip {

invite_2xx_retransmitter::invite_2xx_retransmitter(message response_2xx, const timer_config& config)
    : response_(std::move(response_2xx)), config_(config) {}

action_list invite_2xx_retransmitter::start(time_point now) {
    action_list out;
    out.push(action_kind::send, response_);
    active_ = true;
    interval_ = config_.t1;
    next_send_ = now + interval_;
    give_up_ = now + config_.timeout_64t1();
    return out;
}

action_list invite_2xx_retransmitter::on_ack(time_point /*now*/) {
    action_list out;
    if (active_) {
        stop(out);
    }
    return out;
}

action_list invite_2xx_retransmitter::on_timer(time_point now) {
    action_list out;
    if (!active_) {
        return out;
    }
    if (is_due(give_up_, now)) {
        out.push(action_kind::timeout, {}, timer_id::wait_ack);
        stop(out);
    } else if (is_due(next_send_, now)) {
        out.push(action_kind::send, response_);
        interval_ = std::min(2 * interval_, config_.t2);
        next_send_ = now + interval_;
    }
    return out;
}

std::optional<time_point> invite_2xx_retransmitter::next_deadline() const noexcept {
    return earliest({next_send_, give_up_});
}

void invite_2xx_retransmitter::stop(action_list& out) {
    active_ = false;
    next_send_.reset();
    give_up_.reset();
    out.push(action_kind::terminated);
}

}  // namespace ringstorm::sip
