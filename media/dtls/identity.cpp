#include "media/dtls/identity.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

namespace ringstorm::dtls {

namespace {

core::unexpected<dtls_error> fail(const char* stage) {
    std::string detail = stage;
    const std::string why = detail::drain_openssl_errors();
    if (!why.empty()) {
        detail += ": " + why;
    }
    return core::unexpected(dtls_error{errc::identity_failed, std::move(detail)});
}

// RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 8 random bytes keep
// certificates of different workers and runs distinct.
bool set_random_serial(X509* cert) {
    unsigned char raw[8];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        return false;
    }
    raw[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(raw, sizeof raw, nullptr);
    if (bn == nullptr) {
        return false;
    }
    ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
    return serial != nullptr;
}

}  // namespace

core::result<dtls_identity, dtls_error> dtls_identity::generate(const identity_options& opt) {
    dtls_identity id;
    id.key_.reset(EVP_EC_gen("P-256"));
    if (!id.key_) {
        return fail("P-256 key generation");
    }
    id.cert_.reset(X509_new());
    X509* cert = id.cert_.get();
    if (cert == nullptr || X509_set_version(cert, X509_VERSION_3) != 1 ||
        !set_random_serial(cert)) {
        return fail("certificate fields");
    }
    // A day of slack before now so a peer whose clock lags still accepts the validity
    // (browsers do the same); peers check only the fingerprint anyway.
    const long lifetime_s =
        static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(opt.lifetime).count());
    if (X509_gmtime_adj(X509_getm_notBefore(cert), -24L * 3600) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert), lifetime_s) == nullptr) {
        return fail("certificate validity");
    }
    X509_NAME* name = X509_get_subject_name(cert);
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(opt.common_name.c_str()),
                                   -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert, name) != 1 || X509_set_pubkey(cert, id.key_.get()) != 1) {
        return fail("certificate subject");
    }
    if (X509_sign(cert, id.key_.get(), EVP_sha256()) <= 0) {
        return fail("certificate signature");
    }
    auto fp = certificate_fingerprint(cert, fingerprint_hash::sha_256);
    if (!fp) {
        return fail("certificate fingerprint");
    }
    id.fingerprint_ = *fp;
    return id;
}

std::string dtls_identity::sdp_fingerprint() const {
    return std::string(to_string(fingerprint_.hash)) + " " + fingerprint_.to_string();
}

}  // namespace ringstorm::dtls
