#pragma once
// Internal scanning helpers shared by the SDP parser and the attribute parsers. Every
// function works on string_views into the caller's buffer and never reads past them.

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace ringstorm::sdp::detail {

// RFC 8866 §9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E
constexpr bool is_token_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x27) || u == 0x2A || u == 0x2B || u == 0x2D ||
           u == 0x2E || (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5A) ||
           (u >= 0x5E && u <= 0x7E);
}

constexpr bool is_token(std::string_view s) noexcept {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!is_token_char(c)) {
            return false;
        }
    }
    return true;
}

// RFC 8839 §5.1: ice-char = ALPHA / DIGIT / "+" / "/"
constexpr bool is_ice_chars(std::string_view s) noexcept {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (!ok) {
            return false;
        }
    }
    return true;
}

constexpr bool is_digits(std::string_view s) noexcept {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

// Decimal digits only (no sign, no spaces), the whole view, no overflow of U.
template <class U>
bool parse_uint(std::string_view s, U& out) noexcept {
    if (!is_digits(s)) {
        return false;
    }
    U v{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return false;
    }
    out = v;
    return true;
}

// Same, with an inclusive upper bound.
template <class U>
bool parse_uint_max(std::string_view s, std::uint64_t max, U& out) noexcept {
    std::uint64_t v = 0;
    if (!parse_uint(s, v) || v > max || v > std::numeric_limits<U>::max()) {
        return false;
    }
    out = static_cast<U>(v);
    return true;
}

constexpr std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// Splits a line on runs of spaces. The grammar asks for single SP separators; runs are
// accepted because they carry no meaning and real stacks emit them.
class tokens {
public:
    explicit constexpr tokens(std::string_view s) noexcept : rest_(s) {}

    // Next space-delimited word; empty at the end.
    constexpr std::string_view next() noexcept {
        skip_spaces();
        std::size_t n = 0;
        while (n < rest_.size() && rest_[n] != ' ') {
            ++n;
        }
        const std::string_view word = rest_.substr(0, n);
        rest_.remove_prefix(n);
        return word;
    }
    // Everything not yet taken, without leading or trailing spaces.
    constexpr std::string_view remainder() noexcept {
        skip_spaces();
        return trim(rest_);
    }
    constexpr bool done() noexcept {
        skip_spaces();
        return rest_.empty();
    }
    // Where the next word starts (for error locations).
    constexpr const char* position() noexcept {
        skip_spaces();
        return rest_.data();
    }

private:
    constexpr void skip_spaces() noexcept {
        while (!rest_.empty() && rest_.front() == ' ') {
            rest_.remove_prefix(1);
        }
    }

    std::string_view rest_;
};

inline void append_uint(std::string& out, std::uint64_t v) {
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;  // 24 bytes hold any 64-bit value
    out.append(buf, end);
}

constexpr char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

}  // namespace ringstorm::sdp::detail
