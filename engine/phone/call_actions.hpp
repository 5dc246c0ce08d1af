#pragma once
// What a call machine (call.hpp, the incoming call; outgoing_call.hpp, the caller role)
// hands its driver: actions as values, and the record of the call the SDK's callObj
// carries. Apart from call.hpp so the pieces both machines share (dialog_requests.hpp,
// call_sdp.hpp) can use them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/stats.hpp"
#include "engine/core/step.hpp"
#include "engine/phone/timeline.hpp"

namespace ringstorm::phone {

// ---- actions ----
enum class call_action_type : std::uint8_t {
    send,            // `text`: one SIP message = one WebSocket text frame (RFC 7118 §5.1)
    emit,            // `event` (static text) for the call `text` (its Call-ID)
    latency,         // record `latency` for `step`
    sip_count,       // count one SIP message (`direction`, `method`, `status`)
    protocol_error,  // count `error_kind`: the target broke a rule; `text` may detail it
    refused,         // an app command that does not apply now; `error_kind` says why
};

struct call_action {
    call_action(call_action_type t = call_action_type::send,  // NOLINT: tests brace-build
                std::string_view kind = {})
        : type(t), error_kind(kind) {}

    call_action_type type = call_action_type::send;
    std::string text;
    std::string_view event;
    core::step step = core::step::answer_to_ack;
    std::chrono::nanoseconds latency{0};
    core::direction direction = core::direction::sent;
    core::sip_method method = core::sip_method::invite;
    core::status_class status = core::status_class::request;
    std::string_view error_kind;  // static text: "malformed_request", "not_connected", ...
};
using call_actions = std::vector<call_action>;

enum class call_state : std::uint8_t {
    ringing,    // 180 sent, waiting for the app
    answering,  // 200 sent, ACK not yet received
    connected,  // ACK received
    ended,
};
std::string_view to_string(call_state s) noexcept;  // "ringing", "answering", ...

// What the SDK's callObj carries, plus the Exotel leg headers kept for reports.
struct call_record {
    std::string call_id;
    std::string_view direction = "incoming";
    call_state state = call_state::ringing;
    call_end end = call_end::none;
    core::time_point started{};  // INVITE received (callStartedTime)
    std::optional<core::time_point> answered;
    std::optional<core::time_point> acked;  // the ACK of our 2xx to the INVITE arrived
    std::optional<core::time_point> ended;
    std::uint16_t final_status = 0;  // our final response to the INVITE; 0 while none
    // The target's CANCEL carried `Reason: SIP;cause=200` (RFC 3326): answered elsewhere.
    bool completed_elsewhere = false;
    std::string remote_display_name;
    std::string exotel_call_sid;         // X-Exotel-CallSid, empty when absent
    std::string exotel_leg_sid;          // X-Exotel-LegSid
    bool held = false;                   // our last hold offer was answered
    bool muted = false;                  // the audio track is disabled (no signalling)
    std::vector<recorded_event> events;  // CallListenerCallback events, in order
};

}  // namespace ringstorm::phone
