#include "engine/sip/lint.hpp"

#include <algorithm>
#include <array>

#include "engine/sip/headers.hpp"
#include "engine/sip/uri.hpp"

namespace ringstorm::sip {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto low = [](char c) {
                   return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
               };
               return low(x) == low(y);
           });
}

bool all_digits(std::string_view v) noexcept {
    return !v.empty() &&
           std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 3261 §25.1: word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" /
// "'" / "~" / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")
bool is_word(std::string_view w) noexcept {
    constexpr std::string_view extra = "-.!%*_+`'~()<>:\\\"/[]?{}";
    return !w.empty() && std::all_of(w.begin(), w.end(), [&](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               extra.find(c) != std::string_view::npos;
    });
}

bool call_id_syntax(std::string_view id) noexcept {
    const std::size_t at = id.find('@');
    if (at == std::string_view::npos) {
        return is_word(id);
    }
    return is_word(id.substr(0, at)) && is_word(id.substr(at + 1));
}

void add(std::vector<lint_issue>& out, std::string_view rule, std::string detail) {
    out.push_back(lint_issue{rule, std::move(detail)});
}

void lint_start_line(const message& m, std::vector<lint_issue>& out) {
    if (!iequals(m.version(), "SIP/2.0")) {
        add(out, "sip.version",
            "SIP-Version " + std::string(m.version()) +
                " is not SIP/2.0; a UAS answers 505 Version Not Supported (RFC 3261 §21.5.6)");
    }
    if (!m.is_request()) {
        return;
    }
    if (m.method() == method::unknown) {
        add(out, "sip.method_unknown",
            "method " + std::string(m.method_text()) +
                " is not one this engine knows; a UAS answers 405 (RFC 3261 §8.2.1)");
    }
    auto u = parse_uri(m.request_uri());
    if (u && !u->is_sip() && !iequals(u->scheme, "tel")) {
        add(out, "sip.request_uri_scheme",
            "Request-URI scheme " + std::string(u->scheme) +
                " is not sip, sips or tel; a UAS answers 416 (RFC 3261 §8.2.2.1)");
    }
}

void lint_request(const message& m, std::vector<lint_issue>& out) {
    if (auto c = parse_cseq(m.get(header_id::cseq).value_or(""));
        c && c->method_text != m.method_text()) {
        add(out, "sip.cseq_method_mismatch",
            "CSeq method " + std::string(c->method_text) + " differs from the request method " +
                std::string(m.method_text()) + " (RFC 3261 §8.1.1.5)");
    }
    if (auto mf = m.get(header_id::max_forwards); !mf) {
        add(out, "sip.max_forwards_missing", "request without Max-Forwards (RFC 3261 §8.1.1.6)");
    } else if (all_digits(*mf) && mf->find_first_not_of('0') == std::string_view::npos) {
        add(out, "sip.max_forwards_zero",
            "Max-Forwards is 0: a proxy answers 483 Too Many Hops (RFC 3261 §16.3)");
    }
    if (from_tag(m).empty()) {
        add(out, "sip.from_tag_missing", "From has no tag (RFC 3261 §8.1.1.3)");
    }
    if (m.method() == method::invite && !m.get(header_id::contact)) {
        add(out, "sip.contact_missing", "INVITE without Contact (RFC 3261 §8.1.1.8)");
    }
}

void lint_headers(const message& m, std::vector<lint_issue>& out) {
    // RFC 3261 §7.3.1: only headers whose grammar is a comma-separated list may repeat.
    static constexpr std::array<header_id, 9> single{
        header_id::call_id,      header_id::cseq,         header_id::from,
        header_id::to,           header_id::max_forwards, header_id::content_length,
        header_id::content_type, header_id::expires,      header_id::min_expires};
    for (header_id id : single) {
        if (const std::size_t n = m.count(id); n > 1) {
            add(out, "sip.duplicate_single_header",
                std::string(canonical_name(id)) + " appears " + std::to_string(n) +
                    " times (RFC 3261 §7.3.1)");
        }
    }
    if (auto v = top_via(m); v) {
        if (!v->rfc3261_branch()) {
            add(out, "sip.via_branch_not_rfc3261",
                "top Via branch \"" + std::string(v->branch()) +
                    "\" lacks the z9hG4bK magic cookie (RFC 3261 §8.1.1.7)");
        }
        // RFC 3261 §25.1: sent-protocol may carry LWS around its slashes.
        std::string protocol(v->protocol);
        std::erase_if(protocol, [](char c) { return c == ' ' || c == '\t'; });
        if (!iequals(protocol, "SIP/2.0")) {
            add(out, "sip.via_protocol",
                "top Via sent-protocol " + std::string(v->protocol) +
                    " is not SIP/2.0 (RFC 3261 §20.42)");
        }
    }
    if (!call_id_syntax(call_id(m))) {
        add(out, "sip.call_id_syntax", "Call-ID is not word[@word] (RFC 3261 §25.1)");
    }
    if (auto e = m.get(header_id::expires); e && !parse_number(*e, 0xFFFFFFFFu)) {
        add(out, "sip.expires_invalid",
            "Expires is not delta-seconds below 2^32 (RFC 3261 §20.19)");
    }
    if (!m.body().empty() && !m.get(header_id::content_type)) {
        add(out, "sip.content_type_missing",
            "a body without Content-Type (RFC 3261 §7.4.1, §20.15)");
    }
}

}  // namespace

std::vector<lint_issue> lint(const message& m) {
    std::vector<lint_issue> out;
    lint_start_line(m, out);
    if (m.is_request()) {
        lint_request(m, out);
    } else if (m.status() >= 200 && m.status() < 300 && to_tag(m).empty()) {
        add(out, "sip.to_tag_missing_in_2xx",
            "2xx response whose To has no tag (RFC 3261 §8.2.6.2)");
    }
    lint_headers(m, out);
    return out;
}

bool has_issue(const std::vector<lint_issue>& issues, std::string_view rule) noexcept {
    return std::any_of(issues.begin(), issues.end(),
                       [&](const lint_issue& i) { return i.rule == rule; });
}

}  // namespace ringstorm::sip
