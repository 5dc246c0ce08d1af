#include "media/dtls/session.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <string>

#include "media/dtls/datagram_queue.hpp"

namespace ringstorm::dtls {

struct dtls_session::impl {
    impl(dtls_role r, const fingerprint& expected, const context_options& opt)
        : role(r),
          expected(expected),
          out(opt.mtu),
          initial_timeout_us(static_cast<unsigned>(
              std::chrono::duration_cast<std::chrono::microseconds>(opt.initial_retransmit)
                  .count())) {}

    void drive();
    void handshake_step();
    void finish_handshake();
    void read_records();
    void fail(errc code, std::string detail);
    void fail_from_openssl(int ret);
    void end_call();

    detail::openssl_ptr<ssl_st> ssl;
    BIO* rbio = nullptr;  // owned by ssl
    dtls_role role;
    fingerprint expected;
    detail::datagram_queue out;
    std::size_t counted_out = 0;  // outgoing datagrams already in stats
    unsigned initial_timeout_us;
    dtls_state state = dtls_state::handshaking;
    std::optional<dtls_error> error;
    std::optional<srtp_keying_material> keys;
    std::optional<fingerprint> peer;
    bool peer_matches = false;
    dtls_session_stats stats;
};

namespace {

using impl = dtls_session::impl;

impl* session_of(SSL* ssl) {
    return static_cast<impl*>(SSL_get_app_data(ssl));
}

// RFC 5763 §5: the peer is authenticated by the fingerprint of the certificate it presents,
// not by a chain: self-signed is the norm, so OpenSSL's own verdict (preverify) is ignored
// and only the leaf's digest decides. A mismatch fails the handshake here, so OpenSSL sends
// bad_certificate and the peer learns why.
int verify_peer(int /*preverify_ok*/, X509_STORE_CTX* store) {
    if (X509_STORE_CTX_get_error_depth(store) != 0) {
        return 1;
    }
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    impl* self = ssl == nullptr ? nullptr : session_of(ssl);
    if (self == nullptr) {
        return 0;
    }
    // OpenSSL calls back once per problem it finds at depth 0; hash the leaf only once.
    if (!self->peer) {
        auto fp =
            certificate_fingerprint(X509_STORE_CTX_get_current_cert(store), self->expected.hash);
        if (!fp) {
            return 0;
        }
        self->peer = *fp;
        self->peer_matches = *fp == self->expected;
    }
    return self->peer_matches ? 1 : 0;
}

// RFC 6347 §4.2.4.1: start at the configured value, double on each expiry, at most 60 s.
unsigned int retransmit_timer(SSL* ssl, unsigned int previous_us) {
    constexpr unsigned int ceiling_us = 60'000'000;
    if (previous_us == 0) {
        const impl* self = session_of(ssl);
        return self == nullptr ? 1'000'000 : self->initial_timeout_us;
    }
    return previous_us >= ceiling_us / 2 ? ceiling_us : previous_us * 2;
}

}  // namespace

std::string_view to_string(dtls_state s) noexcept {
    switch (s) {
        case dtls_state::handshaking:
            return "handshaking";
        case dtls_state::connected:
            return "connected";
        case dtls_state::closed:
            return "closed";
        case dtls_state::failed:
            return "failed";
    }
    return "failed";
}

void impl::fail(errc code, std::string detail) {
    state = dtls_state::failed;
    error = dtls_error{code, std::move(detail)};
    keys.reset();
}

void impl::fail_from_openssl(int ret) {
    std::string why = detail::drain_openssl_errors();
    if (peer && !peer_matches) {
        fail(errc::fingerprint_mismatch,
             "peer certificate " + std::string(to_string(expected.hash)) + " " + peer->to_string() +
                 " is not the SDP's " + expected.to_string());
        return;
    }
    if (why.empty()) {
        why = "SSL_get_error " + std::to_string(SSL_get_error(ssl.get(), ret));
    }
    fail(errc::handshake_failed, std::move(why));
}

void impl::finish_handshake() {
    // The verify callback ran for the peer's certificate; a peer without one cannot get
    // here (SSL_VERIFY_FAIL_IF_NO_PEER_CERT), but fail closed all the same.
    if (!peer || !peer_matches) {
        fail(errc::fingerprint_mismatch, "peer certificate not checked against the SDP");
        SSL_shutdown(ssl.get());
        return;
    }
    // RFC 5764 §4.1.2: without a negotiated profile there are no SRTP keys; the call's
    // media cannot start, so say so and tell the peer we are leaving.
    const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl.get());
    const auto profile = selected == nullptr
                             ? std::nullopt
                             : srtp_profile_from_id(static_cast<std::uint16_t>(selected->id));
    if (!profile) {
        fail(errc::no_srtp_profile, selected == nullptr
                                        ? "peer did not negotiate use_srtp"
                                        : std::string("unsupported profile ") + selected->name);
        SSL_shutdown(ssl.get());
        return;
    }
    srtp_keying_material k;
    k.profile = *profile;
    k.key_len = master_key_length(*profile);
    k.salt_len = master_salt_length(*profile);
    // RFC 5764 §4.2: label "EXTRACTOR-dtls_srtp", no context value.
    static constexpr char label[] = "EXTRACTOR-dtls_srtp";
    if (SSL_export_keying_material(ssl.get(), k.bytes.data(), k.size(), label, sizeof label - 1,
                                   nullptr, 0, 0) != 1) {
        fail(errc::keying_export_failed, detail::drain_openssl_errors());
        SSL_shutdown(ssl.get());
        return;
    }
    keys = k;
    state = dtls_state::connected;
}

