// Decoding of STUN messages (RFC 8489 §5, §6.3, §14) into a view over the datagram.

#include <cstring>

#include "media/ice/byte_order.hpp"
#include "media/ice/stun_message.hpp"

namespace ringstorm::stun {

namespace {

using detail::load16;
using detail::load32;
using detail::load64;

core::unexpected<decode_error> fail(errc code, std::size_t offset, std::uint16_t type = 0) {
    return core::unexpected{decode_error{code, offset, type}};
}

// RFC 8489 §14.2: the port is xor'd with the cookie's top half, the address with the
// cookie (IPv4) or the cookie followed by the transaction id (IPv6).
bool decode_xor_address(const std::uint8_t* v, std::size_t len, const std::uint8_t* header,
                        transport_address& out) noexcept {
    if (len < 4) {
        return false;
    }
    const std::uint8_t family = v[1];
    out.port = static_cast<std::uint16_t>(load16(v + 2) ^ (magic_cookie >> 16));
    std::size_t size = 0;
    if (family == static_cast<std::uint8_t>(address_family::ipv4) && len == 8) {
        out.family = address_family::ipv4;
        size = 4;
    } else if (family == static_cast<std::uint8_t>(address_family::ipv6) && len == 20) {
        out.family = address_family::ipv6;
        size = 16;
    } else {
        return false;
    }
    out.ip = {};
    // header + 4 is the cookie, followed by the transaction id: exactly the xor pad.
    for (std::size_t i = 0; i < size; ++i) {
        out.ip[i] = static_cast<std::uint8_t>(v[4 + i] ^ header[4 + i]);
    }
    return true;
}

// The ICE attributes and the placement markers. Returns false on a bad value.
bool decode_known(std::uint16_t type, const std::uint8_t* v, std::size_t len,
                  const std::uint8_t* header, std::size_t at, message& m) noexcept {
    const auto text = [&] { return std::string_view(reinterpret_cast<const char*>(v), len); };
    switch (type) {
        case attr::xor_mapped_address: {
            transport_address a;
            if (!decode_xor_address(v, len, header, a)) {
                return false;
            }
            m.xor_mapped_address = a;
            return true;
        }
        case attr::username:
            m.username = text();
            return true;
        case attr::software:
            m.software = text();
            return true;
        case attr::priority:
            if (len != 4) {
                return false;
            }
            m.priority = load32(v);
            return true;
        case attr::use_candidate:
            m.use_candidate = true;
            return len == 0;
        case attr::ice_controlled:
        case attr::ice_controlling:
            if (len != 8) {
                return false;
            }
            (type == attr::ice_controlled ? m.ice_controlled : m.ice_controlling) = load64(v);
            return true;
        case attr::error_code: {
            // RFC 8489 §14.8: 21 reserved bits, class (3..6) in 3 bits, number (0..99).
            if (len < 4 || (v[2] & 0x07) < 3 || (v[2] & 0x07) > 6 || v[3] > 99) {
                return false;
            }
            m.error_code =
                error_code_value{static_cast<std::uint16_t>((v[2] & 0x07) * 100 + v[3]),
                                 std::string_view(reinterpret_cast<const char*>(v + 4), len - 4)};
            return true;
        }
        case attr::message_integrity:
            m.integrity_offset = at;
            return len == 20;
        case attr::fingerprint:
            m.fingerprint_offset = at;
            return len == 4;
        default:
            return true;
    }
}

bool is_known(std::uint16_t type) noexcept {
    switch (type) {
        case attr::mapped_address:
        case attr::username:
        case attr::message_integrity:
        case attr::error_code:
        case attr::unknown_attributes:
        case attr::realm:
        case attr::nonce:
        case attr::message_integrity_sha256:
        case attr::userhash:
        case attr::xor_mapped_address:
        case attr::priority:
        case attr::use_candidate:
            return true;
        default:
            return !attr::comprehension_required(type);
    }
}

// RFC 8489 §14: only the first occurrence of an attribute counts.
bool already_seen(std::uint16_t type, const message& m) noexcept {
    switch (type) {
        case attr::xor_mapped_address:
            return m.xor_mapped_address.has_value();
        case attr::username:
            return m.username.has_value();
        case attr::software:
            return m.software.has_value();
        case attr::priority:
            return m.priority.has_value();
        case attr::ice_controlled:
            return m.ice_controlled.has_value();
        case attr::ice_controlling:
            return m.ice_controlling.has_value();
        case attr::error_code:
            return m.error_code.has_value();
        default:
            return false;
    }
}

}  // namespace

bool looks_like_stun(std::span<const std::uint8_t> d) noexcept {
    return d.size() >= header_size && (d[0] & 0xC0) == 0 && load32(d.data() + 4) == magic_cookie &&
           (load16(d.data() + 2) & 3) == 0;
}

core::result<message, decode_error> decode(std::span<const std::uint8_t> d) {
    if (d.size() < header_size) {
        return fail(errc::too_short, d.size());
    }
    const std::uint8_t* h = d.data();
    if ((h[0] & 0xC0) != 0) {
        return fail(errc::not_stun, 0);
    }
    if (load32(h + 4) != magic_cookie) {
        return fail(errc::bad_magic_cookie, 4);
    }
    const std::size_t length = load16(h + 2);
    if (length % 4 != 0 || header_size + length != d.size()) {
        return fail(errc::bad_length, 2);
    }
    message m;
    const std::uint16_t type = load16(h);
    // RFC 8489 §5: M11..M7 C1 M6..M4 C0 M3..M0.
    m.cls = static_cast<message_class>(((type >> 4) & 1) | ((type >> 7) & 2));
    m.method = static_cast<std::uint16_t>((type & 0x000F) | ((type >> 1) & 0x0070) |
                                          ((type >> 2) & 0x0F80));
    std::memcpy(m.tid.data(), h + 8, m.tid.size());
    m.bytes = d;

    std::size_t at = header_size;
    while (at < d.size()) {
        if (d.size() - at < 4) {
            return fail(errc::too_short, at);
        }
        const std::uint16_t t = load16(h + at);
        const std::size_t len = load16(h + at + 2);
        const std::size_t padded = (len + 3) & ~std::size_t{3};
        if (d.size() - at - 4 < padded) {
            return fail(errc::too_short, at, t);
        }
        if (m.fingerprint_offset) {
            // RFC 8489 §14.7: FINGERPRINT is the last attribute.
            return fail(errc::attribute_after_fingerprint, at, t);
        }
        // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are
        // ignored, since integrity does not cover them.
        const bool after_integrity = m.integrity_offset.has_value() && t != attr::fingerprint;
        if (!after_integrity && !already_seen(t, m)) {
            if (!is_known(t)) {
                if (m.unknown_required_count == message::max_unknown) {
                    return fail(errc::too_many_unknown, at, t);
                }
                m.unknown_required[m.unknown_required_count++] = t;
            } else if (!decode_known(t, h + at + 4, len, h, at, m)) {
                return fail(errc::bad_attribute, at, t);
            }
        }
        at += 4 + padded;
    }
    return m;
}

}  // namespace ringstorm::stun
