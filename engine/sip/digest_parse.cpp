// Reading and writing Digest challenges and credentials (RFC 3261 §25.1 digest-cln and
// dig-resp, RFC 7616 §3.3-3.4) on top of the auth-param tokenizer.

#include <cstdio>

#include "engine/sip/digest.hpp"
#include "engine/sip/digest_detail.hpp"

namespace ringstorm::sip {

using core::unexpected;
using digest_detail::iequals;
using digest_detail::raw_auth;
using digest_detail::raw_param;

namespace {

auth_error error_at(auth_errc code, std::size_t offset, const char* why) {
    return auth_error{code, offset, 0, why};
}

bool is_digest(const raw_auth& a) noexcept {
    return iequals(a.scheme, "Digest");
}

// Reads a comma/space-separated list inside a quoted qop value: "auth,auth-int".
void read_qop_list(std::string_view list, digest_challenge& c) {
    std::size_t i = 0;
    while (i < list.size()) {
        while (i < list.size() && (list[i] == ',' || list[i] == ' ' || list[i] == '\t')) {
            ++i;
        }
        std::size_t start = i;
        while (i < list.size() && list[i] != ',' && list[i] != ' ' && list[i] != '\t') {
            ++i;
        }
        std::string_view item = list.substr(start, i - start);
        if (iequals(item, "auth")) {
            c.qop_auth = true;
        } else if (iequals(item, "auth-int")) {
            c.qop_auth_int = true;
        }
    }
}

// RFC 7616 §3.3 domain: a quoted, space-separated list of URIs.
std::vector<std::string> read_domain(std::string_view list) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < list.size()) {
        while (i < list.size() && (list[i] == ' ' || list[i] == '\t')) {
            ++i;
        }
        std::size_t start = i;
        while (i < list.size() && list[i] != ' ' && list[i] != '\t') {
            ++i;
        }
        if (i > start) {
            out.emplace_back(list.substr(start, i - start));
        }
    }
    return out;
}

// The Digest parameters shared by challenges and credentials. Unknown parameters are
// ignored (RFC 7616 §3.3: "MUST ignore any unrecognized parameter").
core::result<digest_algorithm, auth_error> read_algorithm(const raw_auth& a) {
    const raw_param* p = a.find("algorithm");
    if (p == nullptr) {
        return digest_algorithm::md5;  // RFC 7616 §3.3: absent means MD5
    }
    if (auto alg = digest_algorithm_from(p->value)) {
        return *alg;
    }
    return unexpected{
        error_at(auth_errc::unsupported_algorithm, p->offset, "unsupported algorithm")};
}

core::result<digest_challenge, auth_error> interpret_challenge(const raw_auth& a) {
    if (!is_digest(a)) {
        return unexpected{error_at(auth_errc::not_digest, a.offset, "not a Digest challenge")};
    }
    if (!a.token68.empty()) {
        return unexpected{
            error_at(auth_errc::malformed, a.offset, "Digest takes auth-params, not a token68")};
    }
    digest_challenge c;
    c.offset = a.offset;
    const raw_param* realm = a.find("realm");
    const raw_param* nonce = a.find("nonce");
    if (realm == nullptr) {
        return unexpected{error_at(auth_errc::missing_param, a.offset, "challenge without realm")};
    }
    if (nonce == nullptr || nonce->value.empty()) {
        return unexpected{error_at(auth_errc::missing_param, a.offset, "challenge without nonce")};
    }
    c.realm = realm->value;
    c.nonce = nonce->value;
    auto alg = read_algorithm(a);
    if (!alg) {
        return unexpected{alg.error()};
    }
    c.algorithm = *alg;
    if (const raw_param* p = a.find("opaque")) {
        c.opaque = p->value;
    }
    if (const raw_param* p = a.find("qop")) {
        c.qop_offered = true;
        read_qop_list(p->value, c);
        if (!c.qop_auth && !c.qop_auth_int) {
            return unexpected{
                error_at(auth_errc::unsupported_qop, p->offset, "no supported qop offered")};
        }
    }
    // A -sess A1 hashes the cnonce, which only travels with a qop (RFC 7616 §3.4.2).
    if (is_session(c.algorithm) && !c.qop_offered) {
        return unexpected{
            error_at(auth_errc::unsupported_qop, a.offset, "session algorithm without qop")};
    }
    // RFC 7616 §3.3: stale and userhash are case-insensitive "true"; anything else is false.
    if (const raw_param* p = a.find("stale")) {
        c.stale = iequals(p->value, "true");
    }
    if (const raw_param* p = a.find("userhash")) {
        c.userhash = iequals(p->value, "true");
    }
    if (const raw_param* p = a.find("domain")) {
        c.domain = read_domain(p->value);
    }
    return c;
}

