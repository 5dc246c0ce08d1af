#include "engine/phone/call.hpp"

#include <algorithm>
#include <utility>

#include "engine/phone/registration.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"

namespace ringstorm::phone {

std::string_view to_string(call_state s) noexcept {
    switch (s) {
        case call_state::ringing:
            return "ringing";
        case call_state::answering:
            return "answering";
        case call_state::connected:
            return "connected";
        case call_state::ended:
            return "ended";
    }
    return "ended";
}

namespace {

// The SIP.js tag alphabet and length (10 characters).
std::string random_tag(std::mt19937_64& rng) {
    static constexpr std::string_view chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string out(10, 'a');
    for (auto& c : out) {
        c = chars[rng() % chars.size()];
    }
    return out;
}

std::string display_name_of(const sip::message& invite) {
    auto from = invite.get(sip::header_id::from);
    if (!from) {
        return {};
    }
    auto na = sip::parse_name_addr(*from);
    if (!na) {
        return {};
    }
    if (auto unquoted = sip::unquote(na->display_name)) {
        return *unquoted;
    }
    return std::string(na->display_name);
}

sip::timer_config call_timers(sip::timer_config t) {
    t.trying_delay = sip::duration{0};  // SIP.js sends 100 Trying at once
    return t;
}

}  // namespace

call::call(sip::message invite, call_config config, std::uint64_t seed)
    : config_(std::move(config)),
      rng_(seed),
      invite_(invite),
      invite_tx_(std::move(invite), true, call_timers(config_.timers)) {
    to_tag_ = random_tag(rng_);
    record_.call_id = std::string(sip::call_id(invite_));
    record_.remote_display_name = display_name_of(invite_);
    record_.exotel_call_sid = std::string(invite_.get("X-Exotel-CallSid").value_or(""));
    record_.exotel_leg_sid = std::string(invite_.get("X-Exotel-LegSid").value_or(""));
    negotiated_ = config_.media;
}

void call::emit(std::string_view name, core::time_point now, out_t& out) {
    append_emit(record_, name, now, out);
}

void call::send(const sip::message& m, out_t& out) {
    append_send(m, out);
}

void call::count_received(const sip::message& m, out_t& out) {
    append_received(m, out);
}

void call::end(call_end why, core::time_point now) {
    if (record_.state == call_state::ended) {
        return;
    }
    record_.state = call_state::ended;
    record_.end = why;
    record_.ended = now;
    no_answer_at_.reset();
}

sip::message call::make_local_response(const sip::message& request, int status,
                                       std::string_view reason) const {
    auto r = sip::make_response(request, status, reason, status == 100 ? "" : to_tag_);
    // RFC 3261 §12.1.1: a dialog-creating response carries our Contact.
    const bool dialog_creating =
        request.method() == sip::method::invite && status > 100 && status < 300;
    if (dialog_creating && !config_.contact_uri.empty()) {
        r.add(sip::header_id::contact, "<" + config_.contact_uri + ">");
    }
    return r;
}

// Sends a response to the initial INVITE through its server transaction.
void call::respond_invite(sip::message response, core::time_point now, out_t& out) {
    if (response.status() >= 200) {
        record_.final_status = static_cast<std::uint16_t>(response.status());
    }
    for (const auto& a : invite_tx_.respond(std::move(response), now)) {
        if (a.kind == sip::action_kind::send) {
            send(a.msg, out);
        }
    }
}

call_actions call::start(core::time_point now) {
    out_t out;
    record_.started = now;
    count_received(invite_, out);
    if (!sip::top_via(invite_) || !sip::cseq_of(invite_)) {
        // No well-formed response can copy them (RFC 3261 §8.2.6.2): dropped unanswered.
        out.push_back({call_action_type::protocol_error, "malformed_invite"});
        end(call_end::bad_invite, now);
        return out;
    }
    for (const auto& a : invite_tx_.start(now)) {
        if (a.kind == sip::action_kind::send) {
            send(a.msg, out);  // 100 Trying
        }
    }
    // A dialog needs a Call-ID, a From tag and a Contact (RFC 3261 §12.1.1).
    const bool bad = record_.call_id.empty() || sip::from_tag(invite_).empty() ||
                     !invite_.get(sip::header_id::contact);
    if (bad) {
        out.push_back({call_action_type::protocol_error, "invite_not_dialog_creating"});
        respond_invite(make_local_response(invite_, 400), now, out);
        end(call_end::bad_invite, now);
        return out;
    }
    // Checked now so a call we could never answer does not ring (RFC 3261 §13.3.1: 488).
    if (!answer_sdp(invite_.body(), sdp::direction::sendrecv)) {
        out.push_back({call_action_type::protocol_error, "sdp_offer"});
        respond_invite(make_local_response(invite_, 488), now, out);
        end(call_end::bad_offer, now);
        return out;
    }
    respond_invite(make_local_response(invite_, 180), now, out);
    emit("incoming", now, out);
    if (sdk_2_0_5()) {
        no_answer_at_ = now + config_.no_answer_timeout;
    }
    return out;
}

call_actions call::answer(core::time_point due, core::time_point now) {
    out_t out;
    if (record_.state != call_state::ringing) {
        out.push_back({call_action_type::refused, "not_ringing"});
        return out;
    }
    auto body = answer_sdp(invite_.body(), sdp::direction::sendrecv);
    auto ok = make_local_response(invite_, 200);
    ok.set_body("application/sdp", *body);
    auto d = sip::dialog::create_uas(invite_, ok, config_.via_sent_by, config_.secure_transport);
    if (!d) {
        out.push_back({call_action_type::protocol_error, "invite_not_dialog_creating"});
        return out;
    }
    dialog_ = std::move(*d);
    dialog_->on_local_response(invite_, ok);
    // The transaction moves to Accepted (RFC 6026 §8.7); the 2xx itself and its
    // retransmissions belong to the core (RFC 3261 §13.3.1.4), so only the
    // retransmitter's copy goes on the wire.
    (void)invite_tx_.respond(ok, now);
    record_.final_status = 200;
    answer_2xx_.start(std::move(ok), sip::cseq_of(invite_)->number, config_.timers, now, out);
    no_answer_at_.reset();
    answered_at_ = due;
    record_.answered = now;
    record_.state = call_state::answering;
    if (sdk_2_0_5()) {
        // SIP.js resolves accept() once the 200 is handed to the transport.
        call_action l{call_action_type::latency};
        l.step = core::step::answer_to_connected;
        l.latency = now - due;
        out.push_back(l);
        emit("connected", now, out);
    }
    return out;
}

call_actions call::reject(core::time_point now) {
    out_t out;
    if (record_.state != call_state::ringing) {
        out.push_back({call_action_type::refused, "not_ringing"});
        return out;
    }
    respond_invite(busy_here(), now, out);
    end(call_end::local_reject, now);
    emit("callEnded", now, out);
    return out;
}

// The SDK's Hangup() of a ringing call declines it like a reject: 486 (seen with the real
// 2.0.5 SDK, tests/interop/README.md); 480 is only the page unload's (unload()).
sip::message call::busy_here() const {
    return make_local_response(invite_, 486, sdk_2_0_5() ? "Busy" : std::string_view{});
}

call_actions call::unload(core::time_point due, core::time_point now) {
    if (record_.state != call_state::ringing) {
        return hangup(due, now);
    }
    out_t out;
    respond_invite(make_local_response(invite_, 480), now, out);
    end(call_end::local_hangup, now);
    emit("callEnded", now, out);
    return out;
}

call_actions call::hangup(core::time_point due, core::time_point now) {
    out_t out;
    switch (record_.state) {
        case call_state::ringing:
            respond_invite(busy_here(), now, out);
            break;
        case call_state::answering:
            // RFC 3261 §15: the callee sends no BYE before the ACK (or its timeout).
            bye_after_ack_ = true;
            bye_due_ = due;
            break;
        case call_state::connected:
            send_bye(due, now, out);
            break;
        case call_state::ended:
            out.push_back({call_action_type::refused, "call_ended"});
            return out;
    }
    end(call_end::local_hangup, now);
    emit("callEnded", now, out);
    return out;
}

void call::start_request(sip::message request, core::time_point due, core::time_point now,
                         out_t& out) {
    requests_.start(std::move(request), due, now, config_.timers, out);
}

void call::send_bye(core::time_point due, core::time_point now, out_t& out,
                    std::string_view reason) {
    if (!dialog_ || dialog_->state() == sip::dialog_state::terminated) {
        return;
    }
    auto bye = dialog_->make_request(sip::method::bye, sip::make_branch(rng_()));
    if (!reason.empty()) {
        bye.add("Reason", reason);
    }
    dialog_->terminate();
    start_request(std::move(bye), due, now, out);
}

call_actions call::dtmf(char digit, core::time_point now) {
    out_t out;
    if (auto why = dtmf_refusal(digit, record_.state == call_state::connected); !why.empty()) {
        out.push_back({call_action_type::refused, why});
        return out;
    }
    start_request(dtmf_info(*dialog_, digit, sip::make_branch(rng_())), now, now, out);
    return out;
}

call_actions call::hold(core::time_point due, core::time_point now) {
    out_t out;
    start_reinvite(sdp::hold_intent::hold, due, now, out);
    return out;
}

call_actions call::unhold(core::time_point due, core::time_point now) {
    out_t out;
    start_reinvite(sdp::hold_intent::resume, due, now, out);
    return out;
}

void call::start_reinvite(sdp::hold_intent intent, core::time_point due, core::time_point now,
                          out_t& out) {
    if (record_.state != call_state::connected) {
        out.push_back({call_action_type::refused, "not_connected"});
        return;
    }
    // RFC 3261 §14.1: no new offer while one is outstanding in either direction.
    if (reinvite_pending() || answer_2xx_) {
        out.push_back({call_action_type::refused, "offer_pending"});
        return;
    }
    offered_direction_ = sdp::offer_direction(intent, local_direction_);
    auto invite = dialog_->make_request(sip::method::invite, sip::make_branch(rng_()));
    invite.set_body("application/sdp", offer_sdp(offered_direction_));
    reinvite_intent_ = intent;
    // A due time of {} would read as "final already seen" (on_reinvite_final).
    reinvite_sent_ = due == core::time_point{} ? now : due;
    reinvite_.emplace(std::move(invite), true, config_.timers);
    for (const auto& a : reinvite_->start(now)) {
        if (a.kind == sip::action_kind::send) {
            send(a.msg, out);
        }
    }
}

std::optional<core::time_point> call::next_deadline() const noexcept {
    if (transport_lost_) {
        return std::nullopt;
    }
    return sip::earliest({invite_tx_.next_deadline(), no_answer_at_, answer_2xx_.next_deadline(),
                          reinvite_ ? reinvite_->next_deadline() : std::nullopt,
                          requests_.next_deadline()});
}

bool call::finished() const noexcept {
    return record_.state == call_state::ended && !next_deadline();
}

bool call::busy() const noexcept {
    if (transport_lost_) {
        return false;
    }
    return requests_.awaiting_final() || reinvite_pending() || bye_after_ack_;
}

call_actions call::on_transport_lost(core::time_point now) {
    out_t out;
    transport_lost_ = true;
    answer_2xx_.reset();
    reinvite_.reset();
    requests_.clear();
    bye_after_ack_ = false;
    if (record_.state == call_state::ended) {
        return out;
    }
    end(call_end::transport_error, now);
    if (!sdk_2_0_5()) {
        emit("terminated", now, out);
    }
    return out;
}

call_actions call::on_timer(core::time_point now) {
    out_t out;
    if (transport_lost_) {
        return out;
    }
    for (const auto& a : invite_tx_.on_timer(now)) {
        if (a.kind == sip::action_kind::send) {
            send(a.msg, out);
        }
    }
    if (sip::is_due(no_answer_at_, now) && record_.state == call_state::ringing) {
        respond_invite(make_local_response(invite_, 480), now, out);
        end(call_end::no_answer, now);
        emit("callEnded", now, out);
    }
    if (answer_2xx_.on_timer(now, out)) {
        // RFC 3261 §13.3.1.4: no ACK in 64·T1 ends the session with a BYE.
        send_bye(now, now, out);
        if (record_.state != call_state::ended) {
            end(call_end::no_ack, now);
            emit(sdk_2_0_5() ? "callEnded" : "terminated", now, out);
        }
    }
    if (tick_reinvite(reinvite_, now, out)) {
        // RFC 3261 §14.1: a re-INVITE that times out ends the dialog.
        send_bye(now, now, out);
        end(call_end::reinvite_timeout, now);
        emit(sdk_2_0_5() ? "callEnded" : "terminated", now, out);
    }
    requests_.on_timer(now, out);
    return out;
}

call_actions refuse_second_invite(const sip::message& invite, scenario::contract_profile profile,
                                  std::string_view contact_uri, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    const std::string tag = random_tag(rng);
    call_actions out;
    auto push = [&out](const sip::message& m) { append_send(m, out); };
    if (profile == scenario::contract_profile::exotel_web_sdk_2_0_5) {
        push(sip::make_response(invite, 100));
        auto ringing = sip::make_response(invite, 180, {}, tag);
        if (!contact_uri.empty()) {
            ringing.add(sip::header_id::contact, "<" + std::string(contact_uri) + ">");
        }
        push(ringing);
        // The SDK rejects with its own code as the reason phrase.
        push(sip::make_response(invite, 480, "4001", tag));
    } else {
        push(sip::make_response(invite, 486, {}, tag));  // RFC 3261 §21.4.24
    }
    return out;
}

}  // namespace ringstorm::phone
