#pragma once
// Parsing session descriptions (RFC 8866 §5, §9). Sans-I/O: bytes in, a value or a
// located error out; never throws on input, never reads outside the given bytes.
// Lines are "<type>=<value>" ended by CRLF or a bare LF (RFC 8866 §5 asks parsers to
// accept both); the last line may lack its ending and trailing blank lines are ignored.

#include <cstddef>
#include <string_view>

#include "engine/core/result.hpp"
#include "media/sdp/error.hpp"
#include "media/sdp/session.hpp"

namespace ringstorm::sdp {

struct parse_options {
    // Larger input fails with errc::too_large; a WebRTC offer is a few KB.
    std::size_t max_size = 64 * 1024;
};

// What is enforced: v=0 first; o=, s= and at least one t= before the first m=; the lines
// that may appear once per section (o s i u c z k at session level, i k per media) appear
// once; session-only lines (o s u e p t r z) never inside a media section; r= after a t=;
// only the type letters of RFC 8866 §5; the grammar of every field the model types
// (numbers, ports, payload types 0..127 in RTP profiles, the typed attributes). The order
// of the optional lines inside a section carries no meaning and is not enforced.
core::result<session_description, parse_error> parse(std::string_view text,
                                                     const parse_options& opt = {});

}  // namespace ringstorm::sdp
