// The account CSV: `userName,authUser,secret,displayname` with a header row.
#include <array>
#include <string>
#include <unordered_map>

#include "engine/scenario/accounts.hpp"
#include "engine/scenario/suggest.hpp"

namespace ringstorm::scenario {
namespace {

struct field {
    std::string text;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

struct record {
    std::vector<field> fields;
    std::uint32_t line = 0;
};

// Splits CSV text into records (RFC 4180 §2: quotes around a field, "" for a quote
// inside one, line breaks allowed inside quotes).
class csv_reader {
public:
    explicit csv_reader(std::string_view text) : text_(text) {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
            text_.remove_prefix(3);  // spreadsheets save UTF-8 with a BOM
        }
    }

    bool at_end() const noexcept { return i_ >= text_.size(); }

    // Reads one record; on a quoting error returns it and skips to the next line.
    core::result<record, csv_error> next() {
        record r;
        r.line = line_;
        while (true) {
            auto f = read_field();
            if (!f) {
                skip_line();
                return core::unexpected{std::move(f).error()};
            }
            r.fields.push_back(std::move(*f));
            if (at_end()) {
                return r;
            }
            const char c = text_[i_];
            advance();
            if (c == '\n' || c == '\r') {
                if (c == '\r' && !at_end() && text_[i_] == '\n') {
                    advance();
                }
                return r;
            }
        }
    }

private:
    void advance() {
        if (text_[i_] == '\n' ||
            (text_[i_] == '\r' && (i_ + 1 >= text_.size() || text_[i_ + 1] != '\n'))) {
            ++line_;
            column_ = 1;
        } else {
            ++column_;
        }
        ++i_;
    }

    void skip_line() {
        while (!at_end() && text_[i_] != '\n' && text_[i_] != '\r') {
            advance();
        }
        if (!at_end()) {
            const bool crlf = text_[i_] == '\r' && i_ + 1 < text_.size() && text_[i_ + 1] == '\n';
            advance();
            if (crlf) {
                advance();
            }
        }
    }

    static bool ends_field(char c) { return c == ',' || c == '\n' || c == '\r'; }

    core::result<field, csv_error> read_field() {
        field f{{}, line_, column_};
        if (at_end() || text_[i_] != '"') {
            while (!at_end() && !ends_field(text_[i_])) {
                if (text_[i_] == '"') {
                    return core::unexpected{
                        csv_error{line_, column_,
                                  "a quote inside an unquoted field; quote the "
                                  "whole field and double the quote (\"a\"\"b\")"}};
                }
                f.text += text_[i_];
                advance();
            }
            return f;
        }
        advance();  // the opening quote
        while (true) {
            if (at_end()) {
                return core::unexpected{csv_error{f.line, f.column, "unterminated quoted field"}};
            }
            const char c = text_[i_];
            advance();
            if (c != '"') {
                f.text += c;
            } else if (!at_end() && text_[i_] == '"') {
                f.text += '"';
                advance();
            } else {
                break;
            }
        }
        if (!at_end() && !ends_field(text_[i_])) {
            return core::unexpected{csv_error{line_, column_, "text after a closing quote"}};
        }
        return f;
    }

    std::string_view text_;
    std::size_t i_ = 0;
    std::uint32_t line_ = 1;
    std::uint32_t column_ = 1;
};

enum column_id : std::size_t {
    user_name_col,
    auth_user_col,
    secret_col,
    display_name_col,
    column_count
};
constexpr std::array<std::string_view, column_count> column_names{"userName", "authUser", "secret",
                                                                  "displayname"};
constexpr std::size_t absent = static_cast<std::size_t>(-1);

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

// Maps header names to column positions; errors for unknown, repeated and missing ones.
std::array<std::size_t, column_count> read_header(const record& header,
                                                  std::vector<csv_error>& errors) {
    std::array<std::size_t, column_count> index;
    index.fill(absent);
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const field& f = header.fields[i];
        const std::string name = trim(f.text);
        std::size_t found = absent;
        for (std::size_t c = 0; c < column_count; ++c) {
            if (same_name(name, column_names[c])) {
                found = c;
            }
        }
        if (found == absent) {
            errors.push_back({f.line, f.column,
                              "unknown column '" + name + "'" + did_you_mean(name, column_names) +
                                  "; the columns are userName, authUser, secret, displayname"});
        } else if (index[found] != absent) {
            errors.push_back({f.line, f.column, "column '" + name + "' appears twice"});
        } else {
            index[found] = i;
        }
    }
    for (std::size_t c : {user_name_col, secret_col}) {
        if (index[c] == absent) {
            errors.push_back({header.line, 1,
                              "the header row has no '" + std::string(column_names[c]) +
                                  "' column; the first row must name the columns, e.g. "
                                  "userName,authUser,secret,displayname"});
        }
    }
    return index;
}

// Why `name` cannot be a SIP user part, or "" when it can.
std::string user_part_problem(std::string_view name) {
    if (name.empty()) {
        return "is empty";
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (!is_sip_user_char(name[i])) {
            return "has a character not allowed in a SIP user name at position " +
                   std::to_string(i + 1) + " (RFC 3261 §25.1)";
        }
    }
    return {};
}

class account_builder {
public:
    account_builder(std::array<std::size_t, column_count> index, std::size_t fields,
                    std::vector<csv_error>& errors)
        : index_(index), fields_(fields), errors_(errors) {}

