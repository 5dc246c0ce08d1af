#pragma once
// How the embedded target words its answers: a response built from the request it
// answers (RFC 3261 §8.2.6) with a To tag that is the same for every answer to that
// request, and the Date header registrars send (RFC 3261 §10.3 step 8, §20.17).

#include <string>
#include <string_view>

#include "engine/core/clock.hpp"
#include "engine/sip/message.hpp"

namespace ringstorm::target {

// make_response() plus a To tag derived from the request (Call-ID, From tag, CSeq, top
// Via branch), so a repeated request gets the same tag without any state (§8.2.6.2).
// `reason` empty = the standard phrase; CR and LF in it are replaced by spaces.
sip::message reply(const sip::message& request, int status, std::string_view reason = {});

// RFC 3261 §20.17 / RFC 1123: "Sat, 13 Nov 2010 23:29:00 GMT".
std::string date_header(core::wall_clock::time_point t);

}  // namespace ringstorm::target