void impl::handshake_step() {
    const int r = SSL_do_handshake(ssl.get());
    if (r == 1) {
        finish_handshake();
        return;
    }
    const int e = SSL_get_error(ssl.get(), r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        return;
    }
    fail_from_openssl(r);
}

void impl::read_records() {
    // After the handshake only alerts and retransmitted handshake records arrive (OpenSSL
    // answers a repeated client Finished by resending its last flight, RFC 6347 §4.2.4);
    // application data has no meaning in DTLS-SRTP and is dropped.
    unsigned char scratch[2048];
    for (;;) {
        const int r = SSL_read(ssl.get(), scratch, sizeof scratch);
        if (r > 0) {
            ++stats.app_data_dropped;
            continue;
        }
        const int e = SSL_get_error(ssl.get(), r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            return;
        }
        if (e == SSL_ERROR_ZERO_RETURN) {
            // RFC 5246 §7.2.1: answer close_notify with our own.
            SSL_shutdown(ssl.get());
            state = dtls_state::closed;
            error = dtls_error{errc::peer_closed, {}};
            keys.reset();
            return;
        }
        fail_from_openssl(r);
        return;
    }
}

void impl::drive() {
    if (state == dtls_state::handshaking) {
        handshake_step();
    }
    if (state == dtls_state::connected) {
        read_records();
    }
}

void impl::end_call() {
    // A session call's output is complete: nothing written later joins these datagrams.
    out.seal();
    for (; counted_out < out.size(); ++counted_out) {
        ++stats.datagrams_out;
        stats.bytes_out += out[counted_out].size();
    }
    // Datagram boundaries on input: whatever OpenSSL left unread of this datagram must not
    // be taken as the start of the next one.
    BIO_reset(rbio);
    ERR_clear_error();
}

core::result<dtls_session, dtls_error> dtls_session::create(const dtls_context& ctx,
                                                            const fingerprint& expected_peer) {
    if (expected_peer.size != digest_length(expected_peer.hash)) {
        return core::unexpected(
            dtls_error{errc::bad_fingerprint, "expected fingerprint has no digest"});
    }
    ERR_clear_error();
    auto p = std::make_unique<impl>(ctx.role(), expected_peer, ctx.options());
    auto session_error = [](const char* stage) {
        std::string detail = stage;
        if (auto why = detail::drain_openssl_errors(); !why.empty()) {
            detail += ": " + why;
        }
        return core::unexpected(dtls_error{errc::session_failed, std::move(detail)});
    };
    p->ssl.reset(SSL_new(ctx.native()));
    SSL* ssl = p->ssl.get();
    if (ssl == nullptr) {
        return session_error("SSL_new");
    }
    BIO* rbio = BIO_new(BIO_s_mem());
    BIO* wbio = detail::new_datagram_bio(&p->out);
    if (rbio == nullptr || wbio == nullptr) {
        BIO_free(rbio);
        BIO_free(wbio);
        return session_error("BIO_new");
    }
    // An empty memory BIO means "no datagram yet" (retry), not end of stream.
    BIO_set_mem_eof_return(rbio, -1);
    SSL_set_bio(ssl, rbio, wbio);
    p->rbio = rbio;
    SSL_set_app_data(ssl, p.get());
    SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_peer);
    DTLS_set_timer_cb(ssl, retransmit_timer);
    // After SSL_set_bio: OpenSSL asks the write BIO for its overhead to check the value.
    // Returns the MTU set, 0 when refused.
    if (SSL_set_mtu(ssl, static_cast<long>(ctx.options().mtu)) <= 0) {
        return session_error("SSL_set_mtu");
    }
    if (ctx.role() == dtls_role::client) {
        SSL_set_connect_state(ssl);
    } else {
        SSL_set_accept_state(ssl);
    }
    return dtls_session(std::move(p));
}

