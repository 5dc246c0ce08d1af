#include "engine/sip/parser.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include "engine/sip/headers.hpp"
#include "engine/sip/uri.hpp"

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

namespace {

using span = parser_access::span;
using slot = parser_access::slot;

// RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
constexpr std::array<bool, 256> token_chars = [] {
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

bool is_token_char(char c) noexcept {
    return token_chars[static_cast<unsigned char>(c)];
}
bool is_ws(char c) noexcept {
    return c == ' ' || c == '\t';
}
bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
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

// RFC 3261 §7.1/§25.1: SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT ("SIP" case-insensitive).
bool version_syntax(std::string_view v) noexcept {
    if (!istarts_with(v, "SIP/")) {
        return false;
    }
    std::size_t i = 4;
    const std::size_t major = i;
    while (i < v.size() && is_digit(v[i])) {
        ++i;
    }
    if (i == major || i >= v.size() || v[i] != '.') {
        return false;
    }
    const std::size_t minor = ++i;
    while (i < v.size() && is_digit(v[i])) {
        ++i;
    }
    return i > minor && i == v.size();
}

// Content-Length and Max-Forwards are 1*DIGIT (RFC 3261 §20.14, §20.22). Leading zeros
// are legal; more than 10 significant digits cannot fit the 32-bit bound and is absurd.
bool parse_decimal(std::string_view v, std::uint64_t max, std::uint64_t& out) noexcept {
    if (v.empty()) {
        return false;
    }
    std::uint64_t n = 0;
    std::size_t significant = 0;
    for (char c : v) {
        if (!is_digit(c)) {
            return false;
        }
        if (n != 0 || c != '0') {
            ++significant;
        }
        if (significant > 10) {
            return false;
        }
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (n > max) {
        return false;
    }
    out = n;
    return true;
}

// Offset of the first top-level comma of a header value (outside quotes and <>), or its
// size; the top Via is the first entry of the first Via line (RFC 3261 §7.3.1).
std::size_t first_entry_end(std::string_view v) noexcept {
    bool quoted = false;
    bool angle = false;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (quoted) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                quoted = false;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<') {
            angle = true;
        } else if (c == '>') {
            angle = false;
        } else if (c == ',' && !angle) {
            return i;
        }
    }
    return v.size();
}

span make_span(std::size_t off, std::size_t len) noexcept {
    return {static_cast<std::uint32_t>(off), static_cast<std::uint32_t>(len)};
}

// Fills line and column (1-based, in bytes) of e.offset within text.
void locate_in(std::string_view text, parse_error& e) {
    const std::size_t off = std::min(e.offset, text.size());
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < off;) {
        const void* lf = std::memchr(text.data() + i, '\n', off - i);
        if (lf == nullptr) {
            break;
        }
        ++line;
        i = static_cast<std::size_t>(static_cast<const char*>(lf) - text.data()) + 1;
        line_start = i;
    }
    e.line = line;
    e.column = off - line_start + 1;
}

constexpr std::size_t id_count = static_cast<std::size_t>(header_id::count_);

// One parse over a mutable buffer that the resulting message will own. Folds are
// replaced by spaces in place, so every offset stays an offset into the caller's input.
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
    bool parse_start_line(message& m, std::size_t& pos);
    bool parse_request_line(message& m, std::size_t pos, std::size_t end);
    bool parse_status_line(message& m, std::size_t pos, std::size_t end);
    bool parse_header_line(message& m, std::size_t& pos);
    bool note_content_length(const message& m, std::size_t index);
    bool end_of_line(std::size_t from, std::size_t& lf);
    bool fail(errc code, std::size_t offset, std::string_view header, std::string detail);
    bool fail_value(const message& m, std::size_t index, std::size_t value_off,
                    const value_error& e);
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

bool head_parser::fail(errc code, std::size_t offset, std::string_view header, std::string detail) {
    // A NUL anywhere before the end of the failing line is the real problem (it is what
    // made the bytes unreadable), so it takes precedence over whatever tripped over it.
    std::size_t end = n_;
    if (head_end_ != 0) {
        end = head_end_;
    } else if (offset < n_) {
        if (const void* lf = std::memchr(p_ + offset, '\n', n_ - offset); lf != nullptr) {
            end = static_cast<std::size_t>(static_cast<const char*>(lf) - p_);
        }
    }
    const void* nul = end > start_ ? std::memchr(p_ + start_, '\0', end - start_) : nullptr;
    if (nul != nullptr && code != errc::too_large) {
        err_.code = errc::nul_byte;
        err_.offset = static_cast<std::size_t>(static_cast<const char*>(nul) - p_);
        err_.header.clear();
        err_.detail = "NUL byte in the message head";
        return false;
    }
    err_.code = code;
    err_.offset = offset;
    err_.header.assign(header);
    err_.detail = std::move(detail);
    return false;
}

