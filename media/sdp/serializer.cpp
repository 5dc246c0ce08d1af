#include "media/sdp/serializer.hpp"

#include "media/sdp/scan.hpp"

namespace ringstorm::sdp {

namespace {

void line(std::string& out, char type, std::string_view value) {
    out += type;
    out += '=';
    out += value;
    out += "\r\n";
}

void put_connection(std::string& out, const connection& c) {
    out += "c=";
    out += c.nettype;
    out += ' ';
    out += c.addrtype;
    out += ' ';
    out += c.address;
    out += "\r\n";
}

void put_bandwidths(std::string& out, const std::vector<bandwidth>& bs) {
    for (const bandwidth& b : bs) {
        out += "b=";
        out += b.type;
        out += ':';
        detail::append_uint(out, b.value);
        out += "\r\n";
    }
}

void put_origin(std::string& out, const origin& o) {
    out += "o=";
    out += o.username;
    out += ' ';
    detail::append_uint(out, o.session_id);
    out += ' ';
    detail::append_uint(out, o.session_version);
    out += ' ';
    out += o.nettype;
    out += ' ';
    out += o.addrtype;
    out += ' ';
    out += o.address;
    out += "\r\n";
}

void put_media(std::string& out, const media_description& m) {
    out += "m=";
    out += m.media;
    out += ' ';
    detail::append_uint(out, m.port);
    if (m.port_count) {
        out += '/';
        detail::append_uint(out, *m.port_count);
    }
    out += ' ';
    out += m.proto;
    for (const std::string& f : m.formats) {
        out += ' ';
        out += f;
    }
    out += "\r\n";
    if (m.information) {
        line(out, 'i', *m.information);
    }
    for (const connection& c : m.connections) {
        put_connection(out, c);
    }
    put_bandwidths(out, m.bandwidths);
    if (m.key) {
        line(out, 'k', *m.key);
    }
    for (const attribute& a : m.attributes) {
        serialize_attribute(a, out);
    }
}

}  // namespace

void serialize(const session_description& sd, std::string& out) {
    out += "v=";
    detail::append_uint(out, sd.version);
    out += "\r\n";
    put_origin(out, sd.origin);
    line(out, 's', sd.session_name);
    if (sd.information) {
        line(out, 'i', *sd.information);
    }
    if (sd.uri) {
        line(out, 'u', *sd.uri);
    }
    for (const std::string& e : sd.emails) {
        line(out, 'e', e);
    }
    for (const std::string& p : sd.phones) {
        line(out, 'p', p);
    }
    if (sd.connection) {
        put_connection(out, *sd.connection);
    }
    put_bandwidths(out, sd.bandwidths);
    for (const timing& t : sd.times) {
        out += "t=";
        detail::append_uint(out, t.start);
        out += ' ';
        detail::append_uint(out, t.stop);
        out += "\r\n";
        for (const std::string& r : t.repeats) {
            line(out, 'r', r);
        }
    }
    if (sd.zone_adjustments) {
        line(out, 'z', *sd.zone_adjustments);
    }
    if (sd.key) {
        line(out, 'k', *sd.key);
    }
    for (const attribute& a : sd.attributes) {
        serialize_attribute(a, out);
    }
    for (const media_description& m : sd.media) {
        put_media(out, m);
    }
}

std::string serialize(const session_description& sd) {
    std::string out;
    out.reserve(1024 + 1024 * sd.media.size());
    serialize(sd, out);
    return out;
}

}  // namespace ringstorm::sdp
