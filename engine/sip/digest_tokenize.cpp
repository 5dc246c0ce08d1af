// The auth-param grammar of challenges and credentials (RFC 7235 §2.1, RFC 3261 §25.1
// challenge/credentials, RFC 7616 §3.3-3.4). Kept apart from the generic SIP parameter
// code because it differs: parameters are comma-separated, one value may list several
// challenges, and a new challenge is told from a parameter only by the '=' after a token.

#include <cctype>

#include "engine/sip/digest_detail.hpp"

namespace ringstorm::sip::digest_detail {
namespace {

using core::unexpected;

// RFC 3261 §25.1 token characters, with the RFC 7230 tchar extras that HTTP-born
// servers put in scheme and parameter names.
bool is_token_char(char c) noexcept {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
        return true;
    }
    switch (c) {
        case '-':
        case '.':
        case '!':
        case '%':
        case '*':
        case '_':
        case '+':
        case '`':
        case '\'':
        case '~':
        case '#':
        case '$':
        case '&':
        case '^':
        case '|':
            return true;
        default:
            return false;
    }
}

// RFC 7235 §2.1 token68.
bool is_token68_char(char c) noexcept {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_' ||
           c == '~' || c == '+' || c == '/';
}

// An unquoted value: servers send nonces and opaques with '/', '=' or ':' unquoted, so
// anything visible but the separators is taken.
bool is_bare_value_char(char c) noexcept {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != ',' && c != '"';
}

class tokenizer {
public:
    explicit tokenizer(std::string_view v) : v_(v) {}

    core::result<std::vector<raw_auth>, auth_error> run();

private:
    auth_error fail(std::size_t at, const char* why, auth_errc code = auth_errc::malformed) const {
        return auth_error{code, at, 0, why};
    }
    bool at_end() const noexcept { return pos_ >= v_.size(); }
    char peek() const noexcept { return v_[pos_]; }

    // LWS: spaces, tabs and CRLF folding (RFC 3261 §25.1). A lone CR or LF is not
    // whitespace; it stops the scan and is reported by the caller.
    void skip_lws() noexcept;
    // Skips LWS and empty list elements (RFC 7230 §7 #rule); returns whether any comma was.
    bool skip_separators() noexcept;
    std::string_view read_token() noexcept;
    core::result<std::string, auth_error> read_quoted();
    bool token68_ahead() const noexcept;
    // Parses "name = value" pairs of one scheme. Stops at the end or before a token that
    // starts the next challenge.
    std::optional<auth_error> read_params(raw_auth& out);

    std::string_view v_;
    std::size_t pos_ = 0;
};

void tokenizer::skip_lws() noexcept {
    while (!at_end()) {
        char c = peek();
        if (c == ' ' || c == '\t') {
            ++pos_;
        } else if (c == '\r' && pos_ + 2 < v_.size() && v_[pos_ + 1] == '\n' &&
                   (v_[pos_ + 2] == ' ' || v_[pos_ + 2] == '\t')) {
            pos_ += 3;
        } else {
            return;
        }
    }
}

bool tokenizer::skip_separators() noexcept {
    bool comma = false;
    skip_lws();
    while (!at_end() && peek() == ',') {
        comma = true;
        ++pos_;
        skip_lws();
    }
    return comma;
}

std::string_view tokenizer::read_token() noexcept {
    std::size_t start = pos_;
    while (!at_end() && is_token_char(peek())) {
        ++pos_;
    }
    return v_.substr(start, pos_ - start);
}

core::result<std::string, auth_error> tokenizer::read_quoted() {
    std::size_t open = pos_;
    ++pos_;  // the opening quote
    std::string out;
    while (!at_end()) {
        char c = peek();
        if (c == '"') {
            ++pos_;
            return out;
        }
        if (c == '\\') {
            // RFC 3261 §25.1 quoted-pair: any octet but CR and LF may be escaped.
            if (pos_ + 1 >= v_.size()) {
                break;
            }
            char e = v_[pos_ + 1];
            if (e == '\r' || e == '\n') {
                return unexpected{fail(pos_, "escaped CR or LF in quoted string")};
            }
            out.push_back(e);
            pos_ += 2;
            continue;
        }
        if (c == '\r' || c == '\n') {
            std::size_t before = pos_;
            skip_lws();
            if (pos_ == before) {
                return unexpected{fail(pos_, "bare CR or LF in quoted string")};
            }
            out.push_back(' ');  // folding inside a quoted string reads as one space
            continue;
        }
        // RFC 3261 §25.1 qdtext excludes the CTLs (only LWS may appear unescaped).
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) {
            return unexpected{fail(pos_, "control character in quoted string")};
        }
        out.push_back(c);
        ++pos_;
    }
    return unexpected{fail(open, "unterminated quoted string")};
}

