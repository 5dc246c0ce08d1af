// The message model: builders, header access by id and by name (long, compact, any case),
// editing (add, push_front, set, remove), body bookkeeping and equality. Also the method
// and header-name tables the parser relies on.
#include "engine/sip/message.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace ringstorm::sip {
namespace {

TEST(method_test, tokens_round_trip_case_sensitively) {
    for (int i = 1; i <= static_cast<int>(method::publish); ++i) {
        const auto m = static_cast<method>(i);
        ASSERT_FALSE(to_string(m).empty());
        EXPECT_EQ(method_from_token(to_string(m)), m) << to_string(m);
    }
    EXPECT_EQ(method_from_token("REGISTER"), method::register_);
    // RFC 3261 §7.1: methods are case-sensitive; lower case is an extension method.
    EXPECT_EQ(method_from_token("invite"), method::unknown);
    EXPECT_EQ(method_from_token("INVITEX"), method::unknown);
    EXPECT_EQ(method_from_token(""), method::unknown);
    EXPECT_EQ(to_string(method::unknown), "");
}

TEST(header_id_test, long_names_are_case_insensitive) {
    for (int i = 1; i < static_cast<int>(header_id::count_); ++i) {
        const auto id = static_cast<header_id>(i);
        const std::string_view name = canonical_name(id);
        ASSERT_FALSE(name.empty());
        EXPECT_EQ(header_id_from_name(name), id) << name;
        std::string upper(name);
        std::string lower(name);
        for (std::size_t k = 0; k < name.size(); ++k) {
            upper[k] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[k])));
            lower[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[k])));
        }
        EXPECT_EQ(header_id_from_name(upper), id) << upper;
        EXPECT_EQ(header_id_from_name(lower), id) << lower;
    }
    EXPECT_EQ(canonical_name(header_id::call_id), "Call-ID");
    EXPECT_EQ(canonical_name(header_id::cseq), "CSeq");
    EXPECT_EQ(canonical_name(header_id::www_authenticate), "WWW-Authenticate");
}

TEST(header_id_test, compact_forms) {
    // RFC 3261 §7.3.3 and §20, RFC 6665 (o, u), RFC 3515 (r), RFC 4028 (x).
    const std::pair<const char*, header_id> cases[] = {
        {"i", header_id::call_id},
        {"m", header_id::contact},
        {"e", header_id::content_encoding},
        {"l", header_id::content_length},
        {"c", header_id::content_type},
        {"f", header_id::from},
        {"s", header_id::subject},
        {"k", header_id::supported},
        {"t", header_id::to},
        {"v", header_id::via},
        {"o", header_id::event},
        {"u", header_id::allow_events},
        {"r", header_id::refer_to},
        {"x", header_id::session_expires},
        {"V", header_id::via},
        {"I", header_id::call_id},
    };
    for (const auto& [name, id] : cases) {
        EXPECT_EQ(header_id_from_name(name), id) << name;
    }
    EXPECT_EQ(header_id_from_name("a"), header_id::unknown);  // Accept-Contact: no id here
    EXPECT_EQ(header_id_from_name("z"), header_id::unknown);
}

TEST(header_id_test, near_misses_are_unknown) {
    EXPECT_EQ(header_id_from_name(""), header_id::unknown);
    EXPECT_EQ(header_id_from_name("Vias"), header_id::unknown);
    EXPECT_EQ(header_id_from_name("Call_ID"), header_id::unknown);
    EXPECT_EQ(header_id_from_name("Call\rID"), header_id::unknown);  // not folded like '-'
    EXPECT_EQ(header_id_from_name("Content-Lengths"), header_id::unknown);
    EXPECT_EQ(header_id_from_name("X-Custom"), header_id::unknown);
    EXPECT_EQ(header_id_from_name("Fro"), header_id::unknown);
    EXPECT_EQ(header_id_from_name("P-Asserted-Identity"), header_id::unknown);
    // Long names are compared in 8-byte windows: faults at the start, middle and end.
    EXPECT_EQ(header_id_from_name("cOnTeNt-LeNgTh"), header_id::content_length);
    EXPECT_EQ(header_id_from_name("Xontent-Length"), header_id::unknown);
    EXPECT_EQ(header_id_from_name("Content_Length"), header_id::unknown);
    EXPECT_EQ(header_id_from_name("Content-Lengtx"), header_id::unknown);
    EXPECT_EQ(header_id_from_name("Proxy-Authorizatiox"), header_id::unknown);
    EXPECT_EQ(header_id_from_name("Proxy-AuthoXization"), header_id::unknown);
    EXPECT_EQ(header_id_from_name(std::string_view("Content-Encoding\0", 17)), header_id::unknown);
    EXPECT_EQ(header_id_from_name(std::string_view("Via\0", 4)), header_id::unknown);
    EXPECT_EQ(header_id_from_name("Session-Expires"), header_id::session_expires);
    EXPECT_EQ(header_id_from_name("Session-Expire\x13"), header_id::unknown);  // 's'^0x60
}

