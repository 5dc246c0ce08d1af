#pragma once
// Time and timer values for the SIP state machines (RFC 3261 §17, Table 4). The machines
// never read a clock: every event carries `now`, and each machine reports its next
// deadline so that its owner can call on_timer() when it passes.

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace ringstorm::sip {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using duration = std::chrono::milliseconds;

struct timer_config {
    duration t1{500};   // RFC 3261 §17.1.1.1: RTT estimate
    duration t2{4000};  // maximum retransmit interval for non-INVITE requests and INVITE responses
    duration t4{5000};  // maximum time a message stays in the network
    duration timer_d{32000};  // RFC 3261 §17.1.1.2: at least 32 s over unreliable transports
    // RFC 3261 §17.2.1: the server INVITE transaction sends 100 Trying itself unless the
    // TU answers within 200 ms.
    duration trying_delay{200};
    // RFC 6026 §8.4/§8.7: the INVITE transactions wait in "Accepted" after a 2xx instead
    // of terminating, so 2xx retransmissions (client) and INVITE retransmissions (server)
    // are absorbed rather than reaching the core as strays.
    bool rfc6026_accepted = true;

    // Checks the fields against each other; returns a reason or an empty view when valid.
    std::string_view validate() const noexcept {
        if (t1.count() <= 0 || t2.count() <= 0 || t4.count() <= 0) {
            return "T1, T2 and T4 must be positive";
        }
        if (t2 < t1) {
            return "T2 must not be smaller than T1";
        }
        if (timer_d.count() < 0 || trying_delay.count() < 0) {
            return "timer D and the 100 Trying delay must not be negative";
        }
        return {};
    }

    // Table 4 values derived from T1/T4 and the transport's reliability.
    duration timeout_64t1() const noexcept { return 64 * t1; }  // B, F, H, J (unreliable), L, M
    duration timer_d_for(bool reliable) const noexcept { return reliable ? duration{0} : timer_d; }
    duration timer_i_for(bool reliable) const noexcept { return reliable ? duration{0} : t4; }
    duration timer_j_for(bool reliable) const noexcept { return reliable ? duration{0} : 64 * t1; }
    duration timer_k_for(bool reliable) const noexcept { return reliable ? duration{0} : t4; }
};

// Names of the timers, reported with a timeout so the owner can say which one expired.
enum class timer_id : unsigned char {
    none,
    a,         // client INVITE retransmit (RFC 3261 §17.1.1.2)
    b,         // client INVITE timeout
    d,         // client INVITE wait for response retransmissions
    e,         // client non-INVITE retransmit (§17.1.2.2)
    f,         // client non-INVITE timeout
    k,         // client non-INVITE wait for response retransmissions
    g,         // server INVITE response retransmit (§17.2.1)
    h,         // server INVITE wait for ACK
    i,         // server INVITE wait for ACK retransmissions
    j,         // server non-INVITE wait for request retransmissions (§17.2.2)
    l,         // server INVITE Accepted (RFC 6026)
    m,         // client INVITE Accepted (RFC 6026)
    trying,    // the 200 ms 100 Trying delay (§17.2.1)
    wait_ack,  // UAS core gives up waiting for the ACK of its 2xx after 64*T1 (§13.3.1.4)
};

std::string_view to_string(timer_id t) noexcept;

// Whether an armed deadline has passed at `now`.
inline bool is_due(const std::optional<time_point>& deadline, time_point now) noexcept {
    return deadline && *deadline <= now;
}

// The earliest of the armed deadlines; nullopt when none is armed.
inline std::optional<time_point> earliest(
    std::initializer_list<std::optional<time_point>> deadlines) noexcept {
    std::optional<time_point> out;
    for (const auto& d : deadlines) {
        if (d && (!out || *d < *out)) {
            out = d;
        }
    }
    return out;
}

}  // namespace ringstorm::sip
