// The caller role once connected: BYE both ways, hold/unhold re-INVITEs and the answer's
// direction (RFC 3264 §6.1, RFC 6337), the callee's re-INVITE, INFO and out-of-order or
// out-of-dialog requests, DTMF, and the loss of the WebSocket.

#include <gtest/gtest.h>

#include "tests/unit/phone/outgoing_call_script.hpp"

namespace ringstorm::phone::test {
namespace {

using scenario::contract_profile;
using ev = std::vector<std::string_view>;
constexpr auto documented = contract_profile::documented;
constexpr auto sdk205 = contract_profile::exotel_web_sdk_2_0_5;

sdp::direction direction_in(const sip::message& m) {
    auto sd = sdp::parse(m.body());
    EXPECT_TRUE(sd) << m.body();
    if (!sd || sd->media.empty()) {
        return sdp::direction::inactive;
    }
    return sd->direction_of(sd->media.front());
}

TEST(outgoing_call_midcall, local_hangup_sends_bye_along_the_route_set) {
    for (auto profile : {documented, sdk205}) {
        caller_script s(profile);
        s.connect();
        const auto invite = s.last(sip::method::invite);
        const auto due = s.now;
        s.now += 5ms;
        s.take(s.machine.hangup(due, s.now));
        const auto& bye = s.sent.back();
        ASSERT_EQ(bye.method(), sip::method::bye);
        EXPECT_EQ(bye.request_uri(), callee_contact);
        EXPECT_EQ(bye.get(sip::header_id::route), proxy_route);
        EXPECT_EQ(sip::to_tag(bye), "callee1");
        EXPECT_EQ(sip::from_tag(bye), sip::from_tag(invite));
        EXPECT_EQ(sip::cseq_of(bye)->number, sip::cseq_of(invite)->number + 1);
        EXPECT_EQ(s.events(), (ev{"connected", "callEnded"}));
        EXPECT_EQ(s.machine.record().end, call_end::local_hangup);
        s.now += 20ms;
        s.in(s.reply(bye, 200));
        EXPECT_EQ(s.latency_of(core::step::bye), 25ms);  // from when the hangup was due
        EXPECT_FALSE(s.has(call_action_type::protocol_error, "stray_response"));
        s.run_for(40s);
        EXPECT_TRUE(s.machine.finished());
    }
}

TEST(outgoing_call_midcall, remote_bye_is_answered_and_ends_the_call) {
    for (auto profile : {documented, sdk205}) {
        caller_script s(profile);
        s.connect();
        s.in(s.request(sip::method::bye, 5, "bye1"));
        const auto& ok = s.sent.back();
        EXPECT_EQ(ok.status(), 200);
        EXPECT_EQ(sip::cseq_of(ok)->method, sip::method::bye);
        EXPECT_EQ(ok.get_all(sip::header_id::via).size(), 2U);  // back through the proxy
        EXPECT_EQ(s.machine.record().end, call_end::remote_bye);
        EXPECT_EQ(s.events().back(), profile == sdk205 ? "callEnded" : "terminated");
        EXPECT_EQ(s.events().size(), 2U);
        s.take(s.machine.hangup(s.now, s.now));
        EXPECT_TRUE(s.has(call_action_type::refused, "call_ended"));
    }
}

TEST(outgoing_call_midcall, hold_and_unhold_reinvite_with_latencies) {
    caller_script s(documented);
    s.connect();
    const auto due = s.now;
    s.take(s.machine.hold(due, s.now));
    auto hold = s.last(sip::method::invite);
    EXPECT_EQ(direction_in(hold), sdp::direction::sendonly);
    EXPECT_EQ(hold.request_uri(), callee_contact);
    EXPECT_EQ(hold.get(sip::header_id::route), proxy_route);
    EXPECT_EQ(hold.get(sip::header_id::contact), "<sip:k3j4@phone.invalid;transport=ws>");
    EXPECT_EQ(sip::to_tag(hold), "callee1");
    s.take(s.machine.hold(s.now, s.now));
    EXPECT_TRUE(s.has(call_action_type::refused, "offer_pending"));  // RFC 3261 §14.1
    s.now += 30ms;
    s.in(s.reply(hold, 200, caller_script::answer_to(hold, sdp::direction::sendrecv)));
    EXPECT_EQ(s.sent.back().method(), sip::method::ack);
    EXPECT_EQ(sip::cseq_of(s.sent.back())->number, sip::cseq_of(hold)->number);
    EXPECT_EQ(s.latency_of(core::step::hold), 30ms);
    EXPECT_TRUE(s.machine.record().held);
    EXPECT_EQ(s.machine.local_direction(), sdp::direction::sendonly);
    EXPECT_FALSE(s.has(call_action_type::protocol_error, "sdp_answer_direction"));

    s.take(s.machine.unhold(s.now, s.now));
    auto unhold = s.last(sip::method::invite);
    EXPECT_EQ(direction_in(unhold), sdp::direction::sendrecv);
    EXPECT_GT(sip::cseq_of(unhold)->number, sip::cseq_of(hold)->number);
    s.now += 10ms;
    s.in(s.reply(unhold, 200, caller_script::answer_to(unhold)));
    EXPECT_EQ(s.latency_of(core::step::unhold), 10ms);
    EXPECT_FALSE(s.machine.record().held);
    EXPECT_EQ(s.machine.local_direction(), sdp::direction::sendrecv);
    EXPECT_EQ(s.events(), ev{"connected"});  // no callback for hold/unhold
}

TEST(outgoing_call_midcall, hold_answered_sendrecv_breaks_rfc6337) {
    caller_script s(documented);
    s.connect();
    s.take(s.machine.hold(s.now, s.now));
    const auto hold = s.last(sip::method::invite);
    // A callee that answers sendrecv to our sendonly (its own answer built as if offered
    // sendrecv): only removing directions is allowed.
    auto answer = caller_script::answer_to(s.sent.front());
    s.in(s.reply(hold, 200, answer));
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "sdp_answer_direction"));
    EXPECT_EQ(s.machine.state(), outgoing_state::connected);
}