TEST(message_test, request_builder_sets_start_line) {
    auto m = message::request(method::invite, "sip:bob@biloxi.com");
    EXPECT_TRUE(m.is_request());
    EXPECT_FALSE(m.is_response());
    EXPECT_EQ(m.method(), method::invite);
    EXPECT_EQ(m.method_text(), "INVITE");
    EXPECT_EQ(m.request_uri(), "sip:bob@biloxi.com");
    EXPECT_EQ(m.version(), "SIP/2.0");
    EXPECT_EQ(m.header_count(), 0u);
    EXPECT_EQ(m.body(), "");

    auto ext = message::request("FOO", "sip:x@example.com");
    EXPECT_EQ(ext.method(), method::unknown);
    EXPECT_EQ(ext.method_text(), "FOO");
    auto known = message::request("BYE", "sip:x@example.com");
    EXPECT_EQ(known.method(), method::bye);
}

TEST(message_test, response_builder_sets_status_line) {
    auto m = message::response(180, "Ringing");
    EXPECT_TRUE(m.is_response());
    EXPECT_EQ(m.status(), 180);
    EXPECT_EQ(m.reason(), "Ringing");
    EXPECT_EQ(m.version(), "SIP/2.0");
    EXPECT_EQ(m.method(), method::unknown);
}

TEST(message_test, get_by_id_and_by_any_name_form) {
    auto m = message::request(method::register_, "sip:registrar.biloxi.com");
    m.add(header_id::via, "SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7");
    m.add("Max-Forwards", "70");
    m.add("t", "Bob <sip:bob@biloxi.com>");
    m.add("X-Trace", "abc");
    m.add(header_id::via, "SIP/2.0/UDP second.example.com");

    EXPECT_EQ(m.get(header_id::via), "SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7");
    EXPECT_EQ(m.get(header_id::max_forwards), "70");
    EXPECT_EQ(m.get(header_id::to), "Bob <sip:bob@biloxi.com>");
    EXPECT_EQ(m.get("TO"), "Bob <sip:bob@biloxi.com>");
    EXPECT_EQ(m.get("v"), m.get(header_id::via));
    EXPECT_EQ(m.get("x-trace"), "abc");
    EXPECT_EQ(m.get("X-Other"), std::nullopt);
    EXPECT_EQ(m.get(header_id::contact), std::nullopt);
    EXPECT_EQ(m.count(header_id::via), 2u);
    const auto vias = m.get_all(header_id::via);
    ASSERT_EQ(vias.size(), 2u);
    EXPECT_EQ(vias[1], "SIP/2.0/UDP second.example.com");

    // Built headers carry canonical names; added-by-name ones keep their spelling.
    EXPECT_EQ(m.header(0).name, "Via");
    EXPECT_EQ(m.header(2).name, "t");
    EXPECT_EQ(m.header(2).id, header_id::to);
    EXPECT_EQ(m.header(3).id, header_id::unknown);
    EXPECT_EQ(m.header(3).value, "abc");
}

TEST(message_test, push_front_set_and_remove) {
    auto m = message::request(method::options, "sip:carol@chicago.com");
    m.add(header_id::via, "SIP/2.0/WSS a.invalid;branch=z9hG4bK1");
    m.add(header_id::route, "<sip:p1.example.com;lr>");
    m.add(header_id::route, "<sip:p2.example.com;lr>");
    m.push_front(header_id::via, "SIP/2.0/WSS proxy.invalid;branch=z9hG4bK2");
    EXPECT_EQ(m.header(0).value, "SIP/2.0/WSS proxy.invalid;branch=z9hG4bK2");
    EXPECT_EQ(m.get(header_id::via), "SIP/2.0/WSS proxy.invalid;branch=z9hG4bK2");

    EXPECT_TRUE(m.remove_first(header_id::via));
    EXPECT_EQ(m.get(header_id::via), "SIP/2.0/WSS a.invalid;branch=z9hG4bK1");
    EXPECT_EQ(m.count(header_id::via), 1u);

    m.set(header_id::route, "<sip:only.example.com;lr>");
    EXPECT_EQ(m.get_all(header_id::route),
              std::vector<std::string_view>{"<sip:only.example.com;lr>"});
    m.set(header_id::max_forwards, "69");  // absent: appended
    EXPECT_EQ(m.header(m.header_count() - 1).id, header_id::max_forwards);

    EXPECT_EQ(m.remove(header_id::route), 1u);
    EXPECT_EQ(m.remove(header_id::route), 0u);
    EXPECT_FALSE(m.remove_first(header_id::contact));
    m.add("X-A", "1");
    m.add("x-a", "2");
    EXPECT_EQ(m.remove("X-a"), 2u);
    EXPECT_EQ(m.remove("mAX-fORWARDS"), 1u);
    EXPECT_EQ(m.header_count(), 1u);
}

