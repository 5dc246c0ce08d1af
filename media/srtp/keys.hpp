#pragma once
// SRTP protection profiles and master keys as DTLS-SRTP hands them over: the keying material
// exported after the handshake (RFC 5764 §4.2, label "EXTRACTOR-dtls_srtp") is split into one
// master key + salt per direction. Value types, no libsrtp here, so the DTLS layer and tests
// can use them without linking the crypto.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "engine/core/result.hpp"
#include "media/srtp/error.hpp"

namespace ringstorm::srtp {

// The two profiles WebRTC peers offer (Chrome offers both; GCM first).
enum class srtp_profile {
    aes_cm_128_hmac_sha1_80,  // RFC 3711 default transform, RFC 5764 §4.1.2 id 0x0001
    aead_aes_128_gcm,         // RFC 7714 §14.2 id 0x0007
};

// Sizes that follow from a profile. Tags differ per profile: 10 bytes for HMAC-SHA1-80
// (RFC 3711 §5.2 truncation), 16 for GCM (RFC 7714 §8.2).
struct profile_sizes {
    std::size_t key = 0;       // master key bytes (AES-128: 16)
    std::size_t salt = 0;      // master salt bytes (14 for AES-CM, RFC 3711 §8.2; 12 for GCM)
    std::size_t rtp_tag = 0;   // bytes protect_rtp appends
    std::size_t rtcp_tag = 0;  // tag bytes protect_rtcp appends after the 4-byte E|index word
};

profile_sizes sizes(srtp_profile p) noexcept;

// RFC 5764 §4.2: 2 * (key + salt) bytes to ask the DTLS exporter for.
std::size_t keying_material_length(srtp_profile p) noexcept;

// Bytes protect_rtp / protect_rtcp append (RTCP adds the E flag + SRTCP index, RFC 3711 §3.4).
std::size_t rtp_overhead(srtp_profile p) noexcept;
std::size_t rtcp_overhead(srtp_profile p) noexcept;

// The DTLS use_srtp profile id (RFC 5764 §4.1.2, RFC 7714 §14.2), as OpenSSL reports it in
// SSL_get_selected_srtp_profile()->id; nullopt for profiles we do not implement.
std::optional<srtp_profile> profile_from_id(std::uint16_t id) noexcept;
std::uint16_t profile_id(srtp_profile p) noexcept;
// OpenSSL's name for SSL_CTX_set_tlsext_use_srtp, e.g. "SRTP_AEAD_AES_128_GCM".
std::string_view openssl_name(srtp_profile p) noexcept;

// One direction's master key followed by its master salt, contiguous, as libsrtp's policy
// expects them. Wiped on destruction: these bytes decrypt a call.
class master_key {
public:
    static constexpr std::size_t max_size = 16 + 14;

    master_key() = default;
    // key and salt lengths must match the profile (checked by srtp_session::create).
    master_key(std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt) noexcept;
    master_key(const master_key&) = default;
    master_key& operator=(const master_key&) = default;
    ~master_key();

    std::size_t key_size() const noexcept { return key_size_; }
    std::size_t salt_size() const noexcept { return salt_size_; }
    std::span<const std::uint8_t> key() const noexcept { return {bytes_.data(), key_size_}; }
    std::span<const std::uint8_t> salt() const noexcept {
        return {bytes_.data() + key_size_, salt_size_};
    }
    // key || salt
    std::span<const std::uint8_t> bytes() const noexcept {
        return {bytes_.data(), key_size_ + salt_size_};
    }

private:
    std::array<std::uint8_t, max_size> bytes_{};
    std::size_t key_size_ = 0;
    std::size_t salt_size_ = 0;
};

// Which side of the DTLS handshake we were: it decides which half of the keys we send with.
enum class dtls_role { client, server };

// The keys of one DTLS-SRTP association, by who writes with them (RFC 5764 §4.2).
struct srtp_keys {
    srtp_profile profile = srtp_profile::aes_cm_128_hmac_sha1_80;
    master_key client_write;  // what the DTLS client protects with (and the server unprotects)
    master_key server_write;  // what the DTLS server protects with

    const master_key& outbound(dtls_role we) const noexcept {
        return we == dtls_role::client ? client_write : server_write;
    }
    const master_key& inbound(dtls_role we) const noexcept {
        return we == dtls_role::client ? server_write : client_write;
    }
};

// RFC 5764 §4.2: the exporter output is
//   client_write_SRTP_master_key | server_write_SRTP_master_key |
//   client_write_SRTP_master_salt | server_write_SRTP_master_salt
// (keys first, then salts: not key+salt per side). Fails with bad_key_length unless
// material is exactly keying_material_length(profile) bytes.
core::result<srtp_keys, errc> split_keying_material(srtp_profile profile,
                                                    std::span<const std::uint8_t> material);

}  // namespace ringstorm::srtp
