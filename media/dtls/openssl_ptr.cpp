#include "media/dtls/openssl_ptr.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace ringstorm::dtls::detail {

void openssl_free::operator()(ssl_st* p) const noexcept {
    SSL_free(p);
}
void openssl_free::operator()(ssl_ctx_st* p) const noexcept {
    SSL_CTX_free(p);
}
void openssl_free::operator()(x509_st* p) const noexcept {
    X509_free(p);
}
void openssl_free::operator()(evp_pkey_st* p) const noexcept {
    EVP_PKEY_free(p);
}

std::string drain_openssl_errors() {
    std::string out;
    char buf[256];
    while (const unsigned long e = ERR_get_error()) {
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) {
            out += "; ";
        }
        out += buf;
    }
    return out;
}

}  // namespace ringstorm::dtls::detail
