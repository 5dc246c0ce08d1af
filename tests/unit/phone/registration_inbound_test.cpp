// What the registration machine does with requests from the target and with bad input
// on its socket: answers like a phone without call support, counts protocol errors,
// keeps a bounded ladder, and never stops working.
#include "tests/unit/phone/registration_script.hpp"

namespace ringstorm::phone {
namespace {

using namespace test;
using ev = std::vector<std::string_view>;
constexpr auto documented = scenario::contract_profile::documented;

std::string request_to(std::string_view method, std::string_view uri) {
    std::string m{method};
    return m + " " + std::string(uri) +
           " SIP/2.0\r\n"
           "Via: SIP/2.0/WSS target.example;branch=z9hG4bKtarget1\r\n"
           "From: <sip:target@example.com>;tag=t1\r\n"
           "To: <" +
           std::string(uri) +
           ">\r\n"
           "Call-ID: inbound-1\r\n"
           "CSeq: 5 " +
           m +
           "\r\n"
           "Max-Forwards: 70\r\n"
           "Content-Length: 0\r\n\r\n";
}

// Registers, then sends `method` to the phone's Contact; returns the phone's answer.
std::optional<sip::message> answer_to(script& s, std::string_view method, std::string uri = {}) {
    if (uri.empty()) {
        uri = "sip:" + s.machine.identity().contact_user + "@" + s.machine.identity().host;
    }
    const auto before = s.sent.size();
    s.frame(request_to(method, uri));
    if (s.sent.size() == before) {
        return std::nullopt;
    }
    return s.sent.back();
}

TEST(registration_inbound, options_gets_200_and_no_event) {
    script s{documented};
    s.register_through_challenge();
    const auto events = s.events().size();
    auto r = answer_to(s, "OPTIONS");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status(), 200);
    EXPECT_EQ(sip::call_id(*r), "inbound-1");
    EXPECT_EQ(sip::cseq_of(*r)->method, sip::method::options);
    EXPECT_EQ(sip::top_via(*r)->branch(), "z9hG4bKtarget1");
    EXPECT_FALSE(sip::to_tag(*r).empty());
    EXPECT_TRUE(r->get(sip::header_id::allow));
    EXPECT_EQ(s.events().size(), events);
    EXPECT_TRUE(s.machine.registered());
}

TEST(registration_inbound, calls_are_refused_as_a_phone_without_calls) {
    script s{documented};
    s.register_through_challenge();
    EXPECT_EQ(answer_to(s, "INVITE")->status(), 480);
    EXPECT_FALSE(answer_to(s, "ACK"));  // the ACK of our 480 is absorbed
    EXPECT_EQ(answer_to(s, "BYE")->status(), 481);
    EXPECT_EQ(answer_to(s, "CANCEL")->status(), 481);
    auto r = answer_to(s, "MESSAGE");
    EXPECT_EQ(r->status(), 405);
    EXPECT_TRUE(r->get(sip::header_id::allow));
    // Addressed by AOR is fine; another user is not ours.
    EXPECT_EQ(answer_to(s, "OPTIONS", "sip:alice@example.com")->status(), 200);
    EXPECT_EQ(answer_to(s, "OPTIONS", "sip:bob@example.com")->status(), 404);
    EXPECT_FALSE(s.has_error("sip_parse"));
    EXPECT_TRUE(s.machine.registered());
}

TEST(registration_inbound, invite_of_a_dialog_it_does_not_have_gets_481) {
    script s{documented};
    s.register_through_challenge();
    const std::string uri =
        "sip:" + s.machine.identity().contact_user + "@" + s.machine.identity().host;
    std::string reinvite = request_to("INVITE", uri);
    reinvite.replace(reinvite.find("To: <" + uri + ">"), 6 + uri.size(),
                     "To: <" + uri + ">;tag=gone");
    s.frame(reinvite);
    EXPECT_EQ(s.sent.back().status(), 481);  // RFC 3261 §12.2.2
}

TEST(registration_inbound, a_frame_is_read_once_then_handled) {
    script s{documented};
    s.register_through_challenge();
    const std::string uri =
        "sip:" + s.machine.identity().contact_user + "@" + s.machine.identity().host;
    const auto ladder = s.machine.history().ladder.size();
    auto in = s.machine.read_frame(request_to("OPTIONS", uri), s.now);
    ASSERT_TRUE(in.message);
    EXPECT_TRUE(in.actions.empty());  // read, noted on the ladder, not yet counted
    EXPECT_EQ(s.machine.history().ladder.size(), ladder + 1);
    EXPECT_TRUE(s.machine.addressed_to_me(*in.message));
    auto out = s.machine.on_message(std::move(*in.message), s.now);
    EXPECT_EQ(out.front().type, action_type::sip_count);
    EXPECT_FALSE(s.machine.read_frame("\r\n\r\n", s.now).message);
    auto garbage = s.machine.read_frame("not SIP", s.now);
    EXPECT_FALSE(garbage.message);
    ASSERT_EQ(garbage.actions.size(), 1u);
    EXPECT_EQ(garbage.actions.front().error_kind, "sip_parse");
}

TEST(registration_inbound, garbage_is_a_protocol_error_and_the_phone_goes_on) {
    script s{documented};
    s.do_register();
    s.connected();
    s.frame("this is not SIP at all");
    s.frame(std::string("\x00\xff\x10", 3));
    s.frame("SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n");  // no Via, CSeq, Call-ID
    EXPECT_EQ(s.count(action_type::protocol_error), 3u);
    EXPECT_TRUE(s.has_error("sip_parse"));
    EXPECT_TRUE(s.machine.busy());  // the REGISTER is still waiting for its answer
    s.frame("\r\n\r\n");            // a keep-alive is nothing at all
    EXPECT_EQ(s.count(action_type::protocol_error), 3u);
    s.reply(s.ok());
    EXPECT_EQ(s.events(), (ev{"sent_request", "registered"}));
    const auto& ladder = s.machine.history().ladder;
    const bool noted = std::any_of(ladder.begin(), ladder.end(), [](const ladder_entry& e) {
        return e.text.rfind("unparsable SIP: ", 0) == 0;
    });
    EXPECT_TRUE(noted);
}

TEST(registration_inbound, responses_matching_no_transaction_are_stray) {
    script s{documented};
    s.register_through_challenge();
    auto late = s.ok();  // a retransmitted 200 after the transaction ended
    s.reply(late);
    EXPECT_TRUE(s.has_error("stray_response"));
    EXPECT_EQ(s.events(), (ev{"sent_request", "registered"}));
}

TEST(registration_inbound, provisional_responses_are_absorbed) {
    script s{documented};
    s.do_register();
    s.connected();
    s.reply(s.status(100));
    EXPECT_TRUE(s.machine.busy());
    EXPECT_FALSE(s.has_error("stray_response"));
    s.reply(s.ok());
    EXPECT_TRUE(s.machine.registered());
}

TEST(registration_inbound, sip_messages_are_counted_both_ways) {
    script s{documented};
    s.register_through_challenge();
    auto counted = [&](core::direction d, core::sip_method m, core::status_class c) {
        return std::count_if(s.all.begin(), s.all.end(), [&](const registration_action& a) {
            return a.type == action_type::sip_count && a.direction == d && a.method == m &&
                   a.status == c;
        });
    };
    using core::direction;
    using core::sip_method;
    using core::status_class;
    EXPECT_EQ(counted(direction::sent, sip_method::register_, status_class::request), 2);
    EXPECT_EQ(counted(direction::received, sip_method::register_, status_class::s4xx), 1);
    EXPECT_EQ(counted(direction::received, sip_method::register_, status_class::s2xx), 1);
}

TEST(registration_inbound, the_ladder_keeps_the_newest_within_its_limit) {
    auto config = make_config(documented);
    config.ladder_limit_bytes = 1500;
    script s{documented};
    s.machine = registration{config, 7};
    s.register_through_challenge();
    for (int i = 0; i < 20; ++i) {
        answer_to(s, "OPTIONS");
    }
    const auto& h = s.machine.history();
    std::size_t bytes = 0;
    for (const auto& e : h.ladder) {
        bytes += e.text.size();
    }
    EXPECT_LE(bytes, 1500u);
    EXPECT_GT(h.ladder_dropped, 0u);
    ASSERT_FALSE(h.ladder.empty());
    EXPECT_TRUE(h.ladder.back().sent);  // the last 200 OK we sent
    EXPECT_EQ(h.ladder.back().text.rfind("SIP/2.0 200", 0), 0u);
}

}  // namespace
}  // namespace ringstorm::phone
