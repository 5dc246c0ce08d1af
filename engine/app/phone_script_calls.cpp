// The call steps of a phone's script (wait_call, answer ... close_tab) on its tabs, and the
// tabs' simulated BroadcastChannel. Which tab acts: answer and reject go to the lowest
// open tab with a ringing call (a forked call rings on all of them); the other commands to
// the tab with the live call.
#include <algorithm>
#include <chrono>
#include <string_view>

#include "engine/app/phone_script.hpp"
#include "engine/app/worker.hpp"

namespace ringstorm::app {

namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

bool ringing(const phone::call_episode& c) {
    return c.role == phone::call_role::callee && !c.answered && !c.ended;
}

// The call events a tab posts on the BroadcastChannel (sdk-callback-contract.md,
// "Multi-tab": the app posts {callState, callNumber} for these three).
bool broadcast_worthy(std::string_view name) {
    return name == "incoming" || name == "connected" || name == "callEnded";
}

}  // namespace

net::awaitable<phone_script::flow> phone_script::run_call_step(const scenario::step& step) {
    const auto& action = step.action;
    if (const auto* w = std::get_if<scenario::wait_call_step>(&action)) {
        co_return co_await wait_call(*w, step);
    }
    if (const auto* w = std::get_if<scenario::wait_end_step>(&action)) {
        co_return co_await wait_end(*w, step);
    }
    if (const auto* d = std::get_if<scenario::dtmf_step>(&action)) {
        co_return co_await dtmf(*d, step);
    }
    if (const auto* c = std::get_if<scenario::close_tab_step>(&action)) {
        co_return co_await close_tab(*c, step);
    }
    if (const auto* c = std::get_if<scenario::call_step>(&action)) {
        co_return place_call(*c, step);
    }
    co_return call_command(step);
}

// answer, reject, hangup, hold, unhold, mute, unmute.
phone_script::flow phone_script::call_command(const scenario::step& where) {
    const auto& action = where.action;
    const bool to_ringing = std::holds_alternative<scenario::answer_step>(action) ||
                            std::holds_alternative<scenario::reject_step>(action);
    std::optional<std::uint32_t> chosen = to_ringing ? ringing_tab() : live_tab();
    // Without a fitting tab the first open one is asked anyway: its reason ("no call",
    // "not ringing") is what the failure says.
    std::optional<std::uint32_t> t = chosen ? chosen : first_open_tab();
    if (!t) {
        return refused(where, "every tab is closed");
    }
    mark_tabs();
    phone::tab& tab = *tabs_[*t];
    std::string reason;
    if (std::holds_alternative<scenario::answer_step>(action)) {
        focus_ = current_ref(*t);
        reason = tab.answer(due_);
    } else if (std::holds_alternative<scenario::reject_step>(action)) {
        reason = tab.reject(due_);
    } else if (std::holds_alternative<scenario::hangup_step>(action)) {
        reason = tab.hangup(due_);
    } else if (std::holds_alternative<scenario::hold_step>(action)) {
        reason = tab.hold(due_);
    } else if (std::holds_alternative<scenario::unhold_step>(action)) {
        reason = tab.unhold(due_);
    } else if (std::holds_alternative<scenario::mute_step>(action)) {
        reason = tab.mute();
    } else {
        static_assert(std::variant_size_v<scenario::step_action> == 18,
                      "a new call command needs its branch here");
        reason = std::holds_alternative<scenario::unmute_step>(action)
                     ? tab.unmute()
                     : std::string("not a call command");
    }
    return reason.empty() ? flow::next : refused(where, reason);
}

