// The REGISTER on the wire, as the contract's "Wire behaviour" describes SIP.js's.
#include <gtest/gtest.h>

#include <regex>

#include "engine/phone/register_request.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"

namespace ringstorm::phone {
namespace {

TEST(register_request, wire_format_of_the_first_register) {
    std::mt19937_64 rng{42};
    const auto id = make_identity(rng);
    EXPECT_TRUE(std::regex_match(id.contact_user, std::regex("[a-z0-9]{8}")));
    EXPECT_TRUE(std::regex_match(id.host, std::regex("[a-z0-9]{12}\\.invalid")));
    const register_fields fields{
        "example.com", "alice", "Alice Smith", 2, 300, "z9hG4bK0123456789abcdef"};
    const std::string text = sip::serialize(build_register(id, fields));
    const std::string expected =
        "REGISTER sip:example.com SIP/2.0\r\n"
        "Via: SIP/2.0/WSS " +
        id.host +
        ";branch=z9hG4bK0123456789abcdef\r\n"
        "To: <sip:alice@example.com>\r\n"
        "From: \"Alice Smith\" <sip:alice@example.com>;tag=" +
        id.from_tag +
        "\r\n"
        "CSeq: 2 REGISTER\r\n"
        "Call-ID: " +
        id.call_id +
        "\r\n"
        "Max-Forwards: 70\r\n"
        "Contact: <sip:" +
        id.contact_user + "@" + id.host +
        ";transport=wss>;expires=300\r\n"
        "Allow: ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER\r\n"
        "Supported: outbound, path, gruu\r\n"
        "User-Agent: SIP.js/0.20.0\r\n"
        "Content-Length: 0\r\n"
        "\r\n";
    EXPECT_EQ(text, expected);
    // And it is valid SIP by our own parser.
    auto parsed = sip::parse(text);
    ASSERT_TRUE(parsed) << parsed.error().to_string();
    EXPECT_FALSE(parsed->get(sip::header_id::expires));
}

TEST(register_request, no_display_name_and_deregister) {
    std::mt19937_64 rng{1};
    const auto id = make_identity(rng);
    const register_fields fields{"sip.example", "1001", "", 7, 0, "z9hG4bKaa"};
    const auto m = build_register(id, fields);
    EXPECT_EQ(*m.get(sip::header_id::from), "<sip:1001@sip.example>;tag=" + id.from_tag);
    EXPECT_EQ(*m.get(sip::header_id::contact), "<" + id.contact_uri() + ">;expires=0");
    EXPECT_EQ(*m.get(sip::header_id::cseq), "7 REGISTER");
}

TEST(register_request, credentials_go_after_max_forwards) {
    std::mt19937_64 rng{1};
    const auto id = make_identity(rng);
    const sip::credential_header cred{sip::header_id::authorization,
                                      "Digest username=\"1001\", realm=\"r\""};
    const auto m = build_register(id, {"d", "u", "", 3, 300, "z9hG4bKb"},
                                  std::span<const sip::credential_header>(&cred, 1));
    ASSERT_GT(m.header_count(), 6u);
    EXPECT_EQ(m.header(5).id, sip::header_id::max_forwards);
    EXPECT_EQ(m.header(6).id, sip::header_id::authorization);
    EXPECT_EQ(m.header(6).value, cred.value);
}

TEST(register_request, identities_are_random_but_reproducible) {
    std::mt19937_64 a{9};
    std::mt19937_64 b{9};
    const auto first = make_identity(a);
    const auto again = make_identity(b);
    EXPECT_EQ(first.call_id, again.call_id);
    const auto second = make_identity(a);
    EXPECT_NE(first.call_id, second.call_id);
    EXPECT_NE(first.contact_user, second.contact_user);
    EXPECT_NE(first.host, second.host);
}

}  // namespace
}  // namespace ringstorm::phone
