// The target's calls on one worker: when they are due, placing them, feeding them frames
// and timer expiries, and counting how they end.
//
// Timers: every call's deadlines sit in one ordered set per worker (deadlines_) and the
// worker arms a single Asio timer at next_deadline(). A timer per call would cost the
// same heap operation in the io_context's timer queue, plus a handler allocation, and a
// cancelled wait (an operation_aborted handler run) every time a call's next deadline
// moves, which is on nearly every message; with the set, moving a deadline is an erase
// and an insert, and the worker's timer is re-armed only when the earliest one changes.

#include "engine/target/call_router.hpp"

#include <algorithm>

#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"

namespace ringstorm::target {

namespace {

call_schedule_config schedule_config(const call_options& o, std::uint64_t seed) {
    call_schedule_config c = o.schedule;
    c.seed = seed;
    c.rate = 0;  // set_share() gives this worker its part once it knows it
    return c;
}

}  // namespace

call_router::call_router(call_options options, caller_identity who, const registrar& registrar,
                         std::uint64_t seed, std::uint64_t schedule_seed, core::time_point now,
                         call_media* media)
    : options_(std::move(options)),
      who_(std::move(who)),
      registrar_(registrar),
      media_(media),
      schedule_(schedule_config(options_, schedule_seed), now),
      rng_(seed) {
    for (const behaviour_weight& w : options_.schedule.mix) {
        weight_total_ += w.weight;
    }
}

std::uint64_t call_router::next_random() noexcept {
    // splitmix64, as for the schedule: a seed replays a worker's picks and identifiers.
    std::uint64_t z = (rng_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
}

void call_router::set_share(double share, core::time_point now) {
    if (options_.how == call_options::mode::rate) {
        schedule_.set_rate(options_.schedule.rate * std::clamp(share, 0.0, 1.0), now);
    }
}

void call_router::on_registered(const std::string& aor, core::time_point now, router_output&) {
    if (options_.how == call_options::mode::off || busy_.count(aor) != 0) {
        return;
    }
    offer(aor, now);
}

void call_router::offer(const std::string& aor, core::time_point now) {
    if (registrar_.bindings_of(aor, now).empty()) {
        return;  // it registers again later and is offered then
    }
    if (options_.how == call_options::mode::rate) {
        make_callable(aor);
        return;
    }
    if (options_.how == call_options::mode::each_binding && waiting_.count(aor) == 0) {
        const core::time_point due = now + options_.after;
        waiting_.emplace(aor, due);
        waiting_due_.emplace(due, aor);
    }
}

void call_router::make_callable(const std::string& aor) {
    if (callable_at_.count(aor) == 0) {
        callable_at_.emplace(aor, callable_.size());
        callable_.push_back(aor);
    }
}

void call_router::drop_callable(const std::string& aor) {
    auto it = callable_at_.find(aor);
    if (it == callable_at_.end()) {
        return;
    }
    const std::size_t at = it->second;
    callable_at_.erase(it);
    if (at + 1 != callable_.size()) {
        callable_[at] = std::move(callable_.back());
        callable_at_[callable_[at]] = at;
    }
    callable_.pop_back();
}

bool call_router::place_any(call_behaviour behaviour, core::time_point now, router_output& out) {
    // Uniform over the idle AORs; one that lost its bindings since is dropped and another
    // drawn, so every draw costs O(1) however many phones are registered.
    while (!callable_.empty()) {
        const std::string aor = callable_[next_random() % callable_.size()];
        drop_callable(aor);
        if (place(aor, behaviour, now, out)) {
            return true;
        }
    }
    return false;
}

bool call_router::place(const std::string& aor, call_behaviour behaviour, core::time_point now,
                        router_output& out) {
    std::vector<binding_view> bindings = registrar_.bindings_of(aor, now);
    if (bindings.empty() || busy_.count(aor) != 0) {
        return false;
    }
    call_plan plan = options_.plan;
    plan.behaviour = behaviour;
    std::optional<media_id> media;
    sdp::webrtc_audio_params our_media;
    if (media_ != nullptr) {
        auto opened = media_->open(our_media, now);
        if (!opened) {
            // Out of descriptors or ports: placing the call without media would quietly
            // change what the phone is tested for, so it is not placed, and said.
            ++counters_.media_port_failures;
            note(aor + ": call not placed: " + opened.error());
            return false;
        }
        media = *opened;
    }
    auto made = fork_group::create(plan, who_, aor, bindings, options_.fork, next_random(),
                                   media ? &our_media : nullptr);
    if (!made || calls_.count(made->call_id()) != 0) {
        if (media) {
            media_->close(*media, now);
        }
        if (made) {
            return false;  // Call-IDs carry 96 random bits; a repeat is not placed
        }
        // A binding the originator cannot call (a Contact that is not a sip: URI): said
        // once among the notes, and the AOR is tried again when it registers again.
        note(aor + ": cannot be called: " + made.error());
        return false;
    }
    const std::string call_id = made->call_id();
    for (std::size_t i = 0; i < made->legs(); ++i) {
        const connection_ref via = made->leg(i).connection();
        out.push_back(router_item{router_item::kind::route_add, via, call_id, {}});
        by_connection_[via.id].push_back(call_id);
    }
    counters_.placed += made->legs();
    busy_.insert(aor);
    group_actions started = made->start(now);
    calls_.emplace(call_id, live_call{std::move(*made), std::nullopt, media, false});
    apply(call_id, std::move(started), now, out);
    return true;
}

void call_router::apply(const std::string& call_id, group_actions actions, core::time_point now,
                        router_output& out) {
    auto it = calls_.find(call_id);
    if (it == calls_.end()) {
        return;
    }
    live_call& call = it->second;
    for (leg_send& s : actions.send) {
        out.push_back(router_item{router_item::kind::send, s.via, call_id, std::move(s.text)});
    }
    counters_.answered += actions.answered;
    counters_.stray += actions.stray;
    counters_.findings += actions.findings.size();
    for (const finding& f : actions.findings) {
        note(call.group.aor() + " call " + call_id + ": " + std::string(to_string(f.kind)) + ": " +
             f.detail + " (" + std::to_string(f.at.count()) + " ms after the INVITE)");
    }
    apply_media(call, call_id, actions, now);
    for (const call_result& r : actions.ended) {
        ++counters_.ended;
        switch (r.outcome) {
            case call_outcome::completed:
                ++counters_.completed;
                break;
            case call_outcome::cancelled:
                ++counters_.cancelled;
                break;
            case call_outcome::rejected:
                ++counters_.rejected;
                break;
            case call_outcome::failed:
                ++counters_.failed;
                break;
        }
    }
    if (actions.finished) {
        end_call(call_id, now, out);
        return;
    }
    const std::optional<core::time_point> due = call.group.next_deadline();
    if (due != call.due) {
        if (call.due) {
            deadlines_.erase({*call.due, call_id});
        }
        if (due) {
            deadlines_.emplace(*due, call_id);
        }
        call.due = due;
    }
}

void call_router::apply_media(live_call& call, const std::string& call_id,
                              const group_actions& actions, core::time_point now) {
    if (!call.media) {
        return;
    }
    if (!actions.media.unusable.empty()) {
        ++counters_.media_unusable;
        note(call.group.aor() + " call " + call_id +
             ": media not started: " + actions.media.unusable);
    }
    if (actions.media.start && !call.media_started) {
        call.media_started = true;
        media_->start(*call.media, *actions.media.start, actions.media.flow.value_or(media::flow{}),
                      now);
    } else if (actions.media.flow && call.media_started) {
        media_->set_flow(*call.media, *actions.media.flow, now);
    }
    if (actions.media_over || actions.finished) {
        media_->close(*call.media, now);
        call.media.reset();
    }
}

void call_router::end_call(const std::string& call_id, core::time_point now, router_output& out) {
    auto it = calls_.find(call_id);
    if (it == calls_.end()) {
        return;
    }
    if (it->second.media) {
        media_->close(*it->second.media, now);
    }
    const std::string aor = it->second.group.aor();
    if (it->second.due) {
        deadlines_.erase({*it->second.due, call_id});
    }
    for (std::size_t i = 0; i < it->second.group.legs(); ++i) {
        const connection_ref via = it->second.group.leg(i).connection();
        out.push_back(router_item{router_item::kind::route_remove, via, call_id, {}});
        auto c = by_connection_.find(via.id);
        if (c != by_connection_.end()) {
            auto& ids = c->second;
            if (auto at = std::find(ids.begin(), ids.end(), call_id); at != ids.end()) {
                ids.erase(at);
            }
            if (ids.empty()) {
                by_connection_.erase(c);
            }
        }
    }
    calls_.erase(it);
    busy_.erase(aor);
    offer(aor, now);
}

void call_router::on_frame(const std::string& call_id, std::string_view frame, connection_ref from,
                           core::time_point now, router_output& out) {
    auto it = calls_.find(call_id);
    if (it != calls_.end()) {
        apply(call_id, it->second.group.on_text(frame, from, now), now, out);
        return;
    }
    // The call ended while this frame was on its way (its route is being removed): a
    // request still deserves its 481 (RFC 3261 §12.2.2); ACK and responses are dropped.
    auto m = sip::parse(frame);
    if (m && m->is_request() && m->method() != sip::method::ack) {
        out.push_back(router_item{router_item::kind::send, from, call_id,
                                  sip::serialize(sip::make_response(*m, 481))});
    } else if (m && m->is_response()) {
        ++counters_.stray;
    }
}

void call_router::on_timer(core::time_point now, router_output& out) {
    if (options_.how == call_options::mode::rate) {
        for (const call_pick& pick : schedule_.take_due(now, registrar_.aor_count())) {
            if (!place_any(pick.behaviour, now, out)) {
                ++counters_.missed;  // everyone registered here is in a call already
            }
        }
    }
    while (!waiting_due_.empty() && waiting_due_.begin()->first <= now) {
        const std::string aor = waiting_due_.begin()->second;
        waiting_due_.erase(waiting_due_.begin());
        waiting_.erase(aor);
        const call_behaviour b = pick_behaviour(
            options_.schedule.mix, weight_total_ == 0 ? 0 : next_random() % weight_total_);
        place(aor, b, now, out);  // gone meanwhile: offered again when it registers
    }
    // Collect first: handling a call moves its deadline, and may end it.
    std::vector<std::string> due;
    for (auto it = deadlines_.begin(); it != deadlines_.end() && it->first <= now; ++it) {
        due.push_back(it->second);
    }
    for (const std::string& call_id : due) {
        auto it = calls_.find(call_id);
        if (it != calls_.end()) {
            apply(call_id, it->second.group.on_timer(now), now, out);
        }
    }
}

void call_router::on_connection_closed(std::uint64_t connection_id, core::time_point now,
                                       router_output& out) {
    auto c = by_connection_.find(connection_id);
    if (c == by_connection_.end()) {
        return;
    }
    const std::vector<std::string> ids = c->second;  // end_call edits the index
    for (const std::string& call_id : ids) {
        auto it = calls_.find(call_id);
        if (it != calls_.end()) {
            apply(call_id, it->second.group.on_transport_error(connection_id, now), now, out);
        }
    }
}

void call_router::on_send_failed(const std::string& call_id, connection_ref via,
                                 core::time_point now, router_output& out) {
    auto it = calls_.find(call_id);
    if (it != calls_.end()) {
        apply(call_id, it->second.group.on_transport_error(via.id, now), now, out);
    }
}

void call_router::note(std::string text) {
    if (notes_.size() < max_notes) {
        notes_.push_back(std::move(text));
    }
}

std::optional<core::time_point> call_router::next_deadline() const {
    std::optional<core::time_point> earliest;
    auto consider = [&earliest](std::optional<core::time_point> t) {
        if (t && (!earliest || *t < *earliest)) {
            earliest = t;
        }
    };
    if (options_.how == call_options::mode::rate) {
        consider(schedule_.next_due(registrar_.aor_count()));
    }
    if (!waiting_due_.empty()) {
        consider(waiting_due_.begin()->first);
    }
    if (!deadlines_.empty()) {
        consider(deadlines_.begin()->first);
    }
    return earliest;
}

void call_router::add_to(target_stats& out) const {
    const call_counters& c = counters_;
    out.calls_placed += c.placed;
    out.calls_active += c.placed - c.ended;
    out.calls_answered += c.answered;
    out.calls_completed += c.completed;
    out.calls_cancelled += c.cancelled;
    out.calls_rejected += c.rejected;
    out.calls_failed += c.failed;
    out.calls_missed += c.missed + schedule_.missed();
    out.call_findings += c.findings;
    out.stray_responses += c.stray;
    out.media_port_failures += c.media_port_failures;
    out.media_unusable += c.media_unusable;
    if (media_ != nullptr) {
        media_->add_to(out);
    }
}

}  // namespace ringstorm::target
