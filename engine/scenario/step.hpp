#pragma once
// The per-phone script as data: a list of steps, each a std::variant alternative. The
// interpreter (one coroutine per phone) walks it read-only; runtime state such as loop
// counters and the program position lives in the phone, never here.
//
// Adding a step: add a struct below, add it to `step_action`, name it in step_name()
// (step.cpp) and add a row to the step table in step_loader.cpp; the interpreter
// (engine/app/phone_script.cpp, run_step) then fails to compile until it is handled.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/core/duration.hpp"
#include "engine/scenario/accounts.hpp"
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
// failing the phone if it has not within `within` of the expect starting. A register
// event must be seen on every open tab; a call or session event on any tab.
struct expect_step {
    event_name event;
    core::duration within{};
};

// ---- calls (the SDK's getCall() commands, and Ringstorm's caller role) ----

// Waits until a tab of the phone has a call it had not when the last action step (or the
// last wait_call) began, i.e. the call's `incoming`; fails the phone after `within`.
struct wait_call_step {
    core::duration within{std::chrono::seconds(30)};
};
// Answer(): the lowest-numbered tab with a ringing call answers it.
struct answer_step {};
// Reject: 486 Busy Here from the lowest-numbered tab with a ringing call.
struct reject_step {};
// Hangup(): BYE on the connected call (480 while it rings).
struct hangup_step {};
struct hold_step {};    // Hold(): re-INVITE a=sendonly
struct unhold_step {};  // UnHold(): re-INVITE a=sendrecv
struct mute_step {};    // Mute(): local media only, no signalling
struct unmute_step {};  // UnMute()

// sendDTMF(digit) per digit, `gap` apart (the first at once).
struct dtmf_step {
    std::string digits;  // 1 to 64 of 0-9 * # A-D
    core::duration gap{std::chrono::milliseconds(100)};
};

// Caller role: INVITE `to`, expanded with the phone's number plus `offset` (phone n calls
// account n + offset), e.g. "sip:2{n:04}@example.com" or a bare user at the sipdomain.
struct call_step {
    name_template to;
    std::int64_t offset = 0;
};

// Waits until the call the script last dealt with (answered, placed or waited for) has
// ended, typically by the far side's BYE or CANCEL; fails the phone after `within`.
struct wait_end_step {
    core::duration within{std::chrono::seconds(60)};
};

// The browser tab `tab` (0 = the parent) closes: its WebSocket closes without an
// unregister. When the parent closes, every other open tab records the session event
// `re-register` and registers again.
struct close_tab_step {
    std::uint32_t tab = 0;
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
    std::variant<register_step, unregister_step, think_step, expect_step, repeat_step, loop_step,
                 wait_call_step, answer_step, reject_step, hangup_step, hold_step, unhold_step,
                 mute_step, unmute_step, dtmf_step, call_step, wait_end_step, close_tab_step>;

struct step {
    step_action action;
    source_location where;  // the step's line in the scenario, for run-time messages
};

// The step's keyword as written in scenarios ("register", "think", ...).
std::string_view step_name(const step_action& action) noexcept;

std::string_view to_string(callback_kind kind) noexcept;  // "register", "call", "session"

// The event names a scenario can expect, per callback (sdk-callback-contract.md,
// "Callbacks"): the ones the phones emit. Names point into static storage.
std::span<const event_name> known_events() noexcept;
// How an event is written in a scenario: "registered" (register events are bare),
// "call:connected", "session:re-register".
std::string written_name(const event_name& event);

}  // namespace ringstorm::scenario
