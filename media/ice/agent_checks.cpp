// The ICE agent over time: paced checks (RFC 8445 §6.1.4.2, §14.2), retransmissions
// (RFC 8489 §6.2.1), nomination (§8.1.1), consent freshness (RFC 7675 §5.1), and the
// encoding of what it sends.

#include <algorithm>

#include "media/ice/agent.hpp"
#include "media/ice/stun_writer.hpp"

namespace ringstorm::ice {

stun::transaction_id agent::new_tid() {
    // RFC 8489 §6: the id must be unpredictable to off-path attackers; the owner seeds the
    // generator from a random source, and every check is authenticated anyway.
    stun::transaction_id tid;
    const std::uint64_t a = rng_();
    const std::uint64_t b = rng_();
    for (std::size_t i = 0; i < 8; ++i) {
        tid[i] = static_cast<std::uint8_t>(a >> (8 * i));
    }
    for (std::size_t i = 0; i < 4; ++i) {
        tid[8 + i] = static_cast<std::uint8_t>(b >> (8 * i));
    }
    return tid;
}

core::duration agent::jittered_consent_interval() {
    // RFC 7675 §5.1: uniformly 0.8..1.2 of the interval, so agents do not synchronise.
    std::uniform_real_distribution<double> factor(0.8, 1.2);
    return std::chrono::duration_cast<core::duration>(cfg_.consent_interval * factor(rng_));
}

bool agent::can_check() const noexcept {
    return !cfg_.lite && remote_key_.has_value() &&
           (state_ == state::checking || state_ == state::connected ||
            state_ == state::disconnected);
}

void agent::start_check(std::size_t pair, tx_kind kind, core::time_point now) {
    candidate_pair& p = pairs_[pair];
    transaction t;
    t.tid = new_tid();
    t.pair = pair;
    t.kind = kind;
    t.sent_as = role_;
    // Aggressive nomination puts USE-CANDIDATE on every check; regular on the one that
    // nominates. Consent checks never nominate.
    t.use_candidate = kind == tx_kind::check && role_ == role::controlling &&
                      (cfg_.nomination == nomination::aggressive || p.nominating);
    t.sends = 1;
    // RFC 8445 §14.3: RTO = MAX(500 ms, Ta * (Waiting + In-Progress pairs)); the 500 ms
    // floor is cfg_.rto.
    const auto busy = std::count_if(pairs_.begin(), pairs_.end(), [](const candidate_pair& q) {
        return q.state == pair_state::waiting || q.state == pair_state::in_progress;
    });
    t.rto = std::max(cfg_.rto, cfg_.ta * busy);
    t.due = now + t.rto;
    if (kind == tx_kind::check) {
        p.state = pair_state::in_progress;
        ++stats_.checks_sent;
    } else {
        ++stats_.consent_checks_sent;
    }
    transactions_.push_back(t);

    outgoing o;
    o.kind = out_kind::request;
    o.local = p.local;
    o.to = remote_[p.remote].address;
    o.tid = t.tid;
    o.use_candidate = t.use_candidate;
    o.as_role = t.sent_as;
    out_.push_back(o);
}

std::optional<std::size_t> agent::next_pair_to_check() {
    // RFC 8445 §6.1.4.2: the triggered-check queue first, then the highest-priority
    // Waiting pair, then unfreeze the highest-priority Frozen one.
    while (!triggered_.empty()) {
        const std::size_t pair = triggered_.front();
        triggered_.erase(triggered_.begin());
        if (pairs_[pair].state != pair_state::in_progress) {
            return pair;
        }
    }
    for (const pair_state wanted : {pair_state::waiting, pair_state::frozen}) {
        std::optional<std::size_t> best;
        for (std::size_t i = 0; i < pairs_.size(); ++i) {
            if (pairs_[i].state == wanted &&
                (!best || pairs_[i].priority > pairs_[*best].priority)) {
                best = i;
            }
        }
        if (best) {
            return best;
        }
    }
    return std::nullopt;
}

bool agent::has_check_work() const noexcept {
    if (!triggered_.empty()) {
        return true;
    }
    return std::any_of(pairs_.begin(), pairs_.end(), [](const candidate_pair& p) {
        return p.state == pair_state::waiting || p.state == pair_state::frozen;
    });
}

void agent::run_retransmissions(core::time_point now) {
    for (std::size_t i = 0; i < transactions_.size();) {
        transaction& t = transactions_[i];
        if (now < t.due) {
            ++i;
            continue;
        }
        if (t.sends >= cfg_.max_transmissions) {
            // RFC 8489 §6.2.1: no answer after Rc sends and the last wait: timed out.
            ++stats_.timeouts;
            if (t.kind == tx_kind::check) {
                pairs_[t.pair].state = pair_state::failed;
                pairs_[t.pair].nominating = false;
            }
            transactions_.erase(transactions_.begin() + static_cast<std::ptrdiff_t>(i));
            continue;
        }
        ++t.sends;
        ++stats_.retransmissions;
        t.rto *= 2;
        // After the last send wait Rm times the initial RTO, not another doubling.
        t.due =
            now + (t.sends == cfg_.max_transmissions ? cfg_.rto * cfg_.last_wait_factor : t.rto);
        const candidate_pair& p = pairs_[t.pair];
        outgoing o;
        o.kind = out_kind::request;
        o.local = p.local;
        o.to = remote_[p.remote].address;
        o.tid = t.tid;
        o.use_candidate = t.use_candidate;
        o.as_role = t.sent_as;
        out_.push_back(o);
        ++i;
    }
}

void agent::maybe_nominate(core::time_point now) {
    if (role_ != role::controlling || cfg_.nomination != nomination::regular || selected_ ||
        !first_valid_) {
        return;
    }
    if (std::any_of(pairs_.begin(), pairs_.end(),
                    [](const candidate_pair& p) { return p.nominating; })) {
        return;
    }
    std::optional<std::size_t> best_valid;
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
        if (pairs_[i].state == pair_state::succeeded &&
            (!best_valid || pairs_[i].priority > pairs_[*best_valid].priority)) {
            best_valid = i;
        }
    }
    if (!best_valid) {
        return;
    }
    // Nominate when no better pair is still pending, or once we have waited long enough.
    const std::uint64_t floor = pairs_[*best_valid].priority;
    const bool better_pending = std::any_of(pairs_.begin(), pairs_.end(), [&](const auto& p) {
        return p.priority > floor && p.state != pair_state::succeeded &&
               p.state != pair_state::failed;
    });
    if (better_pending && now < *first_valid_ + cfg_.nomination_wait) {
        return;
    }
    // RFC 8445 §8.1.1: repeat the check on the valid pair with USE-CANDIDATE.
    pairs_[*best_valid].nominating = true;
    triggered_.insert(triggered_.begin(), *best_valid);
}

