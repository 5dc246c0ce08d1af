#include "media/sdp/parser.hpp"

#include <cstring>

#include "media/sdp/scan.hpp"

namespace ringstorm::sdp {

namespace {

using detail::tokens;

class parser {
public:
    explicit parser(std::string_view text) : text_(text) {}

    core::result<session_description, parse_error> run();

private:
    bool fail(errc code, const char* where, std::string_view field, std::string detail);
    bool check_line(std::string_view content);
    bool on_line(char type, std::string_view value);
    bool session_line(char type, std::string_view value);
    bool media_line(char type, std::string_view value);
    bool once(bool& seen, char type);
    bool check_session_head();
    bool parse_origin(std::string_view v);
    bool parse_connection(std::string_view v, connection& out);
    bool parse_bandwidth(std::string_view v, std::vector<bandwidth>& out);
    bool parse_timing(std::string_view v);
    bool parse_media(std::string_view v);
    bool parse_attr(std::string_view v, attribute_list& out);

    std::string_view text_;
    const char* line_start_ = nullptr;
    std::size_t line_no_ = 0;
    session_description sd_;
    media_description* media_ = nullptr;
    parse_error err_;
    // Lines that may appear once per section (RFC 8866 §5).
    bool seen_o_ = false, seen_s_ = false, seen_i_ = false, seen_u_ = false, seen_c_ = false;
    bool seen_z_ = false, seen_k_ = false, seen_media_i_ = false, seen_media_k_ = false;
};

bool parser::fail(errc code, const char* where, std::string_view field, std::string detail) {
    err_.code = code;
    err_.offset = static_cast<std::size_t>(where - text_.data());
    err_.line = line_no_;
    err_.column = static_cast<std::size_t>(where - line_start_) + 1;
    err_.field = field;
    err_.detail = std::move(detail);
    return false;
}

core::result<session_description, parse_error> parser::run() {
    sd_.times.clear();
    sd_.attributes.reserve(8);
    const char* p = text_.data();
    const char* const end = p + text_.size();
    line_start_ = p;
    while (p < end) {
        ++line_no_;
        line_start_ = p;
        const auto* nl =
            static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        const char* line_end = nl != nullptr ? nl : end;
        std::string_view content(p, static_cast<std::size_t>(line_end - p));
        p = nl != nullptr ? nl + 1 : end;
        if (!content.empty() && content.back() == '\r') {
            content.remove_suffix(1);
        }
        if (content.empty()) {
            // Trailing blank lines (a SIP body padded with CRLF) are harmless; one in the
            // middle would end the description early.
            if (std::string_view(p, static_cast<std::size_t>(end - p)).find_first_not_of("\r\n") ==
                std::string_view::npos) {
                break;
            }
            fail(errc::bad_line, line_start_, "", "empty line inside the description");
            return core::unexpected{std::move(err_)};
        }
        if (!check_line(content) || !on_line(content[0], content.substr(2))) {
            return core::unexpected{std::move(err_)};
        }
    }
    if (line_no_ == 0) {
        ++line_no_;
        fail(errc::missing_version, text_.data(), "v=", "empty session description");
        return core::unexpected{std::move(err_)};
    }
    line_start_ = end;
    if (!check_session_head()) {
        return core::unexpected{std::move(err_)};
    }
    return std::move(sd_);
}

bool parser::check_line(std::string_view content) {
    // RFC 8866 §9: text fields are byte-strings without NUL, CR or LF.
    for (std::size_t i = 0; i < content.size(); ++i) {
        if (content[i] == '\0' || content[i] == '\r') {
            return fail(errc::nul_byte, content.data() + i, "", "NUL or bare CR inside a line");
        }
    }
    if (content.size() < 2 || content[1] != '=') {
        return fail(errc::bad_line, content.data(), "",
                    "expected <type>=<value> without spaces around '='");
    }
    if (line_no_ == 1 && content[0] != 'v') {
        return fail(errc::missing_version, content.data(), "v=", "the first line must be v=");
    }
    return true;
}

bool parser::once(bool& seen, char type) {
    if (seen) {
        return fail(errc::duplicate_line, line_start_, std::string{type, '='},
                    std::string{type} + "= may appear only once here");
    }
    seen = true;
    return true;
}

bool parser::on_line(char type, std::string_view value) {
    if (type == 'v') {
        if (line_no_ != 1) {
            return fail(errc::misplaced_line, line_start_, "v=", "v= must be the first line only");
        }
        if (value != "0") {
            return fail(errc::bad_version, value.data(), "v=", "only SDP version 0 exists");
        }
        return true;
    }
    return media_ == nullptr ? session_line(type, value) : media_line(type, value);
}

bool parser::session_line(char type, std::string_view value) {
    switch (type) {
        case 'o':
            return once(seen_o_, type) && parse_origin(value);
        case 's':
            sd_.session_name = value;
            return once(seen_s_, type);
        case 'i':
            sd_.information = std::string(value);
            return once(seen_i_, type);
        case 'u':
            sd_.uri = std::string(value);
            return once(seen_u_, type);
        case 'e':
            sd_.emails.emplace_back(value);
            return true;
        case 'p':
            sd_.phones.emplace_back(value);
            return true;
        case 'c':
            sd_.connection.emplace();
            return once(seen_c_, type) && parse_connection(value, *sd_.connection);
        case 'b':
            return parse_bandwidth(value, sd_.bandwidths);
        case 't':
            return parse_timing(value);
        case 'r':
            if (sd_.times.empty()) {
                return fail(errc::misplaced_line, line_start_, "r=", "r= must follow a t= line");
            }
            sd_.times.back().repeats.emplace_back(value);
            return true;
        case 'z':
            sd_.zone_adjustments = std::string(value);
            return once(seen_z_, type);
        case 'k':
            sd_.key = std::string(value);
            return once(seen_k_, type);
        case 'a':
            return parse_attr(value, sd_.attributes);
        case 'm':
            return check_session_head() && parse_media(value);
        default:
            return fail(errc::unknown_line_type, line_start_, std::string{type, '='},
                        "unknown line type '" + std::string{type} + "'");
    }
}

bool parser::media_line(char type, std::string_view value) {
    switch (type) {
        case 'i':
            media_->information = std::string(value);
            return once(seen_media_i_, type);
        case 'c':
            return parse_connection(value, media_->connections.emplace_back());
        case 'b':
            return parse_bandwidth(value, media_->bandwidths);
        case 'k':
            media_->key = std::string(value);
            return once(seen_media_k_, type);
        case 'a':
            return parse_attr(value, media_->attributes);
        case 'm':
            return parse_media(value);
        case 'o':
        case 's':
        case 'u':
        case 'e':
        case 'p':
        case 't':
        case 'r':
        case 'z':
            return fail(errc::misplaced_line, line_start_, std::string{type, '='},
                        std::string{type} + "= belongs to the session section, before any m=");
        default:
            return fail(errc::unknown_line_type, line_start_, std::string{type, '='},
                        "unknown line type '" + std::string{type} + "'");
    }
}

// RFC 8866 §5: o=, s= and t= are mandatory and come before the media sections.
bool parser::check_session_head() {
    if (!seen_o_) {
        return fail(errc::missing_origin, line_start_,
                    "o=", "no o= line before the media sections");
    }
    if (!seen_s_) {
        return fail(errc::missing_session_name, line_start_, "s=", "no s= line");
    }
    if (sd_.times.empty()) {
        return fail(errc::missing_timing, line_start_, "t=", "no t= line");
    }
    return true;
}

bool parser::parse_origin(std::string_view v) {
    tokens t(v);
    origin& o = sd_.origin;
    o.username = t.next();
    const char* at = t.position();
    if (!detail::parse_uint(t.next(), o.session_id)) {
        return fail(errc::bad_number, at, "o=", "sess-id is not a 64-bit number");
    }
    at = t.position();
    if (!detail::parse_uint(t.next(), o.session_version)) {
        return fail(errc::bad_number, at, "o=", "sess-version is not a 64-bit number");
    }
    at = t.position();
    o.nettype = t.next();
    o.addrtype = t.next();
    o.address = t.next();
    if (o.username.empty() || !detail::is_token(o.nettype) || !detail::is_token(o.addrtype) ||
        o.address.empty() || !t.done()) {
        return fail(errc::bad_origin, at, "o=",
                    "expected <username> <sess-id> <sess-version> <nettype> <addrtype> <address>");
    }
    return true;
}

bool parser::parse_connection(std::string_view v, connection& out) {
    tokens t(v);
    out.nettype = t.next();
    out.addrtype = t.next();
    out.address = t.next();
    if (!detail::is_token(out.nettype) || !detail::is_token(out.addrtype) || out.address.empty() ||
        !t.done()) {
        return fail(errc::bad_connection, v.data(),
                    "c=", "expected <nettype> <addrtype> <connection-address>");
    }
    return true;
}

bool parser::parse_bandwidth(std::string_view v, std::vector<bandwidth>& out) {
    const std::size_t colon = v.find(':');
    bandwidth& b = out.emplace_back();
    if (colon == std::string_view::npos || !detail::is_token(v.substr(0, colon))) {
        return fail(errc::bad_bandwidth, v.data(), "b=", "expected <bwtype>:<bandwidth>");
    }
    b.type = v.substr(0, colon);
    if (!detail::parse_uint(v.substr(colon + 1), b.value)) {
        return fail(errc::bad_number, v.data() + colon + 1, "b=", "bandwidth is not a number");
    }
    return true;
}

bool parser::parse_timing(std::string_view v) {
    tokens t(v);
    timing& tm = sd_.times.emplace_back();
    const char* at = t.position();
    if (!detail::parse_uint(t.next(), tm.start)) {
        return fail(errc::bad_timing, at, "t=", "start time is not a number");
    }
    at = t.position();
    if (!detail::parse_uint(t.next(), tm.stop) || !t.done()) {
        return fail(errc::bad_timing, at, "t=", "stop time is not a number");
    }
    return true;
}

bool parser::parse_media(std::string_view v) {
    media_ = &sd_.media.emplace_back();
    media_->attributes.reserve(32);
    seen_media_i_ = seen_media_k_ = false;
    tokens t(v);
    const char* at = t.position();
    media_->media = t.next();
    if (!detail::is_token(media_->media)) {
        return fail(errc::bad_media, at, "m=", "missing media type");
    }
    at = t.position();
    const std::string_view port = t.next();
    const std::size_t slash = port.find('/');
    if (!detail::parse_uint(port.substr(0, slash), media_->port)) {
        return fail(errc::bad_port, at, "m=", "port is not a number in 0..65535");
    }
    if (slash != std::string_view::npos) {
        std::uint32_t count = 0;
        if (!detail::parse_uint(port.substr(slash + 1), count) || count == 0) {
            return fail(errc::bad_number, at + slash + 1, "m=", "bad number of ports");
        }
        media_->port_count = count;
    }
    at = t.position();
    media_->proto = t.next();
    // proto = token *("/" token)
    for (std::string_view rest = media_->proto;;) {
        const std::size_t s = rest.find('/');
        if (!detail::is_token(rest.substr(0, s))) {
            return fail(errc::bad_media, at, "m=", "bad transport protocol");
        }
        if (s == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(s + 1);
    }
    if (t.done()) {
        return fail(errc::bad_media, t.position(), "m=", "no media formats");
    }
    const bool rtp = media_->is_rtp();
    media_->formats.reserve(8);
    while (!t.done()) {
        at = t.position();
        const std::string_view fmt = t.next();
        std::uint8_t pt = 0;
        if (rtp && !detail::parse_uint_max(fmt, 127, pt)) {
            return fail(errc::bad_payload_type, at, "m=", "payload type is not a number in 0..127");
        }
        if (!rtp && !detail::is_token(fmt)) {
            return fail(errc::bad_media, at, "m=", "bad media format");
        }
        media_->formats.emplace_back(fmt);
    }
    return true;
}

bool parser::parse_attr(std::string_view v, attribute_list& out) {
    const std::size_t colon = v.find(':');
    std::optional<std::string_view> value;
    if (colon != std::string_view::npos) {
        value = v.substr(colon + 1);
    }
    auto r = parse_attribute(v.substr(0, colon), value, text_.data());
    if (!r) {
        err_ = std::move(r).error();
        err_.line = line_no_;
        err_.column = err_.offset - static_cast<std::size_t>(line_start_ - text_.data()) + 1;
        return false;
    }
    out.push_back(std::move(r).value());
    return true;
}

}  // namespace

core::result<session_description, parse_error> parse(std::string_view text,
                                                     const parse_options& opt) {
    if (text.size() > opt.max_size) {
        parse_error e;
        e.code = errc::too_large;
        e.offset = opt.max_size;
        e.detail = "session description larger than " + std::to_string(opt.max_size) + " bytes";
        return core::unexpected{std::move(e)};
    }
    return parser(text).run();
}

}  // namespace ringstorm::sdp
