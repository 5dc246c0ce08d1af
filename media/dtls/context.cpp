#include "media/dtls/context.hpp"

#include <openssl/ssl.h>

namespace ringstorm::dtls {

namespace {

core::unexpected<dtls_error> fail(std::string stage) {
    const std::string why = detail::drain_openssl_errors();
    if (!why.empty()) {
        stage += ": " + why;
    }
    return core::unexpected(dtls_error{errc::context_failed, std::move(stage)});
}

// ECDHE only (forward secrecy, RFC 8827 §6.5), AEAD first. ECDSA suites serve our own
// certificate; the RSA ones let us be the client of a peer with an RSA certificate.
constexpr const char* cipher_list =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA";

}  // namespace

std::string context_options::validate() const {
    // OpenSSL refuses smaller MTUs; a flight above 1500 would fragment on Ethernet.
    if (mtu < 256 || mtu > 1500) {
        return "mtu " + std::to_string(mtu) + " is outside 256..1500";
    }
    if (initial_retransmit.count() < 1 || initial_retransmit > std::chrono::seconds(60)) {
        return "initial_retransmit must be 1 ms..60 s";
    }
    for (std::size_t i = 0; i < srtp_profiles.size(); ++i) {
        for (std::size_t j = i + 1; j < srtp_profiles.size(); ++j) {
            if (srtp_profiles[i] == srtp_profiles[j]) {
                return "srtp profile " + std::string(to_string(srtp_profiles[i])) + " listed twice";
            }
        }
    }
    return {};
}

core::result<dtls_context, dtls_error> dtls_context::create(const dtls_identity& id, dtls_role role,
                                                            const context_options& opt) {
    if (auto why = opt.validate(); !why.empty()) {
        return core::unexpected(dtls_error{errc::context_failed, std::move(why)});
    }
    dtls_context out;
    out.role_ = role;
    out.options_ = opt;
    out.ctx_.reset(
        SSL_CTX_new(role == dtls_role::client ? DTLS_client_method() : DTLS_server_method()));
    SSL_CTX* ctx = out.ctx_.get();
    if (ctx == nullptr) {
        return fail("SSL_CTX_new");
    }
    // WebRTC is DTLS 1.2 only (RFC 8827 §6.5); 1.0 lacks AEAD suites.
    if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1) {
        return fail("DTLS 1.2 only");
    }
    if (SSL_CTX_use_certificate(ctx, id.certificate()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx, id.key()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        return fail("certificate and key");
    }
    if (SSL_CTX_set_cipher_list(ctx, cipher_list) != 1 ||
        SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1) {
        return fail("cipher suites");
    }
    if (!opt.srtp_profiles.empty()) {
        std::string names;
        for (auto p : opt.srtp_profiles) {
            if (!names.empty()) {
                names += ':';
            }
            names += to_string(p);
        }
        // Returns 0 on success, unlike the rest of OpenSSL.
        if (SSL_CTX_set_tlsext_use_srtp(ctx, names.c_str()) != 0) {
            return fail("use_srtp profiles " + names);
        }
    }
    // Both sides ask for the peer's certificate: RFC 5763 §5 authenticates each end by the
    // fingerprint of the certificate it presents, so the server must request one. Each
    // session installs the callback that compares fingerprints; without it a self-signed
    // peer is refused (fail closed).
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    // No session resumption: every call is a fresh handshake with a fresh certificate
    // check, and a cache would grow with thousands of calls per worker.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    // The MTU is ours (set per session), not discovered from a socket we do not have;
    // renegotiation is forbidden in WebRTC (RFC 8827 §6.5 via RFC 7525).
    SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
    // A connected session idles for the rest of the call: give its 16 KB record buffers
    // back between datagrams (thousands of calls per worker).
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    // No SSL_OP_COOKIE_EXCHANGE on the server: ICE consent already proved the peer's
    // address (RFC 5764 §4.1.1 leaves HelloVerifyRequest optional; browsers skip it).
    return out;
}

}  // namespace ringstorm::dtls
