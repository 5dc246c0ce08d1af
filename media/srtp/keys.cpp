#include "media/srtp/keys.hpp"

#include <algorithm>
#include <cstring>

namespace ringstorm::srtp {

profile_sizes sizes(srtp_profile p) noexcept {
    switch (p) {
        case srtp_profile::aes_cm_128_hmac_sha1_80:
            return {.key = 16, .salt = 14, .rtp_tag = 10, .rtcp_tag = 10};
        case srtp_profile::aead_aes_128_gcm:
            return {.key = 16, .salt = 12, .rtp_tag = 16, .rtcp_tag = 16};
    }
    return {};
}

std::size_t keying_material_length(srtp_profile p) noexcept {
    const auto s = sizes(p);
    return 2 * (s.key + s.salt);
}

std::size_t rtp_overhead(srtp_profile p) noexcept {
    return sizes(p).rtp_tag;
}

std::size_t rtcp_overhead(srtp_profile p) noexcept {
    return 4 + sizes(p).rtcp_tag;
}

std::optional<srtp_profile> profile_from_id(std::uint16_t id) noexcept {
    switch (id) {
        case 0x0001:
            return srtp_profile::aes_cm_128_hmac_sha1_80;
        case 0x0007:
            return srtp_profile::aead_aes_128_gcm;
        default:
            return std::nullopt;
    }
}

std::uint16_t profile_id(srtp_profile p) noexcept {
    return p == srtp_profile::aead_aes_128_gcm ? 0x0007 : 0x0001;
}

std::string_view openssl_name(srtp_profile p) noexcept {
    return p == srtp_profile::aead_aes_128_gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_SHA1_80";
}

master_key::master_key(std::span<const std::uint8_t> key,
                       std::span<const std::uint8_t> salt) noexcept {
    // Oversized input is truncated to nothing rather than overflowing: create() then rejects
    // the zero-length key with bad_key_length.
    if (key.size() + salt.size() > max_size) {
        return;
    }
    std::copy(key.begin(), key.end(), bytes_.begin());
    std::copy(salt.begin(), salt.end(), bytes_.begin() + static_cast<std::ptrdiff_t>(key.size()));
    key_size_ = key.size();
    salt_size_ = salt.size();
}

master_key::~master_key() {
    // explicit_bzero: a plain memset of an object about to die may be optimised away.
    explicit_bzero(bytes_.data(), bytes_.size());
}

core::result<srtp_keys, errc> split_keying_material(srtp_profile profile,
                                                    std::span<const std::uint8_t> material) {
    const auto s = sizes(profile);
    if (material.size() != keying_material_length(profile)) {
        return core::unexpected(errc::bad_key_length);
    }
    const auto client_key = material.subspan(0, s.key);
    const auto server_key = material.subspan(s.key, s.key);
    const auto client_salt = material.subspan(2 * s.key, s.salt);
    const auto server_salt = material.subspan(2 * s.key + s.salt, s.salt);
    return srtp_keys{.profile = profile,
                     .client_write = master_key(client_key, client_salt),
                     .server_write = master_key(server_key, server_salt)};
}

}  // namespace ringstorm::srtp
