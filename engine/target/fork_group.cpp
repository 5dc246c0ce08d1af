// A call to one AOR over all its bindings: legs made by fork(), messages given to the leg
// they match, the first answer wins and the others are given up.

#include "engine/target/fork_group.hpp"

#include <algorithm>

#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "engine/sip/transaction.hpp"

namespace ringstorm::target {

core::result<fork_group, std::string> fork_group::create(
    const call_plan& plan, const caller_identity& who, const std::string& aor,
    const std::vector<binding_view>& bindings, bool fork, std::uint64_t seed,
    const sdp::webrtc_audio_params* our_media) {
    if (bindings.empty()) {
        return core::unexpected("no binding of " + aor + " to call");
    }
    // The one binding called without forking: drawn from the seed, so calls spread over
    // the tabs of a user instead of always ringing the first.
    const std::size_t first = fork ? 0 : static_cast<std::size_t>(seed % bindings.size());
    const binding_view& b = bindings[first];
    auto call =
        originated_call::create(plan, who, call_target{b.contact, aor, b.via}, seed, our_media);
    if (!call) {
        return core::unexpected(call.error());
    }
    fork_group g;
    g.aor_ = aor;
    g.legs_.push_back(std::move(*call));
    for (std::size_t i = 1; fork && i < bindings.size(); ++i) {
        // Each leg draws its own branches and LegSid from its own stream.
        const std::uint64_t leg_seed = seed + 0x9E3779B97F4A7C15ULL * i;
        auto leg =
            g.legs_.front().fork(call_target{bindings[i].contact, aor, bindings[i].via}, leg_seed);
        if (!leg) {
            return core::unexpected(leg.error());
        }
        g.legs_.push_back(std::move(*leg));
    }
    g.answer_seen_.assign(g.legs_.size(), false);
    g.ended_.assign(g.legs_.size(), false);
    return g;
}

group_actions fork_group::start(core::time_point now) {
    group_actions out;
    if (started_) {
        return out;
    }
    started_ = true;
    live_ = legs_.size();
    for (std::size_t i = 0; i < legs_.size(); ++i) {
        absorb(i, legs_[i].start(now), out);
    }
    return out;
}

void fork_group::absorb(std::size_t i, call_actions actions, group_actions& out) {
    for (std::string& text : actions.send) {
        out.send.push_back(leg_send{legs_[i].connection(), std::move(text)});
    }
    for (finding& f : actions.findings) {
        out.findings.push_back(std::move(f));
    }
    if (!answer_seen_[i] && legs_[i].answered()) {
        answer_seen_[i] = true;
        ++out.answered;
    }
    // Only a leg that is not being given up reports media (originated_call never starts
    // media on an abandoned leg), so at most one leg ever does: the winner.
    if (actions.media.start) {
        out.media.start = std::move(actions.media.start);
        media_leg_ = i;
    }
    if (media_leg_ == i) {
        if (actions.media.flow) {
            out.media.flow = actions.media.flow;
        }
        if (actions.finished) {
            out.media_over = true;
        }
    }
    if (!actions.media.unusable.empty()) {
        out.media.unusable = std::move(actions.media.unusable);
    }
    if (actions.finished && !ended_[i]) {
        ended_[i] = true;
        out.ended.push_back(std::move(*actions.finished));
        if (--live_ == 0) {
            out.finished = true;
        }
    }
}

void fork_group::settle(group_actions& out, core::time_point now) {
    if (winner_) {
        return;
    }
    for (std::size_t i = 0; i < legs_.size(); ++i) {
        // Talking means answered and not being given up (a 2xx that crossed our CANCEL
        // leaves the leg ending instead).
        if (legs_[i].state() == call_state::talking) {
            winner_ = i;
            for (std::size_t j = 0; j < legs_.size(); ++j) {
                if (j != i) {
                    absorb(j, legs_[j].cancel_elsewhere(now), out);
                }
            }
            return;
        }
    }
    if (gave_up_) {
        return;
    }
    for (std::size_t i = 0; i < legs_.size(); ++i) {
        if (legs_[i].cancelling()) {
            gave_up_ = true;
            for (std::size_t j = 0; j < legs_.size(); ++j) {
                if (j != i) {
                    absorb(j, legs_[j].cancel(now), out);
                }
            }
            return;
        }
    }
}

std::optional<std::size_t> fork_group::leg_on(connection_ref via) const {
    for (std::size_t i = 0; i < legs_.size(); ++i) {
        if (legs_[i].connection() == via && !legs_[i].finished()) {
            return i;
        }
    }
    return std::nullopt;
}

group_actions fork_group::on_text(std::string_view frame, connection_ref from,
                                  core::time_point now) {
    auto m = sip::parse(frame);
    if (m) {
        return on_message(*m, from, now);
    }
    group_actions out;
    // Unparsable: the leg of the connection it came on records the finding.
    if (auto i = leg_on(from)) {
        absorb(*i, legs_[*i].on_text(frame, now), out);
    }
    return out;
}

group_actions fork_group::on_message(const sip::message& m, connection_ref from,
                                     core::time_point now) {
    group_actions out;
    std::optional<std::size_t> to;
    for (std::size_t i = 0; i < legs_.size() && !to; ++i) {
        if (legs_[i].matches(m)) {
            to = i;
        }
    }
    if (!to) {
        if (m.is_response()) {
            ++out.stray;  // a response to no transaction of ours (RFC 3261 §17.1.3)
            return out;
        }
        // A request in no leg's dialog: the leg on its connection answers it (481,
        // §12.2.2); with none left there, the group does, and ACK is never answered.
        to = leg_on(from);
        if (!to) {
            if (m.method() != sip::method::ack) {
                out.send.push_back(leg_send{from, sip::serialize(sip::make_response(m, 481))});
            }
            return out;
        }
    }
    absorb(*to, legs_[*to].on_message(m, now), out);
    settle(out, now);
    return out;
}

group_actions fork_group::on_timer(core::time_point now) {
    group_actions out;
    for (std::size_t i = 0; i < legs_.size(); ++i) {
        auto due = legs_[i].next_deadline();
        if (due && *due <= now) {
            absorb(i, legs_[i].on_timer(now), out);
        }
    }
    settle(out, now);
    return out;
}

group_actions fork_group::on_transport_error(std::uint64_t connection_id, core::time_point now) {
    group_actions out;
    for (std::size_t i = 0; i < legs_.size(); ++i) {
        if (legs_[i].connection().id == connection_id) {
            absorb(i, legs_[i].on_transport_error(now), out);
        }
    }
    settle(out, now);
    return out;
}

std::optional<core::time_point> fork_group::next_deadline() const noexcept {
    std::optional<core::time_point> earliest;
    for (const originated_call& leg : legs_) {
        auto due = leg.next_deadline();
        if (due && (!earliest || *due < *earliest)) {
            earliest = due;
        }
    }
    return earliest;
}

}  // namespace ringstorm::target
