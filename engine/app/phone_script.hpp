#pragma once
// Where a scenario step runs: one phone (one user with `accounts.tabs` SDK instances)
// walking the scenario's `phone:` script top to bottom as a coroutine, on its worker.
//
// Timing follows the schedule, not the harness: `due_` is when the next action should
// happen. A think moves it forward by the drawn delay; an expect moves it to the event
// that satisfied it. Actions are stamped with `due_`, so when the harness runs late the
// lateness shows in the latencies instead of hiding (coordinated omission).
//
// The run's end (scenarios/README.md, "The run's end"): a think or expect in progress is
// cut, the phone leaves every loop and repeat, and continues with the top-level steps
// after them, where loops no longer run.

#include <cstdint>
#include <memory>
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

private:
    // How a block of steps ended.
    enum class flow { next, unwind, stop };
    // How a wait ended.
    enum class wake { reached, cut, event };

    boost::asio::awaitable<flow> run_block(const scenario::block& steps, bool top_level);
    boost::asio::awaitable<flow> run_step(const scenario::step& step, bool top_level);
    boost::asio::awaitable<flow> think(const scenario::think_step& step);
    boost::asio::awaitable<flow> expect(const scenario::expect_step& step,
                                        const scenario::step& where);
    boost::asio::awaitable<flow> loop(const scenario::loop_step& step);
    boost::asio::awaitable<flow> repeat(const scenario::repeat_step& step);
    boost::asio::awaitable<wake> sleep_until(core::time_point t);
    boost::asio::awaitable<void> finish();

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