void append_param(std::string& out, std::string_view name, std::string_view value, bool quoted) {
    if (out.size() > 7) {  // past "Digest "
        out += ", ";
    }
    out += name;
    out += '=';
    if (!quoted) {
        out += value;
        return;
    }
    out += '"';
    for (char ch : value) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
        }
        out += ch;
    }
    out += '"';
}

bool is_lower_hex(std::string_view s) noexcept {
    for (char ch : s) {
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            return false;
        }
    }
    return true;
}

// RFC 3261 §25.1 nonce-count: exactly 8 LHEX. Upper-case digits are read as well, since
// the value is a number and some phones print it so.
std::optional<std::uint32_t> read_nc(std::string_view s) noexcept {
    if (s.size() != 8) {
        return std::nullopt;
    }
    std::uint32_t v = 0;
    for (char ch : s) {
        std::uint32_t d = 0;
        if (ch >= '0' && ch <= '9') {
            d = static_cast<std::uint32_t>(ch - '0');
        } else if (ch >= 'a' && ch <= 'f') {
            d = static_cast<std::uint32_t>(ch - 'a' + 10);
        } else if (ch >= 'A' && ch <= 'F') {
            d = static_cast<std::uint32_t>(ch - 'A' + 10);
        } else {
            return std::nullopt;
        }
        v = (v << 4) | d;
    }
    return v;
}

// The message-qop of credentials, plus the cnonce and nc it makes mandatory
// (RFC 7616 §3.4: both MUST be present with qop and MUST NOT be without).
std::optional<auth_error> read_message_qop(const raw_auth& a, digest_credentials& c) {
    const raw_param* qop = a.find("qop");
    const raw_param* cnonce = a.find("cnonce");
    const raw_param* nc = a.find("nc");
    if (qop == nullptr) {
        if (cnonce != nullptr || nc != nullptr) {
            return error_at(auth_errc::malformed, (cnonce != nullptr ? cnonce : nc)->offset,
                            "cnonce or nc without qop");
        }
        return std::nullopt;
    }
    if (iequals(qop->value, "auth")) {
        c.qop = digest_qop::auth;
    } else if (iequals(qop->value, "auth-int")) {
        c.qop = digest_qop::auth_int;
    } else {
        return error_at(auth_errc::unsupported_qop, qop->offset, "unsupported qop");
    }
    if (cnonce == nullptr || cnonce->value.empty()) {
        return error_at(auth_errc::missing_param, qop->offset, "qop without cnonce");
    }
    if (nc == nullptr) {
        return error_at(auth_errc::missing_param, qop->offset, "qop without nc");
    }
    auto count = read_nc(nc->value);
    if (!count) {
        return error_at(auth_errc::malformed, nc->offset, "nc is not 8 hex digits");
    }
    c.cnonce = cnonce->value;
    c.nc = *count;
    return std::nullopt;
}

core::result<digest_credentials, auth_error> interpret_credentials(const raw_auth& a) {
    if (!is_digest(a)) {
        return unexpected{error_at(auth_errc::not_digest, a.offset, "not Digest credentials")};
    }
    digest_credentials c;
    struct required {
        const char* name;
        std::string* field;
        const char* missing;
    };
    const required fields[] = {
        {"username", &c.username, "credentials without username"},
        {"realm", &c.realm, "credentials without realm"},
        {"nonce", &c.nonce, "credentials without nonce"},
        {"uri", &c.uri, "credentials without uri"},
        {"response", &c.response, "credentials without response"},
    };
    for (const auto& f : fields) {
        const raw_param* p = a.find(f.name);
        if (p == nullptr) {
            return unexpected{error_at(auth_errc::missing_param, a.offset, f.missing)};
        }
        *f.field = p->value;
    }
    for (char& ch : c.response) {
        if (ch >= 'A' && ch <= 'F') {
            ch = static_cast<char>(ch - 'A' + 'a');
        }
    }
    if (c.response.empty() || !is_lower_hex(c.response)) {
        return unexpected{
            error_at(auth_errc::malformed, a.find("response")->offset, "response is not hex")};
    }
    if (a.find("algorithm") != nullptr) {
        auto alg = read_algorithm(a);
        if (!alg) {
            return unexpected{alg.error()};
        }
        c.algorithm = *alg;
    }
    if (const raw_param* p = a.find("opaque")) {
        c.opaque = p->value;
    }
    if (const raw_param* p = a.find("userhash")) {
        c.userhash = iequals(p->value, "true");
    }
    if (auto err = read_message_qop(a, c)) {
        return unexpected{*err};
    }
    return c;
}

}  // namespace

