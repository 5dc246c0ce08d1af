#pragma once
// Encoding of STUN messages into a caller's buffer (RFC 8489 §5, §14), attribute by
// attribute, without allocating. The header length is kept current after every attribute
// so MESSAGE-INTEGRITY and FINGERPRINT, added last, cover exactly what precedes them.
// Errors are sticky: the first one (buffer too small, value too long) is kept, later calls
// do nothing, and finish() reports it — so a chain of calls needs one check.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "engine/core/result.hpp"
#include "media/ice/stun_error.hpp"
#include "media/ice/stun_integrity.hpp"
#include "media/ice/stun_message.hpp"

namespace ringstorm::stun {

class writer {
public:
    // Writes the 20-byte header at once; `buffer` must outlive the writer.
    writer(std::span<std::uint8_t> buffer, message_class cls, std::uint16_t method,
           const transaction_id& tid) noexcept;

    // RFC 8489 §14: padding bytes are zero; RFC 5769's vectors were made with spaces,
    // which a test reproduces byte for byte by setting 0x20 here.
    writer& padding(std::uint8_t byte) noexcept;

    writer& xor_mapped_address(const transport_address& a) noexcept;
    writer& username(std::string_view name) noexcept;  // ICE: "<ufrag>:<ufrag>", ≤ 513 bytes
    writer& software(std::string_view text) noexcept;  // RFC 8489 §14.14: ≤ 763 bytes
    writer& priority(std::uint32_t p) noexcept;
    writer& use_candidate() noexcept;
    writer& ice_controlled(std::uint64_t tie_breaker) noexcept;
    writer& ice_controlling(std::uint64_t tie_breaker) noexcept;
    // RFC 8489 §14.8: `code` 300..699, `reason` ≤ 763 bytes.
    writer& error_code(std::uint16_t code, std::string_view reason) noexcept;
    writer& unknown_attributes(std::span<const std::uint16_t> types) noexcept;
    // HMAC-SHA1 over everything so far (RFC 8489 §14.5).
    writer& message_integrity(const integrity_key& key) noexcept;
    // CRC-32 over everything so far; must be the last attribute (RFC 8489 §14.7).
    writer& fingerprint() noexcept;

    // The message size, or the first error.
    core::result<std::size_t, errc> finish() const noexcept;

private:
    // Reserves a type-length header and a padded value; nullptr after an error.
    std::uint8_t* append(std::uint16_t type, std::size_t length) noexcept;

    std::span<std::uint8_t> buf_;
    std::size_t size_ = 0;
    std::uint8_t pad_ = 0;
    errc error_{};
    bool failed_ = false;
};

// Short-hand for the ICE messages: a Binding success response to `request` carrying the
// source address it came from (RFC 8445 §7.3.1.2), integrity and fingerprint.
core::result<std::size_t, errc> encode_binding_success(std::span<std::uint8_t> buffer,
                                                       const transaction_id& tid,
                                                       const transport_address& mapped,
                                                       const integrity_key& key) noexcept;

}  // namespace ringstorm::stun
