#pragma once
// Owning handles for the OpenSSL objects this library keeps, without pulling OpenSSL's
// headers into every includer: the deleters are defined in openssl_ptr.cpp.

#include <memory>
#include <string>

struct ssl_st;
struct ssl_ctx_st;
struct x509_st;
struct evp_pkey_st;

namespace ringstorm::dtls::detail {

struct openssl_free {
    void operator()(ssl_st* p) const noexcept;
    void operator()(ssl_ctx_st* p) const noexcept;
    void operator()(x509_st* p) const noexcept;
    void operator()(evp_pkey_st* p) const noexcept;
};

template <class T>
using openssl_ptr = std::unique_ptr<T, openssl_free>;

// OpenSSL's error queue as one line ("error:0A000086:SSL routines::certificate verify
// failed"), then cleared so the next session on this thread starts clean.
std::string drain_openssl_errors();

}  // namespace ringstorm::dtls::detail
