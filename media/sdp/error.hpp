#pragma once
// Errors of the SDP layer (Beast's websocket/error.hpp pattern): one enum, one category,
// and the located parse error every SDP parser returns instead of throwing.

#include <cstddef>
#include <string>
#include <system_error>

namespace ringstorm::sdp {

enum class errc {
    too_large = 1,      // more bytes than parse_options::max_size
    nul_byte,           // NUL or a bare CR inside a line (RFC 8866 §9: byte-string)
    bad_line,           // not "<type>=<value>", or an empty line in the middle
    unknown_line_type,  // RFC 8866 §5: a type letter the parser does not understand
    misplaced_line,     // a line in a section where it may not appear (v= not first, t= in media)
    duplicate_line,     // a line that may appear once per section appeared twice
    missing_version,    // v= absent or not the first line
    bad_version,        // v= other than 0
    missing_origin,     // no o= before the first m= (RFC 8866 §5.2)
    bad_origin,         // o= without its six fields
    missing_session_name,  // no s= (RFC 8866 §5.3)
    missing_timing,        // no t= (RFC 8866 §5.9)
    bad_timing,            // t= or r= malformed
    bad_connection,        // c= without nettype, addrtype and address
    bad_bandwidth,         // b= not "<bwtype>:<bandwidth>"
    bad_media,             // m= without media, port, proto and at least one format
    bad_port,              // a port outside 0..65535 or not a number
    bad_payload_type,      // an RTP payload type outside 0..127 or not a number
    bad_number,            // a numeric field that is not a number or overflows
    bad_attribute,         // a known a= attribute whose value does not follow its grammar
};

const std::error_category& sdp_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), sdp_category()};
}

// Where and why a session description was rejected.
struct parse_error {
    errc code = errc::bad_line;
    std::size_t offset = 0;  // byte offset in the input
    std::size_t line = 0;    // 1-based line number
    std::size_t column = 0;  // 1-based, in bytes
    std::string field;       // "m=", "o=", "a=rtpmap" ...; empty when not tied to a line
    std::string detail;      // human reason, e.g. "payload type 300 is outside 0..127"

    // "line 12, column 9 (byte 311), a=rtpmap: payload type 300 is outside 0..127"
    std::string to_string() const;
};

}  // namespace ringstorm::sdp

template <>
struct std::is_error_code_enum<ringstorm::sdp::errc> : std::true_type {};