TEST(outgoing_call_midcall, hold_refused_is_reported_and_the_call_goes_on) {
    caller_script s(documented);
    s.connect();
    s.take(s.machine.hold(s.now, s.now));
    const auto hold = s.last(sip::method::invite);
    s.in(s.reply(hold, 488));
    EXPECT_EQ(s.sent.back().method(), sip::method::ack);  // the transaction's ACK
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "reinvite_refused"));
    EXPECT_FALSE(s.machine.record().held);
    EXPECT_EQ(s.machine.state(), outgoing_state::connected);
    s.take(s.machine.hold(s.now, s.now));  // the app may try again
    EXPECT_EQ(s.sent.back().method(), sip::method::invite);
}

TEST(outgoing_call_midcall, unanswered_reinvite_ends_the_call_with_bye) {
    for (auto profile : {documented, sdk205}) {
        caller_script s(profile);
        s.connect();
        s.take(s.machine.hold(s.now, s.now));
        s.run_for(33s);  // RFC 3261 §14.1: Timer B of the re-INVITE
        EXPECT_TRUE(s.has(call_action_type::protocol_error, "reinvite_timeout"));
        EXPECT_EQ(s.sent.back().method(), sip::method::bye);
        EXPECT_EQ(s.machine.record().end, call_end::reinvite_timeout);
        EXPECT_EQ(s.events().back(), profile == sdk205 ? "callEnded" : "terminated");
    }
}

TEST(outgoing_call_midcall, remote_hold_is_answered_recvonly_keeping_our_dtls_role) {
    caller_script s(documented);
    s.connect();  // the callee answered setup:active, so we are passive
    auto reinvite = s.request(sip::method::invite, 2, "rei1");
    auto offer = callee_media(sdp::direction::sendonly);
    offer.setup = sdp::setup_role::actpass;
    reinvite.set_body("application/sdp", sdp::serialize(sdp::build_webrtc_audio(offer)));
    s.in(reinvite);
    const auto ok = s.sent.back();
    ASSERT_EQ(ok.status(), 200);
    EXPECT_EQ(ok.get(sip::header_id::contact), "<sip:k3j4@phone.invalid;transport=ws>");
    EXPECT_EQ(direction_in(ok), sdp::direction::recvonly);
    auto sd = sdp::parse(ok.body());
    ASSERT_TRUE(sd);
    ASSERT_NE(sdp::find<sdp::setup_role>(sd->media.front().attributes), nullptr);
    EXPECT_EQ(*sdp::find<sdp::setup_role>(sd->media.front().attributes), sdp::setup_role::passive);
    // Our 2xx is retransmitted until the ACK (RFC 3261 §13.3.1.4), then no more.
    s.run_for(600ms);
    EXPECT_EQ(s.sent.back().status(), 200);
    const auto count = s.sent.size();
    s.in(s.request(sip::method::ack, 2, "ack2"));
    s.run_for(10s);
    EXPECT_EQ(s.sent.size(), count);
    // While held by them, our hold offers inactive (RFC 6337 §5.3).
    s.take(s.machine.hold(s.now, s.now));
    EXPECT_EQ(direction_in(s.last(sip::method::invite)), sdp::direction::inactive);
}

TEST(outgoing_call_midcall, offerless_reinvite_gets_our_offer_and_its_answer_in_the_ack) {
    caller_script s(documented);
    s.connect();
    s.in(s.request(sip::method::invite, 2, "rei2"));
    const auto ok = s.sent.back();
    ASSERT_EQ(ok.status(), 200);
    auto offer = sdp::parse(ok.body());
    ASSERT_TRUE(offer);
    EXPECT_EQ(*sdp::find<sdp::setup_role>(offer->media.front().attributes),
              sdp::setup_role::actpass);
    auto ack = s.request(sip::method::ack, 2, "ack3");
    ack.set_body("application/sdp", caller_script::answer_to(ok, sdp::direction::sendonly));
    s.in(ack);
    EXPECT_EQ(s.machine.local_direction(), sdp::direction::recvonly);
    EXPECT_FALSE(s.has(call_action_type::protocol_error, "sdp_answer"));
}

