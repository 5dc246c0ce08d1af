#include "engine/target/account_book.hpp"

#include <charconv>

namespace ringstorm::target {
namespace {

constexpr std::size_t max_digits = 20;      // a uint64 has at most 20 decimal digits
constexpr std::size_t max_name_size = 128;  // longer names are nobody (bounds the search)

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

}  // namespace

account_book::account_book(scenario::account_source source) : source_(std::move(source)) {
    if (source_.is_pattern()) {
        return;
    }
    const std::uint64_t rows = source_.capacity().value_or(0);
    by_name_.reserve(rows);
    for (std::uint64_t i = 0; i < rows; ++i) {
        std::string name;
        source_.append_user_name(name, i);
        // A name listed twice: the first row wins, as a lookup must be deterministic.
        by_name_.emplace(std::move(name), i);
    }
}

std::optional<scenario::account> account_book::find(std::string_view user_name) const {
    if (source_.is_pattern()) {
        auto index = pattern_index(user_name);
        if (!index) {
            return std::nullopt;
        }
        return source_.at(*index);
    }
    auto it = by_name_.find(std::string(user_name));
    if (it == by_name_.end()) {
        return std::nullopt;
    }
    return source_.at(it->second);
}

// The template is opaque (only expand() is public), so the name is inverted by trying
// every digit run of the name as n and keeping the one that expands back to the name.
// Names are short, so this costs a few expansions per authenticated REGISTER.
std::optional<std::uint64_t> account_book::pattern_index(std::string_view user_name) const {
    if (user_name.empty() || user_name.size() > max_name_size) {
        return std::nullopt;
    }
    const auto& pattern = *source_.user_pattern();
    std::string expanded;
    for (std::size_t start = 0; start < user_name.size(); ++start) {
        for (std::size_t len = 1; len <= max_digits && start + len <= user_name.size(); ++len) {
            if (!is_digit(user_name[start + len - 1])) {
                break;
            }
            std::uint64_t n = 0;
            const char* first = user_name.data() + start;
            auto [end, ec] = std::from_chars(first, first + len, n);
            if (ec != std::errc{} || n < source_.first()) {
                continue;
            }
            expanded.clear();
            pattern.append_to(expanded, n);
            if (expanded == user_name) {
                return n - source_.first();
            }
        }
    }
    return std::nullopt;
}

}  // namespace ringstorm::target
