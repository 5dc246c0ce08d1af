#pragma once
// Errors of the STUN codec (Beast's websocket/error.hpp pattern): one enum, one category,
// and the located decode error the decoder returns instead of throwing.

#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

namespace ringstorm::stun {

enum class errc {
    too_short = 1,     // fewer than the 20 header bytes, or an attribute running past the end
    not_stun,          // RFC 8489 §5: top two bits not zero
    bad_magic_cookie,  // RFC 8489 §5: not 0x2112A442 (an RFC 3489 peer)
    bad_length,        // header length not a multiple of 4 or not matching the datagram
    bad_attribute,     // a known attribute whose value breaks its grammar
    attribute_after_fingerprint,  // RFC 8489 §14.7: FINGERPRINT must be last
    too_many_unknown,             // more unknown comprehension-required attributes than we record
    buffer_too_small,             // encoding: the caller's buffer cannot hold the message
    value_too_long,               // encoding: a USERNAME/SOFTWARE/reason beyond its RFC limit
};

const std::error_category& stun_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), stun_category()};
}

// Where and why a datagram was rejected as STUN.
struct decode_error {
    errc code = errc::too_short;
    std::size_t offset = 0;       // byte offset in the datagram
    std::uint16_t attribute = 0;  // attribute type at fault, 0 when the header is at fault

    // "byte 44, attribute 0x0020: bad_attribute"
    std::string to_string() const;
};

}  // namespace ringstorm::stun

template <>
struct std::is_error_code_enum<ringstorm::stun::errc> : std::true_type {};
