// The ICE agent: configuration, candidates and pairs (RFC 8445 §6.1.2), roles, states,
// nomination and the selected pair.

#include "media/ice/agent.hpp"

#include <algorithm>
#include <stdexcept>

namespace ringstorm::ice {

std::string_view to_string(state s) noexcept {
    switch (s) {
        case state::new_:
            return "new";
        case state::checking:
            return "checking";
        case state::connected:
            return "connected";
        case state::disconnected:
            return "disconnected";
        case state::failed:
            return "failed";
    }
    return "new";
}

std::string agent_config::validate() const {
    // RFC 8839 §5.4: ufrag 4..256 and pwd 22..256 characters.
    if (local_ufrag.size() < 4 || local_ufrag.size() > 256) {
        return "ice: local ufrag must be 4..256 characters";
    }
    if (local_pwd.size() < 22 || local_pwd.size() > 256) {
        return "ice: local pwd must be 22..256 characters";
    }
    if (ta <= core::duration::zero() || rto <= core::duration::zero()) {
        return "ice: ta and rto must be positive";
    }
    if (max_transmissions == 0) {
        return "ice: max_transmissions must be at least 1";
    }
    if (consent_interval <= core::duration::zero() || consent_timeout <= consent_interval) {
        return "ice: consent_timeout must exceed a positive consent_interval";
    }
    if (disconnected_after > consent_timeout) {
        return "ice: disconnected_after must not exceed consent_timeout";
    }
    if (max_pairs == 0) {
        return "ice: max_pairs must be at least 1";
    }
    return {};
}

namespace {

agent_config checked(agent_config c) {
    if (std::string why = c.validate(); !why.empty()) {
        throw std::invalid_argument(why);
    }
    return c;
}

}  // namespace

agent::agent(agent_config config)
    : cfg_(checked(std::move(config))),
      // RFC 8445 §6.1.1: a lite agent is always controlled.
      role_(cfg_.lite ? role::controlled : cfg_.initial_role),
      local_key_(cfg_.local_pwd),
      rng_(cfg_.seed) {
    out_.reserve(8);
    events_.reserve(4);
    transactions_.reserve(8);
}

std::size_t agent::add_local_candidate(const transport_address& address) {
    // RFC 8445 §5.1.2.1: distinct local preferences, the first candidate preferred.
    const auto local_pref = static_cast<std::uint32_t>(65535 - local_.size());
    local_.push_back(local_candidate{
        address, candidate_priority(type_preference::host, local_pref, component_rtp),
        std::to_string(local_.size() + 1)});
    const std::size_t index = local_.size() - 1;
    for (std::size_t r = 0; r < remote_.size(); ++r) {
        if (remote_[r].address.family == address.family && pairs_.size() < cfg_.max_pairs) {
            pairs_.push_back(candidate_pair{index, r});
        }
    }
    recompute_priorities();
    return index;
}

std::vector<sdp::candidate> agent::local_sdp_candidates() const {
    std::vector<sdp::candidate> out;
    out.reserve(local_.size());
    for (const local_candidate& c : local_) {
        out.push_back(to_sdp(c));
    }
    return out;
}

void agent::set_remote(const remote_description& remote, core::time_point now) {
    remote_ufrag_ = remote.ufrag;
    check_username_ = remote.ufrag + ":" + cfg_.local_ufrag;
    remote_key_.emplace(remote.pwd);
    remote_lite_ = remote.lite;
    remote_known_ = true;
    // RFC 8445 §6.1.1: facing a lite peer, the full agent controls.
    if (remote_lite_ && !cfg_.lite && role_ != role::controlling) {
        set_role(role::controlling);
    }
    for (const sdp::candidate& c : remote.candidates) {
        add_remote_candidate(c);
    }
    if (state_ == state::new_) {
        started_ = now;
        next_check_ = now;
        set_state(state::checking);
    }
}

bool agent::add_remote_candidate(const sdp::candidate& c) {
    auto r = from_sdp(c);
    if (!r) {
        return false;
    }
    if (auto known = find_remote(r->address)) {
        // A check may have taught us this address first as peer-reflexive; the signalled
        // candidate's priority and foundation are the real ones (RFC 8445 §7.3.1.3).
        remote_[*known].priority = r->priority;
        remote_[*known].foundation = r->foundation;
        remote_[*known].peer_reflexive = false;
        recompute_priorities();
        return true;
    }
    add_remote(*r);
    return true;
}

std::size_t agent::add_remote(const remote_candidate& r) {
    remote_.push_back(r);
    const std::size_t index = remote_.size() - 1;
    pair_with_locals(index);
    return index;
}

void agent::pair_with_locals(std::size_t remote) {
    for (std::size_t l = 0; l < local_.size(); ++l) {
        if (local_[l].address.family != remote_[remote].address.family ||
            pairs_.size() >= cfg_.max_pairs) {
            continue;
        }
        candidate_pair p{l, remote};
        // RFC 8445 §6.1.2.6: one pair per foundation starts Waiting, the rest Frozen
        // until a pair of their foundation succeeds.
        const std::string foundation = local_[l].foundation + remote_[remote].foundation;
        const bool foundation_active =
            std::any_of(pairs_.begin(), pairs_.end(), [&](const auto& q) {
                return local_[q.local].foundation + remote_[q.remote].foundation == foundation &&
                       (q.state == pair_state::waiting || q.state == pair_state::in_progress);
            });
        p.state = foundation_active ? pair_state::frozen : pair_state::waiting;
        pairs_.push_back(p);
    }
    recompute_priorities();
}

std::optional<std::size_t> agent::find_pair(std::size_t local, std::size_t remote) const noexcept {
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
        if (pairs_[i].local == local && pairs_[i].remote == remote) {
            return i;
        }
    }
    return std::nullopt;
}

