// Typed header values (RFC 3261 §20, §25.1): name-addr/addr-spec with parameters, Via,
// CSeq, numbers, list splitting and quoting. Invalid values must fail at the offset of
// the fault, so the parser can point the user at it.
#include "engine/sip/headers.hpp"

#include <gtest/gtest.h>

namespace ringstorm::sip {
namespace {

template <class T>
T must(core::result<T, value_error> r, std::string_view text) {
    EXPECT_TRUE(r.has_value()) << text << ": " << (r ? "" : r.error().reason) << " at "
                               << (r ? 0 : r.error().offset);
    return r ? *r : T{};
}

template <class T>
void expect_error(const core::result<T, value_error>& r, std::string_view text,
                  std::size_t offset) {
    ASSERT_FALSE(r.has_value()) << text << " parsed";
    EXPECT_EQ(r.error().offset, offset) << text << ": " << r.error().reason;
}

name_addr addr(std::string_view v) {
    return must(parse_name_addr(v), v);
}
via via_of(std::string_view v) {
    return must(parse_via(v), v);
}
void addr_error(std::string_view v, std::size_t offset) {
    expect_error(parse_name_addr(v), v, offset);
}
void via_error(std::string_view v, std::size_t offset) {
    expect_error(parse_via(v), v, offset);
}
void cseq_error(std::string_view v, std::size_t offset) {
    expect_error(parse_cseq(v), v, offset);
}

TEST(name_addr_test, rfc3261_from_and_to) {
    const name_addr to = addr("Bob <sip:bob@biloxi.com>");
    EXPECT_EQ(to.display_name, "Bob");
    EXPECT_EQ(to.uri_text, "sip:bob@biloxi.com");
    EXPECT_EQ(to.uri.user, "bob");
    EXPECT_EQ(to.uri.host, "biloxi.com");
    EXPECT_EQ(to.tag(), "");
    EXPECT_TRUE(to.params.raw.empty());

    const name_addr from = addr("Alice <sip:alice@atlanta.com>;tag=1928301774");
    EXPECT_EQ(from.tag(), "1928301774");
    EXPECT_EQ(from.params.raw, ";tag=1928301774");

    const name_addr q = addr("\"A. G. Bell\" <sip:agb@bell-telephone.com> ;tag=a48s");
    EXPECT_EQ(q.display_name, "\"A. G. Bell\"");
    EXPECT_EQ(q.tag(), "a48s");
    EXPECT_EQ(unquote(q.display_name), "A. G. Bell");

    const name_addr compact = addr("sip:+12125551212@server.phone2net.com;tag=887s");
    EXPECT_TRUE(compact.display_name.empty());
    EXPECT_EQ(compact.uri_text, "sip:+12125551212@server.phone2net.com");
    EXPECT_EQ(compact.tag(), "887s");

    const name_addr anon = addr("Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8");
    EXPECT_EQ(anon.display_name, "Anonymous");
}

TEST(name_addr_test, addr_spec_params_belong_to_the_header) {
    // RFC 3261 §20.10: without <>, ";tag" and ";expires" are header parameters.
    const name_addr a = addr("sip:alice@atlanta.com;tag=abc;expires=60");
    EXPECT_EQ(a.uri_text, "sip:alice@atlanta.com");
    EXPECT_TRUE(a.uri.params.empty());
    EXPECT_EQ(a.tag(), "abc");
    EXPECT_EQ(a.params.get("Expires"), "60");

    // With <>, parameters inside are the URI's, outside are the header's.
    const name_addr b = addr("<sip:alice@atlanta.com;transport=ws;tag=in>;tag=out");
    EXPECT_EQ(b.uri.param("transport"), "ws");
    EXPECT_EQ(b.uri.param("tag"), "in");
    EXPECT_EQ(b.tag(), "out");
}

TEST(name_addr_test, unusual_display_names) {
    // RFC 4475 §3.1.1.1 flavour: escaped quotes and backslashes, non-ASCII, tabs.
    const name_addr a =
        addr("\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>;tag=98asjd8");
    EXPECT_EQ(unquote(a.display_name), "J Rosenberg \\\"");
    EXPECT_EQ(a.tag(), "98asjd8");
    const name_addr b = addr(
        "\"\xC3\x9C"
        "ber Caf\xC3\xA9\" <sip:u@example.com>");
    EXPECT_EQ(unquote(b.display_name),
              "\xC3\x9C"
              "ber Caf\xC3\xA9");
    const name_addr c = addr("  Mr.  J. User   <sip:j.user@example.com>  ;  tag = 12 ");
    EXPECT_EQ(c.display_name, "Mr.  J. User");
    EXPECT_EQ(c.tag(), "12");
    const name_addr d = addr("\"\" <sip:empty@example.com>");
    EXPECT_EQ(d.display_name, "\"\"");
    EXPECT_EQ(unquote(d.display_name), "");
    const name_addr e = addr("\"with, comma; and <angle>\"<sip:x@example.com>");
    EXPECT_EQ(e.uri.user, "x");
    const name_addr f = addr("\t\"tab\"\t<sip:t@example.com>\t;\ttag=t");
    EXPECT_EQ(f.tag(), "t");
}

TEST(name_addr_test, rfc4475_flavoured_values) {
    // wsinv: LWS around '=' and ';' in Contact parameters, quoted pairs in the display name.
    const name_addr a = addr(
        "\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam = newvalue ;"
        "  secondparam ; q = 0.33");
    EXPECT_EQ(unquote(a.display_name), "Quoted string \"\"");
    EXPECT_EQ(a.params.get("newparam"), "newvalue");
    EXPECT_EQ(a.params.get("secondparam"), std::string_view{});
    EXPECT_EQ(a.params.get("q"), "0.33");
    // lwsdisp: no space between a token display name and '<'.
    const name_addr b = addr("caller<sip:caller@example.com>;tag=323");
    EXPECT_EQ(b.display_name, "caller");
    EXPECT_EQ(b.tag(), "323");
    // esc01/escnull: escaped characters, even an escaped NUL, are valid in the user part.
    EXPECT_EQ(addr("sip:sips%3Auser%40example.com@example.net").uri.user,
              "sips%3Auser%40example.com");
    EXPECT_EQ(unescape(addr("<sip:null-%00-null@example.com>").uri.user),
              std::string("null-\0-null", 11));
    EXPECT_EQ(addr("<sip:%75se%72@example.com>").uri.user, "%75se%72");
    // semiuri: a ';' inside the user part only works inside <>.
    EXPECT_EQ(addr("<sip:user;par=u%40example.net@example.com>").uri.host, "example.com");
    // escruri: escaped header in a bracketed URI.
    EXPECT_EQ(addr("<sip:user@example.com?Route=%3Csip:example.com%3E>").uri.headers,
              "Route=%3Csip:example.com%3E");
    // longreq: very long display names and tags are fine.
    const std::string long_tag(2000, 'x');
    const std::string v = "\"" + std::string(3000, 'n') + "\" <sip:a@example.com>;tag=" + long_tag;
    EXPECT_EQ(addr(v).tag(), long_tag);
}

TEST(name_addr_test, rfc4475_flavoured_invalid_values) {
    addr_error("\"Mr. J. User <sip:j.user@example.com>", 0);  // quotbal: unbalanced quote
    addr_error("Bell, Alexander <sip:a.g.bell@bell-tel.com>;tag=43", 4);  // baddn: ',' unquoted
    // badaspec: '?' in an addr-spec requires <> (RFC 3261 §20.10).
    addr_error("sip:user@example.com?Route=%3Csip:sip.example.com%3E", 20);
    addr_error("<sip:user@example.com?Route=<sip:sip.example.com>>", 28);
    addr_error("\"\" <sip:a@example.com>;tag=1;tag", 32);  // a second tag without a value
}

TEST(name_addr_test, other_uris_and_contact_forms) {
    const name_addr t = addr("<tel:+1-201-555-0123>");
    EXPECT_EQ(t.uri.scheme, "tel");
    EXPECT_EQ(t.uri.opaque, "+1-201-555-0123");
    const name_addr v6 = addr("<sip:[2001:db8::10]:5070>;expires=3600;q=0.7");
    EXPECT_EQ(v6.uri.host, "[2001:db8::10]");
    EXPECT_EQ(v6.params.get("q"), "0.7");
    const name_addr ws = addr(
        "<sip:a8b2k1@df7jal23ls0d.invalid;transport=ws>;+sip.ice;reg-id=1;"
        "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"");
    EXPECT_EQ(ws.params.get("+sip.instance"),
              "\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"");
    EXPECT_TRUE(ws.params.has("+SIP.ICE"));
    EXPECT_EQ(ws.params.get("+sip.ice"), std::string_view{});
    EXPECT_FALSE(ws.params.has("ice"));

    const name_addr star = addr(" * ");
    EXPECT_TRUE(star.wildcard);
    EXPECT_FALSE(addr("<sip:a@b.example.com>").wildcard);
}

TEST(name_addr_test, errors_are_located) {
    addr_error("", 0);
    addr_error("   ", 3);
    addr_error("\"Bob <sip:bob@biloxi.com>", 0);  // unterminated quote
    addr_error("\"Bob\" sip:bob@biloxi.com", 6);  // quoted name needs <>
    addr_error("Bob <sip:bob@biloxi.com", 4);     // missing '>'
    addr_error("<sip:bob@biloxi.com> junk", 21);
    addr_error("<sip:bob@biloxi.com>;tag=a b", 27);
    addr_error("<sip:bob@biloxi.com>;", 21);  // empty parameter
    addr_error("<sip:bob@biloxi.com>;tag=", 25);
    addr_error("<sip:bob@biloxi.com>;tag=\"x\"", 25);  // tag is a token
    addr_error("<sip:bob@biloxi.com>;q=1.5", 23);
    addr_error("<sip:bob@biloxi.com>;expires=soon", 29);
    addr_error("<sip:bob@bi loxi.com>", 11);  // URI offsets mapped into the value
    addr_error("Bob <sip:b%zzob@biloxi.com>", 10);
    addr_error("sip:bob@biloxi.com:99999;tag=1", 19);
    addr_error("Bob", 3);  // no URI at all
    addr_error("<bob@biloxi.com>", 4);
    addr_error("sip:a@b.example.com, sip:c@d.example.com", 19);  // one entry only
    addr_error("\"ctl\x01\" <sip:a@b.example.com>", 4);
    addr_error("* ;expires=0", 0);
}

TEST(name_addr_test, lists_of_contacts) {
    const auto list = must(
        parse_name_addr_list("<sip:a@one.example.com>;q=0.5, \"B, Jr\" <sip:b@two.example.com>,"
                             "sip:c@three.example.com;expires=10"),
        "list");
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].uri.host, "one.example.com");
    EXPECT_EQ(list[1].display_name, "\"B, Jr\"");
    EXPECT_EQ(list[2].params.get("expires"), "10");

    const std::string_view bad = "<sip:a@one.example.com>, <sip:b@two.example.com;;>";
    expect_error(parse_name_addr_list(bad), bad, 48);
    expect_error(parse_name_addr_list(" , "), " , ", 1);
}

TEST(via_test, rfc3261_examples) {
    const via a = via_of("SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds");
    EXPECT_EQ(a.protocol, "SIP/2.0");
    EXPECT_EQ(a.transport, "UDP");
    EXPECT_EQ(a.host, "pc33.atlanta.com");
    EXPECT_FALSE(a.port.has_value());
    EXPECT_EQ(a.branch(), "z9hG4bK776asdhds");
    EXPECT_TRUE(a.rfc3261_branch());
    EXPECT_EQ(a.received(), std::nullopt);
    EXPECT_EQ(a.rport(), std::nullopt);

    const via b = via_of(
        "SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2");
    EXPECT_EQ(b.received(), "192.0.2.2");

    const via c = via_of(
        "SIP/2.0/UDP first.example.com:4000;ttl=16;maddr=224.2.0.1;branch=z9hG4bKa7c6a8dlze.1");
    EXPECT_EQ(*c.port, 4000);
    EXPECT_EQ(c.params.get("ttl"), "16");
    EXPECT_EQ(c.params.get("maddr"), "224.2.0.1");

    // §20.42's own example with LWS around every separator.
    const via d = via_of(
        "SIP / 2.0 / UDP first.example.com: 4000;ttl=16 ;maddr=224.2.0.1 "
        ";branch=z9hG4bKa7c6a8dlze.1");
    EXPECT_EQ(d.protocol, "SIP / 2.0");
    EXPECT_EQ(d.transport, "UDP");
    EXPECT_EQ(d.host, "first.example.com");
    EXPECT_EQ(*d.port, 4000);
    EXPECT_EQ(d.branch(), "z9hG4bKa7c6a8dlze.1");

    const via old = via_of("SIP/2.0/UDP 192.0.2.1:5060;branch=1");
    EXPECT_FALSE(old.rfc3261_branch());
    EXPECT_EQ(old.host, "192.0.2.1");
}

TEST(via_test, websocket_rport_and_ipv6) {
    // RFC 7118 §5.3: WSS with an .invalid host; RFC 3581 rport with and without a value.
    const via a = via_of("SIP/2.0/WSS df7jal23ls0d.invalid;rport;branch=z9hG4bKvjt3o1ta");
    EXPECT_EQ(a.transport, "WSS");
    EXPECT_EQ(a.rport(), std::string_view{});
    EXPECT_TRUE(a.rport().has_value());
    const via b =
        via_of("SIP/2.0/UDP 10.0.0.1:5060;rport=37211;received=203.0.113.9;branch=z9hG4bK1");
    EXPECT_EQ(b.rport(), "37211");
    EXPECT_EQ(b.received(), "203.0.113.9");
    const via c =
        via_of("SIP/2.0/TCP [2001:db8::9:1]:5061;branch=z9hG4bKas3;received=2001:db8::9:255");
    EXPECT_EQ(c.host, "[2001:db8::9:1]");
    EXPECT_EQ(*c.port, 5061);
    EXPECT_EQ(c.received(), "2001:db8::9:255");
    const via d = via_of("SIP/2.0/UDP h.example.com;branch=z9hG4bK1;x-ext=\"quoted; value\";flag");
    EXPECT_EQ(d.params.get("x-ext"), "\"quoted; value\"");
    EXPECT_TRUE(d.params.has("FLAG"));
}

TEST(via_test, errors_are_located) {
    via_error("", 0);
    via_error("SIP/2.0 host.example.com", 8);    // missing transport '/'
    via_error("SIP/2.0/ host.example.com", 25);  // SLASH allows LWS: the host reads as transport
    via_error("SIP/2.0/;branch=z9hG4bK1", 8);
    via_error("SIP/2.0/UDPhost.example.com", 27);
    via_error("SIP/2.0/UDP", 11);
    via_error("SIP/2.0/UDP host.example.com:0;branch=z9hG4bK1", 29);
    via_error("SIP/2.0/UDP host.example.com:70000", 29);
    via_error("SIP/2.0/UDP host.example.com:;branch=z9hG4bK1", 29);
    via_error("SIP/2.0/UDP host..example.com", 17);
    via_error("SIP/2.0/UDP [2001:db8::1;branch=z9hG4bK1", 12);
    via_error("SIP/2.0/UDP host.example.com;branch=", 36);
    via_error("SIP/2.0/UDP host.example.com;branch", 35);
    via_error("SIP/2.0/UDP host.example.com;branch=\"z9hG4bK\"", 36);
    via_error("SIP/2.0/UDP host.example.com;ttl=256", 33);
    via_error("SIP/2.0/UDP host.example.com;received=host.example.com", 38);
    via_error("SIP/2.0/UDP host.example.com;received=1.2.3.999", 38);
    via_error("SIP/2.0/UDP host.example.com;rport=0", 35);
    via_error("SIP/2.0/UDP host.example.com;rport=abc", 35);
    via_error("SIP/2.0/UDP host.example.com;maddr=-x", 35);
    via_error("SIP/2.0/UDP host.example.com;branch=z9hG4bK1 extra", 45);
    via_error("SIP/2.0/UDP host.example.com;;branch=z9hG4bK1", 29);
    via_error("SIP/2.0/UDP host.example.com, SIP/2.0/UDP other.example.com", 28);
}

TEST(cseq_test, valid_values) {
    const cseq a = must(parse_cseq("314159 INVITE"), "a");
    EXPECT_EQ(a.number, 314159u);
    EXPECT_EQ(a.method, method::invite);
    EXPECT_EQ(a.method_text, "INVITE");
    const cseq b = must(parse_cseq("  1\t REGISTER  "), "b");
    EXPECT_EQ(b.method, method::register_);
    const cseq c = must(parse_cseq("2147483647 FOO"), "c");
    EXPECT_EQ(c.number, 2147483647u);
    EXPECT_EQ(c.method, method::unknown);
    EXPECT_EQ(c.method_text, "FOO");
    EXPECT_EQ(must(parse_cseq("0 ACK"), "0").number, 0u);
    EXPECT_EQ(must(parse_cseq("1 invite"), "lower").method, method::unknown);  // case-sensitive
}

TEST(via_test, rfc4475_flavoured_values) {
    // wsinv: spaces around every separator, including after '=' of a parameter.
    const auto entries = split_list(
        "SIP/2.0/TCP spindle.example.com ;branch=z9hG4bK9ikj8 , SIP/2.0/UDP 192.168.255.111 ; "
        "branch= z9hG4bK30239");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(via_of(entries[0]).branch(), "z9hG4bK9ikj8");
    EXPECT_EQ(via_of(entries[1]).branch(), "z9hG4bK30239");
    // transports: unknown transport tokens are carried as written.
    EXPECT_EQ(via_of("SIP/2.0/TLS-SCTP t.example.com;branch=z9hG4bKz").transport, "TLS-SCTP");
    EXPECT_EQ(via_of("SIP/2.0/UNKNOWN t.example.com;branch=z9hG4bKz").transport, "UNKNOWN");
    // ipv6: bracketed received.
    EXPECT_EQ(via_of("SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3")
                  .received(),
              "[2001:db8::9:255]");
    // Folding the parser may leave behind.
    EXPECT_EQ(via_of("SIP/2.0/UDP h.example.com\r\n ;branch=z9hG4bK1").branch(), "z9hG4bK1");
}

TEST(cseq_test, errors_are_located) {
    cseq_error("", 0);
    cseq_error("INVITE", 0);
    cseq_error(" 2147483648 INVITE", 1);  // RFC 3261 §8.1.1.5: below 2**31
    cseq_error("99999999999999999999999 INVITE", 0);
    cseq_error("1INVITE", 1);
    cseq_error("1 ", 2);
    cseq_error("1 INVITE extra", 9);
    cseq_error("1 INV@ITE", 5);
    cseq_error("-1 INVITE", 0);
    cseq_error("36893488147419103232 INVITE", 0);  // scalar02: 2**65
    cseq_error("1 INVITE\x01", 8);
}

TEST(number_test, bounded_decimal) {
    EXPECT_EQ(must(parse_number(" 70 ", 255), "70"), 70u);
    EXPECT_EQ(must(parse_number("0", 255), "0"), 0u);
    EXPECT_EQ(must(parse_number("4294967295", 0xFFFFFFFFu), "max"), 0xFFFFFFFFu);
    expect_error(parse_number("256", 255), "256", 0);
    expect_error(parse_number(" 99999999999999999999", 0xFFFFFFFFu), "huge", 1);
    expect_error(parse_number("", 10), "empty", 0);
    expect_error(parse_number("1 2", 10), "1 2", 2);
    expect_error(parse_number("+5", 10), "+5", 0);
    expect_error(parse_number("5x", 10), "5x", 1);
}

TEST(split_list_test, respects_quotes_and_angles) {
    using list = std::vector<std::string_view>;
    EXPECT_EQ(split_list("INVITE, ACK,BYE , ,CANCEL"), (list{"INVITE", "ACK", "BYE", "CANCEL"}));
    EXPECT_EQ(split_list("\"Doe, John\" <sip:j@example.com>, <sip:x@example.com;a=b,c>"),
              (list{"\"Doe, John\" <sip:j@example.com>", "<sip:x@example.com;a=b,c>"}));
    EXPECT_EQ(split_list("\"a \\\" , b\" <sip:a@example.com>,c"),
              (list{"\"a \\\" , b\" <sip:a@example.com>", "c"}));
    EXPECT_EQ(split_list("SIP/2.0/UDP a.example.com;branch=z9hG4bK1 ,SIP/2.0/TCP b.example.com"),
              (list{"SIP/2.0/UDP a.example.com;branch=z9hG4bK1", "SIP/2.0/TCP b.example.com"}));
    EXPECT_EQ(split_list(""), list{});
    EXPECT_EQ(split_list(" , , "), list{});
    EXPECT_EQ(split_list("\"unterminated, quote"), list{"\"unterminated, quote"});
}

TEST(split_list_test, auth_headers_split_only_between_challenges) {
    using list = std::vector<std::string_view>;
    const std::string_view one =
        "Digest realm=\"atlanta.com\", domain=\"sip:boxesbybob.com\", qop=\"auth\", "
        "nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5";
    EXPECT_EQ(split_list(one), list{one});
    EXPECT_EQ(
        split_list("Digest realm=\"a\", algorithm=SHA-256, Digest realm=\"a\", algorithm=MD5"),
        (list{"Digest realm=\"a\", algorithm=SHA-256", "Digest realm=\"a\", algorithm=MD5"}));
}

TEST(quoting_test, unquote_and_quote) {
    EXPECT_EQ(unquote("\"abc\""), "abc");
    EXPECT_EQ(unquote("  \"a\\\"b\\\\c\"  "), "a\"b\\c");
    EXPECT_EQ(unquote("token"), "token");
    EXPECT_EQ(unquote("\"\""), "");
    EXPECT_EQ(unquote("\"open"), std::nullopt);
    EXPECT_EQ(unquote("\"a\"b"), std::nullopt);
    EXPECT_EQ(unquote("\"ends with backslash\\\""), std::nullopt);
    EXPECT_EQ(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(quote("line\r\nX-Injected: 1"), "\"line  X-Injected: 1\"");
    for (std::string_view s : {"", "plain", "J Rosenberg \\\"", "\xC3\xA9t\xC3\xA9", "a,b;c<d>"}) {
        EXPECT_EQ(unquote(quote(s)), s);
        // A quoted display name always parses back as one.
        const std::string v = quote(s) + " <sip:a@example.com>";
        EXPECT_TRUE(parse_name_addr(v).has_value()) << v;
    }
}

TEST(token_test, rfc3261_token_characters) {
    EXPECT_TRUE(is_token("z9hG4bK-._!%*+`'~"));
    EXPECT_TRUE(is_token("INVITE"));
    EXPECT_FALSE(is_token(""));
    EXPECT_FALSE(is_token("a b"));
    EXPECT_FALSE(is_token("a:b"));
    EXPECT_FALSE(is_token("a\"b"));
    EXPECT_FALSE(is_token("a/b"));
    EXPECT_FALSE(is_token("\xC3\xA9"));
}

message sample_invite() {
    auto m = message::request(method::invite, "sip:bob@biloxi.com");
    m.add(
        "v",
        "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds8;rport, SIP/2.0/UDP b.example.com");
    m.add(header_id::via, "SIP/2.0/UDP second.example.com;branch=z9hG4bK2");
    m.add(header_id::max_forwards, "70");
    m.add(header_id::to, "Bob <sip:bob@biloxi.com>;tag=a6c85cf");
    m.add("f", "Alice <sip:alice@atlanta.com>;tag=1928301774");
    m.add(header_id::call_id, "a84b4c76e66710@pc33.atlanta.com");
    m.add(header_id::cseq, "314159 INVITE");
    return m;
}

TEST(message_views_test, conveniences_read_the_first_line) {
    const message m = sample_invite();
    const via v = must(top_via(m), "top via");
    EXPECT_EQ(v.host, "df7jal23ls0d.invalid");
    EXPECT_EQ(v.branch(), "z9hG4bKnashds8");
    const cseq c = must(cseq_of(m), "cseq");
    EXPECT_EQ(c.number, 314159u);
    EXPECT_EQ(c.method, method::invite);
    EXPECT_EQ(from_tag(m), "1928301774");
    EXPECT_EQ(to_tag(m), "a6c85cf");
    EXPECT_EQ(call_id(m), "a84b4c76e66710@pc33.atlanta.com");
}

TEST(message_views_test, missing_or_broken_headers) {
    const message empty = message::response(200, "OK");
    EXPECT_FALSE(top_via(empty).has_value());
    EXPECT_FALSE(cseq_of(empty).has_value());
    EXPECT_EQ(from_tag(empty), "");
    EXPECT_EQ(to_tag(empty), "");
    EXPECT_EQ(call_id(empty), "");

    auto m = message::response(200, "OK");
    m.add(header_id::via, " , SIP/2.0/UDP h.example.com;branch=z9hG4bK1;ttl=999");
    m.add(header_id::to, "<sip:bob@biloxi.com");
    auto v = top_via(m);
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().offset, 3 + 46);  // offsets count from the start of the header value
    EXPECT_EQ(to_tag(m), "");
}

}  // namespace
}  // namespace ringstorm::sip
