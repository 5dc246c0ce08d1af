#include "engine/phone/dialog_requests.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "engine/phone/registration.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "engine/sip/timers.hpp"

namespace ringstorm::phone {

void append_send(const sip::message& m, call_actions& out) {
    call_action count{call_action_type::sip_count};
    count.direction = core::direction::sent;
    count.method = stats_method_of(m);
    count.status = core::status_class_of(m.status());
    out.push_back(count);
    call_action a{call_action_type::send};
    a.text = sip::serialize(m);
    out.push_back(std::move(a));
}

void append_received(const sip::message& m, call_actions& out) {
    call_action count{call_action_type::sip_count};
    count.direction = core::direction::received;
    count.method = stats_method_of(m);
    count.status = core::status_class_of(m.status());
    out.push_back(count);
}

void append_emit(call_record& record, std::string_view name, core::time_point now,
                 call_actions& out) {
    record.events.push_back({now, scenario::callback_kind::call_event, name});
    call_action a{call_action_type::emit};
    a.event = name;
    a.text = record.call_id;
    out.push_back(std::move(a));
}

// ---- dialog_requests ----

void dialog_requests::start(sip::message request, core::time_point due, core::time_point now,
                            const sip::timer_config& timers, call_actions& out) {
    list_.push_back({sip::client_non_invite_transaction(std::move(request), true, timers), due});
    for (const auto& a : list_.back().tx.start(now)) {
        if (a.kind == sip::action_kind::send) {
            append_send(a.msg, out);
        }
    }
}

bool dialog_requests::on_response(const sip::message& m, const sip::client_key& key,
                                  core::time_point now, sip::dialog* dialog, call_actions& out) {
    for (auto& r : list_) {
        if (sip::client_key_of(r.tx.request()) != key) {
            continue;
        }
        for (const auto& a : r.tx.on_response(m, now)) {
            if (a.kind != sip::action_kind::deliver || a.msg.status() < 200) {
                continue;
            }
            if (r.tx.request().method() == sip::method::bye) {
                call_action l{call_action_type::latency};
                l.step = core::step::bye;
                l.latency = now - r.sent;
                out.push_back(l);
            } else if (dialog != nullptr) {
                dialog->on_response(r.tx.request(), a.msg);
            }
        }
        drop_terminated();
        return true;
    }
    return false;
}

void dialog_requests::on_timer(core::time_point now, call_actions& out) {
    for (auto& r : list_) {
        for (const auto& a : r.tx.on_timer(now)) {
            if (a.kind == sip::action_kind::timeout) {
                call_action e = error_action("request_timeout");
                e.text = "no final response to our " + std::string(r.tx.request().method_text());
                out.push_back(std::move(e));
            }
        }
    }
    drop_terminated();
}

std::optional<core::time_point> dialog_requests::next_deadline() const noexcept {
    std::optional<core::time_point> out;
    for (const auto& r : list_) {
        out = sip::earliest({out, r.tx.next_deadline()});
    }
    return out;
}

bool dialog_requests::awaiting_final() const noexcept {
    return std::any_of(list_.begin(), list_.end(), [](const pending_request& r) {
        return r.tx.state() == sip::client_non_invite_state::trying ||
               r.tx.state() == sip::client_non_invite_state::proceeding;
    });
}

void dialog_requests::drop_terminated() {
    std::erase_if(list_, [](const pending_request& r) {
        return r.tx.state() == sip::client_non_invite_state::terminated;
    });
}

// ---- pending_2xx ----

void pending_2xx::start(sip::message ok, std::uint32_t cseq, const sip::timer_config& timers,
                        core::time_point now, call_actions& out) {
    r_.emplace(std::move(ok), timers);
    cseq_ = cseq;
    for (const auto& a : r_->start(now)) {
        if (a.kind == sip::action_kind::send) {
            append_send(a.msg, out);
        }
    }
}

void pending_2xx::on_ack(core::time_point now) {
    if (r_) {
        (void)r_->on_ack(now);
        r_.reset();
    }
}

bool pending_2xx::on_timer(core::time_point now, call_actions& out) {
    if (!r_) {
        return false;
    }
    bool gave_up = false;
    for (const auto& a : r_->on_timer(now)) {
        if (a.kind == sip::action_kind::send) {
            append_send(a.msg, out);
        } else if (a.kind == sip::action_kind::timeout) {
            gave_up = true;
        }
    }
    if (!r_->active()) {
        r_.reset();
    }
    if (gave_up) {
        out.push_back(error_action("ack_timeout"));
    }
    return gave_up;
}

std::optional<core::time_point> pending_2xx::next_deadline() const noexcept {
    return r_ ? r_->next_deadline() : std::nullopt;
}

// ---- our re-INVITE ----

bool invite_pending(const std::optional<sip::client_invite_transaction>& tx) noexcept {
    return tx && (tx->state() == sip::client_invite_state::calling ||
                  tx->state() == sip::client_invite_state::proceeding);
}

bool tick_reinvite(std::optional<sip::client_invite_transaction>& tx, core::time_point now,
                   call_actions& out) {
    if (!tx) {
        return false;
    }
    for (const auto& a : tx->on_timer(now)) {
        if (a.kind == sip::action_kind::send) {
            append_send(a.msg, out);
        } else if (a.kind == sip::action_kind::timeout) {
            out.push_back(error_action("reinvite_timeout"));
            tx.reset();
            return true;
        }
    }
    if (tx->state() == sip::client_invite_state::terminated) {
        tx.reset();
    }
    return false;
}

// ---- the far end's requests ----

routed_request route_dialog_request(sip::dialog& dialog, const sip::message& m) {
    switch (dialog.on_request(m)) {
        case sip::request_verdict::accept:
            break;
        case sip::request_verdict::reject_out_of_order:
            return {dialog_route::respond, 500, "cseq_out_of_order"};
        case sip::request_verdict::reject_bad_cseq:
            return {dialog_route::respond, 400, "malformed_request"};
    }
    switch (m.method()) {
        case sip::method::bye:
            return {dialog_route::bye, 0, {}};
        case sip::method::invite:
            return {dialog_route::reinvite, 0, {}};
        case sip::method::info:
        case sip::method::options:
        case sip::method::notify:
            return {dialog_route::respond, 200, {}};
        default:
            return {dialog_route::respond, 501, {}};
    }
}

bool refuse_crossing_reinvite(const sip::message& m, bool our_reinvite_pending,
                              bool our_2xx_pending, call_actions& out) {
    // In the dialog the request has its To tag: no tag or Contact of ours to add.
    if (our_reinvite_pending) {
        append_send(sip::make_response(m, 491), out);
        return true;
    }
    if (our_2xx_pending) {
        auto busy = sip::make_response(m, 500);
        busy.add("Retry-After", "1");
        append_send(busy, out);
        return true;
    }
    return false;
}

std::string_view dtmf_refusal(char digit, bool connected) noexcept {
    static constexpr std::string_view digits = "0123456789*#ABCD";
    if (digits.find(digit) == std::string_view::npos) {
        return "bad_digit";
    }
    return connected ? std::string_view{} : std::string_view{"not_connected"};
}

sip::message dtmf_info(sip::dialog& dialog, char digit, std::string_view branch) {
    auto info = dialog.make_request(sip::method::info, branch);
    info.set_body("application/dtmf-relay", "Signal=" + std::string(1, digit) + "\r\nDuration=240");
    return info;
}

}  // namespace ringstorm::phone
