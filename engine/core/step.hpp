#pragma once
// The measured steps of a run: the names used in summary.json's latency_seconds, in the
// `step` label of ringstorm_step_duration_seconds and in thresholds (`register.p99`).
// Every latency is measured from the moment its action was due (coordinated omission).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/core/result.hpp"

namespace ringstorm::core {

enum class step : std::uint8_t {
    ws_connect,           // TCP connect + WebSocket upgrade (RFC 6455 §4.1)
    tls_handshake,        // TLS handshake of a wss:// connection
    register_,            // first REGISTER to its final 2xx, across the digest challenge
    unregister,           // REGISTER with expires=0 to its final response
    invite_to_incoming,   // INVITE sent by the target to the phone's incoming-call event
    answer_to_connected,  // answer() to the SDK's connected event
    answer_to_ack,        // answer() (200 OK sent) to the ACK received
    hold,                 // hold re-INVITE to its 200 OK
    unhold,               // unhold re-INVITE to its 200 OK
    bye,                  // BYE to its 200 OK
    cancel,               // CANCEL to the 487 of the INVITE
    ice,                  // the stream's start (the far end's SDP known) to the selected pair
    dtls_handshake,       // DTLS-SRTP handshake: its first flight to keys exported
    media_first_packet,   // the answer (media start) to the first decrypted RTP packet
};

inline constexpr std::size_t step_count = 14;

// Every step in declaration order (the order reports list them in).
inline constexpr std::array<step, step_count> all_steps{
    step::ws_connect,
    step::tls_handshake,
    step::register_,
    step::unregister,
    step::invite_to_incoming,
    step::answer_to_connected,
    step::answer_to_ack,
    step::hold,
    step::unhold,
    step::bye,
    step::cancel,
    step::ice,
    step::dtls_handshake,
    step::media_first_packet,
};

// Position of a step in all_steps and in per-step arrays.
constexpr std::size_t index(step s) noexcept {
    return static_cast<std::size_t>(s);
}

// The interface name ("register" for step::register_).
std::string_view to_string(step s) noexcept;

// The step with this exact interface name; an unknown name gives an error text that
// lists the valid names, ready for a located scenario error.
result<step, std::string> step_from_string(std::string_view name);

}  // namespace ringstorm::core