bool head_parser::fail_value(const message& m, std::size_t index, std::size_t value_off,
                             const value_error& e) {
    const header_view h = m.header(index);
    std::string detail(h.id != header_id::unknown ? canonical_name(h.id) : h.name);
    detail += ": ";
    detail += e.reason;
    return fail(errc::malformed_header, value_off + e.offset, h.name, std::move(detail));
}

void head_parser::locate(parse_error& e) const {
    locate_in(std::string_view(p_, n_), e);
    // Lines and columns count the input as received: line feeds consumed by folding
    // still end a line.
    const std::size_t off = std::min(e.offset, n_);
    std::size_t line_start = off + 1 - e.column;
    for (std::size_t f : folds_) {
        if (f < off) {
            ++e.line;
            line_start = std::max(line_start, f + 1);
        }
    }
    e.column = off - line_start + 1;
}

// Finds the line feed ending the physical line that starts at `from`; a CR is only
// allowed right before it (RFC 3261 §7: lines end in CRLF; a bare LF is tolerated).
bool head_parser::end_of_line(std::size_t from, std::size_t& lf) {
    const void* hit = from < n_ ? std::memchr(p_ + from, '\n', n_ - from) : nullptr;
    if (hit == nullptr) {
        return fail(errc::truncated, n_, {},
                    "the message ends before the empty line that closes the header section");
    }
    lf = static_cast<std::size_t>(static_cast<const char*>(hit) - p_);
    if (const void* cr = std::memchr(p_ + from, '\r', lf - from);
        cr != nullptr && cr != p_ + lf - 1) {
        const auto at = static_cast<std::size_t>(static_cast<const char*>(cr) - p_);
        return fail(errc::malformed_header, at, {}, "CR not followed by LF");
    }
    return true;
}

bool head_parser::parse(message& m) {
    // RFC 3261 §7.5: CRLFs before the start line are ignored (stream keep-alives).
    while (start_ < n_ && (p_[start_] == '\r' || p_[start_] == '\n')) {
        ++start_;
    }
    if (n_ > opt_.max_size) {
        return fail(errc::too_large, opt_.max_size, {},
                    "message larger than " + std::to_string(opt_.max_size) + " bytes");
    }
    std::size_t pos = start_;
    if (!parse_start_line(m, pos)) {
        return false;
    }
    parser_access::headers(m).reserve(24);
    for (;;) {
        if (pos >= n_) {
            return fail(errc::truncated, n_, {},
                        "the message ends before the empty line that closes the header section");
        }
        if (p_[pos] == '\n' || (p_[pos] == '\r' && pos + 1 < n_ && p_[pos + 1] == '\n')) {
            head_end_ = pos + (p_[pos] == '\n' ? 1 : 2);
            break;
        }
        if (!parse_header_line(m, pos)) {
            return false;
        }
    }
    if (const void* nul = std::memchr(p_ + start_, '\0', head_end_ - start_); nul != nullptr) {
        return fail(errc::nul_byte, static_cast<std::size_t>(static_cast<const char*>(nul) - p_),
                    {}, "NUL byte in the message head");
    }
    return true;
}

bool head_parser::parse_start_line(message& m, std::size_t& pos) {
    std::size_t lf = 0;
    if (!end_of_line(pos, lf)) {
        if (err_.code == errc::malformed_header) {
            err_.code = errc::malformed_start_line;
        }
        return false;
    }
    const std::size_t end = (lf > pos && p_[lf - 1] == '\r') ? lf - 1 : lf;
    if (end - pos > opt_.max_header_line) {
        return fail(errc::header_too_long, pos, {},
                    "start line longer than " + std::to_string(opt_.max_header_line));
    }
    const std::size_t begin = pos;
    pos = lf + 1;
    if (istarts_with(std::string_view(p_ + begin, end - begin), "SIP/")) {
        return parse_status_line(m, begin, end);
    }
    return parse_request_line(m, begin, end);
}

