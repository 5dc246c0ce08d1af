// HMAC-SHA1 through OpenSSL 3's EVP_MAC, and a table CRC-32.

#include "media/ice/stun_integrity.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstring>
#include <stdexcept>
#include <utility>

#include "media/ice/byte_order.hpp"

namespace ringstorm::stun {

integrity_key::integrity_key(std::string_view password) : password_(password) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) {
        throw std::runtime_error("stun: OpenSSL provides no HMAC");
    }
    ctx_ = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context holds its own reference
    if (ctx_ == nullptr) {
        throw std::runtime_error("stun: cannot allocate an HMAC context");
    }
    char digest[] = "SHA1";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    // An empty password still needs a non-null key pointer for OpenSSL to store it.
    static constexpr unsigned char empty = 0;
    const auto* key =
        password_.empty() ? &empty : reinterpret_cast<const unsigned char*>(password_.data());
    if (EVP_MAC_init(ctx_, key, password_.size(), params) != 1) {
        EVP_MAC_CTX_free(ctx_);
        ctx_ = nullptr;
        throw std::runtime_error("stun: cannot key HMAC-SHA1");
    }
}

integrity_key::~integrity_key() {
    EVP_MAC_CTX_free(ctx_);
}

integrity_key::integrity_key(integrity_key&& other) noexcept
    : password_(std::move(other.password_)), ctx_(std::exchange(other.ctx_, nullptr)) {}

integrity_key& integrity_key::operator=(integrity_key&& other) noexcept {
    if (this != &other) {
        EVP_MAC_CTX_free(ctx_);
        password_ = std::move(other.password_);
        ctx_ = std::exchange(other.ctx_, nullptr);
    }
    return *this;
}

hmac_sha1_digest integrity_key::sign(std::span<const std::uint8_t> header,
                                     std::span<const std::uint8_t> body) const noexcept {
    hmac_sha1_digest out{};
    std::size_t written = 0;
    // A null key reuses the one set at construction (OpenSSL keeps the keyed inner and
    // outer digests), so nothing is re-derived or allocated here.
    const bool ok = ctx_ != nullptr && EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1 &&
                    EVP_MAC_update(ctx_, header.data(), header.size()) == 1 &&
                    EVP_MAC_update(ctx_, body.data(), body.size()) == 1 &&
                    EVP_MAC_final(ctx_, out.data(), &written, out.size()) == 1;
    if (!ok) {
        // An all-zero digest never verifies against a real one; the caller sees a failure.
        out.fill(0);
    }
    return out;
}

namespace {

constexpr std::array<std::uint32_t, 256> make_crc_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        table[i] = c;
    }
    return table;
}

constexpr auto crc_table = make_crc_table();

}  // namespace

std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t crc) noexcept {
    crc = ~crc;
    for (const std::uint8_t b : bytes) {
        crc = crc_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
    }
    return ~crc;
}

bool verify_integrity(const message& m, const integrity_key& key) noexcept {
    if (!m.integrity_offset) {
        return false;
    }
    const std::size_t at = *m.integrity_offset;
    std::array<std::uint8_t, header_size> header;
    std::memcpy(header.data(), m.bytes.data(), header_size);
    // RFC 8489 §14.5: the length as if MESSAGE-INTEGRITY were the last attribute.
    detail::store16(header.data() + 2, static_cast<std::uint16_t>(at + 24 - header_size));
    const hmac_sha1_digest mac = key.sign(header, m.bytes.subspan(header_size, at - header_size));
    return CRYPTO_memcmp(mac.data(), m.bytes.data() + at + 4, mac.size()) == 0;
}

bool verify_fingerprint(const message& m) noexcept {
    if (!m.fingerprint_offset) {
        return false;
    }
    const std::size_t at = *m.fingerprint_offset;
    // FINGERPRINT is last (decode enforces it), so the header length already covers it.
    const std::uint32_t expected = crc32(m.bytes.first(at)) ^ fingerprint_xor;
    return detail::load32(m.bytes.data() + at + 4) == expected;
}

}  // namespace ringstorm::stun
