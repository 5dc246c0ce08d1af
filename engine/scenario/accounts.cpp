#include "engine/scenario/accounts.hpp"

#include <charconv>
#include <cstring>

namespace ringstorm::scenario {
namespace {

constexpr std::uint8_t max_width = 20;  // a uint64 has at most 20 decimal digits

std::string printable(char c) {
    if (c == ' ') {
        return "a space";
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return "a control character";
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
        return "a non-ASCII byte";
    }
    return std::string("'") + c + "'";
}

// Reads "{n}" or "{n:WIDTH}" at text[i] == '{'; returns the piece and the index past '}'.
core::result<std::pair<std::uint8_t, std::size_t>, text_error> read_placeholder(
    std::string_view text, std::size_t i) {
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
        return core::unexpected{
            text_error{i, "unclosed '{'", "write {n} or {n:04}; {{ is a literal '{'"}};
    }
    std::string_view inner = text.substr(i + 1, close - i - 1);
    if (inner.empty() || inner[0] != 'n' || (inner.size() > 1 && inner[1] != ':')) {
        return core::unexpected{text_error{i, "unknown placeholder '{" + std::string(inner) + "}'",
                                           "the only placeholder is {n} (the phone's number), "
                                           "or {n:WIDTH} zero-padded, e.g. {n:04}"}};
    }
    if (inner.size() == 1) {
        return std::pair<std::uint8_t, std::size_t>{0, close + 1};
    }
    std::string_view digits = inner.substr(2);
    unsigned width = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), width);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || width == 0 ||
        width > max_width) {
        return core::unexpected{text_error{
            i + 3, "bad width '" + std::string(digits) + "' in '{" + std::string(inner) + "}'",
            "WIDTH is 1 to 20 digits, e.g. {n:04}"}};
    }
    return std::pair<std::uint8_t, std::size_t>{static_cast<std::uint8_t>(width), close + 1};
}

}  // namespace

bool is_sip_user_char(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    // mark (RFC 3261 §25.1) and user-unreserved, plus '%' for escapes.
    return c != '\0' && std::strchr("-_.!~*'()&=+$,;?/%", c) != nullptr;
}

core::result<name_template, text_error> name_template::parse(std::string_view text,
                                                             bool require_number, bool user_part) {
    name_template t;
    t.text_ = std::string(text);
    std::string literal;
    bool has_number = false;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            literal += c;
            i += 2;
            continue;
        }
        if (c == '}') {
            return core::unexpected{text_error{i, "unmatched '}'", "write }} for a literal '}'"}};
        }
        if (c != '{') {
            if (user_part && !is_sip_user_char(c)) {
                return core::unexpected{
                    text_error{i, printable(c) + " cannot appear in a SIP user name",
                               "use letters, digits and -_.!~*'()&=+$,;?/ (RFC 3261 §25.1)"}};
            }
            literal += c;
            ++i;
            continue;
        }
        auto placeholder = read_placeholder(text, i);
        if (!placeholder) {
            return core::unexpected{std::move(placeholder).error()};
        }
        if (!literal.empty()) {
            t.pieces_.push_back(piece{std::move(literal), false, 0});
            literal.clear();
        }
        t.pieces_.push_back(piece{{}, true, placeholder->first});
        has_number = true;
        i = placeholder->second;
    }
    if (!literal.empty()) {
        t.pieces_.push_back(piece{std::move(literal), false, 0});
    }
    if (text.empty()) {
        return core::unexpected{text_error{0, "empty", "write e.g. \"1{n:04}\""}};
    }
    if (require_number && !has_number) {
        return core::unexpected{
            text_error{0, "'" + t.text_ + "' has no {n}: every phone would be the same user",
                       "add the phone's number, e.g. \"" + t.text_ + "{n:04}\""}};
    }
    return t;
}

void name_template::append_to(std::string& out, std::uint64_t n) const {
    for (const piece& p : pieces_) {
        if (!p.number) {
            out += p.literal;
            continue;
        }
        char digits[max_width];
        auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
        (void)ec;  // 20 bytes always hold a uint64
        const auto length = static_cast<std::size_t>(end - digits);
        if (length < p.width) {
            out.append(p.width - length, '0');
        }
        out.append(digits, length);
    }
}

std::string name_template::expand(std::uint64_t n) const {
    std::string out;
    append_to(out, n);
    return out;
}

account_source::account_source(name_template user, name_template password, std::uint64_t first)
    : user_(std::move(user)), password_(std::move(password)), first_(first) {}

account_source::account_source(std::shared_ptr<const std::vector<account>> rows, std::string path)
    : rows_(std::move(rows)), csv_path_(std::move(path)) {}

std::optional<std::uint64_t> account_source::capacity() const noexcept {
    if (user_) {
        return std::nullopt;
    }
    return rows_ == nullptr ? 0 : rows_->size();
}

account account_source::at(std::uint64_t index) const {
    if (rows_ != nullptr) {
        return (*rows_)[index];
    }
    account a;
    user_->append_to(a.user_name, first_ + index);
    a.auth_user = a.user_name;
    a.display_name = a.user_name;
    password_->append_to(a.secret, first_ + index);
    return a;
}

std::uint64_t account_source::number(std::uint64_t index) const noexcept {
    return user_ ? first_ + index : index + 1;
}

void account_source::append_user_name(std::string& out, std::uint64_t index) const {
    if (rows_ != nullptr) {
        out += (*rows_)[index].user_name;
        return;
    }
    user_->append_to(out, first_ + index);
}

}  // namespace ringstorm::scenario
