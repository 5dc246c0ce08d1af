#pragma once
// RFC 8285 header extension elements inside an RTP extension block (rtp_packet_view::
// extension_data). WebRTC peers send them on most packets (ssrc-audio-level, abs-send-time,
// transport-cc, mid), so a receiver must walk past them correctly even when it ignores them.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "engine/core/result.hpp"
#include "media/rtp/error.hpp"

namespace ringstorm::rtp {

// RFC 8285 §4.2: the one-byte form's profile word.
inline constexpr std::uint16_t one_byte_profile = 0xBEDE;
// RFC 8285 §4.3: the two-byte form's profile word is 0x100 then 4 "appbits"; we write 0.
inline constexpr std::uint16_t two_byte_profile = 0x1000;

enum class extension_form { one_byte, two_byte, other };

// The form a profile word announces; "other" is a non-RFC 8285 extension (skipped whole).
extension_form form_of(std::uint16_t profile) noexcept;

struct extension_element {
    std::uint8_t id = 0;                 // 1..14 (one-byte) or 1..255 (two-byte)
    std::span<const std::uint8_t> data;  // 1..16 bytes (one-byte) or 0..255 (two-byte)
};

// Walks the elements of one extension block. Padding bytes (id 0) are skipped; in the one-byte
// form id 15 ends processing (RFC 8285 §4.2). A non-RFC 8285 profile yields no elements.
class extension_reader {
public:
    extension_reader(std::uint16_t profile, std::span<const std::uint8_t> data) noexcept
        : form_(form_of(profile)), data_(data) {}

    // The next element, nullopt at the end, or bad_extension when an element's length runs
    // past the block.
    core::result<std::optional<extension_element>, errc> next() noexcept;

private:
    extension_form form_;
    std::span<const std::uint8_t> data_;
    std::size_t offset_ = 0;
};

// The data of element id in the block, nullopt when absent.
core::result<std::optional<std::span<const std::uint8_t>>, errc> find_extension(
    std::uint16_t profile, std::span<const std::uint8_t> data, std::uint8_t id) noexcept;

// Writes elements in the given form (one_byte or two_byte) into out, zero-padded to a whole
// number of 32-bit words as write_rtp_header needs. Returns the bytes written.
core::result<std::size_t, errc> write_extension_elements(
    extension_form form, std::span<const extension_element> elements,
    std::span<std::uint8_t> out) noexcept;

}  // namespace ringstorm::rtp
