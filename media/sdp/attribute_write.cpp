// Names, lookups and the canonical wire form of the typed attributes.

#include <algorithm>
#include <type_traits>

#include "media/sdp/attributes.hpp"
#include "media/sdp/scan.hpp"

namespace ringstorm::sdp {

namespace detail {
void append_candidate_value(std::string& out, const candidate& c);
}  // namespace detail

std::string_view to_string(direction d) noexcept {
    switch (d) {
        case direction::sendrecv:
            return "sendrecv";
        case direction::sendonly:
            return "sendonly";
        case direction::recvonly:
            return "recvonly";
        case direction::inactive:
            return "inactive";
    }
    return "sendrecv";
}

std::optional<direction> direction_from_string(std::string_view s) noexcept {
    constexpr direction all[] = {direction::sendrecv, direction::sendonly, direction::recvonly,
                                 direction::inactive};
    for (direction d : all) {
        if (s == to_string(d)) {
            return d;
        }
    }
    return std::nullopt;
}

std::string_view to_string(flag f) noexcept {
    switch (f) {
        case flag::rtcp_mux:
            return "rtcp-mux";
        case flag::rtcp_rsize:
            return "rtcp-rsize";
        case flag::ice_lite:
            return "ice-lite";
        case flag::end_of_candidates:
            return "end-of-candidates";
    }
    return "rtcp-mux";
}

std::string_view to_string(setup_role r) noexcept {
    switch (r) {
        case setup_role::active:
            return "active";
        case setup_role::passive:
            return "passive";
        case setup_role::actpass:
            return "actpass";
        case setup_role::holdconn:
            return "holdconn";
    }
    return "actpass";
}

std::vector<fmtp_parameter> split_fmtp(std::string_view parameters) {
    std::vector<fmtp_parameter> out;
    while (!parameters.empty()) {
        const std::size_t semi = parameters.find(';');
        const std::string_view item = detail::trim(parameters.substr(0, semi));
        parameters =
            semi == std::string_view::npos ? std::string_view{} : parameters.substr(semi + 1);
        if (item.empty()) {
            continue;
        }
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
            out.push_back({item, {}});
        } else {
            out.push_back({detail::trim(item.substr(0, eq)), detail::trim(item.substr(eq + 1))});
        }
    }
    return out;
}

std::optional<std::string_view> fmtp_value(std::string_view parameters, std::string_view key) {
    for (const fmtp_parameter& p : split_fmtp(parameters)) {
        if (detail::iequals(p.key, key)) {
            return p.value;
        }
    }
    return std::nullopt;
}

namespace {

template <class... Fs>
struct overloaded : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

void put(std::string& out, std::uint64_t v) {
    detail::append_uint(out, v);
}

template <class T>
void put_list(std::string& out, const std::vector<T>& items) {
    for (const T& item : items) {
        out += ' ';
        if constexpr (std::is_same_v<T, std::string>) {
            out += item;
        } else {
            put(out, item);
        }
    }
}

// The value part (after "name:") of each attribute, one overload per type.
void write_value(std::string& out, const generic_attribute& g) {
    if (g.value) {
        out += *g.value;
    }
}
void write_value(std::string&, direction) {}
void write_value(std::string&, flag) {}
void write_value(std::string& out, setup_role r) {
    out += to_string(r);
}

void write_value(std::string& out, const rtpmap& r) {
    put(out, r.payload_type);
    out += ' ';
    out += r.encoding;
    out += '/';
    put(out, r.clock_rate);
    if (r.channels) {
        out += '/';
        put(out, *r.channels);
    }
}

void write_value(std::string& out, const fmtp& f) {
    put(out, f.payload_type);
    if (!f.parameters.empty()) {
        out += ' ';
        out += f.parameters;
    }
}

void write_value(std::string& out, const rtcp_fb& fb) {
    if (fb.payload_type) {
        put(out, *fb.payload_type);
    } else {
        out += '*';
    }
    out += ' ';
    out += fb.type;
    if (!fb.parameter.empty()) {
        out += ' ';
        out += fb.parameter;
    }
}

void write_value(std::string& out, const fingerprint& f) {
    out += f.hash_function;
    out += ' ';
    out += f.value;
}

void write_value(std::string& out, const ice_ufrag& u) {
    out += u.value;
}
void write_value(std::string& out, const ice_pwd& p) {
    out += p.value;
}

void write_value(std::string& out, const ice_options& o) {
    for (std::size_t i = 0; i < o.tags.size(); ++i) {
        if (i != 0) {
            out += ' ';
        }
        out += o.tags[i];
    }
}

void write_value(std::string& out, const candidate& c) {
    detail::append_candidate_value(out, c);
}

void write_value(std::string& out, const rtcp_address& r) {
    put(out, r.port);
    if (!r.address.empty()) {
        out += ' ';
        out += r.nettype;
        out += ' ';
        out += r.addrtype;
        out += ' ';
        out += r.address;
    }
}

void write_value(std::string& out, const mid& m) {
    out += m.value;
}

void write_value(std::string& out, const group& g) {
    out += g.semantics;
    put_list(out, g.mids);
}

void write_value(std::string& out, const msid& m) {
    out += m.id;
    if (m.appdata) {
        out += ' ';
        out += *m.appdata;
    }
}

void write_value(std::string& out, const msid_semantic& m) {
    // Chrome's spelling, with a space after the colon; parsers accept both.
    out += ' ';
    out += m.semantic;
    put_list(out, m.ids);
}

void write_value(std::string& out, const ssrc& s) {
    put(out, s.id);
    out += ' ';
    out += s.attribute;
    if (s.value) {
        out += ':';
        out += *s.value;
    }
}

void write_value(std::string& out, const ssrc_group& g) {
    out += g.semantics;
    put_list(out, g.ssrcs);
}

void write_value(std::string& out, const crypto& c) {
    put(out, c.tag);
    out += ' ';
    out += c.suite;
    out += ' ';
    out += c.key_params;
    put_list(out, c.session_params);
}

void write_value(std::string& out, const extmap& e) {
    put(out, e.id);
    if (e.dir) {
        out += '/';
        out += to_string(*e.dir);
    }
    out += ' ';
    out += e.uri;
    if (!e.attributes.empty()) {
        out += ' ';
        out += e.attributes;
    }
}

void write_value(std::string& out, const ptime& p) {
    put(out, p.ms);
}
void write_value(std::string& out, const maxptime& p) {
    put(out, p.ms);
}

bool has_value(const attribute& a) noexcept {
    if (const auto* g = std::get_if<generic_attribute>(&a)) {
        return g->value.has_value();
    }
    return !std::holds_alternative<direction>(a) && !std::holds_alternative<flag>(a);
}

}  // namespace

