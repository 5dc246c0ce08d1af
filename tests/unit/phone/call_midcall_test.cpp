// Mid-call behaviour: hold and unhold re-INVITEs (RFC 3264 §8.4, RFC 6337 §5), remote
// re-INVITEs answered automatically, DTMF INFO, malformed and stray in-dialog requests,
// and the second INVITE during a call.

#include <gtest/gtest.h>

#include "tests/unit/phone/call_script.hpp"

namespace ringstorm::phone::test {
namespace {

using scenario::contract_profile;
constexpr auto documented = contract_profile::documented;
constexpr auto sdk205 = contract_profile::exotel_web_sdk_2_0_5;

// The target's SDP answer to the offer the phone just sent, wanting `wish`.
std::string target_answer(const call_script& s, sdp::direction wish = sdp::direction::sendrecv) {
    auto offer = sdp::parse(s.sent.back().body());
    EXPECT_TRUE(offer);
    auto p = target_media(wish);
    p.setup = sdp::setup_role::passive;
    auto answer = sdp::build_webrtc_audio_answer(*offer, p);
    EXPECT_TRUE(answer);
    return sdp::serialize(*answer);
}

TEST(call_midcall, hold_offers_sendonly_and_unhold_sendrecv_without_callbacks) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.connect();
        const auto events_before = s.events();
        s.take(s.machine.hold(s.now, s.now));
        const sip::message hold = s.sent.back();
        ASSERT_EQ(hold.method(), sip::method::invite);
        EXPECT_EQ(sip::to_tag(hold), "tgt1");
        EXPECT_EQ(sip::cseq_of(hold)->number, 1U);  // our first request in the dialog
        EXPECT_EQ(call_script::direction_in(hold), sdp::direction::sendonly);
        s.now += 40ms;
        s.in(s.reply_to_last(200, target_answer(s)));
        ASSERT_EQ(s.sent.back().method(), sip::method::ack);
        EXPECT_EQ(sip::cseq_of(s.sent.back())->number, 1U);
        EXPECT_TRUE(s.has_latency(core::step::hold));
        EXPECT_TRUE(s.machine.record().held);
        EXPECT_EQ(s.machine.local_direction(), sdp::direction::sendonly);

        s.take(s.machine.unhold(s.now, s.now));
        const sip::message unhold = s.sent.back();
        EXPECT_EQ(call_script::direction_in(unhold), sdp::direction::sendrecv);
        EXPECT_EQ(sip::cseq_of(unhold)->number, 2U);
        s.in(s.reply_to_last(200, target_answer(s)));
        EXPECT_TRUE(s.has_latency(core::step::unhold));
        EXPECT_FALSE(s.machine.record().held);
        EXPECT_EQ(s.machine.local_direction(), sdp::direction::sendrecv);

        s.machine.mute();
        EXPECT_TRUE(s.machine.record().muted);
        s.machine.unmute();
        EXPECT_EQ(s.events(), events_before);  // no callback for hold, unhold, mute
        EXPECT_EQ(s.machine.record().state, call_state::connected);
    }
}

TEST(call_midcall, hold_sdp_keeps_the_negotiated_session) {
    call_script s(sdk205);
    s.connect();
    auto answer = sdp::parse(s.sent[2].body());  // the 200 OK to the INVITE
    ASSERT_TRUE(answer);
    s.take(s.machine.hold(s.now, s.now));
    auto offer = sdp::parse(s.sent.back().body());
    ASSERT_TRUE(offer);
    EXPECT_EQ(offer->origin.session_id, answer->origin.session_id);
    EXPECT_GT(offer->origin.session_version, answer->origin.session_version);  // RFC 3264 §8
    const auto& m = offer->media.front();
    EXPECT_EQ(m.formats.front(), "111");
    // Chrome re-offers actpass on the established association; our first answer said active.
    EXPECT_EQ(*sdp::find<sdp::setup_role>(answer->media.front().attributes),
              sdp::setup_role::active);
    EXPECT_EQ(*sdp::find<sdp::setup_role>(m.attributes), sdp::setup_role::actpass);
}

