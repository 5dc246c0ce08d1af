// Digest algorithms and the response computation (RFC 7616 §3.4, RFC 8760, RFC 2069 for
// the qop-less form RFC 3261 §22.4 keeps), over OpenSSL's EVP interface.

#include "engine/sip/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdio>

#include "engine/sip/digest_detail.hpp"

namespace ringstorm::sip {

using digest_detail::hasher;

namespace {

struct algorithm_name {
    digest_algorithm algorithm;
    std::string_view text;
};

constexpr std::array<algorithm_name, 6> algorithm_names{{
    {digest_algorithm::md5, "MD5"},
    {digest_algorithm::md5_sess, "MD5-sess"},
    {digest_algorithm::sha256, "SHA-256"},
    {digest_algorithm::sha256_sess, "SHA-256-sess"},
    {digest_algorithm::sha512_256, "SHA-512-256"},
    {digest_algorithm::sha512_256_sess, "SHA-512-256-sess"},
}};

const EVP_MD* evp_of(digest_algorithm a) noexcept {
    switch (a) {
        case digest_algorithm::md5:
        case digest_algorithm::md5_sess:
            return EVP_md5();
        case digest_algorithm::sha256:
        case digest_algorithm::sha256_sess:
            return EVP_sha256();
        case digest_algorithm::sha512_256:
        case digest_algorithm::sha512_256_sess:
            return EVP_sha512_256();
    }
    return EVP_md5();
}

}  // namespace

std::string_view to_string(digest_algorithm a) noexcept {
    for (const auto& n : algorithm_names) {
        if (n.algorithm == a) {
            return n.text;
        }
    }
    return "MD5";
}

std::optional<digest_algorithm> digest_algorithm_from(std::string_view text) noexcept {
    for (const auto& n : algorithm_names) {
        if (digest_detail::iequals(n.text, text)) {
            return n.algorithm;
        }
    }
    return std::nullopt;
}

bool is_session(digest_algorithm a) noexcept {
    return a == digest_algorithm::md5_sess || a == digest_algorithm::sha256_sess ||
           a == digest_algorithm::sha512_256_sess;
}

int strength(digest_algorithm a) noexcept {
    switch (a) {
        case digest_algorithm::md5:
        case digest_algorithm::md5_sess:
            return 1;
        case digest_algorithm::sha256:
        case digest_algorithm::sha256_sess:
            return 2;
        case digest_algorithm::sha512_256:
        case digest_algorithm::sha512_256_sess:
            return 3;
    }
    return 0;
}

std::string_view to_string(digest_qop q) noexcept {
    switch (q) {
        case digest_qop::none:
            return "";
        case digest_qop::auth:
            return "auth";
        case digest_qop::auth_int:
            return "auth-int";
    }
    return "";
}

std::string auth_error::to_string() const {
    char head[64];
    std::snprintf(head, sizeof head, "line %zu, byte %zu: ", line, offset);
    return std::string(head) + reason;
}

std::string digest_response(digest_algorithm algorithm, digest_qop qop, std::string_view username,
                            std::string_view realm, std::string_view password,
                            std::string_view nonce, std::uint32_t nc, std::string_view cnonce,
                            const digest_request& request) {
    // RFC 7616 §3.4.2: A1 = username:realm:password, and for -sess
    // H(username:realm:password):nonce:cnonce.
    std::string ha1 =
        hasher(algorithm).add(username).colon().add(realm).colon().add(password).hex();
    if (is_session(algorithm)) {
        ha1 = hasher(algorithm).add(ha1).colon().add(nonce).colon().add(cnonce).hex();
    }
    // RFC 7616 §3.4.3: A2 = method:uri, plus :H(entity-body) for auth-int.
    hasher a2(algorithm);
    a2.add(request.method).colon().add(request.uri);
    if (qop == digest_qop::auth_int) {
        a2.colon().add(hasher(algorithm).add(request.body).hex());
    }
    std::string ha2 = a2.hex();

    hasher kd(algorithm);
    kd.add(ha1).colon().add(nonce).colon();
    if (qop != digest_qop::none) {
        char nc_hex[9];
        std::snprintf(nc_hex, sizeof nc_hex, "%08x", static_cast<unsigned>(nc));
        kd.add(nc_hex).colon().add(cnonce).colon().add(to_string(qop)).colon();
    }
    return kd.add(ha2).hex();
}

std::string hashed_username(digest_algorithm algorithm, std::string_view username,
                            std::string_view realm) {
    return hasher(algorithm).add(username).colon().add(realm).hex();
}

random_source openssl_random() {
    return [](std::span<std::uint8_t> out) {
        return out.empty() || RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
    };
}

namespace digest_detail {

std::string to_hex(const std::uint8_t* data, std::size_t size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(size * 2, '0');
    for (std::size_t i = 0; i < size; ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0f];
    }
    return out;
}

hasher::hasher(digest_algorithm a) : ctx_(EVP_MD_CTX_new()) {
    auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
    if (ctx != nullptr && EVP_DigestInit_ex(ctx, evp_of(a), nullptr) != 1) {
        EVP_MD_CTX_free(ctx);
        ctx_ = nullptr;
    }
}

hasher::~hasher() {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

hasher& hasher::add(std::string_view text) {
    if (ctx_ != nullptr && !text.empty()) {
        EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), text.data(), text.size());
    }
    return *this;
}

std::string hasher::hex() {
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    // An allocation or provider failure leaves an empty string, which never equals a
    // real digest, so verification fails closed rather than crashing.
    if (ctx_ == nullptr ||
        EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md.data(), &len) != 1) {
        return {};
    }
    return to_hex(md.data(), len);
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && (a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace digest_detail
}  // namespace ringstorm::sip