std::string_view attribute_name(const attribute& a) noexcept {
    return std::visit(overloaded{
                          [](const generic_attribute& g) -> std::string_view { return g.name; },
                          [](direction d) { return to_string(d); },
                          [](flag f) { return to_string(f); },
                          [](setup_role) -> std::string_view { return "setup"; },
                          [](const rtpmap&) -> std::string_view { return "rtpmap"; },
                          [](const fmtp&) -> std::string_view { return "fmtp"; },
                          [](const rtcp_fb&) -> std::string_view { return "rtcp-fb"; },
                          [](const fingerprint&) -> std::string_view { return "fingerprint"; },
                          [](const ice_ufrag&) -> std::string_view { return "ice-ufrag"; },
                          [](const ice_pwd&) -> std::string_view { return "ice-pwd"; },
                          [](const ice_options&) -> std::string_view { return "ice-options"; },
                          [](const candidate&) -> std::string_view { return "candidate"; },
                          [](const rtcp_address&) -> std::string_view { return "rtcp"; },
                          [](const mid&) -> std::string_view { return "mid"; },
                          [](const group&) -> std::string_view { return "group"; },
                          [](const msid&) -> std::string_view { return "msid"; },
                          [](const msid_semantic&) -> std::string_view { return "msid-semantic"; },
                          [](const ssrc&) -> std::string_view { return "ssrc"; },
                          [](const ssrc_group&) -> std::string_view { return "ssrc-group"; },
                          [](const crypto&) -> std::string_view { return "crypto"; },
                          [](const extmap&) -> std::string_view { return "extmap"; },
                          [](const ptime&) -> std::string_view { return "ptime"; },
                          [](const maxptime&) -> std::string_view { return "maxptime"; },
                      },
                      a);
}

void serialize_attribute(const attribute& a, std::string& out) {
    out += "a=";
    out += attribute_name(a);
    if (has_value(a)) {
        out += ':';
        std::visit([&out](const auto& v) { write_value(out, v); }, a);
    }
    out += "\r\n";
}

bool has_flag(const attribute_list& attrs, flag f) noexcept {
    return std::any_of(attrs.begin(), attrs.end(), [f](const attribute& a) {
        const flag* p = std::get_if<flag>(&a);
        return p != nullptr && *p == f;
    });
}

const generic_attribute* find_generic(const attribute_list& attrs, std::string_view name) noexcept {
    for (const attribute& a : attrs) {
        const auto* g = std::get_if<generic_attribute>(&a);
        if (g != nullptr && g->name == name) {
            return g;
        }
    }
    return nullptr;
}

std::optional<direction> find_direction(const attribute_list& attrs) noexcept {
    if (const direction* d = find<direction>(attrs)) {
        return *d;
    }
    return std::nullopt;
}

void set_direction(attribute_list& attrs, direction d) {
    bool placed = false;
    for (auto it = attrs.begin(); it != attrs.end();) {
        if (!std::holds_alternative<direction>(*it)) {
            ++it;
        } else if (!placed) {
            *it = d;
            placed = true;
            ++it;
        } else {
            it = attrs.erase(it);
        }
    }
    if (!placed) {
        attrs.emplace_back(d);
    }
}

const rtpmap* find_rtpmap(const attribute_list& attrs, std::uint8_t pt) noexcept {
    for (const attribute& a : attrs) {
        const auto* r = std::get_if<rtpmap>(&a);
        if (r != nullptr && r->payload_type == pt) {
            return r;
        }
    }
    return nullptr;
}

const fmtp* find_fmtp(const attribute_list& attrs, std::uint8_t pt) noexcept {
    for (const attribute& a : attrs) {
        const auto* f = std::get_if<fmtp>(&a);
        if (f != nullptr && f->payload_type == pt) {
            return f;
        }
    }
    return nullptr;
}

}  // namespace ringstorm::sdp
