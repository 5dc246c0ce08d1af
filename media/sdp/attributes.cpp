// Parsing of the typed a= attributes (RFC 8866 §6 and the RFCs each struct names).

#include "media/sdp/attributes.hpp"

#include "media/sdp/attribute_parse.hpp"
#include "media/sdp/scan.hpp"

namespace ringstorm::sdp {

namespace detail {
core::result<candidate, parse_error> parse_candidate_value(std::string_view v,
                                                           const attr_context& ctx);
}  // namespace detail

namespace {

using detail::attr_context;
using detail::tokens;
using attr_result = core::result<attribute, parse_error>;

attr_result fail(const attr_context& ctx, errc code, const char* where, std::string detail) {
    return core::unexpected{ctx.fail(code, where, std::move(detail))};
}

bool parse_pt(std::string_view s, std::uint8_t& pt) noexcept {
    return detail::parse_uint_max(s, 127, pt);
}

attr_result parse_rtpmap(std::string_view v, const attr_context& ctx) {
    tokens t(v);
    rtpmap r;
    const char* at = t.position();
    if (!parse_pt(t.next(), r.payload_type)) {
        return fail(ctx, errc::bad_payload_type, at, "payload type is not a number in 0..127");
    }
    at = t.position();
    const std::string_view enc = t.next();
    if (!t.done()) {
        return fail(ctx, errc::bad_attribute, t.position(), "unexpected text after encoding");
    }
    const std::size_t slash = enc.find('/');
    if (slash == 0 || slash == std::string_view::npos) {
        return fail(ctx, errc::bad_attribute, at, "expected <encoding>/<clock rate>");
    }
    r.encoding = enc.substr(0, slash);
    if (!detail::is_token(r.encoding)) {
        return fail(ctx, errc::bad_attribute, at, "bad encoding name");
    }
    std::string_view rest = enc.substr(slash + 1);
    const std::size_t slash2 = rest.find('/');
    const std::string_view clock = rest.substr(0, slash2);
    if (!detail::parse_uint(clock, r.clock_rate) || r.clock_rate == 0) {
        return fail(ctx, errc::bad_number, clock.data(), "bad clock rate");
    }
    if (slash2 != std::string_view::npos) {
        const std::string_view params = rest.substr(slash2 + 1);
        std::uint32_t channels = 0;
        if (!detail::parse_uint(params, channels) || channels == 0) {
            return fail(ctx, errc::bad_number, params.data(), "bad encoding parameter");
        }
        r.channels = channels;
    }
    return attribute{std::move(r)};
}

attr_result parse_fmtp(std::string_view v, const attr_context& ctx) {
    tokens t(v);
    fmtp f;
    const char* at = t.position();
    if (!parse_pt(t.next(), f.payload_type)) {
        return fail(ctx, errc::bad_payload_type, at, "payload type is not a number in 0..127");
    }
    f.parameters = t.remainder();
    return attribute{std::move(f)};
}

attr_result parse_rtcp_fb(std::string_view v, const attr_context& ctx) {
    tokens t(v);
    rtcp_fb fb;
    const char* at = t.position();
    const std::string_view pt = t.next();
    if (pt != "*") {
        std::uint8_t n = 0;
        if (!parse_pt(pt, n)) {
            return fail(ctx, errc::bad_payload_type, at, "payload type is not '*' or 0..127");
        }
        fb.payload_type = n;
    }
    at = t.position();
    const std::string_view type = t.next();
    if (!detail::is_token(type)) {
        return fail(ctx, errc::bad_attribute, at, "missing feedback type");
    }
    fb.type = type;
    fb.parameter = t.remainder();
    return attribute{std::move(fb)};
}

attr_result parse_fingerprint(std::string_view v, const attr_context& ctx) {
    tokens t(v);
    const std::string_view hash = t.next();
    const std::string_view value = t.next();
    if (!t.done() || !fingerprint_valid(hash, value)) {
        return fail(ctx, errc::bad_attribute, v.data(),
                    "expected <hash function> <hex pairs joined by ':'> of the hash's length");
    }
    return attribute{fingerprint{std::string(hash), std::string(value)}};
}

attr_result parse_setup(std::string_view v, const attr_context& ctx) {
    constexpr setup_role roles[] = {setup_role::active, setup_role::passive, setup_role::actpass,
                                    setup_role::holdconn};
    for (setup_role r : roles) {
        if (v == to_string(r)) {
            return attribute{r};
        }
    }
    return fail(ctx, errc::bad_attribute, v.data(),
                "expected active, passive, actpass or holdconn");
}

attr_result parse_rtcp(std::string_view v, const attr_context& ctx) {
    tokens t(v);
    rtcp_address r;
    const char* at = t.position();
    if (!detail::parse_uint(t.next(), r.port)) {
        return fail(ctx, errc::bad_port, at, "bad RTCP port");
    }
    if (t.done()) {
        return attribute{std::move(r)};
    }
    at = t.position();
    r.nettype = t.next();
    r.addrtype = t.next();
    r.address = t.next();
    if (!detail::is_token(r.nettype) || !detail::is_token(r.addrtype) || r.address.empty() ||
        !t.done()) {
        return fail(ctx, errc::bad_attribute, at, "expected <nettype> <addrtype> <address>");
    }
    return attribute{std::move(r)};
}

// A list of tokens after a leading token: group, msid-semantic, ssrc-group, ice-options.
template <class T, class Item>
attr_result parse_token_list(std::string_view v, const attr_context& ctx, bool need_head,
                             std::string T::*head, std::vector<Item> T::*items) {
    tokens t(v);
    T out;
    if (need_head) {
        const char* at = t.position();
        const std::string_view h = t.next();
        if (!detail::is_token(h)) {
            return fail(ctx, errc::bad_attribute, at, "missing semantics");
        }
        out.*head = h;
    }
    while (!t.done()) {
        const char* at = t.position();
        const std::string_view item = t.next();
        if constexpr (std::is_same_v<Item, std::uint32_t>) {
            std::uint32_t n = 0;
            if (!detail::parse_uint(item, n)) {
                return fail(ctx, errc::bad_number, at, "bad SSRC");
            }
            (out.*items).push_back(n);
        } else {
            if (!detail::is_token(item)) {
                return fail(ctx, errc::bad_attribute, at, "bad token");
            }
            (out.*items).emplace_back(item);
        }
    }
    return attribute{std::move(out)};
}

attr_result parse_msid(std::string_view v, const attr_context& ctx) {
    tokens t(v);
    msid m;
    const char* at = t.position();
    m.id = t.next();
    if (!detail::is_token(m.id)) {
        return fail(ctx, errc::bad_attribute, at, "bad msid id");
    }
    if (!t.done()) {
        at = t.position();
        const std::string_view app = t.next();
        if (!detail::is_token(app) || !t.done()) {
            return fail(ctx, errc::bad_attribute, at, "bad msid appdata");
        }
        m.appdata = std::string(app);
    }
    return attribute{std::move(m)};
}

attr_result parse_ssrc(std::string_view v, const attr_context& ctx) {
    tokens t(v);
    ssrc s;
    const char* at = t.position();
    if (!detail::parse_uint(t.next(), s.id)) {
        return fail(ctx, errc::bad_number, at, "bad SSRC");
    }
    at = t.position();
    const std::string_view rest = t.remainder();
    const std::size_t colon = rest.find(':');
    s.attribute = rest.substr(0, colon);
    if (!detail::is_token(s.attribute)) {
        return fail(ctx, errc::bad_attribute, at, "missing source attribute");
    }
    if (colon != std::string_view::npos) {
        s.value = std::string(rest.substr(colon + 1));
    }
    return attribute{std::move(s)};
}

attr_result parse_crypto(std::string_view v, const attr_context& ctx) {
    tokens t(v);
    crypto c;
    const char* at = t.position();
    // RFC 4568 §9.1: tag = 1*9DIGIT
    const std::string_view tag = t.next();
    if (tag.size() > 9 || !detail::parse_uint(tag, c.tag)) {
        return fail(ctx, errc::bad_number, at, "bad crypto tag");
    }
    at = t.position();
    c.suite = t.next();
    if (!detail::is_token(c.suite)) {
        return fail(ctx, errc::bad_attribute, at, "missing crypto suite");
    }
    at = t.position();
    c.key_params = t.next();
    if (c.key_params.empty()) {
        return fail(ctx, errc::bad_attribute, at, "missing key parameters");
    }
    while (!t.done()) {
        c.session_params.emplace_back(t.next());
    }
    return attribute{std::move(c)};
}

attr_result parse_extmap(std::string_view v, const attr_context& ctx) {
    tokens t(v);
    extmap e;
    const char* at = t.position();
    const std::string_view head = t.next();
    const std::size_t slash = head.find('/');
    // RFC 8285 §5: 1..14 one-byte, up to 255 two-byte; 4096..4351 for local use (§7).
    if (!detail::parse_uint(head.substr(0, slash), e.id) || e.id == 0 ||
        (e.id > 255 && (e.id < 4096 || e.id > 4351))) {
        return fail(ctx, errc::bad_number, at, "bad extmap id");
    }
    if (slash != std::string_view::npos) {
        e.dir = direction_from_string(head.substr(slash + 1));
        if (!e.dir) {
            return fail(ctx, errc::bad_attribute, at, "bad extmap direction");
        }
    }
    at = t.position();
    e.uri = t.next();
    if (e.uri.empty()) {
        return fail(ctx, errc::bad_attribute, at, "missing extension URI");
    }
    e.attributes = t.remainder();
    return attribute{std::move(e)};
}

// RFC 8866 §6.4: ptime is an integer or a real; reals stay generic so nothing is lost.
template <class T>
attr_result parse_ms(std::string_view v, std::string_view name, const attr_context& ctx) {
    T out;
    if (detail::parse_uint(v, out.ms)) {
        return attribute{out};
    }
    const std::size_t dot = v.find('.');
    if (dot != std::string_view::npos && detail::is_digits(v.substr(0, dot)) &&
        detail::is_digits(v.substr(dot + 1))) {
        return attribute{generic_attribute{std::string(name), std::string(v)}};
    }
    return fail(ctx, errc::bad_number, v.data(), "expected milliseconds");
}

attr_result parse_ice_value(std::string_view v, const attr_context& ctx, bool pwd) {
    if (!detail::is_ice_chars(v) || v.size() > 256) {
        return fail(ctx, errc::bad_attribute, v.data(), "expected 1..256 ice-chars");
    }
    if (pwd) {
        return attribute{ice_pwd{std::string(v)}};
    }
    return attribute{ice_ufrag{std::string(v)}};
}

std::optional<attribute> property_attribute(std::string_view name) {
    if (auto d = direction_from_string(name)) {
        return attribute{*d};
    }
    constexpr flag flags[] = {flag::rtcp_mux, flag::rtcp_rsize, flag::ice_lite,
                              flag::end_of_candidates};
    for (flag f : flags) {
        if (name == to_string(f)) {
            return attribute{f};
        }
    }
    return std::nullopt;
}

// The attributes with a typed value, found by one lookup per line.
enum class kind {
    generic,
    rtpmap,
    fmtp,
    rtcp_fb,
    candidate,
    ssrc,
    extmap,
    fingerprint,
    setup,
    ice_ufrag,
    ice_pwd,
    ice_options,
    mid,
    group,
    msid,
    msid_semantic,
    ssrc_group,
    rtcp,
    crypto,
    ptime,
    maxptime,
};

kind classify(std::string_view name) noexcept {
    struct entry {
        std::string_view name;
        kind k;
    };
    // Ordered by how often a WebRTC offer carries them.
    constexpr entry table[] = {
        {"rtpmap", kind::rtpmap},
        {"rtcp-fb", kind::rtcp_fb},
        {"fmtp", kind::fmtp},
        {"candidate", kind::candidate},
        {"ssrc", kind::ssrc},
        {"extmap", kind::extmap},
        {"fingerprint", kind::fingerprint},
        {"setup", kind::setup},
        {"ice-ufrag", kind::ice_ufrag},
        {"ice-pwd", kind::ice_pwd},
        {"ice-options", kind::ice_options},
        {"mid", kind::mid},
        {"group", kind::group},
        {"msid", kind::msid},
        {"msid-semantic", kind::msid_semantic},
        {"ssrc-group", kind::ssrc_group},
        {"rtcp", kind::rtcp},
        {"crypto", kind::crypto},
        {"ptime", kind::ptime},
        {"maxptime", kind::maxptime},
    };
    for (const entry& e : table) {
        if (e.name.size() == name.size() && e.name == name) {
            return e.k;
        }
    }
    return kind::generic;
}

attr_result parse_candidate_attr(std::string_view v, const attr_context& ctx) {
    auto c = detail::parse_candidate_value(v, ctx);
    if (!c) {
        return core::unexpected{std::move(c).error()};
    }
    return attribute{std::move(c).value()};
}

attr_result parse_ice_options(std::string_view v, const attr_context& ctx) {
    auto r = parse_token_list<ice_options, std::string>(v, ctx, false, nullptr, &ice_options::tags);
    if (r && std::get<ice_options>(*r).tags.empty()) {
        return fail(ctx, errc::bad_attribute, v.data(), "no ICE option");
    }
    return r;
}

attr_result parse_mid(std::string_view v, const attr_context& ctx) {
    if (!detail::is_token(v)) {
        return fail(ctx, errc::bad_attribute, v.data(), "bad identification tag");
    }
    return attribute{mid{std::string(v)}};
}

attr_result parse_valued(kind k, std::string_view name, std::string_view v,
                         const attr_context& ctx) {
    switch (k) {
        case kind::rtpmap:
            return parse_rtpmap(v, ctx);
        case kind::fmtp:
            return parse_fmtp(v, ctx);
        case kind::rtcp_fb:
            return parse_rtcp_fb(v, ctx);
        case kind::candidate:
            return parse_candidate_attr(v, ctx);
        case kind::ssrc:
            return parse_ssrc(v, ctx);
        case kind::extmap:
            return parse_extmap(v, ctx);
        case kind::fingerprint:
            return parse_fingerprint(v, ctx);
        case kind::setup:
            return parse_setup(v, ctx);
        case kind::ice_ufrag:
            return parse_ice_value(v, ctx, false);
        case kind::ice_pwd:
            return parse_ice_value(v, ctx, true);
        case kind::ice_options:
            return parse_ice_options(v, ctx);
        case kind::mid:
            return parse_mid(v, ctx);
        case kind::group:
            return parse_token_list<group, std::string>(v, ctx, true, &group::semantics,
                                                        &group::mids);
        case kind::msid:
            return parse_msid(v, ctx);
        case kind::msid_semantic:
            return parse_token_list<msid_semantic, std::string>(
                v, ctx, true, &msid_semantic::semantic, &msid_semantic::ids);
        case kind::ssrc_group:
            return parse_token_list<ssrc_group, std::uint32_t>(v, ctx, true, &ssrc_group::semantics,
                                                               &ssrc_group::ssrcs);
        case kind::rtcp:
            return parse_rtcp(v, ctx);
        case kind::crypto:
            return parse_crypto(v, ctx);
        case kind::ptime:
            return parse_ms<ptime>(v, name, ctx);
        case kind::maxptime:
            return parse_ms<maxptime>(v, name, ctx);
        case kind::generic:
            break;
    }
    return attribute{generic_attribute{std::string(name), std::string(v)}};
}

}  // namespace

core::result<attribute, parse_error> parse_attribute(std::string_view name,
                                                     std::optional<std::string_view> value,
                                                     const char* base) {
    const attr_context ctx{base, name};
    if (!detail::is_token(name)) {
        return fail(ctx, errc::bad_attribute, name.data(), "attribute name is not a token");
    }
    const kind k = classify(name);
    if (!value) {
        if (k != kind::generic) {
            return fail(ctx, errc::bad_attribute, name.data() + name.size(),
                        "attribute needs a value");
        }
        if (auto p = property_attribute(name)) {
            return std::move(*p);
        }
        return attribute{generic_attribute{std::string(name), std::nullopt}};
    }
    if (k == kind::generic) {
        if (property_attribute(name)) {
            return fail(ctx, errc::bad_attribute, value->data(), "attribute takes no value");
        }
        // Unknown attributes are kept verbatim, surrounding spaces included.
        return attribute{generic_attribute{std::string(name), std::string(*value)}};
    }
    const std::string_view v = detail::trim(*value);
    if (v.empty()) {
        return fail(ctx, errc::bad_attribute, value->data(), "attribute needs a value");
    }
    return parse_valued(k, name, v, ctx);
}

}  // namespace ringstorm::sdp