core::result<std::vector<digest_challenge>, auth_error> parse_challenges(std::string_view value) {
    auto raw = digest_detail::tokenize(value);
    if (!raw) {
        return unexpected{raw.error()};
    }
    std::vector<digest_challenge> out;
    std::optional<auth_error> first_error;
    for (const raw_auth& a : *raw) {
        auto c = interpret_challenge(a);
        if (c) {
            out.push_back(std::move(*c));
        } else if (!first_error || first_error->code == auth_errc::not_digest) {
            // Prefer a Digest-specific reason over "not Digest" when reporting.
            first_error = c.error();
        }
    }
    if (out.empty()) {
        return unexpected{
            first_error.value_or(error_at(auth_errc::no_challenge, 0, "no challenge"))};
    }
    return out;
}

core::result<digest_challenge, auth_error> parse_challenge(std::string_view value) {
    auto raw = digest_detail::tokenize(value);
    if (!raw) {
        return unexpected{raw.error()};
    }
    if (raw->size() != 1) {
        return unexpected{
            error_at(auth_errc::malformed, (*raw)[1].offset, "more than one challenge")};
    }
    return interpret_challenge(raw->front());
}

core::result<digest_credentials, auth_error> parse_credentials(std::string_view value) {
    auto raw = digest_detail::tokenize(value);
    if (!raw) {
        return unexpected{raw.error()};
    }
    // RFC 3261 §25.1: one credentials per header value (several realms use several lines).
    if (raw->size() != 1) {
        return unexpected{
            error_at(auth_errc::malformed, (*raw)[1].offset, "more than one credentials")};
    }
    return interpret_credentials(raw->front());
}

std::string format_challenge(const digest_challenge& c) {
    std::string out = "Digest ";
    append_param(out, "realm", c.realm, true);
    if (!c.domain.empty()) {
        std::string joined;
        for (const auto& d : c.domain) {
            joined += joined.empty() ? "" : " ";
            joined += d;
        }
        append_param(out, "domain", joined, true);
    }
    append_param(out, "nonce", c.nonce, true);
    if (c.opaque) {
        append_param(out, "opaque", *c.opaque, true);
    }
    if (c.stale) {
        append_param(out, "stale", "TRUE", false);
    }
    append_param(out, "algorithm", to_string(c.algorithm), false);
    if (c.qop_offered) {
        std::string qop = c.qop_auth ? "auth" : "";
        if (c.qop_auth_int) {
            qop += qop.empty() ? "auth-int" : ",auth-int";
        }
        append_param(out, "qop", qop, true);
    }
    if (c.userhash) {
        append_param(out, "userhash", "true", false);
    }
    return out;
}

std::string format_credentials(const digest_credentials& c) {
    std::string out = "Digest ";
    append_param(out, "username", c.username, true);
    append_param(out, "realm", c.realm, true);
    append_param(out, "nonce", c.nonce, true);
    append_param(out, "uri", c.uri, true);
    append_param(out, "response", c.response, true);
    if (c.algorithm) {
        append_param(out, "algorithm", to_string(*c.algorithm), false);
    }
    if (c.qop != digest_qop::none) {
        append_param(out, "cnonce", c.cnonce, true);
    }
    if (c.opaque) {
        append_param(out, "opaque", *c.opaque, true);
    }
    if (c.qop != digest_qop::none) {
        // RFC 3261 §25.1 message-qop and nonce-count are tokens, never quoted.
        char nc_hex[9];
        std::snprintf(nc_hex, sizeof nc_hex, "%08x", static_cast<unsigned>(c.nc));
        append_param(out, "qop", to_string(c.qop), false);
        append_param(out, "nc", nc_hex, false);
    }
    if (c.userhash) {
        append_param(out, "userhash", "true", false);
    }
    return out;
}

}  // namespace ringstorm::sip
