#pragma once
// Canonical wire form of a session description (RFC 8866 §5): the lines in the order the
// grammar gives, every line ended by CRLF, attributes in list order.

#include <string>

#include "media/sdp/session.hpp"

namespace ringstorm::sdp {

// Appends the description to `out`.
void serialize(const session_description& sd, std::string& out);
std::string serialize(const session_description& sd);

}  // namespace ringstorm::sdp