std::optional<std::size_t> agent::find_remote(const transport_address& a) const noexcept {
    for (std::size_t i = 0; i < remote_.size(); ++i) {
        if (remote_[i].address == a) {
            return i;
        }
    }
    return std::nullopt;
}

void agent::recompute_priorities() noexcept {
    for (candidate_pair& p : pairs_) {
        const std::uint32_t l = local_[p.local].priority;
        const std::uint32_t r = remote_[p.remote].priority;
        p.priority = role_ == role::controlling ? pair_priority(l, r) : pair_priority(r, l);
    }
}

void agent::set_role(ice::role r) {
    if (role_ == r) {
        return;
    }
    role_ = r;
    // RFC 8445 §7.2.5.1: pair priorities depend on who controls.
    recompute_priorities();
    events_.push_back(event{event_kind::role_changed, state_});
}

void agent::set_state(ice::state s) {
    if (state_ == s) {
        return;
    }
    state_ = s;
    events_.push_back(event{event_kind::state_changed, s});
    if (s == state::failed) {
        // RFC 7675 §5.1: once consent is gone nothing more is sent.
        transactions_.clear();
        triggered_.clear();
    }
}

void agent::trigger(std::size_t pair) {
    if (std::find(triggered_.begin(), triggered_.end(), pair) == triggered_.end()) {
        triggered_.push_back(pair);
    }
    if (pairs_[pair].state != pair_state::in_progress) {
        pairs_[pair].state = pair_state::waiting;
    }
}

void agent::nominate(std::size_t pair, core::time_point now) {
    pairs_[pair].nominated = true;
    pairs_[pair].nominating = false;
    const std::optional<std::size_t> before = selected_;
    update_selected();
    if (selected_ != before) {
        events_.push_back(event{event_kind::selected_pair_changed, state_});
        last_consent_ = now;
        next_consent_ = now + jittered_consent_interval();
    }
    // A lite agent can be nominated before its owner has handed it the answer (new).
    if (state_ != state::connected) {
        set_state(state::connected);
    }
}

void agent::update_selected() {
    // RFC 8445 §8.1.1: the highest-priority nominated pair carries media.
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
        if (pairs_[i].nominated && (!best || pairs_[i].priority > pairs_[*best].priority)) {
            best = i;
        }
    }
    selected_ = best;
}

std::optional<selected_pair> agent::selected() const {
    if (!selected_) {
        return std::nullopt;
    }
    const candidate_pair& p = pairs_[*selected_];
    return selected_pair{local_[p.local], remote_[p.remote], p.local};
}

std::optional<event> agent::poll_event() {
    if (events_head_ == events_.size()) {
        events_.clear();
        events_head_ = 0;
        return std::nullopt;
    }
    return events_[events_head_++];
}

}  // namespace ringstorm::ice
