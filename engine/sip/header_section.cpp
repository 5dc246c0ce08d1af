// The header section of a SIP message (RFC 3261 §7.3): header lines with folding, the
// Content-Length that frames the body, and the headers every message must carry.

#include <limits>
#include <string>
#include <string_view>

#include "engine/sip/parser_detail.hpp"

namespace ringstorm::sip::parser_detail {

namespace {

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

}  // namespace

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
            return fail_truncated();
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

// One header line (with its continuation lines) starting at pos; pos moves past it.
bool head_parser::parse_header_line(message& m, std::size_t& pos) {
    const std::size_t begin = pos;
    if (is_ws(p_[begin])) {
        return fail(errc::malformed_header, begin, {},
                    "continuation line without a header before it");
    }
    std::size_t lf = 0;
    if (!end_of_line(begin, lf) || !unfold(begin, lf)) {
        return false;
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
    if (end - begin > opt_.max_header_line) {
        return fail(errc::header_too_long, begin, std::string_view(p_ + begin, name_end - begin),
                    "header line longer than " + std::to_string(opt_.max_header_line));
    }
    if (i == end || p_[i] != ':' || name_end == begin) {
        return unreadable_line(begin, name_end, i, end);
    }
    std::size_t v = i + 1;
    while (v < end && is_ws(p_[v])) {
        ++v;
    }
    std::size_t ve = end;
    while (ve > v && is_ws(p_[ve - 1])) {
        --ve;
    }
    return add_header(m, begin, name_end, v, ve);
}

// RFC 3261 §7.3.1: a line starting with SP or HT continues the previous one. The fold
// becomes spaces in place so the value stays one contiguous slice; lf moves to the line
// feed ending the last continuation line.
bool head_parser::unfold(std::size_t begin, std::size_t& lf) {
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
    return true;
}

// A line in [begin, end) whose name is not a token or that has no colon after it (`at`
// is where the colon was expected). Fails the parse, or, when the caller asked for the
// SDK's leniency, records the line as skipped and carries on; a line holding a NUL is
// never skipped because the NUL is the real problem.
bool head_parser::unreadable_line(std::size_t begin, std::size_t name_end, std::size_t at,
                                  std::size_t end) {
    const std::string_view name(p_ + begin, name_end - begin);
    const bool no_colon = std::memchr(p_ + begin, ':', end - begin) == nullptr;
    const std::size_t where = name_end == begin ? begin : at;
    std::string detail = no_colon ? "header line has no colon" : "header name is not a token";
    if (opt_.skipped_lines != nullptr && std::memchr(p_ + begin, '\0', end - begin) == nullptr) {
        parse_error skipped{errc::malformed_header, where, 0, 0, std::string(name),
                            std::move(detail)};
        locate(skipped);
        opt_.skipped_lines->push_back(std::move(skipped));
        return true;
    }
    return fail(errc::malformed_header, where, name, std::move(detail));
}

// Appends the header whose name is [begin, name_end) and trimmed value [value, value_end).
bool head_parser::add_header(message& m, std::size_t begin, std::size_t name_end, std::size_t value,
                             std::size_t value_end) {
    const std::string_view name(p_ + begin, name_end - begin);
    auto& headers = parser_access::headers(m);
    if (headers.size() >= opt_.max_headers) {
        return fail(errc::too_many_headers, begin, name,
                    "more than " + std::to_string(opt_.max_headers) + " header lines");
    }
    const header_id id = header_id_from_name(name);
    headers.push_back(slot{id, make_span(begin, name.size()), make_span(value, value_end - value)});
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
        if (!check_mandatory_value(m, id, static_cast<std::size_t>(index))) {
            return false;
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

// The first line of a mandatory header (header `index`, with id `id`) must parse: for Via
// only its first entry, the one this hop acts on.
bool head_parser::check_mandatory_value(const message& m, header_id id, std::size_t index) {
    const std::string_view value = m.header(index).value;
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
        return fail_value(m, index, parser_access::value_span(m, index).off, *bad);
    }
    return true;
}

}  // namespace ringstorm::sip::parser_detail