void agent::check_list_failure() {
    // RFC 8445 §7.2.5.3.5 / §8.1.2: every pair failed and nothing left to try.
    if (state_ != state::checking || cfg_.lite || pairs_.empty() || !transactions_.empty() ||
        has_check_work()) {
        return;
    }
    if (std::all_of(pairs_.begin(), pairs_.end(),
                    [](const candidate_pair& p) { return p.state == pair_state::failed; })) {
        set_state(state::failed);
    }
}

void agent::run_consent(core::time_point now) {
    if (!selected_) {
        return;
    }
    const core::duration silent = now - last_consent_;
    if (silent >= cfg_.consent_timeout) {
        set_state(state::failed);  // RFC 7675 §5.1: consent expired
        return;
    }
    if (silent >= cfg_.disconnected_after && state_ == state::connected) {
        set_state(state::disconnected);
    }
    if (cfg_.lite || now < next_consent_) {
        return;
    }
    // One consent transaction at a time: a newer check supersedes an unanswered one, so
    // a dead path costs a bounded number of datagrams.
    std::erase_if(transactions_, [](const transaction& t) { return t.kind == tx_kind::consent; });
    start_check(*selected_, tx_kind::consent, now);
    next_consent_ = now + jittered_consent_interval();
}

void agent::on_timer(core::time_point now) {
    if (state_ == state::failed) {
        return;
    }
    if (state_ == state::checking && now - started_ >= cfg_.connect_timeout) {
        set_state(state::failed);
        return;
    }
    run_retransmissions(now);
    maybe_nominate(now);
    if (can_check() && now >= next_check_) {
        if (auto pair = next_pair_to_check()) {
            start_check(*pair, tx_kind::check, now);
            next_check_ = now + cfg_.ta;
        }
    }
    check_list_failure();
    run_consent(now);
}

