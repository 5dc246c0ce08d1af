#include "engine/contract/profile.hpp"

#include <array>

namespace ringstorm::contract {
namespace {

using phone::call_end;
using phone::call_role;
using phone::episode_kind;
using scenario::callback_kind;

constexpr std::array<std::string_view, 0> nothing{};
constexpr std::array<std::string_view, 1> registered{"registered"};
constexpr std::array<std::string_view, 1> unregistered{"unregistered"};
constexpr std::array<std::string_view, 1> terminated{"terminated"};
constexpr std::array<std::string_view, 1> incoming{"incoming"};
constexpr std::array<std::string_view, 1> call_ended{"callEnded"};

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

// ---- calls ----
// Caller role: Ringstorm's caller phones (not an SDK role) speak each profile's end events,
// so the closing rows are shared by both roles; they are told `connected` on the 2xx.

// The integration guide: `connected` on the ACK; the app's own ends give callEnded, the
// far side's (and a lost WebSocket) give terminated.
constexpr std::array<call_opening, 2> documented_openings{{
    {call_role::callee, incoming, connected_on::ack},
    {call_role::caller, nothing, connected_on::answer},
}};
constexpr std::array<call_closing, 12> documented_closings{{
    {call_end::remote_bye, true, terminated},
    {call_end::remote_cancel, true, terminated},
    {call_end::local_hangup, true, call_ended},
    {call_end::local_reject, true, call_ended},
    // Documented phones have no no-answer timer; were one to ring out, it is a local end.
    {call_end::no_answer, true, call_ended},
    {call_end::no_ack, true, terminated},
    {call_end::bad_offer, false, nothing},
    {call_end::bad_invite, false, nothing},
    {call_end::reinvite_timeout, true, terminated},
    {call_end::transport_error, true, terminated},
    {call_end::remote_rejected, true, terminated},
    {call_end::no_final, true, terminated},
}};

// 2.0.5: `connected` as soon as the 200 is sent; every end is callEnded except a lost
// WebSocket, after which the call never ends for the app (the zombie call).
constexpr std::array<call_opening, 2> sdk_2_0_5_openings{{
    {call_role::callee, incoming, connected_on::answer},
    {call_role::caller, nothing, connected_on::answer},
}};
constexpr std::array<call_closing, 12> sdk_2_0_5_closings{{
    {call_end::remote_bye, true, call_ended},
    {call_end::remote_cancel, true, call_ended},
    {call_end::local_hangup, true, call_ended},
    {call_end::local_reject, true, call_ended},
    {call_end::no_answer, true, call_ended},
    {call_end::no_ack, true, call_ended},
    {call_end::bad_offer, false, nothing},
    {call_end::bad_invite, false, nothing},
    {call_end::reinvite_timeout, true, call_ended},
    {call_end::transport_error, true, nothing},
    {call_end::remote_rejected, true, call_ended},
    {call_end::no_final, true, call_ended},
}};

std::span<const call_opening> openings_of(scenario::contract_profile profile) noexcept {
    switch (profile) {
        case scenario::contract_profile::documented:
            return documented_openings;
        case scenario::contract_profile::exotel_web_sdk_2_0_5:
            return sdk_2_0_5_openings;
    }
    return {};
}

std::span<const call_closing> closings_of(scenario::contract_profile profile) noexcept {
    switch (profile) {
        case scenario::contract_profile::documented:
            return documented_closings;
        case scenario::contract_profile::exotel_web_sdk_2_0_5:
            return sdk_2_0_5_closings;
    }
    return {};
}

// Whether the app of call `c` was told `connected`. On the ACK: only an ACK that came
// before the call ended (a hangup while the 200 waited for its ACK ends the call first).
bool connected(const call_opening& opening, const phone::call_episode& c) noexcept {
    switch (opening.connected) {
        case connected_on::answer:
            return c.answered.has_value();
        case connected_on::ack:
            return c.acked.has_value() && (!c.ended || *c.acked <= *c.ended);
    }
    return false;
}

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

const call_opening* find_call_opening(scenario::contract_profile profile,
                                      phone::call_role role) noexcept {
    for (const call_opening& row : openings_of(profile)) {
        if (row.role == role) {
            return &row;
        }
    }
    return nullptr;
}

const call_closing* find_call_closing(scenario::contract_profile profile,
                                      phone::call_end end) noexcept {
    for (const call_closing& row : closings_of(profile)) {
        if (row.end == end) {
            return &row;
        }
    }
    return nullptr;
}

std::optional<std::vector<std::string_view>> expected_call_events(
    scenario::contract_profile profile, const phone::call_episode& c) {
    const call_opening* opening = find_call_opening(profile, c.role);
    const call_closing* closing = find_call_closing(profile, c.end);
    if (opening == nullptr || closing == nullptr) {
        return std::nullopt;
    }
    std::vector<std::string_view> out;
    if (closing->rang) {
        out.insert(out.end(), opening->lead.begin(), opening->lead.end());
        if (connected(*opening, c)) {
            out.emplace_back("connected");
        }
    }
    out.insert(out.end(), closing->trail.begin(), closing->trail.end());
    return out;
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
