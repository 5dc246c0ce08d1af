#pragma once
// Errors of the DTLS layer (Beast's websocket/error.hpp pattern): one enum, one category, and
// the value every DTLS call returns or a session records when it fails. Each code has a stable
// rule id ("dtls.fingerprint_mismatch") so a call's verdict can name why media never started.

#include <string>
#include <string_view>
#include <system_error>

namespace ringstorm::dtls {

enum class errc {
    identity_failed = 1,   // key or self-signed certificate could not be made
    context_failed,        // an SSL_CTX could not be configured
    session_failed,        // an SSL object or its BIOs could not be made
    bad_fingerprint,       // an a=fingerprint value that is not hex pairs of the hash's length
    unsupported_hash,      // an a=fingerprint hash function we do not know (RFC 8122 §5)
    fingerprint_mismatch,  // RFC 5763 §5: the peer's certificate does not hash to its SDP value
    no_srtp_profile,       // RFC 5764 §4.1.2: the handshake ended without a use_srtp profile
    handshake_failed,      // OpenSSL refused the handshake (alert sent or received)
    timeout,               // RFC 6347 §4.2.4: retransmissions exhausted
    keying_export_failed,  // RFC 5764 §4.2: the exporter refused
    peer_closed,           // close_notify from the peer (RFC 5246 §7.2.1)
};

const std::error_category& dtls_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), dtls_category()};
}

// The stable rule id of a failure, e.g. "dtls.fingerprint_mismatch".
std::string_view rule_id(errc e) noexcept;

struct dtls_error {
    errc code = errc::handshake_failed;
    std::string detail;  // OpenSSL's reason or what did not match; may be empty

    std::string_view rule() const noexcept { return rule_id(code); }
    // "dtls.fingerprint_mismatch: peer certificate sha-256 AB:… is not the SDP's CD:…"
    std::string to_string() const;
};

}  // namespace ringstorm::dtls

template <>
struct std::is_error_code_enum<ringstorm::dtls::errc> : std::true_type {};
