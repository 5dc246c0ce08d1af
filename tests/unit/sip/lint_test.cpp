// Protocol rules reported on messages that parse (lint.hpp): each rule fires on the
// message that breaks it and stays quiet on a well-formed one.

#include "engine/sip/lint.hpp"

#include <gtest/gtest.h>

#include <string>

#include "engine/sip/parser.hpp"

namespace ringstorm::sip {
namespace {

message good_invite() {
    message m = message::request(method::invite, "sip:bob@example.com");
    m.add(header_id::via, "SIP/2.0/WSS a.invalid;branch=z9hG4bKgood");
    m.add(header_id::max_forwards, "70");
    m.add(header_id::from, "<sip:alice@example.com>;tag=1");
    m.add(header_id::to, "<sip:bob@example.com>");
    m.add(header_id::call_id, "abc@a.invalid");
    m.add(header_id::cseq, "1 INVITE");
    m.add(header_id::contact, "<sip:alice@a.invalid;transport=ws>");
    m.set_body("application/sdp", "v=0\r\n");
    return m;
}

message ok_response(int status) {
    message m = message::response(status, "X");
    m.add(header_id::via, "SIP/2.0/WSS a.invalid;branch=z9hG4bKgood");
    m.add(header_id::from, "<sip:alice@example.com>;tag=1");
    m.add(header_id::to, "<sip:bob@example.com>;tag=2");
    m.add(header_id::call_id, "abc@a.invalid");
    m.add(header_id::cseq, "1 INVITE");
    return m;
}

// The rules reported for m, joined; the only rule when there is exactly one.
std::string rules(const message& m) {
    std::string out;
    for (const lint_issue& i : lint(m)) {
        EXPECT_FALSE(i.detail.empty());
        out += out.empty() ? "" : ",";
        out += i.rule;
    }
    return out;
}

TEST(lint, well_formed_messages_are_clean) {
    EXPECT_EQ(rules(good_invite()), "");
    EXPECT_EQ(rules(ok_response(200)), "");
    EXPECT_EQ(rules(ok_response(100)), "");
}

TEST(lint, version) {
    message m = good_invite();
    auto r = parse(serialize(m).replace(27, 7, "SIP/3.0"));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(rules(*r), "sip.version");
    auto lower = parse(serialize(m).replace(27, 7, "sip/2.0"));
    ASSERT_TRUE(lower);
    EXPECT_EQ(rules(*lower), "");
}

TEST(lint, cseq_method_mismatch) {
    message m = good_invite();
    m.set(header_id::cseq, "1 BYE");
    EXPECT_EQ(rules(m), "sip.cseq_method_mismatch");
}

TEST(lint, max_forwards) {
    message m = good_invite();
    m.remove(header_id::max_forwards);
    EXPECT_EQ(rules(m), "sip.max_forwards_missing");
    m.add(header_id::max_forwards, "00");
    EXPECT_EQ(rules(m), "sip.max_forwards_zero");
}

TEST(lint, request_uri_scheme_and_unknown_method) {
    message m = message::request("FROB", "mailto:x@example.com");
    m.add(header_id::via, "SIP/2.0/WSS a.invalid;branch=z9hG4bKgood");
    m.add(header_id::max_forwards, "70");
    m.add(header_id::from, "<sip:alice@example.com>;tag=1");
    m.add(header_id::to, "<sip:bob@example.com>");
    m.add(header_id::call_id, "abc");
    m.add(header_id::cseq, "1 FROB");
    EXPECT_EQ(rules(m), "sip.method_unknown,sip.request_uri_scheme");
    message tel = message::request("FROB", "tel:+15551234");
    EXPECT_FALSE(has_issue(lint(tel), "sip.request_uri_scheme"));
}

TEST(lint, duplicate_single_headers) {
    message m = good_invite();
    m.add(header_id::to, "<sip:carol@example.com>");
    EXPECT_EQ(rules(m), "sip.duplicate_single_header");
    message ok = good_invite();
    ok.add(header_id::via, "SIP/2.0/UDP b.invalid;branch=z9hG4bKb");  // lists may repeat
    EXPECT_EQ(rules(ok), "");
}

TEST(lint, via_branch_and_protocol) {
    message m = good_invite();
    m.set(header_id::via, "SIP/2.0/UDP 192.0.2.1;branch=old2543");
    EXPECT_EQ(rules(m), "sip.via_branch_not_rfc3261");
    m.set(header_id::via, "SIP/2.0/UDP 192.0.2.1");
    EXPECT_EQ(rules(m), "sip.via_branch_not_rfc3261");
    m.set(header_id::via, "SIP / 2.0 / UDP 192.0.2.1;branch=z9hG4bK1");
    EXPECT_EQ(rules(m), "");
    m.set(header_id::via, "SIP/3.0/UDP 192.0.2.1;branch=z9hG4bK1");
    EXPECT_EQ(rules(m), "sip.via_protocol");
}

TEST(lint, tags_and_contact) {
    message m = good_invite();
    m.set(header_id::from, "<sip:alice@example.com>");
    m.remove(header_id::contact);
    EXPECT_EQ(rules(m), "sip.from_tag_missing,sip.contact_missing");
    message r = ok_response(200);
    r.set(header_id::to, "<sip:bob@example.com>");
    EXPECT_EQ(rules(r), "sip.to_tag_missing_in_2xx");
    message ringing = ok_response(180);
    ringing.set(header_id::to, "<sip:bob@example.com>");
    EXPECT_EQ(rules(ringing), "");
}

TEST(lint, body_call_id_and_expires) {
    message m = good_invite();
    m.remove(header_id::content_type);
    EXPECT_EQ(rules(m), "sip.content_type_missing");
    m = good_invite();
    m.set(header_id::call_id, "has space");
    EXPECT_EQ(rules(m), "sip.call_id_syntax");
    m = good_invite();
    m.add(header_id::expires, "99999999999");
    EXPECT_EQ(rules(m), "sip.expires_invalid");
    m.set(header_id::expires, "3600");
    EXPECT_EQ(rules(m), "");
}

TEST(lint, has_issue_finds_rules) {
    message m = good_invite();
    m.remove(header_id::max_forwards);
    const auto issues = lint(m);
    EXPECT_TRUE(has_issue(issues, "sip.max_forwards_missing"));
    EXPECT_FALSE(has_issue(issues, "sip.version"));
}

}  // namespace
}  // namespace ringstorm::sip
