#pragma once
// The few ASCII text helpers the target's hand-written scanners share (call_routes.cpp,
// intake.cpp, registrar.cpp): they read raw frames and header values before, or without,
// the SIP parser.

#include <algorithm>
#include <string_view>

namespace ringstorm::target {

constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// ASCII case-insensitive equality (header names, hosts: RFC 3261 §7.3.1, §19.1.4).
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

// Without surrounding blanks, and without the CR a CRLF line split at LF keeps.
constexpr std::string_view trim_line(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace ringstorm::target
