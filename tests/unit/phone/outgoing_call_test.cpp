// The caller role's call set-up (RFC 3261 §13.2, §22, §9): the INVITE and its WebRTC
// offer, digest challenges, provisional and final answers, the ACK of every 2xx, Timer B,
// and CANCEL in each of its races.

#include <gtest/gtest.h>

#include "tests/unit/phone/outgoing_call_script.hpp"

namespace ringstorm::phone::test {
namespace {

using scenario::contract_profile;
using ev = std::vector<std::string_view>;
constexpr auto documented = contract_profile::documented;
constexpr auto sdk205 = contract_profile::exotel_web_sdk_2_0_5;

std::string_view remote_end(contract_profile p) {
    return p == sdk205 ? "callEnded" : "terminated";
}

TEST(outgoing_call, invite_carries_our_identity_and_a_webrtc_offer) {
    caller_script s(documented);
    s.start();
    ASSERT_EQ(s.sent.size(), 1U);
    const auto& inv = s.sent[0];
    EXPECT_EQ(inv.method(), sip::method::invite);
    EXPECT_EQ(inv.request_uri(), "sip:bob@example.com");
    EXPECT_EQ(inv.get(sip::header_id::to), "<sip:bob@example.com>");
    auto from = sip::parse_name_addr(*inv.get(sip::header_id::from));
    ASSERT_TRUE(from);
    EXPECT_EQ(from->uri_text, "sip:alice@example.com");
    EXPECT_EQ(from->display_name, "\"Alice\"");
    EXPECT_EQ(from->tag().size(), 10U);
    auto via = sip::top_via(inv);
    ASSERT_TRUE(via);
    EXPECT_EQ(via->transport, "WSS");
    EXPECT_EQ(via->host, "phone.invalid");
    EXPECT_TRUE(via->rfc3261_branch());
    EXPECT_EQ(inv.get(sip::header_id::contact), "<sip:k3j4@phone.invalid;transport=ws>");
    EXPECT_EQ(inv.get(sip::header_id::max_forwards), "70");
    EXPECT_EQ(sip::call_id(inv).size(), 22U);
    EXPECT_EQ(sip::call_id(inv), s.machine.call_id());
    EXPECT_EQ(sip::cseq_of(inv)->method, sip::method::invite);
    EXPECT_EQ(s.machine.record().direction, "outgoing");

    EXPECT_EQ(inv.get(sip::header_id::content_type), "application/sdp");
    auto sd = sdp::parse(inv.body());
    ASSERT_TRUE(sd) << inv.body();
    ASSERT_EQ(sd->media.size(), 1U);
    const auto& m = sd->media.front();
    EXPECT_EQ(m.proto, "UDP/TLS/RTP/SAVPF");
    EXPECT_EQ(m.formats.front(), "111");
    EXPECT_TRUE(sdp::has_flag(m.attributes, sdp::flag::rtcp_mux));
    ASSERT_NE(sdp::find<sdp::setup_role>(m.attributes), nullptr);
    EXPECT_EQ(*sdp::find<sdp::setup_role>(m.attributes), sdp::setup_role::actpass);
    ASSERT_NE(sdp::find<sdp::ice_ufrag>(m.attributes), nullptr);
    EXPECT_EQ(sdp::find<sdp::ice_ufrag>(m.attributes)->value, "phnu");
    ASSERT_NE(sdp::find<sdp::fingerprint>(m.attributes), nullptr);
    EXPECT_EQ(sd->direction_of(m), sdp::direction::sendrecv);
    EXPECT_TRUE(s.events().empty());
}

TEST(outgoing_call, callee_uri_takes_a_user_or_a_sip_uri) {
    EXPECT_EQ(*callee_uri("bob", "example.com"), "sip:bob@example.com");
    EXPECT_EQ(*callee_uri("3001", "127.0.0.1"), "sip:3001@127.0.0.1");
    EXPECT_EQ(*callee_uri("sips:bob@example.com:5061", "x"), "sips:bob@example.com:5061");
    EXPECT_FALSE(callee_uri("", "example.com"));
    EXPECT_FALSE(callee_uri("bob", ""));
    EXPECT_FALSE(callee_uri("tel:+15551234", "example.com"));
    EXPECT_FALSE(callee_uri("sip:example.com", "example.com"));
    EXPECT_FALSE(callee_uri("bob smith", "example.com"));
}

TEST(outgoing_call, proxy_challenge_is_answered_once_with_credentials) {
    caller_script s(documented);
    s.start();
    const auto first = s.sent[0];
    s.in(s.challenge(first));
    ASSERT_EQ(s.sent.size(), 3U);
    // RFC 3261 §17.1.1.3: the 407 is acknowledged on the INVITE's branch.
    EXPECT_EQ(s.sent[1].method(), sip::method::ack);
    EXPECT_EQ(sip::top_via(s.sent[1])->branch(), sip::top_via(first)->branch());
    const auto& again = s.sent[2];
    ASSERT_EQ(again.method(), sip::method::invite);
    EXPECT_EQ(sip::call_id(again), sip::call_id(first));
    EXPECT_EQ(sip::from_tag(again), sip::from_tag(first));
    EXPECT_EQ(sip::cseq_of(again)->number, sip::cseq_of(first)->number + 1);
    EXPECT_NE(sip::top_via(again)->branch(), sip::top_via(first)->branch());
    EXPECT_EQ(again.body(), first.body());  // the same offer
    auto verdict = s.auth.verify(
        again, true,
        [](std::string_view user) -> std::optional<std::string> {
            return user == "alice" ? std::optional<std::string>("secret") : std::nullopt;
        },
        sip::digest_clock::now());
    EXPECT_TRUE(verdict.ok()) << verdict.reason;
    EXPECT_EQ(s.machine.state(), outgoing_state::calling);
    EXPECT_TRUE(s.events().empty());

    // The answered INVITE leads to the call as usual; its ACK carries the credentials.
    s.in(s.reply(again, 200, caller_script::answer_to(again)));
    EXPECT_EQ(s.events(), ev{"connected"});
    EXPECT_EQ(s.sent.back().method(), sip::method::ack);
    EXPECT_EQ(s.sent.back().get(sip::header_id::proxy_authorization),
              again.get(sip::header_id::proxy_authorization));
}

TEST(outgoing_call, www_challenge_is_answered_with_authorization) {
    caller_script s(documented);
    s.start();
    s.in(s.challenge(s.sent[0], 401));
    ASSERT_EQ(s.sent.back().method(), sip::method::invite);
    EXPECT_TRUE(s.sent.back().get(sip::header_id::authorization));
    EXPECT_FALSE(s.sent.back().get(sip::header_id::proxy_authorization));
}

TEST(outgoing_call, second_challenge_fails_the_call) {
    for (auto profile : {documented, sdk205}) {
        caller_script s(profile);
        s.start();
        s.in(s.challenge(s.sent[0]));
        s.in(s.challenge(s.sent.back()));
        EXPECT_EQ(s.sent_count(sip::method::invite), 2U);
        EXPECT_EQ(s.sent.back().method(), sip::method::ack);
        EXPECT_EQ(s.machine.state(), outgoing_state::ended);
        EXPECT_EQ(s.machine.record().end, call_end::remote_rejected);
        EXPECT_EQ(s.machine.final_status(), 407);
        EXPECT_EQ(s.events(), ev{remote_end(profile)});
        EXPECT_TRUE(s.machine.finished());
    }
}

TEST(outgoing_call, a_stale_nonce_is_answered_again) {
    caller_script s(documented);
    s.start();
    s.in(s.challenge(s.sent[0]));
    // RFC 7616 §3.3: stale=true says the nonce expired, not that the password is wrong.
    auto stale = sip::make_response(s.sent.back(), 407, {}, "proxytag");
    EXPECT_GT(s.auth.add_challenges(stale, sip::digest_clock::now(), true), 0U);
    s.in(stale);
    EXPECT_EQ(s.sent_count(sip::method::invite), 3U);
    EXPECT_EQ(s.machine.state(), outgoing_state::calling);
    s.in(s.challenge(s.sent.back()));  // then a plain refusal ends it
    EXPECT_EQ(s.sent_count(sip::method::invite), 3U);
    EXPECT_EQ(s.machine.record().end, call_end::remote_rejected);
}

TEST(outgoing_call, session_progress_with_early_sdp_rings) {
    caller_script s(documented);
    s.start();
    const auto invite = s.sent[0];
    s.in(s.reply(invite, 183, caller_script::answer_to(invite)));
    EXPECT_EQ(s.machine.state(), outgoing_state::ringing);
    EXPECT_TRUE(s.events().empty());
    EXPECT_EQ(s.sent.size(), 1U);  // nothing to acknowledge (no PRACK: not reliable)
    s.in(s.reply(invite, 200, caller_script::answer_to(invite)));
    EXPECT_EQ(s.events(), ev{"connected"});
}

TEST(outgoing_call, provisional_rings_and_2xx_connects_with_an_ack_along_the_route_set) {
    caller_script s(documented);
    s.record_route = {"<sip:127.0.0.1:8443;transport=ws;r2=on;lr>",
                      "<sip:127.0.0.1:8080;transport=ws;r2=on;lr>"};
    s.start();
    const auto invite = s.sent[0];
    s.in(s.reply(invite, 100));
    EXPECT_EQ(s.machine.state(), outgoing_state::calling);
    s.in(s.reply(invite, 180));
    EXPECT_EQ(s.machine.state(), outgoing_state::ringing);
    EXPECT_EQ(s.machine.record().state, call_state::ringing);
    EXPECT_TRUE(s.events().empty());
    s.now += 2s;
    s.in(s.reply(invite, 200, caller_script::answer_to(invite)));
    EXPECT_EQ(s.events(), ev{"connected"});
    EXPECT_EQ(s.machine.state(), outgoing_state::connected);
    EXPECT_EQ(s.machine.record().state, call_state::connected);
    EXPECT_EQ(s.machine.final_status(), 200);
    EXPECT_EQ(s.machine.record().answered, s.now);
    EXPECT_EQ(s.machine.acked(), s.now);

    const auto& ack = s.sent.back();
    ASSERT_EQ(ack.method(), sip::method::ack);
    // RFC 3261 §12.2.1.1 / §13.2.2.4: to the callee's Contact, along the reversed
    // Record-Route, with the INVITE's CSeq number and the callee's tag.
    EXPECT_EQ(ack.request_uri(), callee_contact);
    auto routes = ack.get_all(sip::header_id::route);
    ASSERT_EQ(routes.size(), 2U);
    EXPECT_EQ(routes[0], "<sip:127.0.0.1:8080;transport=ws;r2=on;lr>");
    EXPECT_EQ(routes[1], "<sip:127.0.0.1:8443;transport=ws;r2=on;lr>");
    EXPECT_EQ(sip::cseq_of(ack)->number, sip::cseq_of(invite)->number);
    EXPECT_EQ(sip::to_tag(ack), "callee1");
    EXPECT_NE(sip::top_via(ack)->branch(), sip::top_via(invite)->branch());
}

TEST(outgoing_call, every_2xx_retransmission_is_acked_again) {
    caller_script s(sdk205);
    s.connect();
    const auto invite = s.last(sip::method::invite);
    const auto ok = s.reply(invite, 200, caller_script::answer_to(invite));
    const auto acks = s.sent_count(sip::method::ack);
    s.now += 500ms;
    s.in(ok);
    s.now += 1s;
    s.in(ok);
    EXPECT_EQ(s.sent_count(sip::method::ack), acks + 2);
    EXPECT_EQ(s.sent.back(), s.last(sip::method::ack));
    EXPECT_EQ(s.events(), ev{"connected"});
    // After Timer M (RFC 6026 §8.4) the transaction is gone; a late 2xx is still ACKed.
    s.run_for(40s);
    s.in(ok);
    EXPECT_EQ(s.sent_count(sip::method::ack), acks + 3);
    EXPECT_FALSE(s.has(call_action_type::protocol_error, "stray_response"));
}

TEST(outgoing_call, final_failure_ends_the_call_remote_rejected) {
    for (auto profile : {documented, sdk205}) {
        for (int status : {302, 404, 486, 603}) {
            caller_script s(profile);
            s.start();
            s.in(s.reply(s.sent[0], 180));
            s.in(s.reply(s.sent[0], status));
            EXPECT_EQ(s.sent.back().method(), sip::method::ack) << status;
            EXPECT_EQ(s.machine.record().end, call_end::remote_rejected) << status;
            EXPECT_EQ(s.machine.final_status(), status);
            EXPECT_EQ(s.events(), ev{remote_end(profile)}) << status;
            EXPECT_TRUE(s.machine.finished());
        }
    }
}

TEST(outgoing_call, no_answer_at_all_ends_at_timer_b) {
    for (auto profile : {documented, sdk205}) {
        caller_script s(profile);
        s.start();
        s.run_for(31s);
        EXPECT_EQ(s.machine.state(), outgoing_state::calling);
        s.run_for(1s);  // RFC 3261 §17.1.1.2: Timer B = 64·T1
        EXPECT_EQ(s.machine.record().end, call_end::no_final);
        EXPECT_EQ(s.events(), ev{remote_end(profile)});
        EXPECT_EQ(s.sent.size(), 1U);  // reliable transport: no retransmission
    }
}

TEST(outgoing_call, a_provisional_stops_timer_b) {
    caller_script s(documented);
    s.start();
    s.in(s.reply(s.sent[0], 100));
    s.run_for(120s);
    EXPECT_EQ(s.machine.state(), outgoing_state::calling);
    EXPECT_TRUE(s.events().empty());
}

TEST(outgoing_call, hangup_while_ringing_cancels_then_ends_on_487) {
    for (auto profile : {documented, sdk205}) {
        caller_script s(profile);
        s.start();
        const auto invite = s.sent[0];
        s.in(s.reply(invite, 180));
        s.take(s.machine.hangup(s.now, s.now));
        const auto& cancel = s.sent.back();
        ASSERT_EQ(cancel.method(), sip::method::cancel);
        // RFC 3261 §9.1: same Request-URI, Call-ID, From, To, CSeq number and branch.
        EXPECT_EQ(cancel.request_uri(), invite.request_uri());
        EXPECT_EQ(sip::top_via(cancel)->branch(), sip::top_via(invite)->branch());
        EXPECT_EQ(sip::cseq_of(cancel)->number, sip::cseq_of(invite)->number);
        EXPECT_EQ(sip::from_tag(cancel), sip::from_tag(invite));
        EXPECT_TRUE(sip::to_tag(cancel).empty());
        EXPECT_EQ(s.events(), ev{"callEnded"});  // at once, as the SDK's Hangup
        EXPECT_EQ(s.machine.state(), outgoing_state::cancelling);
        EXPECT_EQ(s.machine.record().state, call_state::ringing);

        s.now += 40ms;
        s.in(s.reply(cancel, 200));
        EXPECT_EQ(s.machine.state(), outgoing_state::cancelling);
        s.now += 10ms;
        s.in(s.reply(invite, 487));
        EXPECT_EQ(s.sent.back().method(), sip::method::ack);
        EXPECT_EQ(s.machine.record().end, call_end::local_hangup);
        EXPECT_EQ(s.machine.final_status(), 487);
        EXPECT_EQ(s.latency_of(core::step::cancel), 50ms);
        EXPECT_EQ(s.events(), ev{"callEnded"});
        EXPECT_FALSE(s.has(call_action_type::protocol_error, "stray_response"));
        s.take(s.machine.hangup(s.now, s.now));
        EXPECT_TRUE(s.has(call_action_type::refused, "call_ended"));
    }
}

TEST(outgoing_call, hangup_before_any_provisional_waits_to_cancel) {
    caller_script s(documented);
    s.start();
    s.take(s.machine.hangup(s.now, s.now));
    EXPECT_EQ(s.sent_count(sip::method::cancel), 0U);  // RFC 3261 §9.1
    EXPECT_EQ(s.events(), ev{"callEnded"});
    s.in(s.reply(s.sent[0], 100));
    EXPECT_EQ(s.sent_count(sip::method::cancel), 1U);
    s.in(s.reply(s.sent[0], 180));
    EXPECT_EQ(s.sent_count(sip::method::cancel), 1U);
    s.take(s.machine.hangup(s.now, s.now));
    EXPECT_TRUE(s.has(call_action_type::refused, "cancelling"));
}

TEST(outgoing_call, a_2xx_crossing_the_cancel_gets_ack_and_bye) {
    caller_script s(documented);
    s.start();
    const auto invite = s.sent[0];
    s.in(s.reply(invite, 180));
    s.take(s.machine.hangup(s.now, s.now));
    s.in(s.reply(invite, 200, caller_script::answer_to(invite)));
    ASSERT_GE(s.sent.size(), 3U);
    EXPECT_EQ(s.sent[s.sent.size() - 2].method(), sip::method::ack);
    const auto& bye = s.sent.back();
    ASSERT_EQ(bye.method(), sip::method::bye);
    EXPECT_EQ(bye.request_uri(), callee_contact);
    EXPECT_EQ(sip::to_tag(bye), "callee1");
    EXPECT_EQ(s.events(), ev{"callEnded"});  // never connected for the app
    EXPECT_EQ(s.machine.record().end, call_end::local_hangup);
    s.in(s.reply(bye, 200));
    EXPECT_TRUE(s.has_latency(core::step::bye));
    EXPECT_FALSE(s.has_latency(core::step::cancel));
}

TEST(outgoing_call, cancel_without_final_answer_gives_up_after_64_t1) {
    caller_script s(documented);
    s.start();
    s.in(s.reply(s.sent[0], 180));
    s.take(s.machine.hangup(s.now, s.now));
    s.in(s.reply(s.sent.back(), 200));
    s.run_for(31s);
    EXPECT_EQ(s.machine.state(), outgoing_state::cancelling);
    s.run_for(1s);
    EXPECT_EQ(s.machine.record().end, call_end::no_final);
    EXPECT_EQ(s.events(), ev{"callEnded"});
    EXPECT_TRUE(s.machine.finished());
}

TEST(outgoing_call, a_second_fork_answering_is_acked_and_sent_bye) {
    caller_script s(documented);
    s.start();
    const auto invite = s.sent[0];
    s.in(s.reply(invite, 180));
    s.in(s.reply(invite, 200, caller_script::answer_to(invite)));
    s.callee_tag = "fork2";
    s.in(s.reply(invite, 200, caller_script::answer_to(invite)));
    ASSERT_EQ(s.sent.back().method(), sip::method::bye);
    EXPECT_EQ(sip::to_tag(s.sent.back()), "fork2");
    EXPECT_EQ(s.sent[s.sent.size() - 2].method(), sip::method::ack);
    EXPECT_EQ(sip::to_tag(s.sent[s.sent.size() - 2]), "fork2");
    EXPECT_EQ(s.events(), ev{"connected"});
    EXPECT_EQ(s.machine.state(), outgoing_state::connected);
    // That fork's retransmitted 2xx: its ACK again, no second BYE.
    s.in(s.reply(invite, 200, caller_script::answer_to(invite)));
    EXPECT_EQ(s.sent.back().method(), sip::method::ack);
    EXPECT_EQ(s.sent_count(sip::method::bye), 1U);
}

TEST(outgoing_call, a_2xx_without_a_usable_answer_is_acked_then_hung_up) {
    for (auto profile : {documented, sdk205}) {
        caller_script s(profile);
        s.start();
        s.in(s.reply(s.sent[0], 200));
        EXPECT_TRUE(s.has(call_action_type::protocol_error, "sdp_answer"));
        ASSERT_GE(s.sent.size(), 3U);
        EXPECT_EQ(s.sent[s.sent.size() - 2].method(), sip::method::ack);
        EXPECT_EQ(s.sent.back().method(), sip::method::bye);
        // RFC 3261 §13.2.2.4: the phone ends it; the app never saw it connected.
        EXPECT_EQ(s.machine.record().end, call_end::local_hangup);
        EXPECT_FALSE(s.machine.record().answered);
        EXPECT_EQ(s.events(), ev{"callEnded"});
    }
}

}  // namespace
}  // namespace ringstorm::phone::test
