#include "media/srtp/session.hpp"

#include <srtp2/srtp.h>

#include <array>
#include <climits>
#include <cstring>
#include <utility>

#include "media/srtp/library.hpp"

namespace ringstorm::srtp {

namespace {

constexpr std::size_t rtp_fixed_header = 12;  // RFC 3550 §5.1
constexpr std::size_t rtcp_fixed_header = 8;  // RFC 3550 §6.4: V/P/RC, PT, length, SSRC

errc from_status(srtp_err_status_t s) noexcept {
    switch (s) {
        case srtp_err_status_auth_fail:
            return errc::auth_failed;
        case srtp_err_status_replay_fail:
            return errc::replayed;
        case srtp_err_status_replay_old:
            return errc::too_old;
        case srtp_err_status_key_expired:
            return errc::key_expired;
        // libsrtp's own header validation (CSRC count, extension length) says bad_param or
        // parse_err for a packet whose header lies about its size.
        case srtp_err_status_bad_param:
        case srtp_err_status_parse_err:
            return errc::malformed;
        default:
            return errc::crypto_failed;
    }
}

void set_profile(srtp_profile profile, srtp_crypto_policy_t& rtp, srtp_crypto_policy_t& rtcp) {
    switch (profile) {
        case srtp_profile::aes_cm_128_hmac_sha1_80:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&rtp);
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&rtcp);
            return;
        case srtp_profile::aead_aes_128_gcm:
            // RFC 7714 §14.2: AEAD_AES_128_GCM carries a 16-byte tag on RTP and RTCP alike.
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtp);
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtcp);
            return;
    }
}

// One libsrtp session with a single "any SSRC" template stream in the given direction.
core::result<srtp_ctx_t*, errc> make_context(srtp_profile profile, const master_key& key,
                                             srtp_ssrc_type_t direction, std::size_t window) {
    // libsrtp's policy takes a non-const pointer; give it a copy rather than casting away
    // const, and wipe the copy (srtp_create has derived its session keys by then).
    std::array<unsigned char, master_key::max_size> material{};
    std::memcpy(material.data(), key.bytes().data(), key.bytes().size());

    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof policy);
    set_profile(profile, policy.rtp, policy.rtcp);
    policy.ssrc.type = direction;
    policy.key = material.data();
    policy.window_size = window;
    policy.allow_repeat_tx = 0;

    srtp_ctx_t* ctx = nullptr;
    const srtp_err_status_t status = srtp_create(&ctx, &policy);
    explicit_bzero(material.data(), material.size());
    if (status != srtp_err_status_ok) {
        return core::unexpected(errc::session_failed);
    }
    return ctx;
}

bool is_version_2(std::span<const std::uint8_t> packet) noexcept {
    return !packet.empty() && (packet[0] >> 6) == 2;
}

}  // namespace

core::result<srtp_session, errc> srtp_session::create(const srtp_keys& keys, dtls_role we,
                                                      session_options options) {
    return create(keys.profile, keys.outbound(we), keys.inbound(we), options);
}

core::result<srtp_session, errc> srtp_session::create(srtp_profile profile,
                                                      const master_key& outbound,
                                                      const master_key& inbound,
                                                      session_options options) {
    const auto s = sizes(profile);
    for (const master_key* k : {&outbound, &inbound}) {
        if (k->key_size() != s.key || k->salt_size() != s.salt) {
            return core::unexpected(errc::bad_key_length);
        }
    }
    // Checked here, not left to libsrtp, so the error says what was wrong.
    if (options.replay_window < 64 || options.replay_window >= 0x8000) {
        return core::unexpected(errc::session_failed);
    }
    if (const std::error_code ec = ensure_initialized()) {
        return core::unexpected(errc::init_failed);
    }
    auto out = make_context(profile, outbound, ssrc_any_outbound, options.replay_window);
    if (!out) {
        return core::unexpected(out.error());
    }
    auto in = make_context(profile, inbound, ssrc_any_inbound, options.replay_window);
    if (!in) {
        srtp_dealloc(*out);
        return core::unexpected(in.error());
    }
    return srtp_session(profile, *out, *in);
}