core::time_point agent::next_timeout() const noexcept {
    if (state_ == state::failed) {
        return core::time_point::max();
    }
    core::time_point next = core::time_point::max();
    for (const transaction& t : transactions_) {
        next = std::min(next, t.due);
    }
    const bool nominate_pending = role_ == role::controlling &&
                                  cfg_.nomination == nomination::regular && !selected_ &&
                                  first_valid_.has_value();
    if (can_check() && (has_check_work() || nominate_pending)) {
        next = std::min(next, next_check_);
    }
    if (nominate_pending) {
        next = std::min(next, *first_valid_ + cfg_.nomination_wait);
    }
    if (state_ == state::checking) {
        next = std::min(next, started_ + cfg_.connect_timeout);
    }
    if (selected_) {
        if (!cfg_.lite) {
            next = std::min(next, next_consent_);
        }
        if (state_ == state::connected) {
            next = std::min(next, last_consent_ + cfg_.disconnected_after);
        }
        next = std::min(next, last_consent_ + cfg_.consent_timeout);
    }
    return next;
}

std::optional<transmit> agent::poll_transmit(std::span<std::uint8_t> buffer) {
    while (out_head_ < out_.size()) {
        const outgoing& o = out_[out_head_++];
        core::result<std::size_t, stun::errc> size = std::size_t{0};
        if (o.kind == out_kind::request) {
            if (!remote_key_) {
                continue;
            }
            stun::writer w(buffer, stun::message_class::request, stun::method::binding, o.tid);
            // RFC 8445 §7.2.2: USERNAME, PRIORITY (as peer-reflexive, §7.2.2.1), the
            // role with our tie-breaker, USE-CANDIDATE when nominating, then integrity
            // with the peer's password and FINGERPRINT.
            w.username(check_username_)
                .priority(candidate_priority(type_preference::peer_reflexive,
                                             local_[o.local].priority >> 8 & 0xFFFF,
                                             component_rtp));
            if (o.as_role == role::controlling) {
                w.ice_controlling(cfg_.tie_breaker);
            } else {
                w.ice_controlled(cfg_.tie_breaker);
            }
            if (o.use_candidate) {
                w.use_candidate();
            }
            w.message_integrity(*remote_key_).fingerprint();
            size = w.finish();
        } else if (o.kind == out_kind::success) {
            size = stun::encode_binding_success(buffer, o.tid, o.to, local_key_);
        } else {
            stun::writer w(buffer, stun::message_class::error, stun::method::binding, o.tid);
            w.error_code(o.error, o.error == stun::error::role_conflict       ? "Role Conflict"
                                  : o.error == stun::error::unauthenticated   ? "Unauthenticated"
                                  : o.error == stun::error::unknown_attribute ? "Unknown Attribute"
                                                                              : "Bad Request");
            if (o.unknown_count > 0) {
                w.unknown_attributes(std::span(o.unknown.data(), o.unknown_count));
            }
            if (o.sign) {
                w.message_integrity(local_key_);
            }
            w.fingerprint();
            size = w.finish();
        }
        if (!size) {
            ++stats_.encode_failures;
            continue;
        }
        const transmit t{o.local, o.to, *size};
        if (out_head_ == out_.size()) {
            out_.clear();
            out_head_ = 0;
        }
        return t;
    }
    out_.clear();
    out_head_ = 0;
    return std::nullopt;
}

}  // namespace ringstorm::ice
