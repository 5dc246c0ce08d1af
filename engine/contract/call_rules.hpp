#pragma once
// The rule ids of calls and multi-tab sessions: stable API like rules.hpp's. `call.*` rules
// are judged per call (from its end and its callbacks, or recorded by the phone as a
// phone::call_finding); `session.*` rules across one user's tabs. README.md documents each.

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/phone/timeline.hpp"

namespace ringstorm::contract {

// Where a call or session rule comes from.
enum class call_rule_source : std::uint8_t {
    end,       // the call's end says what the target did (call_end -> rule)
    sequence,  // the target behaved, yet the call's callbacks differ from the profile's
    finding,   // the phone saw the target break a protocol rule (phone::call_finding)
    session,   // across the tabs of one user (check_session)
};

struct call_rule {
    call_rule_source source = call_rule_source::end;
    phone::call_end end = phone::call_end::none;  // source end only
    std::string_view id;                          // "call.no_ack"
    std::string_view description;                 // what the target did, one line for people
};

inline constexpr std::string_view call_sequence_rule = "call.sequence";
inline constexpr std::string_view cancel_elsewhere_rule = "session.cancel_elsewhere";
inline constexpr std::string_view session_sequence_rule = "session.sequence";

// Every call and session rule, in the order reports and documentation list them.
std::span<const call_rule> call_rules() noexcept;

// The rule a call that ended for `end` breaks whatever its callbacks; nullptr when `end` is
// not the target's failure (a BYE, a CANCEL, the app's own end).
const call_rule* find_end_rule(phone::call_end end) noexcept;

// The rule with id `id`; nullptr when there is none.
const call_rule* find_call_rule(std::string_view id) noexcept;

}  // namespace ringstorm::contract
