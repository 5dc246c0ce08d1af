#pragma once
// Internal to ringstorm_sip: the header-parameter checks that header_params.cpp keeps next
// to the generic-param scanner, for the name-addr and Via parsers in headers.cpp.

#include <cstddef>
#include <optional>
#include <string_view>

#include "engine/sip/headers.hpp"
#include "engine/sip/uri.hpp"

namespace ringstorm::sip::detail {

// Each reads *( SEMI generic-param ) of s from pos, sets out.raw to the parameters as
// written, and requires nothing but LWS after them; offsets in the error count from the
// start of s.
// RFC 3261 §20.10, §25.1: tag is a token, q a qvalue, expires delta-seconds.
std::optional<value_error> finish_name_addr_params(std::string_view s, std::size_t pos,
                                                   param_list& out);
// RFC 3261 §20.42 via-params (branch, ttl, maddr, received) and RFC 3581 rport.
std::optional<value_error> finish_via_params(std::string_view s, std::size_t pos,
                                             param_list& out);

}  // namespace ringstorm::sip::detail
