#include "engine/app/phone_script.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/app/worker.hpp"

namespace ringstorm::app {

namespace net = boost::asio;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// splitmix64 (Steele, Lea, Flood 2014): tiny state, good enough for think times.
std::uint64_t next_random(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Uniform in [0, 1).
double unit_random(std::uint64_t& state) noexcept {
    return static_cast<double>(next_random(state) >> 11) * 0x1.0p-53;
}

}  // namespace

phone_script::phone_script(worker& owner, std::uint64_t number, std::vector<core::window> windows)
    : owner_(owner),
      number_(number),
      windows_(std::move(windows)),
      wake_(owner.env().io),
      rng_(owner.next_seed()) {
    const scenario::scenario& s = *owner_.plan().scenario;
    scenario::account account = s.accounts.source.at(number_);
    user_ = account.user_name;
    for (std::uint32_t t = 0; t < s.accounts.tabs; ++t) {
        auto tab =
            std::make_unique<phone::tab>(owner_.env(), account, number_, t, owner_.next_seed());
        tab->set_listener(this);
        // A user with several tabs has several bindings: the target forks its calls.
        tab->set_forked(s.accounts.tabs > 1);
        tabs_.push_back(std::move(tab));
    }
    marks_.assign(tabs_.size(), 0);
    call_marks_.assign(tabs_.size(), 0);
    closed_.assign(tabs_.size(), false);
}

phone_script::~phone_script() = default;

net::awaitable<void> phone_script::run() {
    const run_plan& plan = owner_.plan();
    for (const core::window& w : windows_) {
        if (owner_.ending() || aborted_) {
            break;
        }
        ending_ = false;  // a new window after a ramp down: the phone comes back
        core::time_point start = plan.clock.at(w.start);
        // This window's end bounds the sleep until its start (the previous window's end
        // would cut it at once).
        stop_at_ =
            w.stop == core::schedule::unbounded ? core::time_point::max() : plan.clock.at(w.stop);
        if (core::clock::now() < start) {
            wake r = co_await sleep_until(start);
            if (r == wake::cut || aborted_) {
                break;
            }
        }
        due_ = start;
        flow f = co_await run_block(plan.scenario->phone, true);
        if (f == flow::stop) {
            break;
        }
    }
    co_await finish();
}

net::awaitable<phone_script::flow> phone_script::run_block(const scenario::block& steps,
                                                           bool top_level) {
    for (const scenario::step& step : steps) {
        if (aborted_ || !failure_.empty()) {
            co_return flow::stop;
        }
        if (ending_ && !top_level) {
            co_return flow::unwind;
        }
        flow f = co_await run_step(step, top_level);
        if (f == flow::stop) {
            co_return f;
        }
        if (f == flow::unwind && !top_level) {
            co_return f;
        }
    }
    co_return flow::next;
}

net::awaitable<phone_script::flow> phone_script::run_step(const scenario::step& step,
                                                          bool top_level) {
    // One branch per step kind below; a new kind must get its branch before this compiles.
    static_assert(std::variant_size_v<scenario::step_action> == 18,
                  "a new scenario step needs its branch in phone_script::run_step "
                  "(or run_call_step)");
    const auto& action = step.action;
    if (std::holds_alternative<scenario::register_step>(action)) {
        register_tabs();
        co_return flow::next;
    }
    if (std::holds_alternative<scenario::unregister_step>(action)) {
        unregister_tabs();
        co_return flow::next;
    }
    if (const auto* t = std::get_if<scenario::think_step>(&action)) {
        co_return co_await think(*t);
    }
    if (const auto* e = std::get_if<scenario::expect_step>(&action)) {
        co_return co_await expect(*e, step);
    }
    if (const auto* r = std::get_if<scenario::repeat_step>(&action)) {
        co_return co_await repeat(*r);
    }
    if (const auto* l = std::get_if<scenario::loop_step>(&action)) {
        if (ending_ && top_level) {
            co_return flow::next;  // loops no longer run once the run is over
        }
        co_return co_await loop(*l);
    }
    co_return co_await run_call_step(step);
}

void phone_script::mark_tabs() {
    for (std::size_t i = 0; i < tabs_.size(); ++i) {
        marks_[i] = tabs_[i]->history().events.size();
        call_marks_[i] = tabs_[i]->history().calls.size();
    }
}

void phone_script::register_tabs() {
    tried_register_ = true;
    mark_tabs();
    for (std::size_t i = 0; i < tabs_.size(); ++i) {
        if (!closed_[i]) {
            tabs_[i]->do_register(due_);
        }
    }
}

void phone_script::unregister_tabs() {
    mark_tabs();
    for (std::size_t i = 0; i < tabs_.size(); ++i) {
        if (!closed_[i]) {
            tabs_[i]->unregister(due_);
        }
    }
}

net::awaitable<phone_script::flow> phone_script::think(const scenario::think_step& step) {
    due_ += draw(step.how);
    wake r = co_await sleep_until(due_);
    while (r == wake::event) {
        r = co_await sleep_until(due_);
    }
    if (r == wake::cut) {
        due_ = std::min(due_, core::clock::now());  // the wind-down is due now, not later
        co_return flow::unwind;
    }
    co_return flow::next;
}

net::awaitable<phone_script::flow> phone_script::expect(const scenario::expect_step& step,
                                                        const scenario::step& where) {
    const std::function<std::optional<core::time_point>()> seen = [this, &step] {
        return satisfied(step.event);
    };
    const bool call_or_session = step.event.callback != scenario::callback_kind::register_event;
    if (ending_ && call_or_session && !seen() &&
        std::none_of(tabs_.begin(), tabs_.end(), [](const auto& t) { return t->in_call(); })) {
        co_return flow::next;  // the wind-down without a call: no call event is owed
    }
    waited w = co_await wait_for(step.within, seen);
    if (w == waited::seen) {
        co_return flow::next;
    }
    if (w == waited::cut) {
        co_return flow::unwind;  // the run's end is not the phone's failure
    }
    if (ending_ && call_or_session) {
        // In the wind-down a call step may have had no call to act on (its wait was cut):
        // its call and session events are not owed. Register events still are.
        due_ = std::max(due_, core::clock::now());
        co_return flow::next;
    }
    fail("line " + std::to_string(where.where.line) + ": expect " +
         scenario::written_name(step.event) + " within " + core::format_duration(step.within) +
         ": not seen");
    co_return flow::stop;
}

net::awaitable<phone_script::waited> phone_script::wait_for(
    core::duration within, const std::function<std::optional<core::time_point>()>& seen) {
    core::time_point deadline = due_ + within;
    for (;;) {
        if (auto at = seen()) {
            due_ = std::max(due_, *at);
            co_return waited::seen;
        }
        core::time_point now = core::clock::now();
        if (now >= deadline) {
            co_return waited::timed_out;
        }
        wake r = co_await sleep_until(deadline);
        if (r == wake::cut || aborted_) {
            due_ = core::clock::now();  // a wait never moved due_: the wind-down starts now
            co_return waited::cut;
        }
    }
}

net::awaitable<phone_script::flow> phone_script::repeat(const scenario::repeat_step& step) {
    for (std::uint32_t i = 0; i < step.count; ++i) {
        flow f = co_await run_block(step.steps, false);
        if (f != flow::next) {
            co_return f;
        }
    }
    co_return flow::next;
}

net::awaitable<phone_script::flow> phone_script::loop(const scenario::loop_step& step) {
    const run_plan& plan = owner_.plan();
    core::time_point began = due_;
    for (;;) {
        if (ending_) {
            co_return flow::unwind;
        }
        if (step.end == scenario::loop_end::run_clock && due_ >= plan.clock.at(step.limit)) {
            co_return flow::next;
        }
        if (step.end == scenario::loop_end::loop_clock && due_ >= began + step.limit) {
            co_return flow::next;
        }
        flow f = co_await run_block(step.steps, false);
        if (f != flow::next) {
            co_return f;
        }
    }
}

net::awaitable<phone_script::wake> phone_script::sleep_until(core::time_point t) {
    if (aborted_) {
        co_return wake::cut;
    }
    // A wait started before the end is cut by it; one started after it (the wind-down's
    // own steps) runs, bounded by the grace period.
    bool cuttable = !ending_;
    core::time_point limit = std::min(t, cuttable ? stop_at_ : owner_.grace_deadline());
    in_wait_ = true;
    cut_ = false;
    wake_.expires_at(limit);
    co_await wake_.async_wait(use_tuple);
    in_wait_ = false;
    if (aborted_ || cut_) {
        cut_ = false;
        co_return wake::cut;
    }
    core::time_point now = core::clock::now();
    if (cuttable && now >= stop_at_ && stop_at_ < t) {
        ending_ = true;  // this phone's window is over (a ramp down)
        co_return wake::cut;
    }
    if (!cuttable && now >= owner_.grace_deadline() && owner_.grace_deadline() < t) {
        co_return wake::cut;
    }
    co_return now >= t ? wake::reached : wake::event;
}

void phone_script::end_run() {
    if (ending_) {
        return;  // its own window ended first: the wait in progress is the wind-down's
    }
    ending_ = true;
    if (in_wait_) {
        cut_ = true;
        wake_.cancel();
    }
}

void phone_script::abort() {
    aborted_ = true;
    for (auto& tab : tabs_) {
        tab->abort();
    }
    wake_.cancel();
}

void phone_script::on_event(phone::tab& from, const phone::recorded_event& event) {
    std::string_view call_id;
    const auto& calls = from.history().calls;
    if (event.call != phone::no_call && event.call < calls.size()) {
        call_id = calls[event.call].call_id;
    }
    owner_.events().add(event.at, user_, from.index(), scenario::to_string(event.callback),
                        event.name, call_id);
    if (!registered_counted_ && event.name == "registered" &&
        std::all_of(tabs_.begin(), tabs_.end(), [](const auto& t) { return t->registered(); })) {
        registered_counted_ = true;
        ++owner_.mutable_stats().phones_registered;
    }
    if (event.callback == scenario::callback_kind::call_event) {
        broadcast(from, event);
    }
    if (in_wait_) {
        wake_.cancel();
    }
}

void phone_script::on_call_ended(phone::tab&, std::uint32_t) {
    if (in_wait_) {
        wake_.cancel();  // wait_end looks at the episode's end, with or without a callback
    }
}

// A register event must have reached every open tab (each registers on its own); a call
// or session event concerns the user, so one tab is enough.
std::optional<core::time_point> phone_script::satisfied(const scenario::event_name& event) const {
    const bool every_tab = event.callback == scenario::callback_kind::register_event;
    std::optional<core::time_point> found;
    for (std::size_t i = 0; i < tabs_.size(); ++i) {
        if (closed_[i] && every_tab) {
            continue;
        }
        const auto& events = tabs_[i]->history().events;
        auto it = std::find_if(events.begin() + static_cast<std::ptrdiff_t>(marks_[i]),
                               events.end(), [&](const phone::recorded_event& e) {
                                   return e.callback == event.callback && e.name == event.name;
                               });
        if (it == events.end()) {
            if (every_tab) {
                return std::nullopt;
            }
            continue;
        }
        // Every tab: the latest tab's event; any tab: the earliest.
        found = !found ? it->at : every_tab ? std::max(*found, it->at) : std::min(*found, it->at);
    }
    return found;
}

void phone_script::fail(std::string reason) {
    if (failure_.empty()) {
        failure_ = std::move(reason);
    }
}

core::duration phone_script::draw(const scenario::delay& how) {
    return std::visit(
        [this](const auto& d) -> core::duration {
            using d_type = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<d_type, scenario::fixed_delay>) {
                return d.value;
            } else if constexpr (std::is_same_v<d_type, scenario::uniform_delay>) {
                auto span = static_cast<double>((d.high - d.low).count());
                return d.low + core::duration{static_cast<std::int64_t>(span * unit_random(rng_))};
            } else {
                static_assert(std::is_same_v<d_type, scenario::exponential_delay>, "every delay");
                // Inverse transform: -mean·ln(1 - u), capped at 20 means so one draw cannot
                // stall a phone for the whole run.
                double x = -std::log1p(-unit_random(rng_));
                x = std::min(x, 20.0);
                return core::duration{
                    static_cast<std::int64_t>(x * static_cast<double>(d.mean.count()))};
            }
        },
        how);
}

}  // namespace ringstorm::app
