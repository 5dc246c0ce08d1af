// The registration machine's SDK calls, transport events, timers and bookkeeping
// (episodes, events, ladder). Responses live in registration_response.cpp, requests
// from the target in registration_inbound.cpp.

#include "engine/phone/registration.hpp"

#include <algorithm>

#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/transaction.hpp"

namespace ringstorm::phone {

registration::registration(registration_config config, std::uint64_t seed)
    : config_(std::move(config)),
      rng_(seed),
      digest_(config_.account.user_name, config_.account.secret, cnonce_source(seed)),
      identity_(make_identity(rng_)) {
    // SIP.js 0.20 speaks MD5 only: offered several, it answers MD5 (the real SDK does so
    // against `ringstorm serve`, tests/interop). SHA-256 alone is still answered.
    digest_.prefer(sip::digest_algorithm::md5);
}

// ---------------------------------------------------------------------------------------
// bookkeeping

std::size_t registration::open_episode(episode_kind kind, core::time_point due,
                                       core::time_point now) {
    (void)now;
    episode e;
    e.kind = kind;
    e.due = due;
    e.first_event = static_cast<std::uint32_t>(timeline_.events.size());
    e.end_event = e.first_event;
    timeline_.episodes.push_back(std::move(e));
    return timeline_.episodes.size() - 1;
}

void registration::emit(std::string_view name, core::time_point now, out_t& out) {
    timeline_.events.push_back({now, scenario::callback_kind::register_event, name});
    const auto index = static_cast<std::uint32_t>(timeline_.events.size() - 1);
    if (!timeline_.episodes.empty()) {
        timeline_.episodes.back().end_event = index + 1;
    }
    out.push_back(emit_action(index));
}

void registration::end_episode(episode_outcome outcome, std::string detail, core::time_point now) {
    if (current_ < 0) {
        return;
    }
    auto& e = current();
    e.outcome = outcome;
    e.ended = now;
    e.end_event = static_cast<std::uint32_t>(timeline_.events.size());
    if (!detail.empty()) {
        e.detail = std::move(detail);
    }
    current_ = -1;
    transaction_.reset();
}

void registration::note(std::string text, bool sent, core::time_point now) {
    ladder_bytes_ += text.size();
    timeline_.ladder.push_back({now, sent, std::move(text)});
    // Drop the oldest first, but always keep the newest entry whatever its size.
    std::size_t drop = 0;
    while (ladder_bytes_ > config_.ladder_limit_bytes && drop + 1 < timeline_.ladder.size()) {
        ladder_bytes_ -= timeline_.ladder[drop].text.size();
        ++drop;
    }
    if (drop > 0) {
        timeline_.ladder.erase(timeline_.ladder.begin(),
                               timeline_.ladder.begin() + static_cast<std::ptrdiff_t>(drop));
        timeline_.ladder_dropped += static_cast<std::uint32_t>(drop);
    }
}

void registration::close_ws(core::time_point now, out_t& out) {
    if (ws_ == ws_state::down) {
        return;
    }
    ws_ = ws_state::down;
    note("ws closed 1000 by the phone", true, now);
    out.push_back({action_type::close});
}

void registration::renew_identity() {
    identity_ = make_identity(rng_);
    next_cseq_ = first_register_cseq;
    digest_.reset();
    credentials_.clear();
    renew_identity_ = false;
}

// ---------------------------------------------------------------------------------------
// SDK calls

registration_actions registration::do_register(core::time_point due, core::time_point now) {
    out_t out;
    if (busy()) {
        if (current().kind == episode_kind::unregister && !stopping_) {
            queued_ = queued::register_;
            queued_due_ = due;
        }
        return out;
    }
    retry_at_.reset();
    start_register(episode_kind::register_, due, now, out);
    return out;
}

registration_actions registration::unregister(core::time_point due, core::time_point now) {
    out_t out;
    if (busy()) {
        if (current().kind != episode_kind::unregister && !stopping_) {
            queued_ = queued::unregister;
            queued_due_ = due;
        }
        return out;
    }
    start_unregister(due, now, out);
    return out;
}

void registration::start_register(episode_kind kind, core::time_point due, core::time_point now,
                                  out_t& out) {
    refresh_at_.reset();
    if (renew_identity_) {
        renew_identity();
    }
    current_ = static_cast<std::int32_t>(open_episode(kind, due, now));
    begin_attempt(now, out);
}

void registration::start_unregister(core::time_point due, core::time_point now, out_t& out) {
    current_ = static_cast<std::int32_t>(open_episode(episode_kind::unregister, due, now));
    if (!registered_) {
        // Nothing to remove. The documented SDK still reports unregistered; 2.0.5 says
        // nothing and, if its retry loop runs, the loop goes on.
        if (!sdk_2_0_5()) {
            emit("unregistered", now, out);
        }
        end_episode(episode_outcome::not_sent, "not registered", now);
        return;
    }
    refresh_at_.reset();
    registered_ = false;
    if (sdk_2_0_5()) {
        unregister_2_0_5(now, out);
        return;
    }
    begin_attempt(now, out);
}

void registration::begin_attempt(core::time_point now, out_t& out) {
    if (ws_ == ws_state::up) {
        send_register(now, out);
        return;
    }
    if (ws_ == ws_state::down) {
        ws_ = ws_state::connecting;
        note("ws connecting", true, now);
        out.push_back({action_type::connect});
    }
}

sip::message registration::make_register(bool deregister) {
    const std::string branch = sip::make_branch(rng_());
    register_fields fields{
        config_.sipdomain, config_.account.auth_user,         config_.account.display_name,
        next_cseq_++,      deregister ? 0u : config_.expires, branch};
    if (digest_.has_challenge() && (fresh_challenge_ || credentials_.empty())) {
        const std::string uri = register_request_uri(config_.sipdomain);
        auto answered = digest_.authorize(sip::digest_request{"REGISTER", uri, {}});
        credentials_ = answered ? std::move(*answered) : std::vector<sip::credential_header>{};
        fresh_challenge_ = false;
    }
    return build_register(identity_, fields, credentials_);
}

void registration::send_register(core::time_point now, out_t& out) {
    auto& e = current();
    sip::message request = make_register(e.kind == episode_kind::unregister);

    sip::timer_config timers;
    timers.t1 = std::max(sip::duration{1}, config_.register_timeout / 64);
    timers.t2 = std::max(timers.t2, timers.t1);
    transaction_.emplace(std::move(request), true, timers);
    for (auto& a : transaction_->start(now)) {
        if (a.kind == sip::action_kind::send) {
            count_sent(a.msg, now, out);
        }
    }
    // The documented SDK reports the start of a registration once; 2.0.5 reports every
    // REGISTER it sends. A documented refresh is silent.
    const bool first = e.challenges == 0;
    if (sdk_2_0_5()) {
        emit("sent_request", now, out);
    } else if (first && e.kind != episode_kind::refresh) {
        emit("sent_request", now, out);
    }
}

void registration::count_sent(const sip::message& m, core::time_point now, out_t& out) {
    std::string text = sip::serialize(m);
    out.push_back(sip_count_action(core::direction::sent, stats_method_of(m),
                                   core::status_class_of(m.status())));
    note(text, true, now);
    out.push_back({action_type::send, std::move(text)});
}

void registration::stop() noexcept {
    stopping_ = true;
    refresh_at_.reset();
    retry_at_.reset();
    queued_ = queued::none;
}

// ---------------------------------------------------------------------------------------
// transport

registration_actions registration::on_connected(std::chrono::nanoseconds ws_connect,
                                                std::chrono::nanoseconds tls_handshake,
                                                core::time_point now) {
    out_t out;
    if (ws_ != ws_state::connecting) {
        return out;
    }
    ws_ = ws_state::up;
    note("ws connected", false, now);
    out.push_back(latency_action(core::step::ws_connect, ws_connect));
    if (tls_handshake.count() > 0) {
        out.push_back(latency_action(core::step::tls_handshake, tls_handshake));
    }
    if (busy() && !transaction_) {
        send_register(now, out);
    }
    return out;
}

registration_actions registration::on_connect_failed(const transport::failure& why,
                                                     core::time_point now) {
    out_t out;
    if (ws_ != ws_state::connecting) {
        return out;
    }
    ws_ = ws_state::down;
    std::string text = why.message();
    note("ws connect failed: " + text, false, now);
    if (busy()) {
        if (current().kind == episode_kind::unregister) {
            finish_unregister(episode_outcome::transport_error, std::move(text), now, out);
        } else {
            fail(episode_outcome::transport_error, std::move(text), now, out);
        }
    }
    return out;
}

registration_actions registration::on_closed(const transport::failure& why, core::time_point now) {
    out_t out;
    if (ws_ == ws_state::down) {
        return out;  // we closed it ourselves, or it was never open
    }
    ws_ = ws_state::down;
    std::string text = why.message();
    note("ws dropped: " + text, false, now);
    if (busy()) {
        if (current().kind == episode_kind::unregister) {
            finish_unregister(episode_outcome::transport_error, std::move(text), now, out);
        } else {
            fail(episode_outcome::transport_error, std::move(text), now, out);
        }
    } else if (registered_) {
        // The binding was in place and nothing was in flight: the drop gets an episode of
        // its own holding the profile's loss event (documented: terminated; 2.0.5:
        // unregistered and the retry loop).
        current_ = static_cast<std::int32_t>(open_episode(episode_kind::drop, now, now));
        fail(episode_outcome::transport_error, std::move(text), now, out);
    }
    return out;
}

// ---------------------------------------------------------------------------------------
// time

std::optional<core::time_point> registration::next_deadline() const noexcept {
    return sip::earliest(
        {transaction_ ? transaction_->next_deadline() : std::nullopt, refresh_at_, retry_at_});
}

registration_actions registration::on_timer(core::time_point now) {
    out_t out;
    if (transaction_ && sip::is_due(transaction_->next_deadline(), now)) {
        for (const auto& a : transaction_->on_timer(now)) {
            if (a.kind == sip::action_kind::timeout) {
                std::string text = "no final response to REGISTER in " +
                                   std::to_string(config_.register_timeout.count()) + " ms";
                note("timeout: " + text, false, now);
                if (current().kind == episode_kind::unregister) {
                    finish_unregister(episode_outcome::timeout, std::move(text), now, out);
                } else {
                    fail(episode_outcome::timeout, std::move(text), now, out);
                }
                break;
            }
        }
    }
    if (sip::is_due(refresh_at_, now) && !busy()) {
        const auto due = *refresh_at_;
        refresh_at_.reset();
        start_register(episode_kind::refresh, due, now, out);
    }
    if (sip::is_due(retry_at_, now) && !busy()) {
        const auto due = *retry_at_;
        retry_at_.reset();
        start_register(episode_kind::recover, due, now, out);
    }
    return out;
}

void registration::after_episode(core::time_point now, out_t& out) {
    if (stopping_ || busy()) {
        return;
    }
    const auto q = queued_;
    queued_ = queued::none;
    if (q == queued::register_) {
        retry_at_.reset();
        start_register(episode_kind::register_, queued_due_, now, out);
    } else if (q == queued::unregister) {
        start_unregister(queued_due_, now, out);
    }
}

}  // namespace ringstorm::phone