// RFC 3261 §7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF, single spaces.
bool head_parser::parse_request_line(message& m, std::size_t pos, std::size_t end) {
    const std::string_view line(p_ + pos, end - pos);
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0) {
        return fail(errc::malformed_start_line, pos, {},
                    "start line is neither a Request-Line nor a Status-Line");
    }
    for (std::size_t i = 0; i < sp1; ++i) {
        if (!is_token_char(line[i])) {
            return fail(errc::malformed_start_line, pos + i, {}, "method is not a token");
        }
    }
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) {
        return fail(errc::malformed_start_line, end, {}, "Request-Line has no SIP-Version");
    }
    if (sp2 == sp1 + 1) {
        return fail(errc::malformed_start_line, pos + sp2, {},
                    "extra whitespace in the Request-Line");
    }
    const std::string_view uri_text = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (!version_syntax(version)) {
        const bool looks_sip =
            istarts_with(version, "SIP/") || version.empty() || version.find(' ') != version.npos;
        return fail(looks_sip ? errc::malformed_start_line : errc::unsupported_version,
                    pos + sp2 + 1, {},
                    looks_sip ? "malformed SIP-Version (extra whitespace or bad digits)"
                              : "not a SIP version");
    }
    if (auto u = parse_uri(uri_text); !u) {
        return fail(errc::malformed_start_line, pos + sp1 + 1 + u.error().offset, {},
                    std::string("Request-URI: ") + u.error().reason);
    }
    parser_access::set_request(m, method_from_token(line.substr(0, sp1)), make_span(pos, sp1),
                               make_span(pos + sp1 + 1, uri_text.size()),
                               make_span(pos + sp2 + 1, version.size()));
    return true;
}

// RFC 3261 §7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF.
bool head_parser::parse_status_line(message& m, std::size_t pos, std::size_t end) {
    const std::string_view line(p_ + pos, end - pos);
    const std::size_t sp = line.find(' ');
    const std::string_view version = line.substr(0, sp);
    if (!version_syntax(version)) {
        return fail(errc::malformed_start_line, pos, {}, "malformed SIP-Version");
    }
    if (sp == std::string_view::npos) {
        return fail(errc::malformed_start_line, end, {}, "Status-Line has no status code");
    }
    const std::string_view rest = line.substr(sp + 1);
    // Exactly three digits, then the end of the line or a space (a tolerant reading of an
    // absent Reason-Phrase; the serializer writes the space back).
    if (rest.size() < 3 || !is_digit(rest[0]) || !is_digit(rest[1]) || !is_digit(rest[2]) ||
        (rest.size() > 3 && rest[3] != ' ')) {
        return fail(errc::malformed_start_line, pos + sp + 1, {},
                    "status code is not three digits");
    }
    const int status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    if (status < 100 || status > 699) {
        return fail(errc::malformed_start_line, pos + sp + 1, {}, "status code outside 100-699");
    }
    const std::size_t reason_off = rest.size() > 3 ? pos + sp + 5 : end;
    for (std::size_t i = reason_off; i < end; ++i) {
        const auto c = static_cast<unsigned char>(p_[i]);
        if ((c < 0x20 && c != '\t' && c != 0) || c == 0x7f) {
            return fail(errc::malformed_start_line, i, {},
                        "control character in the Reason-Phrase");
        }
    }
    parser_access::set_response(m, status, make_span(reason_off, end - reason_off),
                                make_span(pos, version.size()));
    return true;
}

