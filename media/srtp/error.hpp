#pragma once
// Errors of the SRTP layer (Beast's websocket/error.hpp pattern): one enum, one category.
// protect/unprotect return these as values: a forged, replayed or mangled packet from the
// network is an ordinary outcome on the hot path, never an exception. Authentication
// failures and replays are separate codes because the call-quality checks count them
// separately (issue 5: "SRTP auth failures"); a replay is the network duplicating, a failed
// tag is a key mismatch or an attack.

#include <string_view>
#include <system_error>

namespace ringstorm::srtp {

enum class errc {
    init_failed = 1,   // srtp_init() failed: libsrtp's self-test of its crypto kernel
    bad_key_length,    // keying material or a master key of the wrong size for the profile
    session_failed,    // srtp_create() refused the policy (or could not allocate)
    no_session,        // the session was moved from
    malformed,         // RFC 3550 §5.1 / §6.4: too short for its header, or not version 2
    buffer_too_small,  // the caller's buffer cannot hold the packet plus the SRTP trailer
    auth_failed,       // RFC 3711 §3.4: the authentication tag (or GCM tag) did not verify
    replayed,          // RFC 3711 §3.3.2: index already received within the replay window
    too_old,           // RFC 3711 §3.3.2: index behind the replay window
    key_expired,       // RFC 3711 §9.2: the master key reached its packet limit
    crypto_failed,     // any other libsrtp failure (cipher error, bad parameter)
};

const std::error_category& srtp_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), srtp_category()};
}

// The stable rule id of a failure, e.g. "srtp.auth_failed", for verdicts and counters.
std::string_view rule_id(errc e) noexcept;

}  // namespace ringstorm::srtp

template <>
struct std::is_error_code_enum<ringstorm::srtp::errc> : std::true_type {};
