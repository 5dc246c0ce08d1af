#include "engine/sip/headers.hpp"

#include <cstdint>

#include "engine/sip/grammar.hpp"
#include "engine/sip/header_params.hpp"

namespace ringstorm::sip {

using namespace grammar;

namespace {

using core::unexpected;
using sv = std::string_view;

sv trim(sv s) noexcept {
    std::size_t b = skip_lws(s, 0);
    std::size_t e = s.size();
    while (e > b && (is_wsp(s[e - 1]) || s[e - 1] == '\r' || s[e - 1] == '\n')) {
        --e;
    }
    return s.substr(b, e - b);
}

// Index after the quoted string at s[i], or s.size() if it never closes; for scanners
// that only need to step over quotes (list splitting).
std::size_t skip_quoted(sv s, std::size_t i) noexcept {
    for (std::size_t j = i + 1; j < s.size(); ++j) {
        if (s[j] == '\\') {
            ++j;
        } else if (s[j] == '"') {
            return j + 1;
        }
    }
    return s.size();
}

// An auth header value ("Digest realm=…, nonce=…") starts with a scheme token, whitespace,
// and a name=; its commas separate parameters, not entries (RFC 3261 §25.1 challenge).
bool starts_challenge(sv s, std::size_t i) noexcept {
    i = skip_lws(s, i);
    const std::size_t scheme_end = scan_token(s, i);
    if (scheme_end == i) {
        return false;
    }
    const std::size_t name = skip_lws(s, scheme_end);
    if (name == scheme_end) {
        return false;
    }
    const std::size_t name_end = scan_token(s, name);
    if (name_end == name) {
        return false;
    }
    const std::size_t eq = skip_lws(s, name_end);
    return eq < s.size() && s[eq] == '=';
}

// Offset of the top-level comma ending the entry that starts at i (or s.size()).
std::size_t entry_end(sv s, std::size_t i, bool auth) noexcept {
    bool in_angle = false;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '"') {
            i = skip_quoted(s, i);
            continue;
        }
        if (c == '<') {
            in_angle = true;
        } else if (c == '>') {
            in_angle = false;
        } else if (c == ',' && !in_angle && (!auth || starts_challenge(s, i + 1))) {
            return i;
        }
        ++i;
    }
    return i;
}

// The first non-empty entry of a comma list, without allocating (hot path: top Via).
sv first_entry(sv s) noexcept {
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t end = entry_end(s, start, false);
        const sv entry = trim(s.substr(start, end - start));
        if (!entry.empty() || end == s.size()) {
            return entry;
        }
        start = end + 1;
    }
    return {};
}

value_error shift(const value_error& e, std::size_t by) noexcept {
    return {e.offset + by, e.reason};
}

}  // namespace

std::string_view name_addr::tag() const noexcept {
    return params.get("tag").value_or(std::string_view{});
}

namespace {

// name-addr ([display-name] "<" URI ">") or addr-spec, from s[i] (RFC 3261 §25.1). Fills
// display_name, uri_text and uri; returns where the header parameters may start.
core::result<std::size_t, value_error> parse_address(sv s, std::size_t i, name_addr& out) {
    if (s[i] == '"') {
        auto q = scan_quoted(s, i);
        if (!q) {
            return unexpected(q.error());
        }
        out.display_name = s.substr(i, *q - i);
        i = skip_lws(s, *q);
        if (i == s.size() || s[i] != '<') {
            return unexpected(err(i, "expected '<' after display name"));
        }
    } else if (s[i] != '<') {
        // Token words followed by '<' are a display name; anything else is an addr-spec
        // (a URI's ':' ends the first word).
        std::size_t j = i;
        std::size_t words_end = i;
        while (true) {
            const std::size_t k = scan_token(s, j);
            if (k == j) {
                break;
            }
            words_end = k;
            j = skip_lws(s, k);
        }
        if (words_end > i && j < s.size() && s[j] == '<') {
            out.display_name = s.substr(i, words_end - i);
            i = j;
        }
    }
    std::size_t uri_at = i;
    std::size_t next = 0;
    if (s[i] == '<') {
        const std::size_t close = s.find('>', i + 1);
        if (close == sv::npos) {
            return unexpected(err(i, "missing '>'"));
        }
        uri_at = skip_lws(s, i + 1);
        out.uri_text = trim(s.substr(uri_at, close - uri_at));
        next = close + 1;
    } else {
        // RFC 3261 §20.10: without <>, the URI cannot hold ';', ',' or '?'; a ';' starts
        // the header's own parameters and the others are left as junk to report.
        std::size_t end = i;
        while (end < s.size() && s[end] != ';' && s[end] != ',' && s[end] != '?' &&
               !is_wsp(s[end]) && s[end] != '\r' && s[end] != '\n') {
            ++end;
        }
        out.uri_text = s.substr(i, end - i);
        next = end;
    }
    auto u = parse_uri(out.uri_text);
    if (!u) {
        return unexpected(shift(u.error(), uri_at));
    }
    out.uri = *u;
    return next;
}

}  // namespace

