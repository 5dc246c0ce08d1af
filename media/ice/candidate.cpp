// Conversions between the agent's candidates and SDP candidate lines.

#include "media/ice/candidate.hpp"

#include <cctype>

namespace ringstorm::ice {

sdp::candidate to_sdp(const local_candidate& c) {
    sdp::candidate s;
    s.foundation = c.foundation;
    s.component = component_rtp;
    s.transport = "udp";
    s.priority = c.priority;
    s.address = stun::ip_to_string(c.address);
    s.port = c.address.port;
    s.type = sdp::candidate_type::host;
    return s;
}

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<remote_candidate> from_sdp(const sdp::candidate& c) {
    // RFC 8839 §5.1: the transport token is case-insensitive ("UDP" from some stacks).
    if (c.component != component_rtp || !iequals(c.transport, "udp")) {
        return std::nullopt;
    }
    auto address = stun::parse_address(c.address, c.port);
    if (!address || address->port == 0) {
        return std::nullopt;
    }
    return remote_candidate{*address, c.priority, c.foundation,
                            c.type == sdp::candidate_type::prflx};
}

}  // namespace ringstorm::ice
