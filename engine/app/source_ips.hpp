#pragma once
// `--source-ips`: local addresses client sockets bind to, so one machine can open more
// connections than one address's ephemeral ports allow (≈28,000 per destination).
// "127.0.0.2-127.0.0.40" (an IPv4 range), "127.0.0.2,127.0.0.3" or "::1" (a list).

#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.hpp"

namespace ringstorm::app {

// At most 65,536 addresses; the error says what is wrong with which part.
core::result<std::vector<std::string>, std::string> parse_source_ips(std::string_view text);

}  // namespace ringstorm::app
