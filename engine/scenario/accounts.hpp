#pragma once
// Where phones get their SDK credentials (`sipAccountInfo` of the contract spec): a name
// pattern expanded on demand, or a CSV file loaded once and shared read-only.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.hpp"

namespace ringstorm::scenario {

struct account {
    std::string user_name;     // SDK userName: the digest user name
    std::string auth_user;     // SDK authUser: the user part of the AOR
    std::string secret;        // the digest password
    std::string display_name;  // may be empty
};

// Why a pattern or CSV failed; `offset` counts bytes into the text given.
struct text_error {
    std::size_t offset = 0;
    std::string message;
    std::string hint;
};

// A compiled name template: literal text with `{n}` (the phone's number) or `{n:WIDTH}`
// (zero-padded to WIDTH digits); `{{` and `}}` stand for literal braces. Expansion
// appends to a caller's buffer, so phones need not store their names.
class name_template {
public:
    // Parses `text`. `require_number`: the template must contain `{n}` (user names must
    // differ per phone; a password need not). `user_part`: literals must be characters
    // allowed in a SIP URI user part (RFC 3261 §25.1 `user`).
    static core::result<name_template, text_error> parse(std::string_view text, bool require_number,
                                                         bool user_part);

    void append_to(std::string& out, std::uint64_t n) const;
    std::string expand(std::uint64_t n) const;
    const std::string& text() const noexcept { return text_; }

private:
    struct piece {
        std::string literal;  // the text of a literal piece
        bool number = false;
        std::uint8_t width = 0;  // minimum digits for {n:WIDTH}; 0 = as many as needed
    };
    std::vector<piece> pieces_;
    std::string text_;
};

// RFC 3261 §25.1: user = 1*( unreserved / escaped / user-unreserved ); `escaped` (%HH) is
// checked by the callers that see whole names.
bool is_sip_user_char(char c) noexcept;

// Where in a CSV text something is wrong (1-based line; column of the field, 0 if none).
struct csv_error {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::string message;
};

// Parses account CSV (RFC 4180 quoting, CRLF or LF, a UTF-8 BOM tolerated). The first
// row names the columns: userName and secret are required, authUser (default: userName)
// and displayname (default: empty) optional, in any order. Reports every bad row, up to
// `max_errors`, then one line saying how many more there were.
core::result<std::vector<account>, std::vector<csv_error>> parse_accounts_csv(
    std::string_view text, std::size_t max_errors = 20);

// Credentials for phone i (0-based, in start order), without materialising them all.
class account_source {
public:
    // No accounts (capacity 0): only a placeholder until a loaded source is assigned.
    account_source() = default;
    // Phone i gets user name `user.expand(first + i)` (also its authUser and display name)
    // and password `password.expand(first + i)`.
    account_source(name_template user, name_template password, std::uint64_t first);
    // Phone i gets row i of the CSV. `path` is kept for messages and reports.
    account_source(std::shared_ptr<const std::vector<account>> rows, std::string path);

    bool is_pattern() const noexcept { return user_.has_value(); }
    // How many distinct accounts there are; nullopt for a pattern (unbounded).
    std::optional<std::uint64_t> capacity() const noexcept;
    // Credentials of phone `index`; `index` < capacity() for a CSV source.
    account at(std::uint64_t index) const;
    // The number {n} stands for in templates of phone `index`: first + index for a
    // pattern, the row number (index + 1) for a CSV.
    std::uint64_t number(std::uint64_t index) const noexcept;
    // Only the user name, appended to `out`: the hot path when labelling events.
    void append_user_name(std::string& out, std::uint64_t index) const;

    const std::optional<name_template>& user_pattern() const noexcept { return user_; }
    const std::optional<name_template>& password_pattern() const noexcept { return password_; }
    std::uint64_t first() const noexcept { return first_; }
    const std::string& csv_path() const noexcept { return csv_path_; }

private:
    std::optional<name_template> user_;
    std::optional<name_template> password_;
    std::uint64_t first_ = 1;
    std::shared_ptr<const std::vector<account>> rows_;
    std::string csv_path_;
};

}  // namespace ringstorm::scenario
