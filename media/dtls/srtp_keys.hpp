#pragma once
// SRTP protection profiles negotiated by the use_srtp extension (RFC 5764 §4.1.2) and the
// keying material DTLS exports for them (RFC 5764 §4.2).
//
// Layout of srtp_keying_material::bytes, exactly as the exporter returns it with the label
// "EXTRACTOR-dtls_srtp", no context, length 2 * (key_len + salt_len) (RFC 5764 §4.2):
//
//   offset 0                  client_write_SRTP_master_key   key_len bytes
//   offset key_len            server_write_SRTP_master_key   key_len bytes
//   offset 2*key_len          client_write_SRTP_master_salt  salt_len bytes
//   offset 2*key_len+salt_len server_write_SRTP_master_salt  salt_len bytes
//
//   profile                  id      key_len  salt_len  total
//   SRTP_AES128_CM_SHA1_80   0x0001  16       14        60   (RFC 5764 §4.1.2, RFC 3711)
//   SRTP_AEAD_AES_128_GCM    0x0007  16       12        56   (RFC 7714 §14.2, §12)
//
// "client" is the DTLS client (a=setup:active). The client protects what it sends with the
// client key and salt and unprotects with the server's; the server the other way round.
// libsrtp wants one key||salt buffer per direction: master_key_salt() builds it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ringstorm::dtls {

enum class srtp_profile : std::uint16_t {
    aes128_cm_sha1_80 = 0x0001,
    aead_aes_128_gcm = 0x0007,
};

// OpenSSL's name for the profile, "SRTP_AES128_CM_SHA1_80".
std::string_view to_string(srtp_profile p) noexcept;
// The profile with this IANA id, nullopt for the ones we never offer.
std::optional<srtp_profile> srtp_profile_from_id(std::uint16_t id) noexcept;
std::size_t master_key_length(srtp_profile p) noexcept;
std::size_t master_salt_length(srtp_profile p) noexcept;

enum class dtls_role : std::uint8_t { client, server };

// RFC 5763 §5: a=setup:active is the DTLS client, passive the server. actpass and holdconn
// are not a final role: nullopt.
std::optional<dtls_role> role_from_setup(std::string_view setup) noexcept;
std::string_view to_string(dtls_role r) noexcept;

struct srtp_keying_material {
    // Longest key||salt pair of the profiles above (16 + 14).
    static constexpr std::size_t max_key_salt = 30;

    srtp_profile profile = srtp_profile::aes128_cm_sha1_80;
    std::array<std::uint8_t, 2 * max_key_salt> bytes{};  // first size() bytes, layout above
    std::size_t key_len = 0;
    std::size_t salt_len = 0;

    std::size_t size() const noexcept { return 2 * (key_len + salt_len); }
    std::span<const std::uint8_t> raw() const noexcept { return {bytes.data(), size()}; }
    std::span<const std::uint8_t> client_key() const noexcept { return {bytes.data(), key_len}; }
    std::span<const std::uint8_t> server_key() const noexcept {
        return {bytes.data() + key_len, key_len};
    }
    std::span<const std::uint8_t> client_salt() const noexcept {
        return {bytes.data() + 2 * key_len, salt_len};
    }
    std::span<const std::uint8_t> server_salt() const noexcept {
        return {bytes.data() + 2 * key_len + salt_len, salt_len};
    }

    // key||salt of what `writer` sends: master_key_salt(my_role) for the outbound SRTP
    // policy, master_key_salt(the other role) for the inbound one. Returns the length
    // written to `out` (key_len + salt_len).
    std::size_t master_key_salt(dtls_role writer,
                                std::array<std::uint8_t, max_key_salt>& out) const noexcept;
};

}  // namespace ringstorm::dtls
