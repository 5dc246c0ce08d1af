#include "engine/transport/tls_context.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl/context.hpp>

namespace ringstorm::transport {

namespace ssl = boost::asio::ssl;
using core::unexpected;

namespace {

// The most recent OpenSSL error as text ("no such file", "key values mismatch").
std::string openssl_error(std::string_view what) {
    std::string text{what};
    const unsigned long code = ERR_get_error();
    if (code != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        text += ": ";
        text += buf;
    }
    ERR_clear_error();
    return text;
}

struct bio_deleter {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct pkey_deleter {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_deleter {
    void operator()(X509* x) const { X509_free(x); }
};
struct names_deleter {
    void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return len > 0 ? std::string{data, static_cast<std::size_t>(len)} : std::string{};
}

// One GENERAL_NAME per entry: iPAddress for IP literals (RFC 5280 §4.2.1.6, what
// RFC 2818 hostname checks compare IPs against), dNSName otherwise.
bool add_alt_names(X509* cert, const std::vector<std::string>& names) {
    std::unique_ptr<GENERAL_NAMES, names_deleter> gens{sk_GENERAL_NAME_new_null()};
    for (const auto& name : names) {
        unsigned char addr[16];
        int addr_len = 0;
        if (inet_pton(AF_INET, name.c_str(), addr) == 1) {
            addr_len = 4;
        } else if (inet_pton(AF_INET6, name.c_str(), addr) == 1) {
            addr_len = 16;
        }
        GENERAL_NAME* gen = GENERAL_NAME_new();
        if (addr_len > 0) {
            ASN1_OCTET_STRING* ip = ASN1_OCTET_STRING_new();
            ASN1_OCTET_STRING_set(ip, addr, addr_len);
            GENERAL_NAME_set0_value(gen, GEN_IPADD, ip);
        } else {
            ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
            ASN1_STRING_set(dns, name.data(), static_cast<int>(name.size()));
            GENERAL_NAME_set0_value(gen, GEN_DNS, dns);
        }
        sk_GENERAL_NAME_push(gens.get(), gen);
    }
    return X509_add1_ext_i2d(cert, NID_subject_alt_name, gens.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

bool add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) {
        return false;
    }
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

bool fill_certificate(X509* cert, EVP_PKEY* key, const std::vector<std::string>& names, int days) {
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) {
        return false;
    }
    serial[0] &= 0x7f;  // RFC 5280 §4.1.2.2: a positive serial number
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    const bool serial_ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
    BN_free(bn);
    X509_NAME* subject = X509_get_subject_name(cert);
    const auto* cn = reinterpret_cast<const unsigned char*>("ringstorm self-signed");
    return serial_ok && X509_set_version(cert, 2) == 1 &&
           X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nullptr &&
           X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * days) != nullptr &&
           X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, cn, -1, -1, 0) == 1 &&
           X509_set_issuer_name(cert, subject) == 1 && X509_set_pubkey(cert, key) == 1 &&
           add_extension(cert, NID_basic_constraints, "critical,CA:TRUE") &&
           add_extension(cert, NID_key_usage,
                         "critical,digitalSignature,keyEncipherment,keyCertSign") &&
           add_extension(cert, NID_ext_key_usage, "serverAuth") &&
           add_extension(cert, NID_subject_key_identifier, "hash") && add_alt_names(cert, names) &&
           X509_sign(cert, key, EVP_sha256()) > 0;
}

// Settings both sides share: TLS 1.2+, no compression, small idle footprint.
void common_setup(ssl::context& ctx) {
    SSL_CTX* native = ctx.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION);
    // An idle phone holds no record buffers: OpenSSL frees them between records.
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
}

}  // namespace

core::result<pem_pair, std::string> make_self_signed(key_type type,
                                                     const std::vector<std::string>& names,
                                                     int days) {
    pkey_ptr key{type == key_type::ec_p256 ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048)};
    if (!key) {
        return unexpected{openssl_error("self-signed certificate: key generation failed")};
    }
    x509_ptr cert{X509_new()};
    if (!cert || !fill_certificate(cert.get(), key.get(), names, days)) {
        return unexpected{
            openssl_error("self-signed certificate: building the certificate failed")};
    }
    bio_ptr cert_bio{BIO_new(BIO_s_mem())};
    bio_ptr key_bio{BIO_new(BIO_s_mem())};
    if (PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1) {
        return unexpected{openssl_error("self-signed certificate: PEM encoding failed")};
    }
    return pem_pair{bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

tls_context::tls_context(std::unique_ptr<ssl::context> context, bool insecure)
    : context_(std::move(context)), insecure_(insecure) {}
tls_context::tls_context(tls_context&&) noexcept = default;
tls_context& tls_context::operator=(tls_context&&) noexcept = default;
tls_context::~tls_context() = default;

core::result<tls_context, std::string> tls_context::client(const client_tls_options& options) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    common_setup(*ctx);
    boost::system::error_code ec;
    if (options.insecure) {
        ctx->set_verify_mode(ssl::verify_none, ec);
        return tls_context{std::move(ctx), true};
    }
    ctx->set_verify_mode(ssl::verify_peer, ec);
    if (!options.ca_file.empty()) {
        ctx->load_verify_file(options.ca_file, ec);
        if (ec) {
            return unexpected{"--ca " + options.ca_file + ": cannot load CA certificates (" +
                              ec.message() + "); give a PEM file or use --insecure"};
        }
    }
    if (!options.ca_pem.empty()) {
        ctx->add_certificate_authority(boost::asio::buffer(options.ca_pem), ec);
        if (ec) {
            return unexpected{"CA certificate: " + ec.message()};
        }
    }
    if (options.ca_file.empty() && options.ca_pem.empty()) {
        ctx->set_default_verify_paths(ec);
        if (ec) {
            return unexpected{"system CA store: " + ec.message() + "; give --ca FILE"};
        }
    }
    return tls_context{std::move(ctx), false};
}

core::result<tls_context, std::string> tls_context::server(const server_tls_options& options) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    common_setup(*ctx);
    boost::system::error_code ec;
    if (!options.cert_file.empty()) {
        ctx->use_certificate_chain_file(options.cert_file, ec);
    } else {
        ctx->use_certificate_chain(boost::asio::buffer(options.cert_pem), ec);
    }
    if (ec) {
        return unexpected{"certificate " + options.cert_file + ": " + ec.message()};
    }
    if (!options.key_file.empty()) {
        ctx->use_private_key_file(options.key_file, ssl::context::pem, ec);
    } else {
        ctx->use_private_key(boost::asio::buffer(options.key_pem), ssl::context::pem, ec);
    }
    if (ec) {
        return unexpected{"private key " + options.key_file + ": " + ec.message()};
    }
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
        return unexpected{openssl_error("private key does not match the certificate")};
    }
    return tls_context{std::move(ctx), false};
}

}  // namespace ringstorm::transport
