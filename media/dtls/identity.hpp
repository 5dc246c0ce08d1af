#pragma once
// A worker's DTLS identity: one ECDSA P-256 key and self-signed certificate, made once at
// start-up and shared by every call of the worker, as browsers make one certificate per
// peer connection rather than per handshake (RFC 8827 §6.5). Its fingerprint is what the
// SDP's a=fingerprint carries (RFC 8122 §5).

#include <chrono>
#include <string>

#include "engine/core/result.hpp"
#include "media/dtls/error.hpp"
#include "media/dtls/fingerprint.hpp"
#include "media/dtls/openssl_ptr.hpp"

namespace ringstorm::dtls {

struct identity_options {
    std::string common_name = "ringstorm";  // subject and issuer CN; peers ignore it
    // WebRTC certificates live 30 days; a run longer than this needs a new identity.
    std::chrono::hours lifetime{24 * 30};
};

class dtls_identity {
public:
    // Generates the key (P-256, RFC 8827 §6.5 requires ECDSA support) and signs the
    // certificate with ECDSA-SHA256. Errors only when OpenSSL fails.
    static core::result<dtls_identity, dtls_error> generate(const identity_options& opt = {});

    // sha-256 of the certificate, for a=fingerprint:sha-256 <value>.
    const fingerprint& sha256_fingerprint() const noexcept { return fingerprint_; }
    // "sha-256 AB:CD:…", the whole a=fingerprint value.
    std::string sdp_fingerprint() const;

    x509_st* certificate() const noexcept { return cert_.get(); }
    evp_pkey_st* key() const noexcept { return key_.get(); }

private:
    dtls_identity() = default;

    detail::openssl_ptr<evp_pkey_st> key_;
    detail::openssl_ptr<x509_st> cert_;
    fingerprint fingerprint_;
};

}  // namespace ringstorm::dtls
