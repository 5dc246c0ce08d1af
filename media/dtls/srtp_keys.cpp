#include "media/dtls/srtp_keys.hpp"

#include <algorithm>

namespace ringstorm::dtls {

std::string_view to_string(srtp_profile p) noexcept {
    switch (p) {
        case srtp_profile::aes128_cm_sha1_80:
            return "SRTP_AES128_CM_SHA1_80";
        case srtp_profile::aead_aes_128_gcm:
            return "SRTP_AEAD_AES_128_GCM";
    }
    return "SRTP_AES128_CM_SHA1_80";
}

std::optional<srtp_profile> srtp_profile_from_id(std::uint16_t id) noexcept {
    switch (id) {
        case 0x0001:
            return srtp_profile::aes128_cm_sha1_80;
        case 0x0007:
            return srtp_profile::aead_aes_128_gcm;
        default:
            return std::nullopt;
    }
}

std::size_t master_key_length(srtp_profile) noexcept {
    // Both profiles use AES-128 (RFC 3711 §8.2, RFC 7714 §14.2).
    return 16;
}

std::size_t master_salt_length(srtp_profile p) noexcept {
    // RFC 3711 §8.2: 112-bit salt for AES-CM; RFC 7714 §12: 96-bit salt for AEAD.
    return p == srtp_profile::aead_aes_128_gcm ? 12 : 14;
}

std::optional<dtls_role> role_from_setup(std::string_view setup) noexcept {
    if (setup == "active") {
        return dtls_role::client;
    }
    if (setup == "passive") {
        return dtls_role::server;
    }
    return std::nullopt;
}

std::string_view to_string(dtls_role r) noexcept {
    return r == dtls_role::client ? "client" : "server";
}

std::size_t srtp_keying_material::master_key_salt(
    dtls_role writer, std::array<std::uint8_t, max_key_salt>& out) const noexcept {
    const auto key = writer == dtls_role::client ? client_key() : server_key();
    const auto salt = writer == dtls_role::client ? client_salt() : server_salt();
    std::copy(key.begin(), key.end(), out.begin());
    std::copy(salt.begin(), salt.end(), out.begin() + static_cast<std::ptrdiff_t>(key.size()));
    return key.size() + salt.size();
}

}  // namespace ringstorm::dtls