// The answerer must keep its DTLS role: an answer claiming ours is what made Chromium hang up
// in tests/interop (the target answered a=setup:active to the SDK's actpass hold offer).
TEST(call_midcall, hold_answer_claiming_our_dtls_role_ends_the_call_like_the_sdk) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.connect();
        s.take(s.machine.hold(s.now, s.now));
        auto clash = *sdp::parse(s.sent.back().body());
        auto& attrs = clash.media.front().attributes;
        sdp::set_direction(attrs, sdp::direction::recvonly);
        for (auto& a : attrs) {
            if (std::holds_alternative<sdp::setup_role>(a)) {
                a = sdp::setup_role::active;  // ours
            }
        }
        const auto before = s.events();
        s.in(s.reply_to_last(200, sdp::serialize(clash)));
        EXPECT_TRUE(s.has(call_action_type::protocol_error, "sdp_answer"));
        ASSERT_EQ(s.sent.back().method(), sip::method::bye);
        EXPECT_EQ(s.sent[s.sent.size() - 2].method(), sip::method::ack);  // the 2xx is ACKed first
        EXPECT_NE(s.sent.back().get("Reason").value_or("").find("cause=488"), std::string_view::npos);
        EXPECT_EQ(s.machine.record().end, call_end::local_hangup);
        auto after = before;
        after.push_back("callEnded");
        EXPECT_EQ(s.events(), after);
    }
}

TEST(call_midcall, hold_while_remote_holds_offers_inactive) {
    call_script s(documented);
    s.connect();
    // The target holds us first: sendonly offer, we answer recvonly.
    auto re = s.request(sip::method::invite, 2, "reinv1");
    re.set_body("application/sdp", target_offer(sdp::direction::sendonly));
    s.in(re);
    ASSERT_EQ(s.sent.back().status(), 200);
    EXPECT_EQ(call_script::direction_in(s.sent.back()), sdp::direction::recvonly);
    s.in(s.request(sip::method::ack, 2, "ack2"));
    EXPECT_EQ(s.machine.local_direction(), sdp::direction::recvonly);
    s.take(s.machine.hold(s.now, s.now));
    EXPECT_EQ(call_script::direction_in(s.sent.back()), sdp::direction::inactive);
}

TEST(call_midcall, remote_reinvite_answered_per_rfc3264_and_retransmitted_until_ack) {
    call_script s(sdk205);
    s.connect();
    auto re = s.request(sip::method::invite, 2, "reinv1");
    re.set_body("application/sdp", target_offer(sdp::direction::inactive));
    s.in(re);
    ASSERT_EQ(s.sent.back().status(), 200);
    EXPECT_EQ(call_script::direction_in(s.sent.back()), sdp::direction::inactive);
    s.advance(500ms);
    EXPECT_EQ(s.sent.back().status(), 200);  // RFC 3261 §13.3.1.4 also for re-INVITE
    EXPECT_EQ(sip::cseq_of(s.sent.back())->number, 2U);
    s.in(s.request(sip::method::ack, 2, "ack2"));
    const auto n = s.sent.size();
    s.run_for(10s);
    EXPECT_EQ(s.sent.size(), n);
    // Resumed by the target: sendrecv again.
    auto resume = s.request(sip::method::invite, 3, "reinv2");
    resume.set_body("application/sdp", target_offer());
    s.in(resume);
    EXPECT_EQ(call_script::direction_in(s.sent.back()), sdp::direction::sendrecv);
    EXPECT_EQ(s.machine.record().state, call_state::connected);
    EXPECT_EQ(s.events().size(), 2U);  // incoming, connected: no callback
}

TEST(call_midcall, remote_reinvite_while_holding_stays_held) {
    call_script s(documented);
    s.connect();
    s.take(s.machine.hold(s.now, s.now));
    s.in(s.reply_to_last(200, target_answer(s)));
    auto re = s.request(sip::method::invite, 2, "reinv1");
    re.set_body("application/sdp", target_offer());
    s.in(re);
    EXPECT_EQ(call_script::direction_in(s.sent.back()), sdp::direction::sendonly);  // RFC 6337 §5.3
}

TEST(call_midcall, a_491_to_our_hold_is_glare_not_a_breach) {
    call_script s(documented);
    s.connect();
    s.take(s.machine.hold(s.now, s.now));
    s.in(s.reply_to_last(491));
    EXPECT_FALSE(s.has(call_action_type::protocol_error, "reinvite_refused"));
    EXPECT_FALSE(s.machine.record().held);
    EXPECT_EQ(s.machine.record().state, call_state::connected);
}

TEST(call_midcall, glare_gets_491) {
    call_script s(documented);
    s.connect();
    s.take(s.machine.hold(s.now, s.now));
    auto re = s.request(sip::method::invite, 2, "reinv1");
    re.set_body("application/sdp", target_offer());
    s.in(re);
    EXPECT_EQ(s.sent.back().status(), 491);  // RFC 3261 §14.2
    s.take(s.machine.unhold(s.now, s.now));
    EXPECT_TRUE(s.has(call_action_type::refused, "offer_pending"));
}

