#include <charconv>

#include "engine/sip/parser.hpp"

namespace ringstorm::sip {

namespace {

bool same_number(std::string_view text, std::size_t n) noexcept {
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return ec == std::errc() && end == text.data() + text.size() && v == n;
}

}  // namespace

void serialize(const message& m, std::string& out) {
    const std::string_view body = m.body();
    out.reserve(out.size() + m.buffer_size() + 4 * m.header_count() + 32);
    // RFC 3261 §7.1 and §7.2: start lines with single spaces.
    if (m.is_request()) {
        out.append(m.method_text())
            .append(1, ' ')
            .append(m.request_uri())
            .append(1, ' ')
            .append(m.version());
    } else {
        char code[4] = {static_cast<char>('0' + m.status() / 100 % 10),
                        static_cast<char>('0' + m.status() / 10 % 10),
                        static_cast<char>('0' + m.status() % 10), ' '};
        out.append(m.version()).append(1, ' ').append(code, 4).append(m.reason());
    }
    out.append("\r\n");
    for (std::size_t i = 0; i < m.header_count(); ++i) {
        const header_view h = m.header(i);
        out.append(h.name).append(": ");
        // RFC 3261 §20.14: Content-Length is the body's size in octets. A value that
        // already says so is kept as written (leading zeros and all) so a parsed message
        // serializes to itself; any other is rewritten.
        if (h.id == header_id::content_length && !same_number(h.value, body.size())) {
            char digits[24];
            const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, body.size());
            (void)ec;  // 24 digits always hold a size_t
            out.append(digits, static_cast<std::size_t>(end - digits));
        } else {
            out.append(h.value);
        }
        out.append("\r\n");
    }
    out.append("\r\n");
    out.append(body);
}

std::string serialize(const message& m) {
    std::string out;
    serialize(m, out);
    return out;
}

}  // namespace ringstorm::sip
