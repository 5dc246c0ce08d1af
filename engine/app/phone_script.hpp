#pragma once
// Where a scenario step runs: one phone (one user with `accounts.tabs` SDK instances)
// walking the scenario's `phone:` script top to bottom as a coroutine, on its worker.
//
// Timing follows the schedule, not the harness: `due_` is when the next action should
// happen. A think moves it forward by the drawn delay; an expect moves it to the event
// that satisfied it. Actions are stamped with `due_`, so when the harness runs late the
// lateness shows in the latencies instead of hiding (coordinated omission).
//
// The run's end (scenarios/README.md, "The run's end"): a think or wait in progress (expect,
// wait_call, wait_end, the gaps of a dtmf) is cut, the phone leaves every loop and repeat,
// and continues with the top-level steps after them, where loops no longer run.
//
// The tabs of one user share a simulated BroadcastChannel (sdk-callback-contract.md,
// "Multi-tab"): a tab's incoming/connected/callEnded call event becomes a session event of
// every other open tab, and when the parent tab closes the others record `re-register`
// and register again.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/core/schedule.hpp"
#include "engine/phone/tab.hpp"
#include "engine/scenario/step.hpp"

namespace ringstorm::app {

class worker;

class phone_script final : public phone::event_listener {
public:
    // Phone `number` (schedule order) of `owner`, active in `windows`.
    phone_script(worker& owner, std::uint64_t number, std::vector<core::window> windows);
    phone_script(const phone_script&) = delete;
    phone_script& operator=(const phone_script&) = delete;
    ~phone_script() override;

    // The whole life of the phone: each window's script, the wind-down, the verdict.
    boost::asio::awaitable<void> run();

    // The run's end: cut a wait in progress; leave loops and repeats.
    void end_run();
    // Drop everything now (second Ctrl-C, grace period over).
    void abort();

    void on_event(phone::tab& from, const phone::recorded_event& event) override;
    void on_call_ended(phone::tab& from, std::uint32_t call) override;

private:
    // How a block of steps ended.
    enum class flow { next, unwind, stop };
    // How a wait ended.
    enum class wake { reached, cut, event };
    // How a wait for a condition ended (expect, wait_call, wait_end).
    enum class waited { seen, timed_out, cut };
    // A call of one tab: the one a wait_end waits for.
    struct call_ref {
        std::uint32_t tab = 0;
        std::uint32_t call = 0;  // index into the tab's timeline::calls
    };

    boost::asio::awaitable<flow> run_block(const scenario::block& steps, bool top_level);
    boost::asio::awaitable<flow> run_step(const scenario::step& step, bool top_level);
    boost::asio::awaitable<flow> think(const scenario::think_step& step);
    boost::asio::awaitable<flow> expect(const scenario::expect_step& step,
                                        const scenario::step& where);
    boost::asio::awaitable<flow> loop(const scenario::loop_step& step);
    boost::asio::awaitable<flow> repeat(const scenario::repeat_step& step);
    boost::asio::awaitable<wake> sleep_until(core::time_point t);
    // Waits until `seen` gives the time its condition was met (due_ moves there), for at
    // most `within` from due_. `seen` is asked again whenever a tab tells of an event or
    // of a call's end.
    boost::asio::awaitable<waited> wait_for(
        core::duration within, const std::function<std::optional<core::time_point>()>& seen);
    boost::asio::awaitable<void> finish();

    // ---- calls (phone_script_calls.cpp) ----
    boost::asio::awaitable<flow> run_call_step(const scenario::step& step);
    boost::asio::awaitable<flow> wait_call(const scenario::wait_call_step& step,
                                           const scenario::step& where);
    boost::asio::awaitable<flow> wait_end(const scenario::wait_end_step& step,
                                          const scenario::step& where);
    boost::asio::awaitable<flow> dtmf(const scenario::dtmf_step& step, const scenario::step& where);
    boost::asio::awaitable<flow> close_tab(const scenario::close_tab_step& step,
                                           const scenario::step& where);
    flow place_call(const scenario::call_step& step, const scenario::step& where);
    flow call_command(const scenario::step& where);
    // The tab an answer or reject applies to: the lowest open one with a ringing call.
    std::optional<std::uint32_t> ringing_tab() const;
    // The tab the other commands apply to: the lowest open one with a connected call,
    // else with any live call.
    std::optional<std::uint32_t> live_tab() const;
    std::optional<std::uint32_t> first_open_tab() const;
    // The call the tab's commands now apply to, as a reference.
    std::optional<call_ref> current_ref(std::uint32_t tab) const;
    // When call `call` of `tab` (one since the last action step) emitted `incoming`;
    // nullopt if it did not (yet, or ever: an INVITE refused with 400 or 488).
    std::optional<core::time_point> incoming_at(std::uint32_t tab, std::uint32_t call) const;
    // A command the tab refused (`reason` not empty) fails the phone at the step's line.
    flow refused(const scenario::step& where, const std::string& reason);
    // The BroadcastChannel: a call event of `from` reaches every other open tab.
    void broadcast(const phone::tab& from, const phone::recorded_event& event);

    // An action step begins: later expects and wait_calls look only at what follows.
    void mark_tabs();
    void register_tabs();
    void unregister_tabs();
    // The time an expect is satisfied on every tab (the latest tab's event); nullopt
    // while some tab has not emitted it since its mark.
    std::optional<core::time_point> satisfied(const scenario::event_name& event) const;
    void fail(std::string reason);
    void judge();
    std::string tab_name(std::uint32_t tab) const;
    core::duration draw(const scenario::delay& how);

    worker& owner_;
    std::uint64_t number_;
    std::vector<core::window> windows_;
    std::string user_;  // userName, for events and reports
    std::vector<std::unique_ptr<phone::tab>> tabs_;
    std::vector<std::size_t> marks_;  // per tab: events before the last action step
    // Per tab: calls before the last action step or the last wait_call (which consumes
    // the call it saw on every tab: a forked call rings on all of them).
    std::vector<std::size_t> call_marks_;
    std::vector<bool> closed_;       // per tab: closed by close_tab; it takes no more steps
    std::optional<call_ref> focus_;  // the call the script dealt with last
    boost::asio::steady_timer wake_;
    std::uint64_t rng_;
    core::time_point due_{};
    core::time_point stop_at_ = core::time_point::max();  // this window's end
    std::string failure_;   // why the script failed; empty while it has not
    bool ending_ = false;   // the run (or this phone's window) is over
    bool in_wait_ = false;  // a think or expect is waiting
    bool cut_ = false;      // the wait in progress must end now
    bool aborted_ = false;
    bool registered_counted_ = false;
    bool tried_register_ = false;
};

}  // namespace ringstorm::app
