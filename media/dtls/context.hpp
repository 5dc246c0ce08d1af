#pragma once
// The SSL_CTX of one role, made once per worker (never per connection: an SSL_CTX costs a
// certificate parse and key set-up, a session costs only its SSL object). Both roles carry the
// worker's identity, DTLS 1.2 only, use_srtp with our profile preference, and peer
// certificates requested from both sides so the fingerprint can be checked (RFC 5763 §5).

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/core/result.hpp"
#include "media/dtls/error.hpp"
#include "media/dtls/identity.hpp"
#include "media/dtls/openssl_ptr.hpp"
#include "media/dtls/srtp_keys.hpp"

namespace ringstorm::dtls {

struct context_options {
    // use_srtp profiles in our order of preference (RFC 5764 §4.1.2). The server's order
    // decides, among the profiles the client offered. Browsers offer GCM first. Empty means no
    // use_srtp at all: only to play a peer that lacks it, since a session then always fails.
    std::vector<srtp_profile> srtp_profiles{srtp_profile::aead_aes_128_gcm,
                                            srtp_profile::aes128_cm_sha1_80};
    // Largest datagram we send (UDP payload). 1200 keeps a flight clear of fragmentation on
    // any path that carries IPv6 plus TURN framing, as WebRTC stacks do.
    std::size_t mtu = 1200;
    // RFC 6347 §4.2.4.1: first retransmission after 1 s, doubling up to 60 s. WebRTC starts
    // lower once ICE knows the round trip (2 × RTT, at least 50 ms).
    std::chrono::milliseconds initial_retransmit{1000};

    // "" when usable, otherwise why not ("mtu 100 is below 256").
    std::string validate() const;
};

class dtls_context {
public:
    // A client (a=setup:active) or server (a=setup:passive) context carrying `id`'s
    // certificate and key (OpenSSL keeps its own references: `id` may go away afterwards).
    static core::result<dtls_context, dtls_error> create(const dtls_identity& id, dtls_role role,
                                                         const context_options& opt = {});

    dtls_role role() const noexcept { return role_; }
    const context_options& options() const noexcept { return options_; }
    ssl_ctx_st* native() const noexcept { return ctx_.get(); }

private:
    dtls_context() = default;

    detail::openssl_ptr<ssl_ctx_st> ctx_;
    dtls_role role_ = dtls_role::client;
    context_options options_;
};

}  // namespace ringstorm::dtls
