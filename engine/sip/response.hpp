#pragma once
// Building a UAS response from the request it answers (RFC 3261 §8.2.6).

#include <string_view>

#include "engine/sip/message.hpp"

namespace ringstorm::sip {

// RFC 3261 §8.2.6.2: the response copies every Via line in order, From, To, Call-ID and
// CSeq from `request`. When the request's To has no tag and `to_tag` is not empty, the
// tag is added (never to a 100 Trying, §8.2.6.2). A 100 Trying copies Timestamp
// (§8.2.6.1). A dialog-creating response (101-299 to a request without To tag) copies
// Record-Route (§12.1.1). An empty `reason` takes the standard phrase. Content-Length: 0
// is added; set_body() replaces it.
message make_response(const message& request, int status, std::string_view reason = {},
                      std::string_view to_tag = {});

// The RFC 3261 §21 reason phrase of a status code; "Unknown" for codes it does not list.
std::string_view default_reason(int status) noexcept;

}  // namespace ringstorm::sip
