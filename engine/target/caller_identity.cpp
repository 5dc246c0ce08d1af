// The target's caller identity with a real certificate behind its fingerprint.

#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "engine/target/originator.hpp"
#include "engine/transport/tls_context.hpp"

namespace ringstorm::target {

core::result<caller_identity, std::string> make_caller_identity() {
    auto pair = transport::make_self_signed(transport::key_type::ec_p256, {"ringstorm.invalid"});
    if (!pair) {
        return core::unexpected("DTLS certificate: " + pair.error());
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pair->cert_pem.data(), static_cast<int>(pair->cert_pem.size())), &BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, &X509_free);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!cert || X509_digest(cert.get(), EVP_sha256(), digest, &length) != 1) {
        return core::unexpected(std::string("DTLS certificate: cannot take its SHA-256 digest"));
    }
    // RFC 8122 §5: upper-case hex pairs joined by colons, over the DER certificate.
    static constexpr char hex[] = "0123456789ABCDEF";
    caller_identity who;
    who.fingerprint.clear();
    for (unsigned int i = 0; i < length; ++i) {
        if (i != 0) {
            who.fingerprint += ':';
        }
        who.fingerprint += hex[digest[i] >> 4U];
        who.fingerprint += hex[digest[i] & 0xFU];
    }
    who.fingerprint_hash = "sha-256";
    if (std::string why = who.validate(); !why.empty()) {
        return core::unexpected(std::move(why));
    }
    return who;
}

}  // namespace ringstorm::target
