// Canonical serialization and the parse(serialize(m)) == m property over many built
// messages (RFC 3261 §7: start line, header lines, empty line, body).

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

#include "engine/sip/parser.hpp"

namespace ringstorm::sip {
namespace {

message minimal_request() {
    message m = message::request(method::options, "sip:bob@example.com");
    m.add(header_id::via, "SIP/2.0/WSS a.invalid;branch=z9hG4bK1");
    m.add(header_id::from, "<sip:alice@example.com>;tag=9");
    m.add(header_id::to, "<sip:bob@example.com>");
    m.add(header_id::call_id, "c1");
    m.add(header_id::cseq, "1 OPTIONS");
    return m;
}

TEST(serializer, writes_the_canonical_form) {
    message m = minimal_request();
    m.add("x-extension", "v");
    EXPECT_EQ(serialize(m),
              "OPTIONS sip:bob@example.com SIP/2.0\r\n"
              "Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\n"
              "From: <sip:alice@example.com>;tag=9\r\n"
              "To: <sip:bob@example.com>\r\n"
              "Call-ID: c1\r\n"
              "CSeq: 1 OPTIONS\r\n"
              "x-extension: v\r\n"
              "\r\n");
}

TEST(serializer, writes_a_status_line) {
    message m = message::response(486, "Busy Here");
    EXPECT_EQ(serialize(m).substr(0, 24), "SIP/2.0 486 Busy Here\r\n\r");
    message empty = message::response(100, "");
    EXPECT_EQ(serialize(empty), "SIP/2.0 100 \r\n\r\n");
}

TEST(serializer, appends_to_the_output) {
    std::string out = "prefix|";
    serialize(minimal_request(), out);
    EXPECT_EQ(out.rfind("prefix|OPTIONS ", 0), 0u);
}

TEST(serializer, content_length_follows_the_body) {
    message m = minimal_request();
    m.set_body("text/plain", "hello");
    m.set(header_id::content_length, "99");
    const std::string wire = serialize(m);
    EXPECT_NE(wire.find("Content-Length: 5\r\n"), std::string::npos);
    EXPECT_EQ(wire.substr(wire.size() - 9), "\r\n\r\nhello");
}

TEST(serializer, parsed_messages_keep_names_as_written) {
    const std::string text =
        "OPTIONS sip:b@example.com SIP/2.0\r\nv: SIP/2.0/TCP h;branch=z9hG4bKx\r\nf: "
        "<sip:a@b>;tag=1\r\n"
        "t: <sip:b@c>\r\ni: id\r\nCSEQ: 7 OPTIONS\r\nl: 002\r\n\r\nab";
    auto r = parse(text);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(serialize(*r), text);
}

// A small deterministic generator (splitmix64) so a failure names its seed.
struct rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& a) {
        return a[below(N)];
    }
};

constexpr std::array<std::string_view, 6> uris{"sip:bob@example.com",
                                               "sips:alice@[2001:db8::1]:5061;transport=tls",
                                               "sip:%61lice@example.com;lr",
                                               "tel:+1-201-555-0123",
                                               "sip:svc@10.0.0.1:5060?subject=x%20y",
                                               "urn:service:sos"};
constexpr std::array<std::string_view, 5> extension_methods{"NEWMETHOD", "FOO-BAR", "x.y", "Invite",
                                                            "PUBLISHX"};
constexpr std::array<std::string_view, 5> reasons{"OK", "", "Ringing", "Sehr gut \xc3\xa4 \xff",
                                                  "Not\tFound here"};
constexpr std::array<std::string_view, 8> names{
    "X-Foo",     "x-bar",   "P-Asserted-Identity", "Accept-Contact", "Y",
    "Foo.Bar!~", "Subject", "User-Agent"};
constexpr std::array<std::string_view, 8> values{"",
                                                 "plain",
                                                 "\"quoted, with comma\"",
                                                 "a;b=c;d",
                                                 "caf\xe9 \xff",
                                                 "multi   spaced\tvalue",
                                                 "<sip:x@y>;q=0.5",
                                                 "Digest username=\"a\", realm=\"b\""};
constexpr std::array<std::string_view, 4> bodies{"", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n",
                                                 std::string_view("\0bin\r\n\r\n", 9), "x"};
constexpr std::array<method, 8> methods{method::invite,  method::ack,       method::bye,
                                        method::cancel,  method::register_, method::options,
                                        method::message, method::notify};

message build(rng& g) {
    message m = g.below(3) == 0
                    ? message::response(100 + static_cast<int>(g.below(600)), g.pick(reasons))
                : g.below(4) == 0 ? message::request(g.pick(extension_methods), g.pick(uris))
                                  : message::request(g.pick(methods), g.pick(uris));
    const std::string cseq =
        std::to_string(g.below(1u << 31)) + " " +
        std::string(m.is_request() ? m.method_text() : std::string_view("INVITE"));
    const std::size_t extra = g.below(12);
    m.add(header_id::via, "SIP/2.0/WSS h" + std::to_string(g.below(100)) +
                              ".invalid;branch=z9hG4bK" + std::to_string(g.next()) +
                              (g.below(2) ? ";rport" : ""));
    m.add(header_id::from, "\"Alice\" <sip:alice@example.com>;tag=" + std::to_string(g.next()));
    m.add(header_id::to, "<sip:bob@example.com>");
    m.add(header_id::call_id, std::to_string(g.next()) + "@host");
    m.add(header_id::cseq, cseq);
    for (std::size_t i = 0; i < extra; ++i) {
        if (g.below(2) == 0) {
            m.add(g.pick(names), g.pick(values));
        } else {
            // Known headers get values their grammar accepts where the parser checks it.
            const auto id = static_cast<header_id>(
                1 + g.below(static_cast<std::size_t>(header_id::count_) - 1));
            if (id == header_id::max_forwards) {
                m.add(id, std::to_string(g.below(256)));
            } else if (id != header_id::content_length) {
                m.add(id, "v" + std::to_string(i));
            }
        }
    }
    if (g.below(2) == 0) {
        m.remove(header_id::content_length);
        m.remove(header_id::content_type);
        m.set_body(g.below(3) == 0 ? "" : "application/sdp", g.pick(bodies));
    } else {
        m.remove(header_id::content_length);
    }
    if (g.below(5) == 0) {
        m.push_front(header_id::via, "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp");
    }
    return m;
}

TEST(serializer, parse_of_serialize_is_identity_for_built_messages) {
    for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
        rng g{seed};
        const message m = build(g);
        const std::string wire = serialize(m);
        auto r = parse(wire);
        ASSERT_TRUE(r) << "seed " << seed << ": " << r.error().to_string() << "\n" << wire;
        ASSERT_EQ(*r, m) << "seed " << seed << "\n" << wire;
        // Canonical: serializing again gives the same bytes, in either framing.
        ASSERT_EQ(serialize(*r), wire) << "seed " << seed;
        if (m.get(header_id::content_length)) {
            parse_options opt;
            opt.framing = framing::stream;
            auto s = parse(wire, opt);
            ASSERT_TRUE(s) << "seed " << seed << ": " << s.error().to_string();
            ASSERT_EQ(*s, m);
        }
    }
}

TEST(serializer, equality_notices_differences) {
    message a = minimal_request();
    message b = minimal_request();
    b.add("X-Extra", "1");
    auto pa = parse(serialize(a));
    ASSERT_TRUE(pa);
    EXPECT_EQ(*pa, a);
    EXPECT_FALSE(*pa == b);
}

}  // namespace
}  // namespace ringstorm::sip
