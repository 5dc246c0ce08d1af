#pragma once
// Internal to the parser (parser.cpp, start_line.cpp, header_section.cpp): the one class
// allowed to fill a message's private fields, the character classes of the SIP grammar
// and the head_parser shared by the three files. Not for use outside engine/sip/.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"

namespace ringstorm::sip {

// The one place that writes a message's private fields: the parser builds the spans
// straight over the input buffer instead of copying every name and value.
class parser_access {
public:
    using span = message::span;
    using slot = message::header_slot;

    static std::string& buf(message& m) noexcept { return m.buf_; }
    static std::vector<slot>& headers(message& m) noexcept { return m.headers_; }
    static span value_span(const message& m, std::size_t i) noexcept { return m.headers_[i].value; }
    static span name_span(const message& m, std::size_t i) noexcept { return m.headers_[i].name; }

    static void set_request(message& m, sip::method meth, span text, span uri,
                            span version) noexcept {
        m.status_ = 0;
        m.method_ = meth;
        m.method_text_ = text;
        m.uri_ = uri;
        m.version_ = version;
    }
    static void set_response(message& m, int status, span reason, span version) noexcept {
        m.status_ = status;
        m.reason_ = reason;
        m.version_ = version;
    }
    static void set_body(message& m, span body) noexcept { m.body_ = body; }
};

namespace parser_detail {

using span = parser_access::span;
using slot = parser_access::slot;

// RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
inline constexpr std::array<bool, 256> token_chars = [] {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) {
        t[static_cast<std::size_t>(c)] = true;
    }
    for (int c = 'a'; c <= 'z'; ++c) {
        t[static_cast<std::size_t>(c)] = true;
        t[static_cast<std::size_t>(c - 'a' + 'A')] = true;
    }
    for (char c : std::string_view("-.!%*_+`'~")) {
        t[static_cast<unsigned char>(c)] = true;
    }
    return t;
}();

// The helpers below run for every byte of a header name or value: inline so each file's
// scanning loops compile as if they were written out in place.
inline bool is_token_char(char c) noexcept {
    return token_chars[static_cast<unsigned char>(c)];
}
inline bool is_ws(char c) noexcept {
    return c == ' ' || c == '\t';
}
inline bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// Case-insensitive prefix test; `prefix` must be upper case.
inline bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    if (s.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - ('a' - 'A'));
        }
        if (c != prefix[i]) {
            return false;
        }
    }
    return true;
}

inline span make_span(std::size_t off, std::size_t len) noexcept {
    return {static_cast<std::uint32_t>(off), static_cast<std::uint32_t>(len)};
}

// Fills line and column (1-based, in bytes) of e.offset within text.
void locate_in(std::string_view text, parse_error& e);

inline constexpr std::size_t id_count = static_cast<std::size_t>(header_id::count_);

// One parse over a mutable buffer that the resulting message will own. Folds are
// replaced by spaces in place, so every offset stays an offset into the caller's input.
// The start line is read in start_line.cpp, the header section in header_section.cpp,
// error reporting in parser.cpp.
class head_parser {
public:
    head_parser(std::string& buf, const parse_options& opt)
        : buf_(buf), p_(buf.data()), n_(buf.size()), opt_(opt) {
        first_.fill(-1);
    }

    // Parses the start line and headers; on success head_end() is the first body byte.
    bool parse(message& m);
    // Attaches the body per the framing and checks the mandatory headers.
    bool finish(message& m);
    bool check_mandatory(const message& m);

    std::size_t head_end() const noexcept { return head_end_; }
    std::optional<std::size_t> content_length() const noexcept { return content_length_; }
    parse_error take_error() {
        locate(err_);
        return std::move(err_);
    }

private:
    // start_line.cpp
    bool parse_start_line(message& m, std::size_t& pos);
    bool parse_request_line(message& m, std::size_t pos, std::size_t end);
    bool parse_status_line(message& m, std::size_t pos, std::size_t end);

    // header_section.cpp. The per-line steps run for every header line: they are forced
    // inline (defined only in header_section.cpp, the one file that calls them) so parse()'s
    // loop compiles to one function, as it did when the parser was a single file.
    [[gnu::always_inline]] inline bool parse_header_line(message& m, std::size_t& pos);
    [[gnu::always_inline]] inline bool unfold(std::size_t begin, std::size_t& lf);
    [[gnu::always_inline]] inline bool add_header(message& m, std::size_t begin,
                                                  std::size_t name_end, std::size_t value,
                                                  std::size_t value_end);
    bool unreadable_line(std::size_t begin, std::size_t name_end, std::size_t at, std::size_t end);
    bool note_content_length(const message& m, std::size_t index);
    bool check_mandatory_value(const message& m, header_id id, std::size_t index);

    // Finds the line feed ending the physical line that starts at `from`; a CR is only
    // allowed right before it (RFC 3261 §7: lines end in CRLF; a bare LF is tolerated).
    // Runs once per line of both the start line and the headers, hence inline here.
    bool end_of_line(std::size_t from, std::size_t& lf) {
        const void* hit = from < n_ ? std::memchr(p_ + from, '\n', n_ - from) : nullptr;
        if (hit == nullptr) {
            return fail_truncated();
        }
        lf = static_cast<std::size_t>(static_cast<const char*>(hit) - p_);
        if (const void* cr = std::memchr(p_ + from, '\r', lf - from);
            cr != nullptr && cr != p_ + lf - 1) {
            return fail_stray_cr(static_cast<std::size_t>(static_cast<const char*>(cr) - p_));
        }
        return true;
    }

    // parser.cpp
    bool fail(errc code, std::size_t offset, std::string_view header, std::string detail);
    bool fail_value(const message& m, std::size_t index, std::size_t value_off,
                    const value_error& e);
    bool fail_truncated();
    bool fail_stray_cr(std::size_t at);
    void locate(parse_error& e) const;

    std::string& buf_;
    char* p_;
    std::size_t n_;
    const parse_options& opt_;
    std::size_t start_ = 0;
    std::size_t head_end_ = 0;
    std::optional<std::size_t> content_length_;
    std::array<std::int32_t, id_count> first_{};  // first header index per id, -1 when absent
    std::vector<std::size_t> folds_;              // offsets of line feeds replaced by folding
    parse_error err_;
};

}  // namespace parser_detail
}  // namespace ringstorm::sip