TEST(message_test, values_taken_from_the_same_message_survive_reallocation) {
    auto m = message::request(method::invite, "sip:bob@biloxi.com");
    m.add(header_id::subject, std::string(300, 's'));
    for (int i = 0; i < 50; ++i) {
        m.add(header_id::subject, *m.get(header_id::subject));  // aliases buf_
    }
    for (std::string_view v : m.get_all(header_id::subject)) {
        EXPECT_EQ(v, std::string(300, 's'));
    }
    m.add(m.header(0).name, m.header(0).value);
    EXPECT_EQ(m.count(header_id::subject), 52u);
    m.set_body(*m.get(header_id::subject), m.header(1).value);
    EXPECT_EQ(m.body(), std::string(300, 's'));
}

TEST(message_test, set_body_keeps_length_and_type_consistent) {
    auto m = message::request(method::invite, "sip:bob@biloxi.com");
    m.add(header_id::content_length, "999");
    m.add(header_id::content_length, "998");  // duplicated: both replaced by one
    const std::string sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n";
    m.set_body("application/sdp", sdp);
    EXPECT_EQ(m.body(), sdp);
    EXPECT_EQ(m.get(header_id::content_type), "application/sdp");
    EXPECT_EQ(m.get_all(header_id::content_length),
              std::vector<std::string_view>{std::to_string(sdp.size())});

    m.set_body("", "");
    EXPECT_EQ(m.body(), "");
    EXPECT_EQ(m.get(header_id::content_type), std::nullopt);
    EXPECT_EQ(m.get(header_id::content_length), "0");
    EXPECT_EQ(m.count(header_id::content_length), 1u);
}

message sample() {
    auto m = message::response(200, "OK");
    m.add(header_id::via, "SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bKnashds8");
    m.add(header_id::call_id, "a84b4c76e66710");
    m.add("P-Custom", "x");
    m.set_body("application/sdp", "v=0\r\n");
    return m;
}

TEST(message_test, equality_is_semantic) {
    EXPECT_EQ(sample(), sample());

    // Unknown names compare case-insensitively; known ones by id, so "i" equals "Call-ID".
    auto a = message::response(200, "OK");
    a.add("i", "abc");
    a.add("X-Foo", "1");
    auto b = message::response(200, "OK");
    b.add(header_id::call_id, "abc");
    b.add("x-foo", "1");
    EXPECT_EQ(a, b);

    auto c = sample();
    c.set(header_id::call_id, "other");
    EXPECT_NE(sample(), c);
    auto d = sample();
    d.set_body("application/sdp", "v=1\r\n");
    EXPECT_NE(sample(), d);
    EXPECT_NE(message::response(200, "OK"), message::response(202, "OK"));
    EXPECT_NE(message::response(200, "OK"), message::response(200, "Fine"));
    EXPECT_NE(message::request(method::bye, "sip:a@b.c"),
              message::request(method::bye, "sip:a@b.d"));
    EXPECT_NE(message::request(method::bye, "sip:a@b.c"),
              message::request(method::cancel, "sip:a@b.c"));

    // Order matters (RFC 3261 §7.3.1: the relative order of same-name fields is significant).
    auto e = message::response(200, "OK");
    e.add(header_id::via, "SIP/2.0/UDP a.example.com");
    e.add(header_id::via, "SIP/2.0/UDP b.example.com");
    auto f = message::response(200, "OK");
    f.add(header_id::via, "SIP/2.0/UDP b.example.com");
    f.add(header_id::via, "SIP/2.0/UDP a.example.com");
    EXPECT_NE(e, f);
}

}  // namespace
}  // namespace ringstorm::sip
