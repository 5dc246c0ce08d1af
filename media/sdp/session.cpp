#include "media/sdp/session.hpp"

#include "media/sdp/scan.hpp"

namespace ringstorm::sdp {

bool media_description::is_rtp() const noexcept {
    // RFC 8866 §5.14 and the profiles built on it: RTP/AVP, RTP/AVPF, RTP/SAVP, RTP/SAVPF,
    // UDP/TLS/RTP/SAVP(F) and TCP/... (RFC 5764 §8, RFC 7850).
    return proto.find("RTP/") != std::string::npos;
}

std::vector<std::uint8_t> media_description::payload_types() const {
    std::vector<std::uint8_t> out;
    out.reserve(formats.size());
    for (const std::string& f : formats) {
        std::uint8_t pt = 0;
        if (detail::parse_uint_max(f, 127, pt)) {
            out.push_back(pt);
        }
    }
    return out;
}

std::optional<std::string_view> media_description::mid_value() const noexcept {
    if (const mid* m = find<mid>(attributes)) {
        return std::string_view(m->value);
    }
    return std::nullopt;
}

direction session_description::direction_of(const media_description& m) const noexcept {
    if (auto d = find_direction(m.attributes)) {
        return *d;
    }
    return find_direction(attributes).value_or(direction::sendrecv);
}

const connection* session_description::connection_of(const media_description& m) const noexcept {
    if (!m.connections.empty()) {
        return &m.connections.front();
    }
    return connection ? &*connection : nullptr;
}

const media_description* session_description::find_media(std::string_view mid) const noexcept {
    for (const media_description& m : media) {
        if (m.mid_value() == mid) {
            return &m;
        }
    }
    return nullptr;
}

const media_description* session_description::first_media(std::string_view type) const noexcept {
    for (const media_description& m : media) {
        if (m.media == type) {
            return &m;
        }
    }
    return nullptr;
}

}  // namespace ringstorm::sdp
