// STUN encoding into caller buffers.

#include "media/ice/stun_writer.hpp"

#include <cstring>

#include "media/ice/byte_order.hpp"

namespace ringstorm::stun {

using detail::store16;
using detail::store32;
using detail::store64;

writer::writer(std::span<std::uint8_t> buffer, message_class cls, std::uint16_t method,
               const transaction_id& tid) noexcept
    : buf_(buffer) {
    if (buf_.size() < header_size) {
        failed_ = true;
        error_ = errc::buffer_too_small;
        return;
    }
    const auto c = static_cast<std::uint16_t>(cls);
    // RFC 8489 §5: M11..M7 C1 M6..M4 C0 M3..M0 in the 14 low bits.
    const auto type =
        static_cast<std::uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) |
                                   ((method & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
    store16(buf_.data(), type);
    store16(buf_.data() + 2, 0);
    store32(buf_.data() + 4, magic_cookie);
    std::memcpy(buf_.data() + 8, tid.data(), tid.size());
    size_ = header_size;
}

writer& writer::padding(std::uint8_t byte) noexcept {
    pad_ = byte;
    return *this;
}

std::uint8_t* writer::append(std::uint16_t type, std::size_t length) noexcept {
    if (failed_) {
        return nullptr;
    }
    const std::size_t padded = (length + 3) & ~std::size_t{3};
    if (buf_.size() - size_ < 4 + padded || size_ + 4 + padded - header_size > 0xFFFF) {
        failed_ = true;
        error_ = errc::buffer_too_small;
        return nullptr;
    }
    std::uint8_t* p = buf_.data() + size_;
    store16(p, type);
    store16(p + 2, static_cast<std::uint16_t>(length));
    std::memset(p + 4 + length, pad_, padded - length);
    size_ += 4 + padded;
    store16(buf_.data() + 2, static_cast<std::uint16_t>(size_ - header_size));
    return p + 4;
}

writer& writer::xor_mapped_address(const transport_address& a) noexcept {
    const std::size_t ip = a.ip_size();
    if (std::uint8_t* v = append(attr::xor_mapped_address, 4 + ip)) {
        v[0] = 0;
        v[1] = static_cast<std::uint8_t>(a.family);
        store16(v + 2, static_cast<std::uint16_t>(a.port ^ (magic_cookie >> 16)));
        // RFC 8489 §14.2: xor with the cookie and then the transaction id, which sit at
        // bytes 4..19 of the header already written.
        for (std::size_t i = 0; i < ip; ++i) {
            v[4 + i] = static_cast<std::uint8_t>(a.ip[i] ^ buf_[4 + i]);
        }
    }
    return *this;
}

namespace {
constexpr std::size_t max_username = 513;  // RFC 8445 §7.2.2: two 256-char ufrags and ':'
constexpr std::size_t max_text = 763;      // RFC 8489 §14.8, §14.14: 128 characters
}  // namespace

writer& writer::username(std::string_view name) noexcept {
    if (name.size() > max_username) {
        if (!failed_) {
            failed_ = true;
            error_ = errc::value_too_long;
        }
        return *this;
    }
    if (std::uint8_t* v = append(attr::username, name.size())) {
        std::memcpy(v, name.data(), name.size());
    }
    return *this;
}

writer& writer::software(std::string_view text) noexcept {
    if (text.size() > max_text) {
        if (!failed_) {
            failed_ = true;
            error_ = errc::value_too_long;
        }
        return *this;
    }
    if (std::uint8_t* v = append(attr::software, text.size())) {
        std::memcpy(v, text.data(), text.size());
    }
    return *this;
}

writer& writer::priority(std::uint32_t p) noexcept {
    if (std::uint8_t* v = append(attr::priority, 4)) {
        store32(v, p);
    }
    return *this;
}

writer& writer::use_candidate() noexcept {
    append(attr::use_candidate, 0);
    return *this;
}

writer& writer::ice_controlled(std::uint64_t tie_breaker) noexcept {
    if (std::uint8_t* v = append(attr::ice_controlled, 8)) {
        store64(v, tie_breaker);
    }
    return *this;
}

writer& writer::ice_controlling(std::uint64_t tie_breaker) noexcept {
    if (std::uint8_t* v = append(attr::ice_controlling, 8)) {
        store64(v, tie_breaker);
    }
    return *this;
}

writer& writer::error_code(std::uint16_t code, std::string_view reason) noexcept {
    if (code < 300 || code > 699 || reason.size() > max_text) {
        if (!failed_) {
            failed_ = true;
            error_ = errc::value_too_long;
        }
        return *this;
    }
    if (std::uint8_t* v = append(attr::error_code, 4 + reason.size())) {
        v[0] = 0;
        v[1] = 0;
        v[2] = static_cast<std::uint8_t>(code / 100);
        v[3] = static_cast<std::uint8_t>(code % 100);
        std::memcpy(v + 4, reason.data(), reason.size());
    }
    return *this;
}

writer& writer::unknown_attributes(std::span<const std::uint16_t> types) noexcept {
    if (std::uint8_t* v = append(attr::unknown_attributes, 2 * types.size())) {
        for (std::size_t i = 0; i < types.size(); ++i) {
            store16(v + 2 * i, types[i]);
        }
    }
    return *this;
}

writer& writer::message_integrity(const integrity_key& key) noexcept {
    const std::size_t at = size_;
    if (std::uint8_t* v = append(attr::message_integrity, 20)) {
        // append() already set the header length to include this attribute, as §14.5 asks.
        const hmac_sha1_digest mac =
            key.sign(buf_.first(header_size), buf_.subspan(header_size, at - header_size));
        std::memcpy(v, mac.data(), mac.size());
    }
    return *this;
}

writer& writer::fingerprint() noexcept {
    const std::size_t at = size_;
    if (std::uint8_t* v = append(attr::fingerprint, 4)) {
        store32(v, crc32(buf_.first(at)) ^ fingerprint_xor);
    }
    return *this;
}

core::result<std::size_t, errc> writer::finish() const noexcept {
    if (failed_) {
        return core::unexpected{error_};
    }
    return size_;
}

core::result<std::size_t, errc> encode_binding_success(std::span<std::uint8_t> buffer,
                                                       const transaction_id& tid,
                                                       const transport_address& mapped,
                                                       const integrity_key& key) noexcept {
    writer w(buffer, message_class::success, method::binding, tid);
    w.xor_mapped_address(mapped).message_integrity(key).fingerprint();
    return w.finish();
}

}  // namespace ringstorm::stun
