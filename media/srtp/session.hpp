#pragma once
// One call's SRTP/SRTCP (RFC 3711) over libsrtp: an outbound libsrtp session keyed with our
// write key and an inbound one keyed with the peer's, each accepting any SSRC (WebRTC learns
// SSRCs from the packets, not from signalling). Packets are transformed in place in the
// caller's buffers; nothing is allocated per packet (libsrtp clones a stream once, on the
// first packet of each SSRC). A session belongs to one worker thread: libsrtp sessions are
// not shared, only srtp_init's global tables are, and those are read-only after init.

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/core/result.hpp"
#include "media/srtp/error.hpp"
#include "media/srtp/keys.hpp"

// libsrtp's context, forward-declared so this header does not pull in srtp2/srtp.h.
struct srtp_ctx_t_;

namespace ringstorm::srtp {

struct session_options {
    // RFC 3711 §3.3.2: the replay window must be at least 64 packets; libsrtp takes up to
    // 32767. 128 (libsrtp's default) tolerates the reordering seen on real networks.
    std::size_t replay_window = 128;
};

class srtp_session {
public:
    // The session of one DTLS-SRTP association: we protect with keys.outbound(we) and
    // unprotect with keys.inbound(we). Fails with bad_key_length, session_failed (bad
    // replay_window, or libsrtp refused) or init_failed.
    static core::result<srtp_session, errc> create(const srtp_keys& keys, dtls_role we,
                                                   session_options options = {});
    // Explicit keys (SDES-style or tests): outbound protects what we send, inbound checks
    // what we receive; both must fit profile.
    static core::result<srtp_session, errc> create(srtp_profile profile, const master_key& outbound,
                                                   const master_key& inbound,
                                                   session_options options = {});

    srtp_session(srtp_session&& other) noexcept;
    srtp_session& operator=(srtp_session&& other) noexcept;
    srtp_session(const srtp_session&) = delete;
    srtp_session& operator=(const srtp_session&) = delete;
    ~srtp_session();

    srtp_profile profile() const noexcept { return profile_; }
    // False once moved from; every operation then fails with no_session.
    bool valid() const noexcept { return outbound_ != nullptr; }

    // Encrypts and authenticates, in place, the RTP packet in buffer[0, length) and returns
    // the SRTP length (length + rtp_overhead(profile())). buffer must have that much room;
    // a 4-byte-aligned buffer is best (libsrtp reads 32-bit words). Sequence numbers must
    // increase: protecting the same one twice fails with `replayed` (RFC 3711 §3.3.2 forbids
    // reusing a keystream).
    core::result<std::size_t, errc> protect_rtp(std::span<std::uint8_t> buffer,
                                                std::size_t length) noexcept;
    // Verifies and decrypts, in place, the SRTP packet that fills `packet`, and returns the
    // RTP length. auth_failed, replayed and too_old leave nothing usable in packet.
    core::result<std::size_t, errc> unprotect_rtp(std::span<std::uint8_t> packet) noexcept;

    // The same for a (compound) RTCP packet: SRTCP appends the E flag, a 31-bit index and
    // the tag (rtcp_overhead(profile()) bytes, RFC 3711 §3.4).
    core::result<std::size_t, errc> protect_rtcp(std::span<std::uint8_t> buffer,
                                                 std::size_t length) noexcept;
    core::result<std::size_t, errc> unprotect_rtcp(std::span<std::uint8_t> packet) noexcept;

private:
    srtp_session(srtp_profile profile, srtp_ctx_t_* outbound, srtp_ctx_t_* inbound) noexcept
        : profile_(profile), outbound_(outbound), inbound_(inbound) {}
    void release() noexcept;

    srtp_profile profile_ = srtp_profile::aes_cm_128_hmac_sha1_80;
    srtp_ctx_t_* outbound_ = nullptr;  // owned: srtp_dealloc in release()
    srtp_ctx_t_* inbound_ = nullptr;   // owned
};

}  // namespace ringstorm::srtp