TEST(call_midcall, sendrecv_answer_to_hold_is_flagged_but_accepted) {
    call_script s(sdk205);
    s.connect();
    s.take(s.machine.hold(s.now, s.now));
    auto offer = sdp::parse(s.sent.back().body());
    auto bad = *offer;
    sdp::set_direction(bad.media.front().attributes, sdp::direction::sendrecv);
    for (auto& a : bad.media.front().attributes) {
        if (std::holds_alternative<sdp::setup_role>(a)) {
            a = sdp::setup_role::passive;  // only the direction is wrong
        }
    }
    s.in(s.reply_to_last(200, sdp::serialize(bad)));
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "sdp_answer_direction"));
    EXPECT_EQ(s.sent.back().method(), sip::method::ack);
    EXPECT_EQ(s.machine.record().state, call_state::connected);
}

TEST(call_midcall, refused_hold_keeps_the_call_and_is_flagged) {
    call_script s(documented);
    s.connect();
    s.take(s.machine.hold(s.now, s.now));
    s.in(s.reply_to_last(488));
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "reinvite_refused"));
    EXPECT_EQ(s.sent.back().method(), sip::method::ack);  // the transaction's ACK (§17.1.1.3)
    EXPECT_FALSE(s.machine.record().held);
    EXPECT_EQ(s.machine.local_direction(), sdp::direction::sendrecv);
    EXPECT_EQ(s.machine.record().state, call_state::connected);
    EXPECT_FALSE(s.has_latency(core::step::hold));
    s.take(s.machine.hold(s.now, s.now));  // a new offer is allowed again
    EXPECT_FALSE(s.has(call_action_type::refused, "offer_pending"));
}

TEST(call_midcall, hold_latency_runs_from_due) {
    call_script s(sdk205);
    s.connect();
    const auto due = s.now;
    s.now += 5ms;
    s.take(s.machine.hold(due, s.now));
    s.now += 40ms;
    s.in(s.reply_to_last(200, target_answer(s)));
    for (const auto& a : s.all) {
        if (a.type == call_action_type::latency && a.step == core::step::hold) {
            EXPECT_EQ(a.latency, 45ms);
        }
    }
    EXPECT_TRUE(s.has_latency(core::step::hold));
}

TEST(call_midcall, answer_with_a_foreign_format_is_a_bad_answer) {
    call_script s(documented);
    s.connect();
    s.take(s.machine.hold(s.now, s.now));
    auto offer = sdp::parse(s.sent.back().body());
    auto bad = *offer;
    sdp::set_direction(bad.media.front().attributes, sdp::direction::recvonly);
    bad.media.front().formats = {"0"};  // PCMU: never offered (RFC 3264 §6.1)
    s.in(s.reply_to_last(200, sdp::serialize(bad)));
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "sdp_answer"));
    EXPECT_FALSE(s.has(call_action_type::protocol_error, "sdp_answer_direction"));
}

TEST(call_midcall, unusable_remote_reinvite_offer_gets_488_and_the_call_goes_on) {
    call_script s(documented);
    s.connect();
    auto re = s.request(sip::method::invite, 2, "reinv1");
    re.set_body("application/sdp", "this is not SDP");
    s.in(re);
    EXPECT_EQ(s.sent.back().status(), 488);
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "reinvite_offer"));
    EXPECT_EQ(s.machine.record().state, call_state::connected);
}

TEST(call_midcall, unanswered_hold_ends_the_call_with_bye) {
    call_script s(sdk205);
    s.connect();
    s.take(s.machine.hold(s.now, s.now));
    s.run_for(33s);  // Timer B = 64·T1 (RFC 3261 §17.1.1.2), then BYE (§14.1)
    EXPECT_EQ(s.sent_count(sip::method::bye), 1U);
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "reinvite_timeout"));
    EXPECT_EQ(s.machine.record().end, call_end::reinvite_timeout);
    EXPECT_EQ(s.events().back(), "callEnded");
}

TEST(call_midcall, dtmf_sends_info_dtmf_relay) {
    call_script s(sdk205);
    s.connect();
    s.take(s.machine.dtmf('5', s.now));
    const auto& info = s.sent.back();
    ASSERT_EQ(info.method(), sip::method::info);
    EXPECT_EQ(info.get(sip::header_id::content_type), "application/dtmf-relay");
    EXPECT_EQ(info.body(), "Signal=5\r\nDuration=240");
    s.in(s.reply_to_last(200));
    EXPECT_FALSE(s.has(call_action_type::protocol_error, "stray_response"));
    s.take(s.machine.dtmf('x', s.now));
    EXPECT_TRUE(s.has(call_action_type::refused, "bad_digit"));
}

