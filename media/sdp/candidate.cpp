// RFC 8839 §5.1 candidate attribute, and RFC 8122 §5 fingerprint checks.

#include "media/sdp/attribute_parse.hpp"
#include "media/sdp/attributes.hpp"
#include "media/sdp/scan.hpp"

namespace ringstorm::sdp {

namespace detail {

void append_candidate_value(std::string& out, const candidate& c);

namespace {

std::optional<candidate_type> candidate_type_from(std::string_view s) noexcept {
    if (s == "host") {
        return candidate_type::host;
    }
    if (s == "srflx") {
        return candidate_type::srflx;
    }
    if (s == "prflx") {
        return candidate_type::prflx;
    }
    if (s == "relay") {
        return candidate_type::relay;
    }
    return std::nullopt;
}

// The optional "raddr <addr>" / "rport <port>" and the extension pairs after "typ <type>".
core::result<bool, parse_error> parse_candidate_tail(tokens& t, candidate& c,
                                                     const attr_context& ctx) {
    while (!t.done()) {
        const char* at = t.position();
        const std::string_view key = t.next();
        if (t.done()) {
            return core::unexpected{
                ctx.fail(errc::bad_attribute, at,
                         "candidate extension '" + std::string(key) + "' has no value")};
        }
        const char* value_at = t.position();
        const std::string_view value = t.next();
        // RFC 8839 §5.1: raddr/rport come before any extension and at most once.
        if (key == "raddr" && !c.related_address && !c.related_port && c.extensions.empty()) {
            c.related_address = std::string(value);
        } else if (key == "rport" && !c.related_port && c.extensions.empty()) {
            std::uint16_t port = 0;
            if (!parse_uint(value, port)) {
                return core::unexpected{ctx.fail(errc::bad_port, value_at, "bad candidate rport")};
            }
            c.related_port = port;
        } else {
            c.extensions.emplace_back(key, value);
        }
    }
    return true;
}

}  // namespace

core::result<candidate, parse_error> parse_candidate_value(std::string_view v,
                                                           const attr_context& ctx) {
    candidate c;
    tokens t(v);
    const char* at = t.position();
    const std::string_view foundation = t.next();
    if (foundation.size() > 32 || !is_ice_chars(foundation)) {
        return core::unexpected{ctx.fail(errc::bad_attribute, at, "bad candidate foundation")};
    }
    c.foundation = foundation;
    at = t.position();
    // RFC 8839 §5.1: component-id = 1*3DIGIT, 1..256 (RFC 8445 §5.1.1.1)
    if (!parse_uint_max(t.next(), 256, c.component) || c.component == 0) {
        return core::unexpected{ctx.fail(errc::bad_number, at, "bad candidate component id")};
    }
    at = t.position();
    const std::string_view transport = t.next();
    if (!is_token(transport)) {
        return core::unexpected{ctx.fail(errc::bad_attribute, at, "bad candidate transport")};
    }
    c.transport = transport;
    at = t.position();
    if (!parse_uint(t.next(), c.priority)) {
        return core::unexpected{ctx.fail(errc::bad_number, at, "bad candidate priority")};
    }
    at = t.position();
    const std::string_view address = t.next();
    if (address.empty()) {
        return core::unexpected{ctx.fail(errc::bad_attribute, at, "candidate has no address")};
    }
    c.address = address;
    at = t.position();
    if (!parse_uint(t.next(), c.port)) {
        return core::unexpected{ctx.fail(errc::bad_port, at, "bad candidate port")};
    }
    at = t.position();
    if (t.next() != "typ") {
        return core::unexpected{ctx.fail(errc::bad_attribute, at, "expected 'typ'")};
    }
    at = t.position();
    const auto type = candidate_type_from(t.next());
    if (!type) {
        return core::unexpected{ctx.fail(errc::bad_attribute, at, "unknown candidate type")};
    }
    c.type = *type;
    if (auto tail = parse_candidate_tail(t, c, ctx); !tail) {
        return core::unexpected{std::move(tail).error()};
    }
    return c;
}

}  // namespace detail

std::string_view to_string(candidate_type t) noexcept {
    switch (t) {
        case candidate_type::host:
            return "host";
        case candidate_type::srflx:
            return "srflx";
        case candidate_type::prflx:
            return "prflx";
        case candidate_type::relay:
            return "relay";
    }
    return "host";
}

std::optional<std::string_view> candidate::extension(std::string_view name) const noexcept {
    for (const auto& [key, value] : extensions) {
        if (key == name) {
            return std::string_view(value);
        }
    }
    return std::nullopt;
}

core::result<candidate, parse_error> parse_candidate(std::string_view text) {
    const detail::attr_context ctx{text.data(), "candidate"};
    std::string_view v = text;
    constexpr std::string_view prefix = "candidate:";
    if (v.substr(0, 2) == "a=") {
        v.remove_prefix(2);
    }
    if (v.substr(0, prefix.size()) == prefix) {
        v.remove_prefix(prefix.size());
    }
    auto r = detail::parse_candidate_value(detail::trim(v), ctx);
    if (!r) {
        parse_error e = std::move(r).error();
        e.line = 1;
        e.column = e.offset + 1;
        return core::unexpected{std::move(e)};
    }
    return r;
}

void detail::append_candidate_value(std::string& out, const candidate& c) {
    out += c.foundation;
    out += ' ';
    detail::append_uint(out, c.component);
    out += ' ';
    out += c.transport;
    out += ' ';
    detail::append_uint(out, c.priority);
    out += ' ';
    out += c.address;
    out += ' ';
    detail::append_uint(out, c.port);
    out += " typ ";
    out += to_string(c.type);
    if (c.related_address) {
        out += " raddr ";
        out += *c.related_address;
    }
    if (c.related_port) {
        out += " rport ";
        detail::append_uint(out, *c.related_port);
    }
    for (const auto& [key, value] : c.extensions) {
        out += ' ';
        out += key;
        out += ' ';
        out += value;
    }
}

std::string to_string(const candidate& c) {
    std::string out = "candidate:";
    detail::append_candidate_value(out, c);
    return out;
}

// RFC 8122 §5: hash-func = "sha-1" / "sha-224" / "sha-256" / "sha-384" / "sha-512" /
// "md5" / "md2" / token. Names compare case-insensitively (RFC 8122 §5: "case-insensitive").
std::size_t fingerprint_length(std::string_view hash_function) noexcept {
    struct entry {
        std::string_view name;
        std::size_t bytes;
    };
    constexpr entry table[] = {{"sha-1", 20},   {"sha-224", 28}, {"sha-256", 32}, {"sha-384", 48},
                               {"sha-512", 64}, {"md5", 16},     {"md2", 16}};
    for (const entry& e : table) {
        if (detail::iequals(e.name, hash_function)) {
            return e.bytes;
        }
    }
    return 0;
}

bool fingerprint_valid(std::string_view hash_function, std::string_view value) noexcept {
    if (!detail::is_token(hash_function)) {
        return false;
    }
    // fingerprint = 2UHEX *(":" 2UHEX); lower-case hex is accepted because stacks send it.
    if (value.size() < 2 || (value.size() + 1) % 3 != 0) {
        return false;
    }
    const auto hex = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
    };
    for (std::size_t i = 0; i < value.size(); ++i) {
        const bool ok = (i % 3 == 2) ? value[i] == ':' : hex(value[i]);
        if (!ok) {
            return false;
        }
    }
    const std::size_t expected = fingerprint_length(hash_function);
    return expected == 0 || expected == (value.size() + 1) / 3;
}

}  // namespace ringstorm::sdp
