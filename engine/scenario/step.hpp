#pragma once
// The per-phone script as data: a list of steps, each a std::variant alternative. The
// interpreter (one coroutine per phone) walks it read-only; runtime state such as loop
// counters and the program position lives in the phone, never here.
//
// Adding a step (the call steps of a later issue: wait_call, answer, hangup, dtmf, ...):
// add a struct below, add it to `step_action`, and add a row to the step table in
// step_loader.cpp; the interpreter (engine/app/phone_script.cpp, run_step) then fails to
// compile until it is handled.

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/core/duration.hpp"
#include "engine/scenario/diagnostic.hpp"

namespace ringstorm::scenario {

// Which SDK callback an event belongs to (sdk-callback-contract.md, "Callbacks").
enum class callback_kind : std::uint8_t {
    register_event,  // RegisterEventCallBack
    call_event,      // CallListenerCallback
    session_event,   // SessionCallback (multi-tab)
};

// An SDK callback event a script can wait for. Names are the SDK's own strings.
struct event_name {
    callback_kind callback = callback_kind::register_event;
    std::string_view name;  // points into a static table: "registered", "sent_request", ...

    friend bool operator==(const event_name&, const event_name&) = default;
};

// Think-time distributions. Each phone draws from its own random engine.
struct fixed_delay {
    core::duration value{};
};
struct uniform_delay {
    core::duration low{};   // inclusive
    core::duration high{};  // inclusive; low <= high
};
struct exponential_delay {
    core::duration mean{};  // > 0; models Poisson arrivals of user actions
};
using delay = std::variant<fixed_delay, uniform_delay, exponential_delay>;

// DoRegister(): the phone opens its WebSocket if needed and registers.
struct register_step {};

// UnRegister(): de-REGISTER (expires=0).
struct unregister_step {};

// The simulated user pauses. The run's end cuts a think short.
struct think_step {
    delay how;
};

// Waits until the phone's callback has emitted `event` since the last action step began,
// failing the phone if it has not within `within` of the expect starting.
struct expect_step {
    event_name event;
    core::duration within{};
};

struct step;
using block = std::vector<step>;

// Runs `steps` `count` times (0 skips them).
struct repeat_step {
    std::uint32_t count = 0;
    block steps;
};

// How a loop ends. Exactly one applies; the run's end ends every loop in any case.
enum class loop_end : std::uint8_t {
    run_end,     // no limit of its own: it repeats until the run's duration is over
    run_clock,   // `until: D`: no new iteration once the run clock reaches D
    loop_clock,  // `for: D`: no new iteration once D has passed since the loop began
};

struct loop_step {
    loop_end end = loop_end::run_end;
    core::duration limit{};  // D of `until`/`for`; unused for run_end
    block steps;
};

using step_action =
    std::variant<register_step, unregister_step, think_step, expect_step, repeat_step, loop_step>;

struct step {
    step_action action;
    source_location where;  // the step's line in the scenario, for run-time messages
};

// The step's keyword as written in scenarios ("register", "think", ...).
std::string_view step_name(const step_action& action) noexcept;

std::string_view to_string(callback_kind kind) noexcept;  // "register", "call", "session"

}  // namespace ringstorm::scenario