// After a scheme: is this a token68 (e.g. "Negotiate YIIC+w==") rather than a parameter?
// A token68 is followed by optional '='s and then the end or a comma; a parameter has a
// value after its '='.
bool tokenizer::token68_ahead() const noexcept {
    std::size_t p = pos_;
    while (p < v_.size() && is_token68_char(v_[p])) {
        ++p;
    }
    if (p == pos_) {
        return false;
    }
    while (p < v_.size() && v_[p] == '=') {
        ++p;
    }
    while (p < v_.size() && (v_[p] == ' ' || v_[p] == '\t')) {
        ++p;
    }
    // "name=" with nothing after is token68 syntax, and so is a plain "name" alone.
    return p >= v_.size() || v_[p] == ',';
}

std::optional<auth_error> tokenizer::read_params(raw_auth& out) {
    for (;;) {
        std::size_t name_at = pos_;
        std::string_view name = read_token();
        if (name.empty()) {
            return fail(pos_, "expected a parameter name");
        }
        skip_lws();
        if (at_end() || peek() != '=') {
            return fail(pos_, "expected '=' after parameter name");
        }
        ++pos_;
        skip_lws();
        raw_param p{name, {}, false, name_at};
        if (at_end()) {
            return fail(pos_, "missing parameter value");
        }
        if (peek() == '"') {
            auto q = read_quoted();
            if (!q) {
                return q.error();
            }
            p.value = std::move(*q);
            p.quoted = true;
        } else {
            std::size_t start = pos_;
            while (!at_end() && is_bare_value_char(peek())) {
                ++pos_;
            }
            if (pos_ == start) {
                return fail(pos_, "missing parameter value");
            }
            p.value.assign(v_.substr(start, pos_ - start));
        }
        if (out.find(name) != nullptr) {
            return fail(name_at, "parameter repeated", auth_errc::duplicate_param);
        }
        out.params.push_back(std::move(p));
        skip_lws();
        if (at_end()) {
            return std::nullopt;
        }
        if (peek() != ',') {
            return fail(pos_, "expected ',' between parameters");
        }
        skip_separators();
        if (at_end()) {
            return std::nullopt;
        }
        // A token followed by '=' continues this scheme; anything else starts the next.
        std::size_t mark = pos_;
        read_token();
        skip_lws();
        bool is_param = !at_end() && peek() == '=';
        pos_ = mark;
        if (!is_param) {
            return std::nullopt;
        }
    }
}

core::result<std::vector<raw_auth>, auth_error> tokenizer::run() {
    std::vector<raw_auth> out;
    skip_separators();
    if (at_end()) {
        return unexpected{fail(pos_, "empty header value")};
    }
    while (!at_end()) {
        raw_auth a;
        a.offset = pos_;
        a.scheme = read_token();
        if (a.scheme.empty()) {
            return unexpected{fail(pos_, "expected an auth scheme")};
        }
        std::size_t after_scheme = pos_;
        skip_lws();
        if (!at_end() && peek() != ',') {
            if (pos_ == after_scheme) {
                return unexpected{fail(pos_, "expected whitespace after the auth scheme")};
            }
            // Digest never takes a token68, so "realm=," there is a missing value.
            if (iequals(a.scheme, "Digest") || !token68_ahead()) {
                // read_params stops at the end or on the next scheme, its comma consumed.
                if (auto err = read_params(a)) {
                    return unexpected{*err};
                }
                out.push_back(std::move(a));
                continue;
            }
            std::size_t start = pos_;
            while (!at_end() && (is_token68_char(peek()) || peek() == '=')) {
                ++pos_;
            }
            a.token68 = v_.substr(start, pos_ - start);
        }
        out.push_back(std::move(a));
        skip_lws();
        if (!at_end() && peek() != ',') {
            return unexpected{fail(pos_, "expected ',' before the next challenge")};
        }
        skip_separators();
    }
    return out;
}

}  // namespace

const raw_param* raw_auth::find(std::string_view name) const noexcept {
    for (const auto& p : params) {
        if (iequals(p.name, name)) {
            return &p;
        }
    }
    return nullptr;
}

core::result<std::vector<raw_auth>, auth_error> tokenize(std::string_view value) {
    return tokenizer(value).run();
}

bool iequals(std::string_view a, std::string_view b) noexcept {
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

}  // namespace ringstorm::sip::digest_detail