core::result<name_addr, value_error> parse_name_addr(std::string_view value) {
    name_addr out;
    const std::size_t i = skip_lws(value, 0);
    if (i == value.size()) {
        return unexpected(err(i, "empty address"));
    }
    // RFC 3261 §20.10: Contact: * (only in REGISTER with Expires: 0, checked by the registrar).
    if (value[i] == '*' && skip_lws(value, i + 1) == value.size()) {
        out.wildcard = true;
        return out;
    }
    auto next = parse_address(value, i, out);
    if (!next) {
        return unexpected(next.error());
    }
    if (auto e = detail::finish_name_addr_params(value, *next, out.params)) {
        return unexpected(*e);
    }
    return out;
}

core::result<std::vector<name_addr>, value_error> parse_name_addr_list(std::string_view value) {
    std::vector<name_addr> out;
    for (sv entry : split_list(value)) {
        auto a = parse_name_addr(entry);
        if (!a) {
            return unexpected(
                shift(a.error(), static_cast<std::size_t>(entry.data() - value.data())));
        }
        out.push_back(*a);
    }
    if (out.empty()) {
        return unexpected(err(skip_lws(value, 0), "empty address list"));
    }
    return out;
}

std::string_view via::branch() const noexcept {
    return params.get("branch").value_or(std::string_view{});
}

// RFC 3261 §8.1.1.7: the magic cookie marks a branch built by RFC 3261 rules.
bool via::rfc3261_branch() const noexcept {
    return branch().substr(0, 7) == "z9hG4bK";
}

std::optional<std::string_view> via::received() const noexcept {
    return params.get("received");
}
std::optional<std::string_view> via::rport() const noexcept {
    return params.get("rport");
}

namespace {

// sent-protocol = protocol-name SLASH protocol-version SLASH transport (RFC 3261 §20.42;
// SLASH = SWS "/" SWS). Returns the end of the transport token.
core::result<std::size_t, value_error> parse_sent_protocol(sv s, via& out) {
    std::size_t i = skip_lws(s, 0);
    const std::size_t start = i;
    std::size_t end = i;
    for (int part = 0; part < 3; ++part) {
        if (part > 0) {
            i = skip_lws(s, end);
            if (i == s.size() || s[i] != '/') {
                return unexpected(err(i, "expected '/' in Via sent-protocol"));
            }
            i = skip_lws(s, i + 1);
        }
        end = scan_token(s, i);
        if (end == i) {
            return unexpected(
                err(i, part == 2 ? "expected Via transport" : "expected Via protocol token"));
        }
        if (part == 1) {
            out.protocol = s.substr(start, end - start);
        }
    }
    out.transport = s.substr(i, end - i);
    return end;
}

}  // namespace

core::result<via, value_error> parse_via(std::string_view value) {
    via out;
    auto proto_end = parse_sent_protocol(value, out);
    if (!proto_end) {
        return unexpected(proto_end.error());
    }
    const std::size_t host_at = skip_lws(value, *proto_end);
    if (host_at == *proto_end) {
        return unexpected(err(host_at, "expected whitespace before Via sent-by"));
    }
    auto host_len = scan_host(value.substr(host_at));
    if (!host_len) {
        return unexpected(shift(host_len.error(), host_at));
    }
    out.host = value.substr(host_at, *host_len);
    std::size_t pos = host_at + *host_len;
    // sent-by = host [ COLON port ]; COLON = SWS ":" SWS (RFC 3261 §25.1).
    if (const std::size_t colon = skip_lws(value, pos);
        colon < value.size() && value[colon] == ':') {
        const std::size_t digits = skip_lws(value, colon + 1);
        std::size_t end = digits;
        while (end < value.size() && is_digit(value[end])) {
            ++end;
        }
        auto port = parse_port(value.substr(digits, end - digits));
        if (!port) {
            return unexpected(shift(port.error(), digits));
        }
        out.port = *port;
        pos = end;
    }
    if (auto e = detail::finish_via_params(value, pos, out.params)) {
        return unexpected(*e);
    }
    return out;
}

