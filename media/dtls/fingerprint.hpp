#pragma once
// Certificate fingerprints as SDP carries them (RFC 8122 §5, RFC 5763 §5): a hash function
// name and the digest of the DER certificate as uppercase hex pairs joined by ':'. DTLS-SRTP
// authenticates the peer by this value alone, so self-signed certificates are the norm.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "engine/core/result.hpp"
#include "media/dtls/error.hpp"

struct x509_st;  // OpenSSL's X509, kept out of this header

namespace ringstorm::dtls {

// The hash functions of RFC 8122 §5 that OpenSSL computes (md2/md5 are obsolete).
enum class fingerprint_hash : std::uint8_t { sha_1, sha_224, sha_256, sha_384, sha_512 };

// "sha-256"
std::string_view to_string(fingerprint_hash h) noexcept;
// Case-insensitive, as RFC 8122 §5 names are tokens compared without case.
core::result<fingerprint_hash, dtls_error> parse_fingerprint_hash(std::string_view name);
// Digest length in bytes.
std::size_t digest_length(fingerprint_hash h) noexcept;

struct fingerprint {
    fingerprint_hash hash = fingerprint_hash::sha_256;
    std::array<std::uint8_t, 64> bytes{};  // the first digest_length(hash) are meaningful
    std::size_t size = 0;

    std::span<const std::uint8_t> digest() const noexcept { return {bytes.data(), size}; }
    // "AB:CD:…" (RFC 8122 §5 uses uppercase hex).
    std::string to_string() const;
    bool operator==(const fingerprint& o) const noexcept;
};

// Parses an a=fingerprint value split into its hash name and hex pairs: "sha-256",
// "AB:cd:…". Hex is accepted in either case (RFC 8122 §5 says UPPERCASE but browsers have
// sent lowercase); anything but exactly digest_length(hash) pairs is bad_fingerprint.
core::result<fingerprint, dtls_error> parse_fingerprint(std::string_view hash_name,
                                                        std::string_view value);

// The fingerprint of `cert`: its DER encoding hashed with `hash` (RFC 8122 §5). An error only
// when OpenSSL cannot digest it.
core::result<fingerprint, dtls_error> certificate_fingerprint(const x509_st* cert,
                                                              fingerprint_hash hash);

}  // namespace ringstorm::dtls
