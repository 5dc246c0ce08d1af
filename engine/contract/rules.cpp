#include "engine/contract/rules.hpp"

#include <array>

namespace ringstorm::contract {
namespace {

using phone::episode_kind;

// Unregister has no binding rules: a 2xx to a de-REGISTER is right to leave our binding out
// (RFC 3261 §10.2.2), so those outcomes count as accepted and only the callbacks are judged.
constexpr std::array<rule, 27> rules{{
    {episode_kind::register_, failure::refused, "register.refused",
     "the target refused the REGISTER (403, a second 401/407, or another final non-2xx)"},
    {episode_kind::register_, failure::timeout, "register.timeout",
     "the target gave no final response to the REGISTER within 32 s (Timer F)"},
    {episode_kind::register_, failure::binding_missing, "register.binding_missing",
     "the target's 2xx to the REGISTER did not list the phone's Contact"},
    {episode_kind::register_, failure::expiry_missing, "register.expiry_missing",
     "the target's 2xx to the REGISTER listed the phone's Contact without an expiry"},
    {episode_kind::register_, failure::contact_missing, "register.contact_missing",
     "the target's 2xx to the REGISTER had no Contact at all"},
    {episode_kind::register_, failure::transport_error, "register.transport_error",
     "the WebSocket to the target failed (connect, TLS, upgrade) or dropped during the REGISTER"},
    {episode_kind::register_, failure::sequence, "register.sequence",
     "the target accepted the REGISTER but the app saw other callbacks than the profile's"},

    {episode_kind::refresh, failure::refused, "refresh.refused",
     "the target refused the refreshing REGISTER"},
    {episode_kind::refresh, failure::timeout, "refresh.timeout",
     "the target gave no final response to the refreshing REGISTER within 32 s"},
    {episode_kind::refresh, failure::binding_missing, "refresh.binding_missing",
     "the target's 2xx to the refresh did not list the phone's Contact"},
    {episode_kind::refresh, failure::expiry_missing, "refresh.expiry_missing",
     "the target's 2xx to the refresh listed the phone's Contact without an expiry"},
    {episode_kind::refresh, failure::contact_missing, "refresh.contact_missing",
     "the target's 2xx to the refresh had no Contact at all"},
    {episode_kind::refresh, failure::transport_error, "refresh.transport_error",
     "the WebSocket dropped or failed during the refresh"},
    {episode_kind::refresh, failure::sequence, "refresh.sequence",
     "the target accepted the refresh but the app saw other callbacks than the profile's"},

    {episode_kind::unregister, failure::refused, "unregister.refused",
     "the target refused the de-REGISTER (expires=0)"},
    {episode_kind::unregister, failure::timeout, "unregister.timeout",
     "the target gave no final response to the de-REGISTER within 32 s"},
    {episode_kind::unregister, failure::transport_error, "unregister.transport_error",
     "the WebSocket dropped or failed during the de-REGISTER"},
    {episode_kind::unregister, failure::sequence, "unregister.sequence",
     "the de-REGISTER went through but the app saw other callbacks than the profile's"},

    {episode_kind::recover, failure::unexpected, "recover.unexpected",
     "the phone re-registered on its own after a failure or a drop, which the profile never does"},
    {episode_kind::recover, failure::refused, "recover.refused",
     "the target refused the phone's retry REGISTER"},
    {episode_kind::recover, failure::timeout, "recover.timeout",
     "the target gave no final response to the retry REGISTER within 32 s"},
    {episode_kind::recover, failure::binding_missing, "recover.binding_missing",
     "the target's 2xx to the retry REGISTER did not list the phone's Contact"},
    {episode_kind::recover, failure::expiry_missing, "recover.expiry_missing",
     "the target's 2xx to the retry REGISTER listed the phone's Contact without an expiry"},
    {episode_kind::recover, failure::contact_missing, "recover.contact_missing",
     "the target's 2xx to the retry REGISTER had no Contact at all"},
    {episode_kind::recover, failure::transport_error, "recover.transport_error",
     "the WebSocket failed again during the retry"},
    {episode_kind::recover, failure::sequence, "recover.sequence",
     "the retry was accepted but the app saw other callbacks than the profile's"},

    {episode_kind::drop, failure::transport_error, "drop.transport_error",
     "the target dropped the WebSocket of a registered phone that had nothing in flight"},
}};

}  // namespace

std::span<const rule> all_rules() noexcept {
    return rules;
}

const rule* find_rule(phone::episode_kind kind, failure what) noexcept {
    for (const rule& r : rules) {
        if (r.kind == kind && r.what == what) {
            return &r;
        }
    }
    return nullptr;
}

std::optional<failure> failure_of(phone::episode_kind kind,
                                  phone::episode_outcome outcome) noexcept {
    using phone::episode_outcome;
    const bool unregister = kind == episode_kind::unregister;
    switch (outcome) {
        case episode_outcome::pending:
        case episode_outcome::ok:
        case episode_outcome::not_sent:
            return std::nullopt;
        case episode_outcome::auth_failed:
        case episode_outcome::rejected:
            return failure::refused;
        case episode_outcome::timeout:
            return failure::timeout;
        case episode_outcome::transport_error:
            return failure::transport_error;
        case episode_outcome::binding_missing:
            return unregister ? std::nullopt : std::optional{failure::binding_missing};
        case episode_outcome::expiry_missing:
            return unregister ? std::nullopt : std::optional{failure::expiry_missing};
        case episode_outcome::contact_missing:
            return unregister ? std::nullopt : std::optional{failure::contact_missing};
    }
    return std::nullopt;
}

}  // namespace ringstorm::contract
