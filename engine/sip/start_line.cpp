// The start line of a SIP message (RFC 3261 §7.1 Request-Line, §7.2 Status-Line).

#include <string>
#include <string_view>

#include "engine/sip/parser_detail.hpp"
#include "engine/sip/uri.hpp"

namespace ringstorm::sip::parser_detail {

namespace {

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

}  // namespace

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

}  // namespace ringstorm::sip::parser_detail