phone_script::flow phone_script::place_call(const scenario::call_step& step,
                                            const scenario::step& where) {
    const std::uint64_t n = owner_.plan().scenario->accounts.source.number(number_);
    if (step.offset < 0 && static_cast<std::uint64_t>(-step.offset) > n) {
        return refused(where, "phone " + std::to_string(n) + " plus offset " +
                                  std::to_string(step.offset) + " is a negative number");
    }
    const std::string to = step.to.expand(n + static_cast<std::uint64_t>(step.offset));
    std::optional<std::uint32_t> t;
    for (std::uint32_t i = 0; i < tabs_.size() && !t; ++i) {
        if (!closed_[i] && !tabs_[i]->in_call()) {
            t = i;
        }
    }
    t = t ? t : first_open_tab();
    if (!t) {
        return refused(where, "every tab is closed");
    }
    mark_tabs();
    std::string reason = tabs_[*t]->place_call(to, due_);
    if (!reason.empty()) {
        return refused(where, "to " + to + ": " + reason);
    }
    focus_ = current_ref(*t);
    return flow::next;
}

net::awaitable<phone_script::flow> phone_script::wait_call(const scenario::wait_call_step& step,
                                                           const scenario::step& where) {
    std::optional<call_ref> first;
    const std::function<std::optional<core::time_point>()> seen =
        [this, &first]() -> std::optional<core::time_point> {
        for (std::uint32_t i = 0; i < tabs_.size(); ++i) {
            const auto& calls = tabs_[i]->history().calls;
            for (std::size_t k = call_marks_[i]; !closed_[i] && k < calls.size(); ++k) {
                if (calls[k].role != phone::call_role::callee) {
                    continue;
                }
                // A call refused before the app saw it (400, 488) never rang: not this one.
                if (auto at = incoming_at(i, static_cast<std::uint32_t>(k))) {
                    first = call_ref{i, static_cast<std::uint32_t>(k)};
                    return at;
                }
            }
        }
        return std::nullopt;
    };
    waited w = co_await wait_for(step.within, seen);
    if (w == waited::cut) {
        co_return flow::unwind;
    }
    if (w == waited::timed_out) {
        co_return refused(where, "no call within " + core::format_duration(step.within));
    }
    focus_ = first;
    // The call is taken: a forked call's other legs are the same call.
    for (std::size_t i = 0; i < tabs_.size(); ++i) {
        call_marks_[i] = tabs_[i]->history().calls.size();
    }
    co_return flow::next;
}

net::awaitable<phone_script::flow> phone_script::wait_end(const scenario::wait_end_step& step,
                                                          const scenario::step& where) {
    std::optional<call_ref> target = focus_;
    if (!target) {
        if (auto t = live_tab()) {
            target = current_ref(*t);
        }
    }
    if (!target) {
        co_return refused(where, "no call to wait for");
    }
    const call_ref ref = *target;
    const std::function<std::optional<core::time_point>()> seen = [this, ref] {
        const auto& calls = tabs_[ref.tab]->history().calls;
        return ref.call < calls.size() ? calls[ref.call].ended : std::nullopt;
    };
    waited w = co_await wait_for(step.within, seen);
    if (w == waited::cut) {
        co_return flow::unwind;
    }
    if (w == waited::timed_out) {
        co_return refused(where,
                          "the call did not end within " + core::format_duration(step.within));
    }
    co_return flow::next;
}

net::awaitable<phone_script::flow> phone_script::dtmf(const scenario::dtmf_step& step,
                                                      const scenario::step& where) {
    std::optional<std::uint32_t> t = live_tab();
    t = t ? t : first_open_tab();
    if (!t) {
        co_return refused(where, "every tab is closed");
    }
    mark_tabs();
    for (std::size_t i = 0; i < step.digits.size(); ++i) {
        if (i > 0) {
            due_ += step.gap;
            wake r = co_await sleep_until(due_);
            while (r == wake::event) {
                r = co_await sleep_until(due_);
            }
            if (r == wake::cut) {
                due_ = core::clock::now();
                co_return flow::unwind;  // the rest of the digits are not sent
            }
        }
        std::string reason = tabs_[*t]->dtmf(step.digits[i], due_);
        if (!reason.empty()) {
            co_return refused(where, "digit '" + std::string(1, step.digits[i]) + "': " + reason);
        }
    }
    co_return flow::next;
}

