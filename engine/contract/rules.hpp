#pragma once
// The rule ids the checker reports: stable API (the `rule` label of
// ringstorm_contract_violations_total, the keys of summary.json contract.by_rule). Each id
// is `<episode kind>.<what the target did>`; README.md documents every one.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "engine/phone/timeline.hpp"

namespace ringstorm::contract {

// What went wrong in an episode, before it is named per episode kind.
enum class failure : std::uint8_t {
    refused,          // 403, a second 401/407, or another final non-2xx
    timeout,          // no final response (Timer F, RFC 3261 §17.1.2.2)
    binding_missing,  // 2xx whose Contact list lacks our binding (RFC 3261 §10.3 step 8)
    expiry_missing,   // 2xx listing our binding without an expiry
    contact_missing,  // 2xx without any Contact
    transport_error,  // connect, TLS or upgrade failed, or the socket dropped
    sequence,         // the target answered well but the callbacks differ from the profile
    unexpected,       // an episode the profile never has (a documented phone's retry)
};

struct rule {
    phone::episode_kind kind;
    failure what;
    std::string_view id;           // "register.refused"
    std::string_view description;  // what the target did, one line for people
};

// Every rule, in the order reports and documentation list them.
std::span<const rule> all_rules() noexcept;

// The rule for `what` in an episode of `kind`; nullptr when that kind has no such rule.
const rule* find_rule(phone::episode_kind kind, failure what) noexcept;

// The failure an ended episode's outcome stands for; nullopt when the outcome is not a
// failure (ok, and for unregister any 2xx: the binding is meant to be gone) or is not judged
// (pending, not_sent).
std::optional<failure> failure_of(phone::episode_kind kind,
                                  phone::episode_outcome outcome) noexcept;

}  // namespace ringstorm::contract
