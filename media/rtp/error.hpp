#pragma once
// Errors of the RTP layer (Beast's websocket/error.hpp pattern): one enum, one category.
// RTP/RTCP parsers and writers return these as values; a malformed packet from the network
// is an ordinary outcome on the hot path, never an exception.

#include <system_error>

namespace ringstorm::rtp {

enum class errc {
    truncated = 1,         // fewer bytes than the fixed header or a length field promises
    bad_version,           // RFC 3550 §5.1: V must be 2
    bad_padding,           // padding count of zero or larger than the packet (§5.1 P bit)
    bad_extension,         // header extension block or an RFC 8285 element overruns its bounds
    buffer_too_small,      // the caller's output buffer cannot hold what is written
    too_many_csrcs,        // more than 15 contributing sources (CC is 4 bits)
    bad_extension_id,      // RFC 8285 id outside 1..14 (one-byte) or 1..255 (two-byte)
    bad_extension_length,  // RFC 8285 element data too long or empty for its form
    not_rtcp,              // RFC 5761 §4: packet type outside 192..223 (it is RTP)
    bad_length,            // RTCP length field does not fit the compound packet
    bad_compound,          // RFC 3550 §6.1: first packet not SR/RR, or padding not on the last
    too_many_blocks,       // more than 31 report blocks or sources (RC/SC is 5 bits)
    wrong_packet_type,     // a typed decoder was given another RTCP packet type
    item_too_long,         // an SDES item or BYE reason longer than 255 bytes
    opus_error,            // libopus rejected a call (create, encode or decode)
};

const std::error_category& rtp_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), rtp_category()};
}

}  // namespace ringstorm::rtp

template <>
struct std::is_error_code_enum<ringstorm::rtp::errc> : std::true_type {};
