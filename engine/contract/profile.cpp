#include "engine/contract/profile.hpp"

#include <array>

namespace ringstorm::contract {
namespace {

using phone::episode_kind;
using scenario::callback_kind;

constexpr std::array<std::string_view, 0> nothing{};
constexpr std::array<std::string_view, 1> registered{"registered"};
constexpr std::array<std::string_view, 1> unregistered{"unregistered"};
constexpr std::array<std::string_view, 1> terminated{"terminated"};

// The integration guide (v1.2): one sent_request per action whatever the challenges, a
// refresh is silent ("registered stays"), and the phone never retries on its own.
constexpr std::array<sequence_shape, 5> documented{{
    {episode_kind::register_, callback_kind::register_event, true, nothing, "sent_request", false,
     registered},
    {episode_kind::refresh, callback_kind::register_event, true, nothing, "", false, nothing},
    {episode_kind::unregister, callback_kind::register_event, true, nothing, "sent_request", false,
     unregistered},
    {episode_kind::recover, callback_kind::register_event, false, nothing, "", false, nothing},
    {episode_kind::drop, callback_kind::register_event, true, nothing, "", false, terminated},
}};

// The published SDK 2.0.5 (SIP.js 0.20.0 underneath): sent_request for every REGISTER on the
// wire, refreshes and retries re-announce themselves, and UnRegister() first emits a
// spurious `registered`. Its de-REGISTER closes the socket before any challenge can be
// read, so unregister has exactly one sent_request.
constexpr std::array<sequence_shape, 5> sdk_2_0_5{{
    {episode_kind::register_, callback_kind::register_event, true, nothing, "sent_request", true,
     registered},
    {episode_kind::refresh, callback_kind::register_event, true, nothing, "sent_request", true,
     registered},
    {episode_kind::unregister, callback_kind::register_event, true, registered, "sent_request",
     false, unregistered},
    {episode_kind::recover, callback_kind::register_event, true, nothing, "sent_request", true,
     registered},
    {episode_kind::drop, callback_kind::register_event, true, nothing, "", false, unregistered},
}};

std::span<const sequence_shape> table_of(scenario::contract_profile profile) noexcept {
    switch (profile) {
        case scenario::contract_profile::documented:
            return documented;
        case scenario::contract_profile::exotel_web_sdk_2_0_5:
            return sdk_2_0_5;
    }
    return {};
}

}  // namespace

const sequence_shape* find_shape(scenario::contract_profile profile,
                                 phone::episode_kind kind) noexcept {
    for (const sequence_shape& row : table_of(profile)) {
        if (row.kind == kind) {
            return &row;
        }
    }
    return nullptr;
}

std::vector<std::string_view> expected_events(const sequence_shape& shape,
                                              const phone::episode& e) {
    std::vector<std::string_view> out;
    if (!shape.in_profile) {
        return out;
    }
    out.insert(out.end(), shape.lead.begin(), shape.lead.end());
    if (!shape.per_request.empty()) {
        const std::size_t requests = shape.per_challenge ? 1 + std::size_t{e.challenges} : 1;
        out.insert(out.end(), requests, shape.per_request);
    }
    out.insert(out.end(), shape.trail.begin(), shape.trail.end());
    return out;
}

}  // namespace ringstorm::contract