    void add(const record& r, std::vector<account>& out) {
        if (r.fields.size() != fields_) {
            errors_.push_back({r.line, 0,
                               std::to_string(r.fields.size()) + " fields, but the header has " +
                                   std::to_string(fields_)});
            return;
        }
        account a;
        a.user_name = r.fields[index_[user_name_col]].text;
        a.secret = r.fields[index_[secret_col]].text;
        a.auth_user =
            index_[auth_user_col] == absent ? a.user_name : r.fields[index_[auth_user_col]].text;
        if (a.auth_user.empty()) {
            a.auth_user = a.user_name;
        }
        if (index_[display_name_col] != absent) {
            a.display_name = r.fields[index_[display_name_col]].text;
        }
        if (!check(r, user_name_col, a.user_name) || !check(r, auth_user_col, a.auth_user)) {
            return;
        }
        if (a.secret.empty()) {
            errors_.push_back({r.line, r.fields[index_[secret_col]].column, "empty secret"});
            return;
        }
        auto [it, fresh] = seen_.emplace(a.user_name, r.line);
        if (!fresh) {
            errors_.push_back({r.line, r.fields[index_[user_name_col]].column,
                               "duplicate userName '" + a.user_name + "' (first on line " +
                                   std::to_string(it->second) +
                                   "); for several registrations of one "
                                   "user set accounts.tabs"});
            return;
        }
        out.push_back(std::move(a));
    }

private:
    bool check(const record& r, column_id c, std::string_view value) {
        if (index_[c] == absent) {
            return true;  // authUser defaults to the userName, checked already
        }
        std::string problem = user_part_problem(value);
        if (problem.empty()) {
            return true;
        }
        errors_.push_back(
            {r.line, r.fields[index_[c]].column,
             std::string(column_names[c]) + " '" + std::string(value) + "' " + problem});
        return false;
    }

    std::array<std::size_t, column_count> index_;
    std::size_t fields_;  // columns in the header; every row must have as many
    std::vector<csv_error>& errors_;
    std::unordered_map<std::string, std::uint32_t> seen_;
};

bool blank(const record& r) {
    return r.fields.size() == 1 && trim(r.fields[0].text).empty();
}

}  // namespace

core::result<std::vector<account>, std::vector<csv_error>> parse_accounts_csv(
    std::string_view text, std::size_t max_errors) {
    csv_reader reader(text);
    std::vector<csv_error> errors;
    std::vector<account> accounts;
    std::optional<account_builder> builder;
    std::uint32_t last_line = 1;
    while (!reader.at_end()) {
        auto r = reader.next();
        if (!r) {
            errors.push_back(std::move(r).error());
            continue;
        }
        last_line = r->line;
        if (blank(*r)) {
            continue;
        }
        if (!builder) {
            builder.emplace(read_header(*r, errors), r->fields.size(), errors);
            if (!errors.empty()) {
                return core::unexpected{std::move(errors)};  // rows mean nothing without columns
            }
            continue;
        }
        builder->add(*r, accounts);
    }
    if (!builder) {
        errors.push_back({1, 0,
                          "no header row; the first row must name the columns, e.g. "
                          "userName,authUser,secret,displayname"});
    } else if (accounts.empty() && errors.empty()) {
        errors.push_back({last_line, 0, "no accounts: only a header row"});
    }
    if (errors.empty()) {
        return accounts;
    }
    if (errors.size() > max_errors) {
        const std::size_t more = errors.size() - max_errors;
        errors.resize(max_errors);
        errors.push_back({0, 0, "... and " + std::to_string(more) + " more errors in this file"});
    }
    return core::unexpected{std::move(errors)};
}

}  // namespace ringstorm::scenario
