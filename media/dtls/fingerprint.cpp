#include "media/dtls/fingerprint.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>

namespace ringstorm::dtls {

namespace {

const EVP_MD* digest_of(fingerprint_hash h) noexcept {
    switch (h) {
        case fingerprint_hash::sha_1:
            return EVP_sha1();
        case fingerprint_hash::sha_224:
            return EVP_sha224();
        case fingerprint_hash::sha_256:
            return EVP_sha256();
        case fingerprint_hash::sha_384:
            return EVP_sha384();
        case fingerprint_hash::sha_512:
            return EVP_sha512();
    }
    return EVP_sha256();
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

}  // namespace

std::string_view to_string(fingerprint_hash h) noexcept {
    switch (h) {
        case fingerprint_hash::sha_1:
            return "sha-1";
        case fingerprint_hash::sha_224:
            return "sha-224";
        case fingerprint_hash::sha_256:
            return "sha-256";
        case fingerprint_hash::sha_384:
            return "sha-384";
        case fingerprint_hash::sha_512:
            return "sha-512";
    }
    return "sha-256";
}

core::result<fingerprint_hash, dtls_error> parse_fingerprint_hash(std::string_view name) {
    for (auto h : {fingerprint_hash::sha_1, fingerprint_hash::sha_224, fingerprint_hash::sha_256,
                   fingerprint_hash::sha_384, fingerprint_hash::sha_512}) {
        if (iequals(name, to_string(h))) {
            return h;
        }
    }
    return core::unexpected(
        dtls_error{errc::unsupported_hash, "fingerprint hash '" + std::string(name) + "'"});
}

std::size_t digest_length(fingerprint_hash h) noexcept {
    switch (h) {
        case fingerprint_hash::sha_1:
            return 20;
        case fingerprint_hash::sha_224:
            return 28;
        case fingerprint_hash::sha_256:
            return 32;
        case fingerprint_hash::sha_384:
            return 48;
        case fingerprint_hash::sha_512:
            return 64;
    }
    return 32;
}

std::string fingerprint::to_string() const {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(size * 3);
    for (std::size_t i = 0; i < size; ++i) {
        if (i != 0) {
            out += ':';
        }
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 0x0f];
    }
    return out;
}

bool fingerprint::operator==(const fingerprint& o) const noexcept {
    return hash == o.hash && size == o.size &&
           std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size),
                      o.bytes.begin());
}

core::result<fingerprint, dtls_error> parse_fingerprint(std::string_view hash_name,
                                                        std::string_view value) {
    auto hash = parse_fingerprint_hash(hash_name);
    if (!hash) {
        return core::unexpected(hash.error());
    }
    fingerprint out;
    out.hash = *hash;
    const std::size_t want = digest_length(*hash);
    auto bad = [&](std::string why) {
        return core::unexpected(dtls_error{errc::bad_fingerprint, std::move(why)});
    };
    // RFC 8122 §5: fingerprint = 2UHEX *(":" 2UHEX), so 3n-1 characters for n bytes.
    if (value.size() != want * 3 - 1) {
        return bad(std::string(to_string(*hash)) + " wants " + std::to_string(want) +
                   " hex pairs, got " + std::to_string(value.size()) + " characters");
    }
    for (std::size_t i = 0; i < want; ++i) {
        const int hi = hex_value(value[i * 3]);
        const int lo = hex_value(value[i * 3 + 1]);
        if (hi < 0 || lo < 0 || (i + 1 < want && value[i * 3 + 2] != ':')) {
            return bad("not hex pairs joined by ':' at character " + std::to_string(i * 3 + 1));
        }
        out.bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    out.size = want;
    return out;
}

core::result<fingerprint, dtls_error> certificate_fingerprint(const x509_st* cert,
                                                              fingerprint_hash hash) {
    fingerprint out;
    out.hash = hash;
    unsigned int len = 0;
    if (cert == nullptr || X509_digest(cert, digest_of(hash), out.bytes.data(), &len) != 1 ||
        len != digest_length(hash)) {
        return core::unexpected(dtls_error{errc::handshake_failed, "cannot digest certificate"});
    }
    out.size = len;
    return out;
}

}  // namespace ringstorm::dtls
