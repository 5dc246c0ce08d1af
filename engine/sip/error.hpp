#pragma once
// Errors of the SIP layer (Beast's websocket/error.hpp pattern): one enum, one category.

#include <system_error>

namespace ringstorm::sip {

enum class errc {
    malformed_start_line = 1,
    unsupported_version,
    malformed_header,        // a header line with no colon, bad name, bad value syntax
    missing_header,          // a mandatory header is absent
    bad_content_length,      // not a number, or more than the bytes present
    missing_content_length,  // stream framing without Content-Length
    header_too_long,
    too_many_headers,
    too_large,
    nul_byte,                // NUL in the start line or headers
    truncated,               // the message ended inside the header section
};

const std::error_category& sip_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), sip_category()};
}

}  // namespace ringstorm::sip

template <>
struct std::is_error_code_enum<ringstorm::sip::errc> : std::true_type {};
