// The public entry points of the parser and its error reporting. The work itself is
// split by part of the message: start_line.cpp and header_section.cpp.

#include "engine/sip/parser.hpp"

#include <algorithm>
#include <cstring>

#include "engine/sip/parser_detail.hpp"

namespace ringstorm::sip {

namespace parser_detail {

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

bool head_parser::fail_truncated() {
    return fail(errc::truncated, n_, {},
                "the message ends before the empty line that closes the header section");
}

bool head_parser::fail_stray_cr(std::size_t at) {
    return fail(errc::malformed_header, at, {}, "CR not followed by LF");
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

}  // namespace parser_detail

namespace {

using parser_detail::head_parser;
using parser_detail::make_span;

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
        parser_detail::locate_in(bytes, e);
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