core::result<cseq, value_error> parse_cseq(std::string_view value) {
    cseq out;
    const std::size_t start = skip_lws(value, 0);
    std::size_t i = start;
    std::uint64_t n = 0;
    while (i < value.size() && is_digit(value[i])) {
        n = n * 10 + static_cast<std::uint64_t>(value[i] - '0');
        // RFC 3261 §8.1.1.5: the sequence number must be below 2**31.
        if (n >= (std::uint64_t{1} << 31)) {
            return unexpected(err(start, "CSeq number must be below 2**31"));
        }
        ++i;
    }
    if (i == start) {
        return unexpected(err(start, "expected CSeq number"));
    }
    out.number = static_cast<std::uint32_t>(n);
    const std::size_t m = skip_lws(value, i);
    if (m == i) {
        return unexpected(err(i, "expected whitespace after CSeq number"));
    }
    const std::size_t m_end = scan_token(value, m);
    if (m_end == m) {
        return unexpected(err(m, "expected CSeq method"));
    }
    out.method_text = value.substr(m, m_end - m);
    out.method = method_from_token(out.method_text);
    if (const std::size_t tail = skip_lws(value, m_end); tail != value.size()) {
        return unexpected(err(tail, "unexpected text after CSeq method"));
    }
    return out;
}

core::result<std::uint32_t, value_error> parse_number(std::string_view value, std::uint32_t max) {
    const std::size_t start = skip_lws(value, 0);
    std::size_t i = start;
    std::uint64_t n = 0;
    while (i < value.size() && is_digit(value[i])) {
        n = n * 10 + static_cast<std::uint64_t>(value[i] - '0');
        if (n > max) {
            return unexpected(err(start, "number out of range"));
        }
        ++i;
    }
    if (i == start) {
        return unexpected(err(start, "expected a number"));
    }
    if (const std::size_t tail = skip_lws(value, i); tail != value.size()) {
        return unexpected(err(tail, "unexpected text after number"));
    }
    return static_cast<std::uint32_t>(n);
}

std::vector<std::string_view> split_list(std::string_view value) {
    std::vector<std::string_view> out;
    const bool auth = starts_challenge(value, 0);
    std::size_t start = 0;
    while (start <= value.size()) {
        const std::size_t end = entry_end(value, start, auth);
        if (const sv entry = trim(value.substr(start, end - start)); !entry.empty()) {
            out.push_back(entry);
        }
        start = end + 1;
    }
    return out;
}

std::optional<std::string> unquote(std::string_view text) {
    const sv t = trim(text);
    if (t.empty() || t[0] != '"') {
        return std::string(text);
    }
    std::string out;
    out.reserve(t.size());
    for (std::size_t i = 1; i < t.size(); ++i) {
        if (t[i] == '\\' && i + 1 < t.size()) {
            out.push_back(t[++i]);
        } else if (t[i] == '"') {
            return i + 1 == t.size() ? std::optional<std::string>(std::move(out)) : std::nullopt;
        } else {
            out.push_back(t[i]);
        }
    }
    return std::nullopt;
}

std::string quote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('"');
    for (char c : text) {
        // CR and LF cannot appear in a quoted-string, even escaped (RFC 3261 §25.1); a
        // space keeps a hostile display name from injecting a header line.
        if (c == '\r' || c == '\n') {
            out.push_back(' ');
            continue;
        }
        if (c == '"' || c == '\\') {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

bool is_token(std::string_view text) noexcept {
    return !text.empty() && scan_token(text, 0) == text.size();
}

core::result<via, value_error> top_via(const message& m) {
    const auto v = m.get(header_id::via);
    if (!v) {
        return unexpected(err(0, "missing Via"));
    }
    const sv entry = first_entry(*v);
    auto parsed = parse_via(entry);
    if (!parsed) {
        return unexpected(
            shift(parsed.error(), static_cast<std::size_t>(entry.data() - v->data())));
    }
    return parsed;
}

core::result<cseq, value_error> cseq_of(const message& m) {
    const auto v = m.get(header_id::cseq);
    if (!v) {
        return unexpected(err(0, "missing CSeq"));
    }
    return parse_cseq(*v);
}

namespace {
std::string_view tag_of(const message& m, header_id id) {
    const auto v = m.get(id);
    if (!v) {
        return {};
    }
    auto a = parse_name_addr(*v);
    return a ? a->tag() : std::string_view{};
}
}  // namespace

std::string_view from_tag(const message& m) {
    return tag_of(m, header_id::from);
}
std::string_view to_tag(const message& m) {
    return tag_of(m, header_id::to);
}
std::string_view call_id(const message& m) {
    return m.get(header_id::call_id).value_or(std::string_view{});
}

}  // namespace ringstorm::sip
