#pragma once
// What the embedded target does with one incoming WebSocket frame before any component
// sees it (RFC 3261 §8.2: the UAS checks a request before processing it). Sans-I/O: a
// frame goes in, a decision comes out. Every request gets a correct answer:
//   - undecodable but addressable (Via, Call-ID and CSeq readable) -> 400 with the located
//     reason; not addressable -> dropped and counted;
//   - protocol faults -> 400 / 416 / 483 / 505 naming the rule broken;
//   - OPTIONS -> 200 with Allow/Accept; ACK -> nothing; REGISTER -> the registrar;
//   - BYE/CANCEL -> 481 (no dialog or transaction here); other known methods -> 405 with
//     Allow; extension methods -> 501;
//   - responses from clients match nothing yet -> counted and dropped.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/sip/message.hpp"

namespace ringstorm::target {

struct intake_config {
    // Methods this target implements, for Allow (RFC 3261 §20.5) on 405 and OPTIONS.
    std::string allow = "REGISTER, OPTIONS, ACK, BYE, CANCEL";
    std::string accept = "application/sdp";  // RFC 3261 §11.2
    std::size_t max_message_size = 64 * 1024;
};

// Counters of one worker's intake.
struct intake_stats {
    std::uint64_t frames = 0;           // frames received
    std::uint64_t requests = 0;         // of which parsed as requests (malformed ones too)
    std::uint64_t options = 0;          // OPTIONS answered 200
    std::uint64_t acks = 0;             // ACKs absorbed (no response exists for ACK)
    std::uint64_t bad_requests = 0;     // answered 400 (also 416, 483, 505)
    std::uint64_t unsupported = 0;      // answered 405 or 501
    std::uint64_t no_transaction = 0;   // BYE/CANCEL answered 481
    std::uint64_t stray_responses = 0;  // responses that matched nothing, dropped
    std::uint64_t dropped = 0;          // undecodable and unaddressable, dropped
};

enum class intake_action : std::uint8_t {
    reply,      // send `message` (a response) back on the connection
    register_,  // hand `message` (a REGISTER) to the registrar owning `aor`
    none,       // nothing to send (ACK, stray response, dropped garbage)
};

struct intake_result {
    intake_action action = intake_action::none;
    sip::message message;
    std::string aor;  // register_: AOR key for sharding; "" when To names none (the
                      // registrar answers it after authentication, RFC 3261 §10.3)
};

class intake {
public:
    explicit intake(intake_config config = {}) : config_(std::move(config)) {}

    intake_result take(std::string frame);

    const intake_stats& stats() const noexcept { return stats_; }
    const intake_config& config() const noexcept { return config_; }

private:
    intake_result answer(const sip::message& request, int status, std::string_view reason,
                         std::uint64_t& counter);
    intake_result dispatch(sip::message request);

    intake_config config_;
    intake_stats stats_;
};

// A 400 built from whatever of a request that failed to parse can be read: its Via
// lines, From, To, Call-ID and CSeq. nullopt when it cannot be addressed (no request
// line, a response, an ACK, no usable Via, CSeq or Call-ID).
std::optional<sip::message> salvage_reply(std::string_view frame, std::string_view reason);

}  // namespace ringstorm::target