TEST(outgoing_call_midcall, info_options_and_unknown_methods_are_answered) {
    caller_script s(documented);
    s.connect();
    s.in(s.request(sip::method::info, 2, "inf1"));
    EXPECT_EQ(s.sent.back().status(), 200);
    s.in(s.request(sip::method::options, 3, "opt1"));
    EXPECT_EQ(s.sent.back().status(), 200);
    s.in(s.request(sip::method::message, 4, "msg1"));
    EXPECT_EQ(s.sent.back().status(), 501);
}

TEST(outgoing_call_midcall, cseq_going_backwards_is_refused_500) {
    caller_script s(documented);
    s.connect();
    s.in(s.request(sip::method::info, 7, "inf2"));
    s.in(s.request(sip::method::info, 6, "inf3"));
    EXPECT_EQ(s.sent.back().status(), 500);
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "cseq_out_of_order"));
}

TEST(outgoing_call_midcall, requests_outside_the_dialog_get_481) {
    caller_script s(documented);
    s.start();
    s.in(s.reply(s.sent[0], 180));
    // RFC 3261 §15: the callee may not send BYE before the 2xx.
    s.in(s.request(sip::method::bye, 2, "bye2"));
    EXPECT_EQ(s.sent.back().status(), 481);
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "no_dialog"));
    EXPECT_EQ(s.machine.state(), outgoing_state::ringing);
    // Another dialog's tag once connected.
    s.in(s.reply(s.sent[0], 200, caller_script::answer_to(s.sent[0])));
    auto other = s.request(sip::method::info, 3, "inf4");
    other.set(sip::header_id::from, "<sip:bob@example.com>;tag=someoneelse");
    s.in(other);
    EXPECT_EQ(s.sent.back().status(), 481);
    // A request of another call entirely.
    auto stranger = s.request(sip::method::info, 3, "inf5");
    stranger.set(sip::header_id::call_id, "another-call");
    s.in(stranger);
    EXPECT_EQ(s.sent.back().status(), 481);
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "wrong_call"));
}

TEST(outgoing_call_midcall, a_bye_crossing_ours_is_answered_200) {
    caller_script s(documented);
    s.connect();
    s.take(s.machine.hangup(s.now, s.now));
    s.in(s.request(sip::method::bye, 2, "bye3"));
    EXPECT_EQ(s.sent.back().status(), 200);
    EXPECT_FALSE(s.has(call_action_type::protocol_error, "no_dialog"));
    EXPECT_EQ(s.machine.record().end, call_end::local_hangup);
}

TEST(outgoing_call_midcall, dtmf_is_an_info_with_dtmf_relay) {
    caller_script s(documented);
    s.connect();
    s.take(s.machine.dtmf('5', s.now));
    const auto& info = s.sent.back();
    ASSERT_EQ(info.method(), sip::method::info);
    EXPECT_EQ(info.get(sip::header_id::content_type), "application/dtmf-relay");
    EXPECT_EQ(info.body(), "Signal=5\r\nDuration=240");
    EXPECT_EQ(info.get(sip::header_id::route), proxy_route);
    s.take(s.machine.dtmf('x', s.now));
    EXPECT_TRUE(s.has(call_action_type::refused, "bad_digit"));
    s.run_for(33s);  // RFC 3261 §17.1.2.2 Timer F: the INFO was never answered
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "request_timeout"));
}

TEST(outgoing_call_midcall, commands_that_do_not_apply_are_refused) {
    caller_script s(documented);
    s.start();
    s.take(s.machine.hold(s.now, s.now));
    EXPECT_TRUE(s.has(call_action_type::refused, "not_connected"));
    s.take(s.machine.dtmf('1', s.now));
    EXPECT_EQ(s.sent.size(), 1U);
}

TEST(outgoing_call_midcall, lost_websocket_per_profile) {
    caller_script a(documented);
    a.connect();
    a.take(a.machine.on_transport_lost(a.now));
    EXPECT_EQ(a.events(), (ev{"connected", "terminated"}));
    EXPECT_EQ(a.machine.record().end, call_end::transport_error);
    EXPECT_TRUE(a.machine.finished());

    caller_script b(sdk205);
    b.connect();
    b.take(b.machine.on_transport_lost(b.now));
    EXPECT_EQ(b.events(), ev{"connected"});  // the zombie call: no callback
    EXPECT_EQ(b.machine.record().end, call_end::transport_error);
}

TEST(outgoing_call_midcall, a_response_to_nothing_of_ours_is_stray) {
    caller_script s(documented);
    s.connect();
    auto r = sip::make_response(s.request(sip::method::info, 9, "zzz"), 200);
    s.in(r);
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "stray_response"));
}

}  // namespace
}  // namespace ringstorm::phone::test