srtp_session::srtp_session(srtp_session&& other) noexcept
    : profile_(other.profile_),
      outbound_(std::exchange(other.outbound_, nullptr)),
      inbound_(std::exchange(other.inbound_, nullptr)) {}

srtp_session& srtp_session::operator=(srtp_session&& other) noexcept {
    if (this != &other) {
        release();
        profile_ = other.profile_;
        outbound_ = std::exchange(other.outbound_, nullptr);
        inbound_ = std::exchange(other.inbound_, nullptr);
    }
    return *this;
}

srtp_session::~srtp_session() {
    release();
}

void srtp_session::release() noexcept {
    // srtp_dealloc zeroes the derived keys before freeing them.
    if (outbound_ != nullptr) {
        srtp_dealloc(outbound_);
        outbound_ = nullptr;
    }
    if (inbound_ != nullptr) {
        srtp_dealloc(inbound_);
        inbound_ = nullptr;
    }
}

core::result<std::size_t, errc> srtp_session::protect_rtp(std::span<std::uint8_t> buffer,
                                                          std::size_t length) noexcept {
    if (outbound_ == nullptr) {
        return core::unexpected(errc::no_session);
    }
    if (length > buffer.size() || length < rtp_fixed_header || !is_version_2(buffer)) {
        return core::unexpected(errc::malformed);
    }
    // libsrtp writes the tag after the packet without knowing the buffer's size.
    if (buffer.size() - length < rtp_overhead(profile_) || length > INT_MAX / 2) {
        return core::unexpected(errc::buffer_too_small);
    }
    int len = static_cast<int>(length);
    const srtp_err_status_t status = srtp_protect(outbound_, buffer.data(), &len);
    if (status != srtp_err_status_ok) {
        return core::unexpected(from_status(status));
    }
    return static_cast<std::size_t>(len);
}

core::result<std::size_t, errc> srtp_session::unprotect_rtp(
    std::span<std::uint8_t> packet) noexcept {
    if (inbound_ == nullptr) {
        return core::unexpected(errc::no_session);
    }
    if (packet.size() < rtp_fixed_header + rtp_overhead(profile_) || packet.size() > INT_MAX ||
        !is_version_2(packet)) {
        return core::unexpected(errc::malformed);
    }
    int len = static_cast<int>(packet.size());
    const srtp_err_status_t status = srtp_unprotect(inbound_, packet.data(), &len);
    if (status != srtp_err_status_ok) {
        return core::unexpected(from_status(status));
    }
    return static_cast<std::size_t>(len);
}

core::result<std::size_t, errc> srtp_session::protect_rtcp(std::span<std::uint8_t> buffer,
                                                           std::size_t length) noexcept {
    if (outbound_ == nullptr) {
        return core::unexpected(errc::no_session);
    }
    if (length > buffer.size() || length < rtcp_fixed_header || !is_version_2(buffer)) {
        return core::unexpected(errc::malformed);
    }
    if (buffer.size() - length < rtcp_overhead(profile_) || length > INT_MAX / 2) {
        return core::unexpected(errc::buffer_too_small);
    }
    int len = static_cast<int>(length);
    const srtp_err_status_t status = srtp_protect_rtcp(outbound_, buffer.data(), &len);
    if (status != srtp_err_status_ok) {
        return core::unexpected(from_status(status));
    }
    return static_cast<std::size_t>(len);
}

core::result<std::size_t, errc> srtp_session::unprotect_rtcp(
    std::span<std::uint8_t> packet) noexcept {
    if (inbound_ == nullptr) {
        return core::unexpected(errc::no_session);
    }
    if (packet.size() < rtcp_fixed_header + rtcp_overhead(profile_) || packet.size() > INT_MAX ||
        !is_version_2(packet)) {
        return core::unexpected(errc::malformed);
    }
    int len = static_cast<int>(packet.size());
    const srtp_err_status_t status = srtp_unprotect_rtcp(inbound_, packet.data(), &len);
    if (status != srtp_err_status_ok) {
        return core::unexpected(from_status(status));
    }
    return static_cast<std::size_t>(len);
}

}  // namespace ringstorm::srtp
