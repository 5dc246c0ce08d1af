// The embedded target's first look at a frame: OPTIONS, ACK, 405/501/481, 400 with a
// located reason, 483, stray responses and undecodable garbage.
#include <gtest/gtest.h>

#include "engine/sip/headers.hpp"
#include "engine/target/intake.hpp"
#include "tests/unit/target/target_support.hpp"

namespace ringstorm::target {
namespace {

using namespace test;

std::string request_text(const std::string& method, const std::string& extra = "",
                         const std::string& cseq_method = "") {
    return method +
           " sip:example.com SIP/2.0\r\n"
           "Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK77\r\n"
           "Max-Forwards: 70\r\n"
           "To: <sip:10001@example.com>\r\n"
           "From: <sip:10002@example.com>;tag=abc\r\n"
           "Call-ID: c1\r\n"
           "CSeq: 5 " +
           (cseq_method.empty() ? method : cseq_method) + "\r\n" + extra +
           "Content-Length: 0\r\n\r\n";
}

intake_result take(intake& in, const std::string& text) {
    return in.take(text);
}

TEST(intake, options_gets_200_with_allow_and_accept) {
    intake in;
    auto r = take(in, request_text("OPTIONS"));
    ASSERT_EQ(r.action, intake_action::reply);
    EXPECT_EQ(r.message.status(), 200);
    EXPECT_EQ(r.message.get(sip::header_id::allow),
              std::optional<std::string_view>("REGISTER, OPTIONS, ACK, BYE, CANCEL"));
    EXPECT_EQ(r.message.get(sip::header_id::accept),
              std::optional<std::string_view>("application/sdp"));
    EXPECT_FALSE(sip::to_tag(r.message).empty());
    EXPECT_EQ(sip::call_id(r.message), "c1");
    EXPECT_EQ(in.stats().options, 1u);
}

TEST(intake, register_goes_to_the_registrar_with_its_aor) {
    intake in;
    auto r = take(in, register_text({}));
    ASSERT_EQ(r.action, intake_action::register_);
    EXPECT_EQ(r.aor, "sip:10001@example.com");
    EXPECT_EQ(r.message.method(), sip::method::register_);
}

TEST(intake, ack_is_never_answered) {
    intake in;
    EXPECT_EQ(take(in, request_text("ACK")).action, intake_action::none);
    EXPECT_EQ(in.stats().acks, 1u);
}

TEST(intake, known_methods_get_405_with_allow_and_unknown_ones_501) {
    intake in;
    for (const char* m : {"INVITE", "SUBSCRIBE", "PUBLISH", "MESSAGE", "INFO", "REFER"}) {
        auto r = take(in, request_text(m));
        ASSERT_EQ(r.action, intake_action::reply) << m;
        EXPECT_EQ(r.message.status(), 405) << m;
        EXPECT_TRUE(r.message.get(sip::header_id::allow).has_value()) << m;
    }
    auto r = take(in, request_text("FROBNICATE"));
    EXPECT_EQ(r.message.status(), 501);
    EXPECT_EQ(in.stats().unsupported, 7u);
}

TEST(intake, bye_and_cancel_match_nothing_here) {
    intake in;
    EXPECT_EQ(take(in, request_text("BYE")).message.status(), 481);
    EXPECT_EQ(take(in, request_text("CANCEL")).message.status(), 481);
    EXPECT_EQ(in.stats().no_transaction, 2u);
}

TEST(intake, protocol_faults_get_400_saying_what) {
    intake in;
    auto mismatch = take(in, request_text("OPTIONS", "", "INVITE"));
    ASSERT_EQ(mismatch.action, intake_action::reply);
    EXPECT_EQ(mismatch.message.status(), 400);
    EXPECT_NE(mismatch.message.reason().find("CSeq method"), std::string_view::npos);

    std::string no_mf = request_text("OPTIONS");
    no_mf.erase(no_mf.find("Max-Forwards: 70\r\n"), 18);
    auto missing = take(in, no_mf);
    EXPECT_EQ(missing.message.status(), 400);
    EXPECT_NE(missing.message.reason().find("Max-Forwards"), std::string_view::npos);

    auto bad_line = take(in, request_text("OPTIONS", "this line has no colon\r\n"));
    EXPECT_EQ(bad_line.message.status(), 400);
    EXPECT_NE(bad_line.message.reason().find("no colon"), std::string_view::npos);
    EXPECT_EQ(in.stats().bad_requests, 3u);
}

TEST(intake, max_forwards_zero_is_483_except_for_options) {
    intake in;
    std::string text = request_text("INVITE");
    text.replace(text.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
    EXPECT_EQ(take(in, text).message.status(), 483);
    std::string options = request_text("OPTIONS");
    options.replace(options.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
    EXPECT_EQ(take(in, options).message.status(), 200);
}

TEST(intake, unparseable_but_addressable_gets_a_located_400) {
    intake in;
    std::string text = request_text("OPTIONS");
    text.erase(text.find("From:"), text.find("Call-ID:") - text.find("From:"));
    auto r = take(in, text);
    ASSERT_EQ(r.action, intake_action::reply);
    EXPECT_EQ(r.message.status(), 400);
    EXPECT_NE(r.message.reason().find("From"), std::string_view::npos) << r.message.reason();
    EXPECT_EQ(sip::top_via(r.message)->branch(), "z9hG4bK77");
    EXPECT_EQ(sip::cseq_of(r.message)->number, 5u);
}

TEST(intake, unaddressable_garbage_and_stray_responses_are_dropped) {
    intake in;
    EXPECT_EQ(take(in, "hello there").action, intake_action::none);
    std::string no_via = request_text("OPTIONS");
    no_via.erase(no_via.find("Via:"), no_via.find("Max-Forwards:") - no_via.find("Via:"));
    EXPECT_EQ(take(in, no_via).action, intake_action::none);
    EXPECT_EQ(in.stats().dropped, 2u);
    const std::string response =
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS h.invalid;branch=z9hG4bK1\r\n"
        "To: <sip:a@b>;tag=1\r\nFrom: <sip:a@b>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n"
        "Content-Length: 0\r\n\r\n";
    EXPECT_EQ(take(in, response).action, intake_action::none);
    EXPECT_EQ(in.stats().stray_responses, 1u);
}

TEST(intake, the_same_request_gets_the_same_to_tag) {
    intake in;
    auto a = take(in, request_text("INVITE"));
    auto b = take(in, request_text("INVITE"));
    EXPECT_EQ(sip::to_tag(a.message), sip::to_tag(b.message));
    EXPECT_NE(sip::to_tag(a.message), sip::to_tag(take(in, request_text("MESSAGE")).message));
}

}  // namespace
}  // namespace ringstorm::target