dtls_session::dtls_session(std::unique_ptr<impl> p) noexcept : p_(std::move(p)) {}
dtls_session::dtls_session(dtls_session&&) noexcept = default;
dtls_session& dtls_session::operator=(dtls_session&&) noexcept = default;
dtls_session::~dtls_session() = default;

void dtls_session::start() {
    if (p_->state == dtls_state::handshaking) {
        p_->drive();
    }
    p_->end_call();
}

void dtls_session::on_datagram(std::span<const std::uint8_t> datagram) {
    impl& s = *p_;
    if (s.state == dtls_state::closed || s.state == dtls_state::failed) {
        return;
    }
    ++s.stats.datagrams_in;
    s.stats.bytes_in += datagram.size();
    if (datagram.empty() || datagram.size() > max_datagram) {
        s.stats.oversized_in += datagram.empty() ? 0 : 1;
        return;
    }
    BIO_write(s.rbio, datagram.data(), static_cast<int>(datagram.size()));
    s.drive();
    s.end_call();
}

void dtls_session::on_timeout() {
    impl& s = *p_;
    if (s.state != dtls_state::handshaking) {
        return;
    }
    const int r = DTLSv1_handle_timeout(s.ssl.get());
    if (r > 0) {
        ++s.stats.retransmissions;
    } else if (r < 0) {
        std::string why = detail::drain_openssl_errors();
        s.fail(errc::timeout, why.empty() ? "no answer to retransmitted flights" : why);
    }
    s.end_call();
}

std::optional<std::chrono::microseconds> dtls_session::retransmit_in() const {
    if (p_->state != dtls_state::handshaking) {
        return std::nullopt;
    }
    timeval tv{};
    if (DTLSv1_get_timeout(p_->ssl.get(), &tv) != 1) {
        return std::nullopt;
    }
    return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

void dtls_session::close() {
    impl& s = *p_;
    if (s.state == dtls_state::connected) {
        SSL_shutdown(s.ssl.get());
    }
    // During the handshake OpenSSL has no close_notify to send (SSL_shutdown refuses while
    // in init); the peer's retransmissions simply go unanswered.
    if (s.state == dtls_state::connected || s.state == dtls_state::handshaking) {
        s.state = dtls_state::closed;
        s.keys.reset();
    }
    s.end_call();
}

std::size_t dtls_session::outgoing_count() const noexcept {
    return p_->out.size();
}
std::span<const std::uint8_t> dtls_session::outgoing(std::size_t i) const noexcept {
    return p_->out[i];
}
void dtls_session::clear_outgoing() noexcept {
    p_->out.clear();
    p_->counted_out = 0;
}

dtls_role dtls_session::role() const noexcept {
    return p_->role;
}
dtls_state dtls_session::state() const noexcept {
    return p_->state;
}
const std::optional<dtls_error>& dtls_session::error() const noexcept {
    return p_->error;
}
const std::optional<srtp_keying_material>& dtls_session::keys() const noexcept {
    return p_->keys;
}
const std::optional<fingerprint>& dtls_session::peer_fingerprint() const noexcept {
    return p_->peer;
}
const dtls_session_stats& dtls_session::stats() const noexcept {
    return p_->stats;
}

}  // namespace ringstorm::dtls
