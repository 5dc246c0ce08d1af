#include "engine/app/source_ips.hpp"

#include <arpa/inet.h>

#include <cstdint>

namespace ringstorm::app {

namespace {

constexpr std::size_t max_addresses = 65536;

bool parse_v4(const std::string& text, std::uint32_t& out) {
    in_addr a{};
    if (inet_pton(AF_INET, text.c_str(), &a) != 1) {
        return false;
    }
    out = ntohl(a.s_addr);
    return true;
}

std::string format_v4(std::uint32_t v) {
    in_addr a{};
    a.s_addr = htonl(v);
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

bool is_ip(const std::string& text) {
    in6_addr a6{};
    std::uint32_t v4 = 0;
    return parse_v4(text, v4) || inet_pton(AF_INET6, text.c_str(), &a6) == 1;
}

}  // namespace

core::result<std::vector<std::string>, std::string> parse_source_ips(std::string_view text) {
    using error = core::unexpected<std::string>;
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t comma = text.find(',', pos);
        std::string part(text.substr(pos, comma == std::string_view::npos ? std::string_view::npos
                                                                           : comma - pos));
        pos = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
        if (part.empty()) {
            return error("--source-ips: empty address in '" + std::string(text) + "'");
        }
        std::size_t dash = part.find('-');
        if (dash == std::string::npos) {
            if (!is_ip(part)) {
                return error("--source-ips: '" + part + "' is not an IP address");
            }
            out.push_back(part);
        } else {
            std::uint32_t first = 0;
            std::uint32_t last = 0;
            std::string a = part.substr(0, dash);
            std::string b = part.substr(dash + 1);
            if (!parse_v4(a, first) || !parse_v4(b, last)) {
                return error("--source-ips: range '" + part +
                             "' must be two IPv4 addresses, e.g. 127.0.0.2-127.0.0.40");
            }
            if (last < first) {
                return error("--source-ips: range '" + part + "' is reversed");
            }
            if (last - first >= max_addresses) {
                return error("--source-ips: range '" + part + "' has more than 65536 addresses");
            }
            for (std::uint64_t v = first; v <= last; ++v) {
                out.push_back(format_v4(static_cast<std::uint32_t>(v)));
            }
        }
        if (out.size() > max_addresses) {
            return error("--source-ips: more than 65536 addresses");
        }
    }
    return out;
}

}  // namespace ringstorm::app