net::awaitable<phone_script::flow> phone_script::close_tab(const scenario::close_tab_step& step,
                                                           const scenario::step& where) {
    if (step.tab >= tabs_.size() || closed_[step.tab]) {
        co_return refused(where, "tab " + std::to_string(step.tab) + " is closed already");
    }
    mark_tabs();
    closed_[step.tab] = true;
    if (focus_ && focus_->tab == step.tab) {
        focus_.reset();
    }
    if (step.tab == 0) {
        // The parent posts "re-register-needed" as it unloads; each child hears it and
        // registers again (sdk-callback-contract.md, "Multi-tab").
        for (std::size_t i = 1; i < tabs_.size(); ++i) {
            if (!closed_[i]) {
                tabs_[i]->session_event("re-register", due_);
                tabs_[i]->do_register(due_);
            }
        }
    }
    // A closed browser tab: the WebSocket closes without an unregister (the page unload
    // ends a live call). Bounded by the tab's close allowance.
    co_await tabs_[step.tab]->shutdown(core::clock::now() + owner_.plan().tab_close);
    co_return flow::next;
}

std::optional<std::uint32_t> phone_script::ringing_tab() const {
    for (std::uint32_t i = 0; i < tabs_.size(); ++i) {
        const phone::call_episode* c = closed_[i] ? nullptr : tabs_[i]->current_call();
        if (c != nullptr && ringing(*c)) {
            return i;
        }
    }
    return std::nullopt;
}

std::optional<std::uint32_t> phone_script::live_tab() const {
    std::optional<std::uint32_t> any;
    for (std::uint32_t i = 0; i < tabs_.size(); ++i) {
        if (closed_[i] || !tabs_[i]->in_call()) {
            continue;
        }
        const phone::call_episode* c = tabs_[i]->current_call();
        if (c != nullptr && c->answered) {
            return i;
        }
        any = any ? any : std::optional(i);
    }
    return any;
}

std::optional<std::uint32_t> phone_script::first_open_tab() const {
    for (std::uint32_t i = 0; i < tabs_.size(); ++i) {
        if (!closed_[i]) {
            return i;
        }
    }
    return std::nullopt;
}

std::optional<phone_script::call_ref> phone_script::current_ref(std::uint32_t tab) const {
    const phone::call_episode* c = tabs_[tab]->current_call();
    if (c == nullptr) {
        return std::nullopt;
    }
    return call_ref{tab, static_cast<std::uint32_t>(c - tabs_[tab]->history().calls.data())};
}

std::optional<core::time_point> phone_script::incoming_at(std::uint32_t tab,
                                                          std::uint32_t call) const {
    // The call arrived after the last action step, so its events follow that step's mark.
    const auto& events = tabs_[tab]->history().events;
    for (std::size_t k = marks_[tab]; k < events.size(); ++k) {
        const phone::recorded_event& e = events[k];
        if (e.call == call && e.callback == scenario::callback_kind::call_event &&
            e.name == "incoming") {
            return e.at;
        }
    }
    return std::nullopt;
}

phone_script::flow phone_script::refused(const scenario::step& where, const std::string& reason) {
    if (ending_) {
        // The run's end cut the wait this step relied on (scenarios/README.md, "The run's
        // end"): a command with nothing to act on is skipped, not the phone's failure.
        return flow::next;
    }
    fail("line " + std::to_string(where.where.line) + ": " +
         std::string(scenario::step_name(where.action)) + ": " + reason);
    return flow::stop;
}

void phone_script::broadcast(const phone::tab& from, const phone::recorded_event& event) {
    if (!broadcast_worthy(event.name)) {
        return;
    }
    for (std::size_t i = 0; i < tabs_.size(); ++i) {
        if (i != from.index() && !closed_[i]) {
            tabs_[i]->session_event(event.name, event.at);
        }
    }
}

}  // namespace ringstorm::app