bool head_parser::parse_header_line(message& m, std::size_t& pos) {
    const std::size_t begin = pos;
    if (is_ws(p_[begin])) {
        return fail(errc::malformed_header, begin, {},
                    "continuation line without a header before it");
    }
    std::size_t lf = 0;
    if (!end_of_line(begin, lf)) {
        return false;
    }
    // RFC 3261 §7.3.1: a line starting with SP or HT continues the previous one. The fold
    // becomes spaces in place so the value stays one contiguous slice.
    while (lf + 1 < n_ && is_ws(p_[lf + 1])) {
        folds_.push_back(lf);
        p_[lf] = ' ';
        if (lf > begin && p_[lf - 1] == '\r') {
            p_[lf - 1] = ' ';
        }
        if (!end_of_line(lf + 1, lf)) {
            return false;
        }
    }
    const std::size_t end = (lf > begin && p_[lf - 1] == '\r') ? lf - 1 : lf;
    pos = lf + 1;
    std::size_t i = begin;
    while (i < end && is_token_char(p_[i])) {
        ++i;
    }
    const std::size_t name_end = i;
    while (i < end && is_ws(p_[i])) {
        ++i;
    }
    const std::string_view name(p_ + begin, name_end - begin);
    if (end - begin > opt_.max_header_line) {
        return fail(errc::header_too_long, begin, name,
                    "header line longer than " + std::to_string(opt_.max_header_line));
    }
    if (i == end || p_[i] != ':' || name_end == begin) {
        const bool no_colon = std::memchr(p_ + begin, ':', end - begin) == nullptr;
        const std::size_t at = name_end == begin ? begin : i;
        std::string detail = no_colon ? "header line has no colon" : "header name is not a token";
        if (opt_.skipped_lines != nullptr &&
            std::memchr(p_ + begin, '\0', end - begin) == nullptr) {
            parse_error skipped{errc::malformed_header, at, 0, 0, std::string(name),
                                std::move(detail)};
            locate(skipped);
            opt_.skipped_lines->push_back(std::move(skipped));
            return true;
        }
        return fail(errc::malformed_header, at, name, std::move(detail));
    }
    std::size_t v = i + 1;
    while (v < end && is_ws(p_[v])) {
        ++v;
    }
    std::size_t ve = end;
    while (ve > v && is_ws(p_[ve - 1])) {
        --ve;
    }
    auto& headers = parser_access::headers(m);
    if (headers.size() >= opt_.max_headers) {
        return fail(errc::too_many_headers, begin, name,
                    "more than " + std::to_string(opt_.max_headers) + " header lines");
    }
    const header_id id = header_id_from_name(name);
    headers.push_back(slot{id, make_span(begin, name.size()), make_span(v, ve - v)});
    auto& first = first_[static_cast<std::size_t>(id)];
    if (first < 0) {
        first = static_cast<std::int32_t>(headers.size() - 1);
    }
    return id != header_id::content_length || note_content_length(m, headers.size() - 1);
}

// RFC 3261 §20.14: Content-Length is 1*DIGIT. A repeated Content-Length is tolerated
// only when it agrees with the first (lint reports the duplicate); disagreeing ones make
// the framing ambiguous, the classic request-smuggling shape.
bool head_parser::note_content_length(const message& m, std::size_t index) {
    const std::string_view value = m.header(index).value;
    const std::size_t off = parser_access::value_span(m, index).off;
    std::uint64_t n = 0;
    if (!parse_decimal(value, std::numeric_limits<std::uint32_t>::max(), n)) {
        return fail(errc::bad_content_length, off, m.header(index).name,
                    "Content-Length is not a decimal number of at most 4294967295");
    }
    if (content_length_ && *content_length_ != n) {
        return fail(errc::bad_content_length, off, m.header(index).name,
                    "Content-Length repeated with a different value");
    }
    content_length_ = static_cast<std::size_t>(n);
    return true;
}

bool head_parser::finish(message& m) {
    const std::size_t rest = n_ - head_end_;
    if (!content_length_ && opt_.framing == framing::stream) {
        return fail(errc::missing_content_length, head_end_, "Content-Length",
                    "Content-Length is required on a stream transport (RFC 3261 §20.14)");
    }
    if (content_length_ && *content_length_ > rest) {
        const auto i =
            static_cast<std::size_t>(first_[static_cast<std::size_t>(header_id::content_length)]);
        return fail(errc::bad_content_length, parser_access::value_span(m, i).off, m.header(i).name,
                    "Content-Length " + std::to_string(*content_length_) + " exceeds the " +
                        std::to_string(rest) + " body bytes present");
    }
    // RFC 3261 §18.3: bytes past Content-Length in a datagram are discarded.
    const std::size_t body = content_length_ ? *content_length_ : rest;
    parser_access::set_body(m, make_span(head_end_, body));
    buf_.resize(head_end_ + body);
    return check_mandatory(m);
}

// RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory in a
// request; responses carry the same set minus Max-Forwards (§8.2.6.2). Max-Forwards is
// left to lint so a lenient peer can still act on a request without it.
bool head_parser::check_mandatory(const message& m) {
    static constexpr std::array<header_id, 5> mandatory{
        header_id::via, header_id::from, header_id::to, header_id::call_id, header_id::cseq};
    for (header_id id : mandatory) {
        const int index = first_[static_cast<std::size_t>(id)];
        if (index < 0) {
            return fail(errc::missing_header, head_end_, canonical_name(id),
                        "mandatory header " + std::string(canonical_name(id)) + " is missing");
        }
        const auto i = static_cast<std::size_t>(index);
        const std::string_view value = m.header(i).value;
        const std::size_t off = parser_access::value_span(m, i).off;
        std::optional<value_error> bad;
        switch (id) {
            case header_id::via:
                if (auto v = parse_via(value.substr(0, first_entry_end(value))); !v) {
                    bad = v.error();
                }
                break;
            case header_id::from:
            case header_id::to:
                if (auto a = parse_name_addr(value); !a) {
                    bad = a.error();
                }
                break;
            case header_id::cseq:
                if (auto c = parse_cseq(value); !c) {
                    bad = c.error();
                }
                break;
            default:
                if (value.empty()) {
                    bad = value_error{0, "empty Call-ID"};
                }
                break;
        }
        if (bad) {
            return fail_value(m, i, off, *bad);
        }
    }
    // RFC 3261 §20.22: Max-Forwards is 0-255; anything else makes hop counting meaningless.
    if (const int mf = first_[static_cast<std::size_t>(header_id::max_forwards)]; mf >= 0) {
        const auto i = static_cast<std::size_t>(mf);
        std::uint64_t n = 0;
        if (!parse_decimal(m.header(i).value, 255, n)) {
            return fail_value(m, i, parser_access::value_span(m, i).off,
                              value_error{0, "not a number in 0-255"});
        }
    }
    return true;
}

core::result<message, parse_error> parse_owned(std::string&& bytes, const parse_options& opt) {
    message m;
    std::string& buf = parser_access::buf(m);
    buf = std::move(bytes);
    head_parser p(buf, opt);
    if (!p.parse(m) || !p.finish(m)) {
        return core::unexpected<parse_error>{p.take_error()};
    }
    return m;
}

}  // namespace

std::string parse_error::to_string() const {
    std::string s = "line " + std::to_string(line) + ", column " + std::to_string(column) +
                    " (byte " + std::to_string(offset) + ")";
    if (!header.empty()) {
        s += ", header ";
        s += header;
    }
    s += ": ";
    s += detail;
    return s;
}

core::result<message, parse_error> parse(std::string_view bytes, const parse_options& opt) {
    if (bytes.size() > opt.max_size) {
        // Refuse before copying: the copy itself is what an oversized input would abuse.
        parse_error e{errc::too_large,
                      opt.max_size,
                      0,
                      0,
                      {},
                      "message larger than " + std::to_string(opt.max_size) + " bytes"};
        locate_in(bytes, e);
        return core::unexpected<parse_error>{std::move(e)};
    }
    return parse_owned(std::string(bytes), opt);
}

core::result<message, parse_error> parse(std::string&& bytes, const parse_options& opt) {
    return parse_owned(std::move(bytes), opt);
}

namespace detail {

core::result<message, parse_error> parse_head(std::string&& head, const parse_options& opt,
                                              std::size_t& content_length) {
    message m;
    std::string& buf = parser_access::buf(m);
    buf = std::move(head);
    head_parser p(buf, opt);
    if (!p.parse(m)) {
        return core::unexpected<parse_error>{p.take_error()};
    }
    if (!p.content_length() && opt.framing == framing::stream) {
        p.finish(m);  // reports the missing Content-Length, located at the end of the head
        return core::unexpected<parse_error>{p.take_error()};
    }
    content_length = p.content_length().value_or(0);
    parser_access::set_body(m, make_span(p.head_end(), 0));
    buf.resize(p.head_end());
    if (!p.check_mandatory(m)) {
        return core::unexpected<parse_error>{p.take_error()};
    }
    return m;
}

void attach_body(message& m, std::string_view body) {
    std::string& buf = parser_access::buf(m);
    const std::size_t off = buf.size();
    buf.append(body);
    parser_access::set_body(m, make_span(off, body.size()));
}

}  // namespace detail

}  // namespace ringstorm::sip
