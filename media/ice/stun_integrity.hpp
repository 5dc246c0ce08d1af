#pragma once
// MESSAGE-INTEGRITY (RFC 8489 §14.5, HMAC-SHA1 keyed with the ICE password: the
// short-term credential of §9.1) and FINGERPRINT (§14.7, CRC-32 xor 0x5354554E).

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "media/ice/stun_message.hpp"

// OpenSSL's context type, declared here so this header does not pull in OpenSSL's.
struct evp_mac_ctx_st;

namespace ringstorm::stun {

using hmac_sha1_digest = std::array<std::uint8_t, 20>;

// An HMAC-SHA1 context keyed once with a short-term password (RFC 8489 §9.1.1: the key
// is the password after OpaqueString processing; ICE passwords are ice-chars, which it
// leaves unchanged). Keying happens at construction; each use only re-initialises the
// context with the stored key, so signing a message costs two SHA-1 passes and no
// allocation. Not shareable between threads (one per agent, owned by its worker).
class integrity_key {
public:
    // Throws std::runtime_error when OpenSSL cannot provide HMAC-SHA1 (a broken install,
    // found at start-up).
    explicit integrity_key(std::string_view password);
    ~integrity_key();
    integrity_key(integrity_key&& other) noexcept;
    integrity_key& operator=(integrity_key&& other) noexcept;
    integrity_key(const integrity_key&) = delete;
    integrity_key& operator=(const integrity_key&) = delete;

    const std::string& password() const noexcept { return password_; }

    // HMAC over `header` (20 bytes, length already adjusted) followed by `body`.
    hmac_sha1_digest sign(std::span<const std::uint8_t> header,
                          std::span<const std::uint8_t> body) const noexcept;

private:
    std::string password_;
    evp_mac_ctx_st* ctx_ = nullptr;
};

// ISO-HDLC CRC-32 (the one of zlib and Ethernet) over `bytes`, continuing from `crc`.
std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0) noexcept;

// Checks MESSAGE-INTEGRITY against `key`: HMAC over the message up to the attribute, with
// the header length covering the attribute (RFC 8489 §14.5). False when absent.
bool verify_integrity(const message& m, const integrity_key& key) noexcept;

// Checks FINGERPRINT (RFC 8489 §14.7). False when absent.
bool verify_fingerprint(const message& m) noexcept;

}  // namespace ringstorm::stun
