// SIP/SIPS URIs (RFC 3261 §19.1, §25.1): components, escapes, hosts, ports, parameters and
// headers; non-SIP absolute URIs; equivalence (§19.1.4); errors located at the fault.
#include "engine/sip/uri.hpp"

#include <gtest/gtest.h>

namespace ringstorm::sip {
namespace {

uri must_parse(std::string_view text) {
    auto r = parse_uri(text);
    EXPECT_TRUE(r.has_value()) << text << ": " << (r ? "" : r.error().reason) << " at "
                               << (r ? 0 : r.error().offset);
    return r ? *r : uri{};
}

// Expects a parse failure at the given byte offset.
void expect_error(std::string_view text, std::size_t offset) {
    auto r = parse_uri(text);
    ASSERT_FALSE(r.has_value()) << text << " parsed";
    EXPECT_EQ(r.error().offset, offset) << text << ": " << r.error().reason;
    EXPECT_STRNE(r.error().reason, "") << text;
}

TEST(uri_test, full_sip_uri_components) {
    const uri u = must_parse(
        "sip:alice:secretword@atlanta.com;transport=tcp?subject=project%20x&priority=urgent");
    EXPECT_EQ(u.scheme, "sip");
    EXPECT_EQ(u.user, "alice");
    EXPECT_EQ(u.password, "secretword");
    EXPECT_EQ(u.host, "atlanta.com");
    EXPECT_FALSE(u.port.has_value());
    EXPECT_EQ(u.params, ";transport=tcp");
    EXPECT_EQ(u.headers, "subject=project%20x&priority=urgent");
    EXPECT_TRUE(u.is_sip());
    EXPECT_FALSE(u.is_sips());
    EXPECT_EQ(u.param("TRANSPORT"), "tcp");
    EXPECT_EQ(u.param("lr"), std::nullopt);
}

TEST(uri_test, rfc3261_section_19_examples) {
    EXPECT_EQ(must_parse("sip:alice@atlanta.com").host, "atlanta.com");
    const uri a = must_parse("sips:alice@atlanta.com?subject=project%20x&priority=urgent");
    EXPECT_TRUE(a.is_sips());
    EXPECT_EQ(a.headers, "subject=project%20x&priority=urgent");
    const uri b = must_parse("sip:+1-212-555-1212:1234@gateway.com;user=phone");
    EXPECT_EQ(b.user, "+1-212-555-1212");
    EXPECT_EQ(b.password, "1234");
    EXPECT_EQ(b.param("user"), "phone");
    const uri c = must_parse("sips:1212@gateway.com");
    EXPECT_EQ(c.user, "1212");
    const uri d = must_parse("sip:alice@192.0.2.4");
    EXPECT_EQ(d.host, "192.0.2.4");
    const uri e = must_parse("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com");
    EXPECT_TRUE(e.user.empty());
    EXPECT_EQ(e.host, "atlanta.com");
    EXPECT_EQ(e.param("method"), "REGISTER");
    EXPECT_EQ(e.headers, "to=alice%40atlanta.com");
    const uri f = must_parse("sip:alice;day=tuesday@atlanta.com");
    EXPECT_EQ(f.user, "alice;day=tuesday");  // ';' is a user-unreserved character
    EXPECT_EQ(f.host, "atlanta.com");
    EXPECT_TRUE(f.params.empty());
}

TEST(uri_test, ports_and_flags) {
    const uri u = must_parse("sip:proxy.example.com:5061;lr;maddr=239.255.255.1;ttl=15");
    ASSERT_TRUE(u.port.has_value());
    EXPECT_EQ(*u.port, 5061);
    EXPECT_EQ(u.param("lr"), std::string_view{});
    EXPECT_TRUE(u.param("lr").has_value());
    EXPECT_EQ(u.param("maddr"), "239.255.255.1");
    EXPECT_EQ(u.param("ttl"), "15");
    EXPECT_EQ(*must_parse("sip:h.example.com:1").port, 1);
    EXPECT_EQ(*must_parse("sip:h.example.com:65535").port, 65535);
    EXPECT_EQ(*must_parse("sip:h.example.com:05060").port, 5060);  // 1*DIGIT allows leading zeros
}

TEST(uri_test, torture_flavoured_valid_uris) {
    // RFC 4475 §3.1.1.1/§3.1.1.2 style: escaped characters and odd punctuation in the user part.
    const uri a = must_parse("sip:vivekg@chair-dnrc.example.com;unknownparam");
    EXPECT_TRUE(a.param("unknownparam").has_value());
    const uri b = must_parse("sip:%61lice@atlanta.com");
    EXPECT_EQ(b.user, "%61lice");  // kept escaped
    const uri c = must_parse("sip:user;par=u%40example.net@example.com");
    EXPECT_EQ(c.user, "user;par=u%40example.net");
    EXPECT_EQ(c.host, "example.com");
    const uri d = must_parse("sip:!$%25&'()*+,-./;=?:&=+$,@example.com");
    EXPECT_EQ(d.user, "!$%25&'()*+,-./;=?");
    EXPECT_EQ(d.password, "&=+$,");
    EXPECT_EQ(d.host, "example.com");
    const uri e = must_parse(
        "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/"
        ";;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
    EXPECT_EQ(e.host, "example.com");
    EXPECT_EQ(e.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    // Long labels, trailing dot, numbers in labels.
    EXPECT_EQ(must_parse("sip:a@sub-1.x2.example.com.").host, "sub-1.x2.example.com.");
    EXPECT_EQ(must_parse("SIP:ALICE@AtLanTa.CoM").scheme, "SIP");
}

TEST(uri_test, rfc4475_unusual_user_part_with_hash_is_rejected) {
    // '#' is not allowed unescaped anywhere in a SIP URI.
    expect_error("sip:user#1@example.com", 8);
}

TEST(uri_test, ipv6_references) {
    const uri a = must_parse("sip:[2001:db8::10]:5070;transport=tcp");
    EXPECT_EQ(a.host, "[2001:db8::10]");
    EXPECT_EQ(*a.port, 5070);
    EXPECT_EQ(must_parse("sip:user@[2001:db8::9:1]").host, "[2001:db8::9:1]");
    EXPECT_EQ(must_parse("sip:[::1]").host, "[::1]");
    EXPECT_EQ(must_parse("sip:[::]").host, "[::]");
    EXPECT_EQ(must_parse("sip:[2001:db8:0:0:0:0:0:1]").host, "[2001:db8:0:0:0:0:0:1]");
    EXPECT_EQ(must_parse("sip:[::ffff:192.0.2.1]").host, "[::ffff:192.0.2.1]");
    EXPECT_EQ(must_parse("sip:[2001:db8::192.0.2.1]").host, "[2001:db8::192.0.2.1]");
    // RFC 5118-style faults: missing brackets, double '::', too many groups, bad IPv4 tail.
    expect_error("sip:[2001:db8::10", 4);
    expect_error("sip:[2001:db8::10::1]", 5);
    expect_error("sip:[1:2:3:4:5:6:7:8:9]", 5);
    expect_error("sip:[1:2:3:4:5:6:7]", 5);
    expect_error("sip:[::ffff:192.0.2.256]", 5);
    expect_error("sip:[12345::1]", 5);
    expect_error("sip:[2001:db8:::1]", 5);
    expect_error("sip:[fe80::1%25eth0]", 5);
    expect_error("sip:user@2001:db8::10", 9);  // unbracketed: "2001" is no IPv4 address
}

TEST(uri_test, ipv4_and_hostname_faults) {
    expect_error("sip:alice@192.0.2.256", 10);
    expect_error("sip:alice@192.0.2", 10);
    expect_error("sip:alice@1.2.3.4.5", 10);
    expect_error("sip:alice@-bad.example.com", 10);
    expect_error("sip:alice@bad-.example.com", 13);
    expect_error("sip:alice@a..example.com", 12);
    expect_error("sip:alice@example.123", 18);  // top label must start with a letter
    expect_error("sip:alice@exa_mple.com", 13);
    expect_error("sip:alice@", 10);
    expect_error("sip:", 4);
    expect_error("sip:alice@exa mple.com", 13);
}

TEST(uri_test, port_faults) {
    expect_error("sip:h.example.com:0", 18);
    expect_error("sip:h.example.com:65536", 18);
    expect_error("sip:h.example.com:99999999999999999999", 18);
    expect_error("sip:h.example.com:", 18);
    expect_error("sip:h.example.com:50x60", 20);
}

TEST(uri_test, escape_faults) {
    expect_error("sip:%4@example.com", 4);
    expect_error("sip:%zzuser@example.com", 4);
    expect_error("sip:user:pa%2@example.com", 11);
    expect_error("sip:example.com;a=%", 18);
    expect_error("sip:example.com?h=%G1", 18);
    expect_error("tel:+1%", 6);
}

TEST(uri_test, userinfo_faults) {
    expect_error("sip:@example.com", 4);
    expect_error("sip:a:b:c@example.com", 7);  // ':' is not a password character
    expect_error("sip:a b@example.com", 5);
    expect_error("sip:a\"b@example.com", 5);
    EXPECT_EQ(must_parse("sip:alice:@example.com").password, "");
}

TEST(uri_test, parameter_and_header_faults) {
    expect_error("sip:example.com;", 16);
    expect_error("sip:example.com;;lr", 16);
    expect_error("sip:example.com;=x", 16);
    expect_error("sip:example.com;a=", 18);
    expect_error("sip:example.com;a=b c", 19);
    expect_error("sip:example.com?", 16);
    expect_error("sip:example.com?a", 17);
    expect_error("sip:example.com?=b", 16);
    expect_error("sip:example.com?a=b&", 20);
    expect_error("sip:example.com>", 15);
    EXPECT_EQ(must_parse("sip:example.com?a=&b=c").headers, "a=&b=c");  // empty hvalue is allowed
}

TEST(uri_test, scheme_faults) {
    expect_error("", 0);
    expect_error("alice@example.com", 5);
    expect_error("1sip:example.com", 0);
    expect_error(":example.com", 0);
    expect_error("sip example.com", 3);
    expect_error("tel:", 4);
    expect_error("http://example.com/a b", 20);
}

TEST(uri_test, non_sip_schemes_are_opaque) {
    const uri t = must_parse("tel:+1-201-555-0123;phone-context=example.com");
    EXPECT_EQ(t.scheme, "tel");
    EXPECT_EQ(t.opaque, "+1-201-555-0123;phone-context=example.com");
    EXPECT_FALSE(t.is_sip());
    EXPECT_TRUE(t.host.empty());
    EXPECT_TRUE(t.params.empty());
    EXPECT_EQ(must_parse("urn:service:sos").opaque, "service:sos");
    EXPECT_EQ(must_parse("http://www.example.com/alice/photo.jpg").opaque,
              "//www.example.com/alice/photo.jpg");
    EXPECT_EQ(must_parse("mailto:watson@bell-telephone.com").scheme, "mailto");
    EXPECT_EQ(must_parse("im:alice@example.com").scheme, "im");
}

TEST(uri_test, to_string_is_canonical) {
    EXPECT_EQ(to_string(must_parse("SIP:alice:pw@Atlanta.com:5060;lr?x=y")),
              "sip:alice:pw@Atlanta.com:5060;lr?x=y");
    EXPECT_EQ(to_string(must_parse("sips:[::1]:5061")), "sips:[::1]:5061");
    EXPECT_EQ(to_string(must_parse("TEL:+1234")), "tel:+1234");
    for (std::string_view text : {"sip:alice@atlanta.com", "sip:a;b=c@h.example.com;lr;x=1?h=v&i=",
                                  "sips:bob@[2001:db8::1]:5061;transport=tls"}) {
        EXPECT_EQ(to_string(must_parse(text)), text);
    }
}

TEST(uri_test, unescape) {
    EXPECT_EQ(unescape("%61lice"), "alice");
    EXPECT_EQ(unescape("project%20x"), "project x");
    EXPECT_EQ(unescape("a%2Fb%2fc"), "a/b/c");
    EXPECT_EQ(unescape("plain"), "plain");
    EXPECT_EQ(unescape(""), "");
    EXPECT_EQ(unescape("%00"), std::string(1, '\0'));
    EXPECT_EQ(unescape("%4"), std::nullopt);
    EXPECT_EQ(unescape("%zz"), std::nullopt);
    EXPECT_EQ(unescape("abc%"), std::nullopt);
}

bool equiv(std::string_view a, std::string_view b) {
    return equivalent(must_parse(a), must_parse(b)) && equivalent(must_parse(b), must_parse(a));
}

TEST(uri_test, rfc3261_equivalent_pairs) {
    // RFC 3261 §19.1.4, the equivalent examples.
    EXPECT_TRUE(
        equiv("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
    EXPECT_TRUE(equiv("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
    EXPECT_TRUE(equiv("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"));
    EXPECT_TRUE(equiv("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"));
    EXPECT_TRUE(equiv("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
                      "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
    EXPECT_TRUE(equiv("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
                      "sip:alice@atlanta.com?priority=urgent&subject=project%20x"));
    EXPECT_TRUE(equiv("sip:[2001:DB8::1]", "sip:[2001:db8::1]"));
    EXPECT_TRUE(equiv("tel:+1234", "TEL:+1234"));
}

TEST(uri_test, rfc3261_non_equivalent_pairs) {
    // RFC 3261 §19.1.4, the non-equivalent examples.
    EXPECT_FALSE(
        equiv("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
    EXPECT_FALSE(equiv("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
    EXPECT_FALSE(equiv("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
    EXPECT_FALSE(equiv("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"));
    EXPECT_FALSE(equiv("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
    EXPECT_FALSE(equiv("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
    // More: scheme, password, parameters that must match, parameters present on both sides.
    EXPECT_FALSE(equiv("sip:alice@atlanta.com", "sips:alice@atlanta.com"));
    EXPECT_FALSE(equiv("sip:alice:a@atlanta.com", "sip:alice:b@atlanta.com"));
    EXPECT_FALSE(equiv("sip:alice@atlanta.com;user=phone", "sip:alice@atlanta.com"));
    EXPECT_FALSE(equiv("sip:alice@atlanta.com;maddr=239.1.1.1", "sip:alice@atlanta.com"));
    EXPECT_FALSE(equiv("sip:alice@atlanta.com;ttl=1", "sip:alice@atlanta.com"));
    EXPECT_FALSE(equiv("sip:alice@atlanta.com;method=INVITE", "sip:alice@atlanta.com"));
    EXPECT_FALSE(equiv("sip:alice@atlanta.com;foo=1", "sip:alice@atlanta.com;foo=2"));
    EXPECT_FALSE(equiv("sip:a@h.example.com?x=1", "sip:a@h.example.com?x=2"));
    EXPECT_FALSE(equiv("sip:a@h.example.com?x=1&x=1", "sip:a@h.example.com?x=1"));
    EXPECT_FALSE(equiv("tel:+1234", "tel:+1235"));
    EXPECT_FALSE(equiv("sip:alice@atlanta.com", "tel:alice"));
}

}  // namespace
}  // namespace ringstorm::sip
