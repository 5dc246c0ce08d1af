// What arrives from the network: checks to answer (RFC 8445 §7.3), answers to our checks
// (§7.2.5), role conflicts (§7.3.1.1, §7.2.5.1) and peer-reflexive candidates (§7.3.1.3).

#include <algorithm>

#include "media/ice/agent.hpp"

namespace ringstorm::ice {

packet_result agent::on_packet(const transport_address& from, std::span<const std::uint8_t> bytes,
                               core::time_point now, std::size_t local) {
    auto decoded = stun::decode(bytes);
    if (!decoded) {
        return packet_result::not_stun;
    }
    const stun::message& m = *decoded;
    // RFC 8445 §7.2.2 / §7.3: ICE's checks always carry FINGERPRINT; without a valid one
    // this is someone else's STUN (or not STUN at all) sharing the port.
    if (!stun::verify_fingerprint(m) || m.method != stun::method::binding ||
        local >= local_.size() || state_ == state::failed) {
        return packet_result::not_stun;
    }
    const std::uint64_t auth_failures = stats_.auth_failures;
    switch (m.cls) {
        case stun::message_class::request:
            handle_request(m, from, local, now);
            break;
        case stun::message_class::success:
        case stun::message_class::error:
            handle_response(m, from, local, now);
            break;
        case stun::message_class::indication:
            // RFC 8445 §11: Binding indications are keepalives; nothing to answer.
            break;
    }
    return stats_.auth_failures == auth_failures ? packet_result::handled : packet_result::rejected;
}

void agent::answer_error(const stun::message& m, const transport_address& to, std::size_t local,
                         std::uint16_t code, bool sign) {
    outgoing o;
    o.kind = out_kind::error;
    o.local = local;
    o.to = to;
    o.tid = m.tid;
    o.error = code;
    o.sign = sign;
    if (code == stun::error::unknown_attribute) {
        o.unknown_count = m.unknown_required_count;
        std::copy(m.unknown_required.begin(), m.unknown_required.end(), o.unknown.begin());
    }
    out_.push_back(o);
}

// RFC 8445 §7.3.1.1. Returns false when the request is answered 487 and goes no further.
bool agent::resolve_role_conflict(const stun::message& m) {
    if (role_ == role::controlling && m.ice_controlling) {
        ++stats_.role_conflicts;
        if (cfg_.tie_breaker >= *m.ice_controlling) {
            return false;
        }
        set_role(role::controlled);
    } else if (role_ == role::controlled && m.ice_controlled) {
        ++stats_.role_conflicts;
        // A lite agent cannot control (§6.1.1): the full peer has to switch instead.
        if (cfg_.lite || cfg_.tie_breaker < *m.ice_controlled) {
            return false;
        }
        set_role(role::controlling);
    }
    return true;
}

void agent::handle_request(const stun::message& m, const transport_address& from, std::size_t local,
                           core::time_point now) {
    if (m.unknown_required_count > 0) {
        answer_error(m, from, local, stun::error::unknown_attribute, false);
        return;
    }
    // RFC 8489 §9.1.3: short-term credentials need both USERNAME and MESSAGE-INTEGRITY;
    // RFC 8445 §7.3.1.3 needs PRIORITY to learn a peer-reflexive candidate.
    if (!m.username || !m.integrity_offset || !m.priority) {
        answer_error(m, from, local, stun::error::bad_request, false);
        return;
    }
    const std::string_view user = *m.username;
    const bool ours = user.size() > cfg_.local_ufrag.size() &&
                      user.substr(0, cfg_.local_ufrag.size()) == cfg_.local_ufrag &&
                      user[cfg_.local_ufrag.size()] == ':';
    if (!ours || !stun::verify_integrity(m, local_key_)) {
        ++stats_.auth_failures;
        answer_error(m, from, local, stun::error::unauthenticated, false);
        return;
    }
    ++stats_.requests_received;
    if (!resolve_role_conflict(m)) {
        answer_error(m, from, local, stun::error::role_conflict, true);
        return;
    }
    outgoing o;
    o.kind = out_kind::success;
    o.local = local;
    o.to = from;
    o.tid = m.tid;
    out_.push_back(o);

    // RFC 8445 §7.3.1.3: an unknown source is a peer-reflexive candidate.
    std::optional<std::size_t> remote = find_remote(from);
    if (!remote) {
        remote = add_remote(
            remote_candidate{from, *m.priority, "prflx" + std::to_string(++prflx_count_), true});
    }
    std::optional<std::size_t> pair = find_pair(local, *remote);
    if (!pair) {
        return;  // max_pairs reached
    }
    candidate_pair& p = pairs_[*pair];
    if (cfg_.lite && selected_ && *selected_ == *pair) {
        // A lite agent sends no checks of its own: the peer's consent checks (RFC 7675)
        // are how it learns the path still works.
        last_consent_ = now;
    }
    if (cfg_.lite) {
        // RFC 8445 §7.3.1.5 (lite): USE-CANDIDATE nominates the pair outright.
        if (m.use_candidate && role_ == role::controlled) {
            p.state = pair_state::succeeded;
            nominate(*pair, now);
        }
        return;
    }
    // RFC 8445 §7.3.1.4: a triggered check unless the pair already works or is being tried.
    if (p.state != pair_state::succeeded && p.state != pair_state::in_progress) {
        trigger(*pair);
    }
    if (m.use_candidate && role_ == role::controlled) {
        if (p.state == pair_state::succeeded) {
            nominate(*pair, now);
        } else {
            p.nominate_on_success = true;
        }
    }
}

void agent::handle_response(const stun::message& m, const transport_address& from,
                            std::size_t local, core::time_point now) {
    const auto it = std::find_if(transactions_.begin(), transactions_.end(),
                                 [&](const transaction& t) { return t.tid == m.tid; });
    if (it == transactions_.end() || !remote_key_) {
        return;  // late, duplicate or not ours
    }
    // RFC 8489 §9.1.4: a response to an authenticated request must be authenticated too.
    if (!stun::verify_integrity(m, *remote_key_)) {
        ++stats_.auth_failures;
        return;
    }
    ++stats_.responses_received;
    const std::size_t tx = static_cast<std::size_t>(it - transactions_.begin());
    candidate_pair& p = pairs_[it->pair];
    // RFC 8445 §7.2.5.2.1: the response must come from where the request went, to where
    // it came from; otherwise the pair fails.
    const bool symmetric = remote_[p.remote].address == from && p.local == local;
    if (m.cls == stun::message_class::success && symmetric) {
        on_check_success(tx, now);
        return;
    }
    const transaction t = *it;
    transactions_.erase(it);
    if (m.cls == stun::message_class::error && m.error_code &&
        m.error_code->code == stun::error::role_conflict && t.kind == tx_kind::check) {
        // RFC 8445 §7.2.5.1: take the other role (unless a request already made us) and
        // check the pair again.
        ++stats_.role_conflicts;
        if (role_ == t.sent_as && !cfg_.lite) {
            set_role(t.sent_as == role::controlling ? role::controlled : role::controlling);
        }
        pairs_[t.pair].state = pair_state::waiting;
        trigger(t.pair);
        return;
    }
    if (t.kind == tx_kind::check) {
        pairs_[t.pair].state = pair_state::failed;
    }
}

void agent::on_check_success(std::size_t tx, core::time_point now) {
    const transaction t = transactions_[tx];
    transactions_.erase(transactions_.begin() + static_cast<std::ptrdiff_t>(tx));
    candidate_pair& p = pairs_[t.pair];
    if (t.kind == tx_kind::consent) {
        last_consent_ = now;
        if (state_ == state::disconnected) {
            set_state(state::connected);
        }
        return;
    }
    // With host candidates only, the mapped address is the local base unless a NAT sits
    // between the agents; that peer-reflexive local candidate shares the base, so the
    // checked pair itself is the valid pair it would form (RFC 8445 §7.2.5.3.1).
    p.state = pair_state::succeeded;
    if (!first_valid_) {
        first_valid_ = now;
    }
    // RFC 8445 §7.2.5.3.3: the success unfreezes pairs of the same foundation.
    const std::string foundation = local_[p.local].foundation + remote_[p.remote].foundation;
    for (candidate_pair& q : pairs_) {
        if (q.state == pair_state::frozen &&
            local_[q.local].foundation + remote_[q.remote].foundation == foundation) {
            q.state = pair_state::waiting;
        }
    }
    const bool nominated_by_us =
        t.use_candidate && t.sent_as == role::controlling && role_ == role::controlling;
    const bool nominated_by_peer = p.nominate_on_success && role_ == role::controlled;
    if (nominated_by_us || nominated_by_peer) {
        nominate(t.pair, now);
    }
}

}  // namespace ringstorm::ice
