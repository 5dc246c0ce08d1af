#pragma once
// One DTLS-SRTP association (RFC 5763, RFC 5764), sans-I/O: datagrams and timer expiries in,
// datagrams to send and a state out. No socket, no timer of its own: the caller (the
// per-worker media engine) sends outgoing(), schedules on_timeout() after retransmit_in(),
// and measures the handshake time with its own clock between start() and connected.
//
// Clock caveat: OpenSSL 3.0 keeps the retransmission deadline itself (gettimeofday), so
// retransmit_in() is the time left on that clock and on_timeout() early does nothing.
//
// Inputs are DTLS datagrams only (first byte 20..63 after RFC 7983 §7 demultiplexing).
// A datagram that is not valid DTLS is discarded without ending the session (RFC 6347
// §4.1.2.7); only a handshake the peer really breaks, or a failed check, does.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "engine/core/result.hpp"
#include "media/dtls/context.hpp"
#include "media/dtls/error.hpp"
#include "media/dtls/fingerprint.hpp"
#include "media/dtls/srtp_keys.hpp"

namespace ringstorm::dtls {

enum class dtls_state : std::uint8_t {
    handshaking,  // from create() until the checks of a finished handshake pass
    connected,    // keys() is set; media may flow (no media before this: issue 5 check)
    closed,       // close() was called or the peer sent close_notify
    failed,       // error() says why; nothing more will happen
};

std::string_view to_string(dtls_state s) noexcept;

// Counters of one session, for the worker's media stats.
struct dtls_session_stats {
    std::uint64_t datagrams_in = 0;      // datagrams given to on_datagram()
    std::uint64_t bytes_in = 0;          // their bytes
    std::uint64_t datagrams_out = 0;     // datagrams queued in outgoing(), retransmits included
    std::uint64_t bytes_out = 0;         // their bytes
    std::uint64_t retransmissions = 0;   // on_timeout() calls that resent a flight
    std::uint64_t oversized_in = 0;      // datagrams dropped for exceeding max_datagram
    std::uint64_t app_data_dropped = 0;  // application records; DTLS-SRTP carries none
};

class dtls_session {
public:
    // Larger datagrams cannot be DTLS records we accept (OpenSSL's 16 KB record buffer).
    static constexpr std::size_t max_datagram = 16 * 1024;

    // A session in `ctx`'s role (client for our a=setup:active, server for passive) that
    // accepts only a peer certificate whose digest equals `expected_peer`, the remote SDP's
    // a=fingerprint (RFC 5763 §5). Create it once the answer fixed the role; until then the
    // caller keeps or drops early datagrams (the client retransmits).
    static core::result<dtls_session, dtls_error> create(const dtls_context& ctx,
                                                         const fingerprint& expected_peer);

    dtls_session(dtls_session&&) noexcept;
    dtls_session& operator=(dtls_session&&) noexcept;
    ~dtls_session();

    // The client queues its ClientHello; the server has nothing to do until the first
    // datagram (calling it is harmless).
    void start();
    // One received datagram (RFC 7983 said DTLS). Ignored once closed or failed.
    void on_datagram(std::span<const std::uint8_t> datagram);
    // The retransmission timer fired: resends the last flight if OpenSSL agrees it is due,
    // fails with dtls.timeout once OpenSSL gives up (RFC 6347 §4.2.4).
    void on_timeout();
    // How long until on_timeout() is due; nullopt when no timer runs (not handshaking).
    std::optional<std::chrono::microseconds> retransmit_in() const;
    // Sends close_notify when connected (RFC 5246 §7.2.1) and ends the session.
    void close();

    // Datagrams to send, oldest first, each at most the context's MTU. Views stay valid
    // until clear_outgoing() or the next input call that queues more.
    std::size_t outgoing_count() const noexcept;
    std::span<const std::uint8_t> outgoing(std::size_t i) const noexcept;
    void clear_outgoing() noexcept;

    dtls_role role() const noexcept;
    dtls_state state() const noexcept;
    // Why the session failed, or dtls.peer_closed when the peer ended it; nullopt otherwise.
    const std::optional<dtls_error>& error() const noexcept;
    // Set from connected on: the profile and the RFC 5764 §4.2 exporter output.
    const std::optional<srtp_keying_material>& keys() const noexcept;
    // The peer certificate's digest (in the expected fingerprint's hash) once seen.
    const std::optional<fingerprint>& peer_fingerprint() const noexcept;
    const dtls_session_stats& stats() const noexcept;

    struct impl;

private:
    explicit dtls_session(std::unique_ptr<impl> p) noexcept;

    // Behind a pointer so OpenSSL's callbacks can hold its address across moves.
    std::unique_ptr<impl> p_;
};

}  // namespace ringstorm::dtls