TEST(call_midcall, dtmf_before_connect_is_refused) {
    call_script s(documented);
    s.start();
    s.take(s.machine.dtmf('1', s.now));
    EXPECT_TRUE(s.has(call_action_type::refused, "not_connected"));
    EXPECT_EQ(s.sent_count(sip::method::info), 0U);
}

TEST(call_midcall, malformed_in_dialog_request_gets_400) {
    call_script s(documented);
    s.connect();
    auto bad = s.request(sip::method::info, 2, "info1");
    bad.set(sip::header_id::cseq, "2 BYE");  // CSeq method differs from the request's
    s.in(bad);
    EXPECT_EQ(s.sent.back().status(), 400);
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "malformed_request"));
    auto no_from_tag = s.request(sip::method::info, 3, "info3");
    no_from_tag.set(sip::header_id::from, "<sip:bob@example.com>");
    s.in(no_from_tag);
    EXPECT_EQ(s.sent.back().status(), 400);
    EXPECT_EQ(s.machine.record().state, call_state::connected);
}

TEST(call_midcall, sdk205_answers_a_cseq_method_mismatch) {
    call_script s(sdk205);
    s.connect();
    auto bad = s.request(sip::method::info, 2, "info1");
    bad.set(sip::header_id::cseq, "2 BYE");
    s.in(bad);
    EXPECT_EQ(s.sent.back().status(), 200);
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "malformed_request"));
}

TEST(call_midcall, request_without_via_or_cseq_is_dropped_not_answered) {
    call_script s(sdk205);
    s.connect();
    const auto n = s.sent.size();
    auto no_via = s.request(sip::method::bye, 2, "bye1");
    no_via.remove(sip::header_id::via);
    s.in(no_via);
    auto bad_cseq = s.request(sip::method::info, 3, "info3");
    bad_cseq.set(sip::header_id::cseq, "two INFO");
    s.in(bad_cseq);
    EXPECT_EQ(s.sent.size(), n);
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "malformed_request"));
    EXPECT_EQ(s.machine.record().state, call_state::connected);
}

TEST(call_midcall, out_of_order_and_wrong_tag_requests) {
    call_script s(documented);
    s.connect();
    s.in(s.request(sip::method::info, 5, "info5"));
    EXPECT_EQ(s.sent.back().status(), 200);
    s.in(s.request(sip::method::info, 4, "info4"));
    EXPECT_EQ(s.sent.back().status(), 500);  // RFC 3261 §12.2.2
    auto other = s.request(sip::method::bye, 6, "bye6");
    other.set(sip::header_id::to, "<sip:alice@example.com>;tag=nope");
    s.in(other);
    EXPECT_EQ(s.sent.back().status(), 481);
    EXPECT_EQ(s.machine.record().state, call_state::connected);
    s.in(s.reply_to_last(200));  // a response to nothing we sent
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "stray_response"));
}

TEST(call_midcall, retransmitted_invite_gets_the_last_provisional) {
    call_script s(sdk205);
    s.start();
    s.in(s.invite);
    EXPECT_EQ(s.sent.back().status(), 180);
    EXPECT_EQ(s.events().size(), 1U);
}

std::vector<int> statuses_of(const call_actions& actions) {
    std::vector<int> out;
    for (const auto& a : actions) {
        if (a.type == call_action_type::send) {
            auto m = sip::parse(a.text);
            EXPECT_TRUE(m);
            out.push_back(m ? m->status() : 0);
        }
    }
    return out;
}

TEST(call_midcall, second_invite_refused_per_profile) {
    auto second = target_invite(target_offer());
    second.set(sip::header_id::call_id, "call-2@target");
    auto sdk = refuse_second_invite(second, sdk205, "sip:k3j4@phone.invalid;transport=ws", 3);
    EXPECT_EQ(statuses_of(sdk), (std::vector<int>{100, 180, 480}));
    auto last = sip::parse(sdk.back().text);
    EXPECT_EQ(last->reason(), "4001");
    EXPECT_FALSE(sip::to_tag(*last).empty());
    for (const auto& a : sdk) {
        EXPECT_NE(a.type, call_action_type::emit);  // no callback
    }
    auto doc = refuse_second_invite(second, documented, "sip:k3j4@phone.invalid;transport=ws", 3);
    EXPECT_EQ(statuses_of(doc), (std::vector<int>{486}));
}

}  // namespace
}  // namespace ringstorm::phone::test
