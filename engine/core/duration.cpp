#include "engine/core/duration.hpp"

#include <array>
#include <cmath>
#include <cstdint>

namespace ringstorm::core {
namespace {

struct unit {
    std::string_view name;
    std::int64_t ns;
};

// Longest names first so "ms" is not read as "m" followed by garbage.
constexpr std::array<unit, 6> units{{
    {"ns", 1},
    {"us", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

constexpr double max_ns = 100.0 * 24 * 3600 * 1e9;  // 100 days: beyond any sane run

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

result<duration, std::string> parse_duration(std::string_view text) {
    if (text.empty()) {
        return unexpected{std::string("empty duration")};
    }
    if (text.front() == '-') {
        return unexpected{"negative duration '" + std::string(text) + "'"};
    }
    double total = 0;
    std::size_t i = 0;
    bool bare_number = true;
    while (i < text.size()) {
        std::size_t start = i;
        bool dot = false;
        while (i < text.size() && (is_digit(text[i]) || (text[i] == '.' && !dot))) {
            dot = dot || text[i] == '.';
            ++i;
        }
        std::string_view number = text.substr(start, i - start);
        if (number.empty() || number == ".") {
            return unexpected{"expected a number at position " + std::to_string(start + 1) +
                              " in '" + std::string(text) + "' (e.g. 90s, 5m, 250ms)"};
        }
        double value = std::stod(std::string(number));
        std::size_t unit_start = i;
        while (i < text.size() && !is_digit(text[i]) && text[i] != '.') {
            ++i;
        }
        std::string_view name = text.substr(unit_start, i - unit_start);
        if (name.empty()) {
            if (i != text.size() || !bare_number || unit_start != i) {
                return unexpected{"missing unit in '" + std::string(text) + "'"};
            }
            total += value * 1e9;  // a bare number is seconds
            break;
        }
        bare_number = false;
        const unit* found = nullptr;
        for (const auto& u : units) {
            if (u.name == name) {
                found = &u;
            }
        }
        if (found == nullptr) {
            return unexpected{"unknown unit '" + std::string(name) + "' in '" + std::string(text) +
                              "' (use ns, us, ms, s, m or h)"};
        }
        total += value * static_cast<double>(found->ns);
        if (total > max_ns) {
            break;
        }
    }
    if (!std::isfinite(total) || total > max_ns) {
        return unexpected{"duration '" + std::string(text) + "' is longer than 100 days"};
    }
    return duration{static_cast<std::int64_t>(std::llround(total))};
}

std::string format_duration(duration d) {
    std::int64_t ns = d.count();
    if (ns == 0) {
        return "0s";
    }
    std::string out;
    if (ns % 1'000'000'000 != 0) {
        // Sub-second values print in the largest exact sub-second unit.
        for (auto it = units.rbegin() + 3; it != units.rend(); ++it) {
            if (ns % it->ns == 0) {
                return std::to_string(ns / it->ns) + std::string(it->name);
            }
        }
    }
    std::int64_t s = ns / 1'000'000'000;
    if (s >= 3600) {
        out += std::to_string(s / 3600) + "h";
        s %= 3600;
    }
    if (s >= 60) {
        out += std::to_string(s / 60) + "m";
        s %= 60;
    }
    if (s > 0) {
        out += std::to_string(s) + "s";
    }
    return out;
}

}  // namespace ringstorm::core
