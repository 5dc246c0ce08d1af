#pragma once
// Header names the engine understands, with their compact forms (RFC 3261 §7.3.3 and
// §20, plus the extensions phones meet). Everything else is header_id::unknown and is
// kept verbatim under its own name.

#include <cstdint>
#include <string_view>

namespace ringstorm::sip {

enum class header_id : std::uint8_t {
    unknown,
    accept,
    allow,
    allow_events,         // compact u
    authorization,
    call_id,              // compact i
    contact,              // compact m
    content_disposition,
    content_encoding,     // compact e
    content_length,       // compact l
    content_type,         // compact c
    cseq,
    date,
    event,                // compact o
    expires,
    from,                 // compact f
    max_forwards,
    min_expires,
    path,
    proxy_authenticate,
    proxy_authorization,
    proxy_require,
    reason,
    record_route,
    refer_to,             // compact r
    require,
    route,
    server,
    session_expires,      // compact x
    subject,              // compact s
    supported,            // compact k
    timestamp,
    to,                   // compact t
    unsupported,
    user_agent,
    via,                  // compact v
    warning,
    www_authenticate,
    count_                // number of ids; not a header
};

// Canonical spelling used when serializing a built header ("Call-ID", "CSeq", "WWW-Authenticate").
std::string_view canonical_name(header_id id) noexcept;
// The id for a header name, case-insensitive, long or compact form; unknown otherwise.
header_id header_id_from_name(std::string_view name) noexcept;

}  // namespace ringstorm::sip
