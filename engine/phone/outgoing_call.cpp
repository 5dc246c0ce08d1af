// The outgoing call's set-up and the app's commands: the INVITE, CANCEL, BYE, hold and
// unhold re-INVITEs and DTMF. Responses are in outgoing_call_response.cpp,
// the callee's requests in outgoing_call_inbound.cpp, SDP in outgoing_call_media.cpp,
// deadlines and the lost WebSocket in outgoing_call_timers.cpp.

#include "engine/phone/outgoing_call.hpp"

#include <utility>

#include "engine/phone/register_request.hpp"
#include "engine/phone/registration.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/uri.hpp"

namespace ringstorm::phone {

std::string_view to_string(outgoing_state s) noexcept {
    switch (s) {
        case outgoing_state::calling:
            return "calling";
        case outgoing_state::ringing:
            return "ringing";
        case outgoing_state::cancelling:
            return "cancelling";
        case outgoing_state::connected:
            return "connected";
        case outgoing_state::ended:
            return "ended";
    }
    return "ended";
}

core::result<std::string, std::string> callee_uri(std::string_view to, std::string_view sipdomain) {
    if (to.empty()) {
        return core::unexpected(std::string("the callee is empty: give a user or a SIP URI"));
    }
    std::string text;
    if (to.find(':') == std::string_view::npos) {
        if (sipdomain.empty()) {
            return core::unexpected("'" + std::string(to) +
                                    "' has no domain and the tab has no sipdomain");
        }
        text = "sip:" + std::string(to) + "@" + std::string(sipdomain);
    } else {
        text = std::string(to);
    }
    auto u = sip::parse_uri(text);
    if (!u || !u->is_sip()) {
        return core::unexpected("'" + text + "' is not a SIP URI (e.g. sip:alice@example.com)");
    }
    if (u->user.empty()) {
        return core::unexpected("'" + text + "' names no user to call");
    }
    return text;
}

outgoing_call::outgoing_call(std::string target_uri, outgoing_call_config config,
                             std::uint64_t seed)
    : config_(std::move(config)),
      rng_(seed),
      digest_(config_.call.user, config_.password, cnonce_source(seed)),
      target_uri_(std::move(target_uri)) {
    // SIP.js 0.20 speaks MD5 only (registration.cpp says where this was seen).
    digest_.prefer(sip::digest_algorithm::md5);
    // SIP.js's Call-ID and tag shapes (22 and 10 random characters).
    record_.call_id = random_token(22, rng_);
    from_tag_ = random_token(10, rng_);
    // RFC 3261 §8.1.1.5: any start below 2**31; a drawn one keeps proxies from relying on 1.
    cseq_ = static_cast<std::uint32_t>(1 + rng_() % 9999);
    record_.direction = "outgoing";
    media_ = config_.call.media;
    media_.session_id = rng_() >> 2U;  // RFC 8866 §5.2: a 63-bit NTP-style value
    media_.setup = sdp::setup_role::actpass;
}

void outgoing_call::emit(std::string_view name, core::time_point now, out_t& out) {
    append_emit(record_, name, now, out);
}

void outgoing_call::send(const sip::message& m, out_t& out) {
    append_send(m, out);
}

void outgoing_call::count_received(const sip::message& m, out_t& out) {
    append_received(m, out);
}

void outgoing_call::end(call_end why, core::time_point now) {
    if (state_ == outgoing_state::ended) {
        return;
    }
    state_ = outgoing_state::ended;
    record_.state = call_state::ended;
    record_.end = why;
    record_.ended = now;
    cancel_give_up_.reset();
}

void outgoing_call::end_remote(call_end why, core::time_point now, out_t& out) {
    if (state_ == outgoing_state::ended) {
        return;
    }
    // A call the app already hung up has had its callEnded.
    const bool app_ended = state_ == outgoing_state::cancelling;
    end(why, now);
    if (!app_ended) {
        emit(remote_end_event(), now, out);
    }
}

// SIP.js's header order (register_request.cpp): Via, To, From, CSeq, Call-ID,
// Max-Forwards, credentials, Contact, Allow, User-Agent, body.
sip::message outgoing_call::build_invite(
    std::string_view branch, std::span<const sip::credential_header> credentials) const {
    auto m = sip::message::request(sip::method::invite, target_uri_);
    m.add(sip::header_id::via, config_.call.via_sent_by + ";branch=" + std::string(branch));
    m.add(sip::header_id::to, "<" + target_uri_ + ">");
    std::string from;
    if (!config_.display_name.empty()) {
        from = sip::quote(config_.display_name) + " ";
    }
    from += "<" + config_.from_uri + ">;tag=" + from_tag_;
    m.add(sip::header_id::from, from);
    m.add(sip::header_id::cseq, std::to_string(cseq_) + " INVITE");
    m.add(sip::header_id::call_id, record_.call_id);
    m.add(sip::header_id::max_forwards, "70");
    for (const auto& c : credentials) {
        m.add(c.id, c.value);
    }
    m.add(sip::header_id::contact, "<" + config_.call.contact_uri + ">");
    m.add(sip::header_id::allow, sdk_allow);
    m.add(sip::header_id::user_agent, sdk_user_agent);
    m.set_body("application/sdp", offer_);
    return m;
}

void outgoing_call::send_invite(core::time_point now, out_t& out) {
    std::vector<sip::credential_header> credentials;
    if (digest_.has_challenge()) {
        // RFC 3261 §22.4: the digest-uri is the Request-URI.
        auto answered = digest_.authorize(sip::digest_request{"INVITE", target_uri_, offer_});
        if (answered) {
            credentials = std::move(*answered);
        }
    }
    // A fresh branch per transaction (RFC 3261 §8.1.1.7), the challenged one included.
    invite_ = build_invite(sip::make_branch(rng_()), credentials);
    invite_tx_.emplace(invite_, true, config_.call.timers);
    for (const auto& a : invite_tx_->start(now)) {
        if (a.kind == sip::action_kind::send) {
            send(a.msg, out);
        }
    }
}

call_actions outgoing_call::start(core::time_point due, core::time_point now) {
    out_t out;
    record_.started = due;
    offer_ = offer_sdp(sdp::direction::sendrecv);
    offered_direction_ = sdp::direction::sendrecv;
    send_invite(now, out);
    return out;
}

void outgoing_call::start_request(sip::message request, core::time_point due, core::time_point now,
                                  out_t& out) {
    requests_.start(std::move(request), due, now, config_.call.timers, out);
}

void outgoing_call::send_cancel(core::time_point now, out_t& out) {
    // RFC 3261 §9.1: same Request-URI, Call-ID, From, To, CSeq number and top Via as the
    // INVITE (so it reaches the same transaction at the proxy), no credentials needed.
    cancel_.emplace(pending_request{
        sip::client_non_invite_transaction(sip::make_cancel(invite_), true, config_.call.timers),
        now});
    for (const auto& a : cancel_->tx.start(now)) {
        if (a.kind == sip::action_kind::send) {
            send(a.msg, out);
        }
    }
    // RFC 3261 §9.1: without a final answer 64·T1 after the CANCEL, the INVITE is given up.
    cancel_give_up_ = now + config_.call.timers.timeout_64t1();
}

void outgoing_call::send_bye(core::time_point due, core::time_point now, out_t& out) {
    if (!dialog_ || dialog_->state() == sip::dialog_state::terminated) {
        return;
    }
    auto bye = dialog_->make_request(sip::method::bye, sip::make_branch(rng_()));
    dialog_->terminate();
    start_request(std::move(bye), due, now, out);
}

call_actions outgoing_call::hangup(core::time_point due, core::time_point now) {
    out_t out;
    switch (state_) {
        case outgoing_state::calling:
            // RFC 3261 §9.1: no CANCEL before a provisional response; it goes with the first.
            cancel_due_ = due;
            state_ = outgoing_state::cancelling;
            emit("callEnded", now, out);
            return out;
        case outgoing_state::ringing:
            cancel_due_ = due;
            state_ = outgoing_state::cancelling;
            send_cancel(now, out);
            emit("callEnded", now, out);
            return out;
        case outgoing_state::connected:
            send_bye(due, now, out);
            end(call_end::local_hangup, now);
            emit("callEnded", now, out);
            return out;
        case outgoing_state::cancelling:
            out.push_back({call_action_type::refused, "cancelling"});
            return out;
        case outgoing_state::ended:
            out.push_back({call_action_type::refused, "call_ended"});
            return out;
    }
    return out;
}

call_actions outgoing_call::dtmf(char digit, core::time_point now) {
    out_t out;
    if (auto why = dtmf_refusal(digit, state_ == outgoing_state::connected); !why.empty()) {
        out.push_back({call_action_type::refused, why});
        return out;
    }
    start_request(dtmf_info(*dialog_, digit, sip::make_branch(rng_())), now, now, out);
    return out;
}

call_actions outgoing_call::hold(core::time_point due, core::time_point now) {
    out_t out;
    start_reinvite(sdp::hold_intent::hold, due, now, out);
    return out;
}

call_actions outgoing_call::unhold(core::time_point due, core::time_point now) {
    out_t out;
    start_reinvite(sdp::hold_intent::resume, due, now, out);
    return out;
}

void outgoing_call::start_reinvite(sdp::hold_intent intent, core::time_point due,
                                   core::time_point now, out_t& out) {
    if (state_ != outgoing_state::connected) {
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
    invite.add(sip::header_id::allow, sdk_allow);
    invite.set_body("application/sdp", offer_sdp(offered_direction_));
    reinvite_intent_ = intent;
    reinvite_sent_ = due;
    reinvite_answered_ = false;
    reinvite_.emplace(std::move(invite), true, config_.call.timers);
    for (const auto& a : reinvite_->start(now)) {
        if (a.kind == sip::action_kind::send) {
            send(a.msg, out);
        }
    }
}

}  // namespace ringstorm::phone
