#pragma once
// STUN messages (RFC 8489) as ICE uses them (RFC 8445 §7, RFC 7675): a decoded view over
// the caller's datagram with the attributes ICE needs already picked out. Decoding never
// allocates: strings are views into the datagram, unknown attribute types go into a
// fixed array, and the positions of MESSAGE-INTEGRITY and FINGERPRINT are kept so the
// caller can verify them once it knows which password applies.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "engine/core/result.hpp"
#include "media/ice/stun_error.hpp"
#include "media/ice/transport_address.hpp"

namespace ringstorm::stun {

inline constexpr std::uint32_t magic_cookie = 0x2112A442;  // RFC 8489 §5
inline constexpr std::size_t header_size = 20;
inline constexpr std::uint32_t fingerprint_xor = 0x5354554E;  // RFC 8489 §14.7 ("STUN")

// RFC 8489 §5: the class bits C1 C0.
enum class message_class : std::uint8_t { request = 0, indication = 1, success = 2, error = 3 };

namespace method {
inline constexpr std::uint16_t binding = 0x001;  // RFC 8489 §18.2
}

// Attribute types (RFC 8489 §18.3, RFC 8445 §16.1).
namespace attr {
inline constexpr std::uint16_t mapped_address = 0x0001;
inline constexpr std::uint16_t username = 0x0006;
inline constexpr std::uint16_t message_integrity = 0x0008;
inline constexpr std::uint16_t error_code = 0x0009;
inline constexpr std::uint16_t unknown_attributes = 0x000A;
inline constexpr std::uint16_t realm = 0x0014;
inline constexpr std::uint16_t nonce = 0x0015;
inline constexpr std::uint16_t message_integrity_sha256 = 0x001C;
inline constexpr std::uint16_t userhash = 0x001E;
inline constexpr std::uint16_t xor_mapped_address = 0x0020;
inline constexpr std::uint16_t priority = 0x0024;
inline constexpr std::uint16_t use_candidate = 0x0025;
inline constexpr std::uint16_t software = 0x8022;
inline constexpr std::uint16_t alternate_server = 0x8023;
inline constexpr std::uint16_t fingerprint = 0x8028;
inline constexpr std::uint16_t ice_controlled = 0x8029;
inline constexpr std::uint16_t ice_controlling = 0x802A;
// RFC 8489 §14: types below 0x8000 must be understood or the request rejected (420).
constexpr bool comprehension_required(std::uint16_t type) noexcept {
    return type < 0x8000;
}
}  // namespace attr

// Error codes ICE uses (RFC 8489 §14.8, RFC 8445 §7.3.1.1).
namespace error {
inline constexpr std::uint16_t bad_request = 400;
inline constexpr std::uint16_t unauthenticated = 401;
inline constexpr std::uint16_t unknown_attribute = 420;
inline constexpr std::uint16_t role_conflict = 487;
inline constexpr std::uint16_t server_error = 500;
}  // namespace error

using transaction_id = std::array<std::uint8_t, 12>;

struct error_code_value {
    std::uint16_t code = 0;   // 300..699
    std::string_view reason;  // UTF-8, views the datagram
};

// A decoded STUN message. Views point into the datagram passed to decode(); the datagram
// must outlive the message.
struct message {
    message_class cls = message_class::request;
    std::uint16_t method = method::binding;
    transaction_id tid{};
    std::span<const std::uint8_t> bytes;  // the whole message, header included

    std::optional<transport_address> xor_mapped_address;
    std::optional<std::string_view> username;
    std::optional<std::string_view> software;
    std::optional<std::uint32_t> priority;
    bool use_candidate = false;
    std::optional<std::uint64_t> ice_controlled;   // the sender's tie-breaker
    std::optional<std::uint64_t> ice_controlling;  // the sender's tie-breaker
    std::optional<error_code_value> error_code;

    // Offsets of the attribute headers, set when present.
    std::optional<std::size_t> integrity_offset;
    std::optional<std::size_t> fingerprint_offset;

    // Comprehension-required types this decoder does not know (RFC 8489 §6.3.1: a request
    // carrying any is answered 420 with UNKNOWN-ATTRIBUTES listing them).
    static constexpr std::size_t max_unknown = 8;
    std::array<std::uint16_t, max_unknown> unknown_required{};
    std::size_t unknown_required_count = 0;

    std::span<const std::uint16_t> unknown() const noexcept {
        return {unknown_required.data(), unknown_required_count};
    }
};

// Decodes one datagram as a STUN message. Checks the header (RFC 8489 §6.3), attribute
// framing and the placement rules for MESSAGE-INTEGRITY and FINGERPRINT; it does not check
// either value (see verify_integrity / verify_fingerprint), since that needs the password
// the USERNAME selects.
core::result<message, decode_error> decode(std::span<const std::uint8_t> datagram);

// Cheap pre-check for a demultiplexer: header shape and magic cookie only.
bool looks_like_stun(std::span<const std::uint8_t> datagram) noexcept;

}  // namespace ringstorm::stun
