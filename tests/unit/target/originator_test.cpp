// The target's originated call driven by scripted phone answers: one exchange per
// behaviour, rejections, the phone's BYE, hold answers, timers and bad input.

#include <gtest/gtest.h>

#include <string>

#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "engine/target/originator.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"
#include "media/sdp/webrtc.hpp"

namespace ringstorm::target {
namespace {

using namespace std::chrono_literals;

const core::time_point t0 = core::time_point{} + 1000s;

caller_identity identity() {
    caller_identity who;
    who.fingerprint.clear();
    for (int i = 0; i < 32; ++i) {
        who.fingerprint += (i == 0 ? "" : ":") + std::string("AB");
    }
    return who;
}

sip::message parse(const std::string& text) {
    auto m = sip::parse(text);
    EXPECT_TRUE(m.has_value()) << text;
    return m ? std::move(*m) : sip::message{};
}

// The phone's side of the call: answers built from what the target sent.
struct rig {
    originated_call call;
    sip::message invite;

    explicit rig(call_plan plan)
        : call(*originated_call::create(
              plan, identity(),
              {"<sip:abc@df7jal23ls0d.invalid;transport=ws>;+sip.instance=\"<urn:uuid:1>\"",
               "sip:10001@example.com", {0, 7}},
              42)) {
        auto out = call.start(t0);
        EXPECT_EQ(out.send.size(), 1U);
        invite = parse(out.send.at(0));
    }

    // A response to `request` with the phone's tag, Contact and, for a 2xx to an offer,
    // an SDP answer whose direction is `dir` (legal or not).
    std::string answer(const sip::message& request, int status,
                       sdp::direction dir = sdp::direction::sendrecv) {
        sip::message r = sip::make_response(request, status, {}, "phonetag");
        if (status > 100 && status < 300) {
            r.add(sip::header_id::contact, "<sip:abc@df7jal23ls0d.invalid;transport=ws>");
        }
        if (status >= 200 && status < 300 && !request.body().empty()) {
            auto offer = sdp::parse(request.body());
            EXPECT_TRUE(offer.has_value());
            sdp::webrtc_audio_params p;
            p.ice_ufrag = "phon";
            p.ice_pwd = "phonepasswordphonepassw";
            p.fingerprint = identity().fingerprint;
            p.direction = dir;
            auto ans = sdp::build_webrtc_audio_answer(*offer, p);
            // Force the direction as written, even an illegal one.
            sdp::session_description forced = *ans;
            sdp::set_direction(forced.media.at(0).attributes, dir);
            r.set_body("application/sdp", sdp::serialize(forced));
        }
        return sip::serialize(r);
    }

    // A request from the phone within the dialog (BYE, INFO, …).
    std::string phone_request(std::string_view method, std::uint32_t cseq = 1) {
        std::string t = std::string(method) + " sip:ringstorm@ringstorm.invalid;transport=ws SIP/2.0\r\n";
        t += "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKphone" + std::to_string(cseq) +
             "\r\nMax-Forwards: 70\r\n";
        t += "From: <sip:10001@example.com>;tag=phonetag\r\n";
        t += "To: " + std::string(*invite.get(sip::header_id::from)) + "\r\n";
        t += "Call-ID: " + call.call_id() + "\r\n";
        t += "CSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
        t += "Content-Length: 0\r\n\r\n";
        return t;
    }

    call_actions ring_and_answer(core::time_point at) {
        call.on_text(answer(invite, 100), at);
        call.on_text(answer(invite, 180), at);
        return call.on_text(answer(invite, 200), at + 3s);
    }
};

call_plan plan_for(call_behaviour b) {
    call_plan p;
    p.behaviour = b;
    p.talk_time = 10s;
    p.hold_after = 4s;
    p.cancel_after = 2s;
    p.ring_timeout = 30s;
    return p;
}

TEST(originator, invite_is_a_webrtc_offer_to_the_binding_over_wss) {
    rig r(plan_for(call_behaviour::answered_then_target_bye));
    const auto& inv = r.invite;
    EXPECT_EQ(inv.request_uri(), "sip:abc@df7jal23ls0d.invalid;transport=ws");
    EXPECT_EQ(*inv.get(sip::header_id::to), "<sip:10001@example.com>");
    EXPECT_NE(inv.get(sip::header_id::from)->find("\"Ringstorm Target\" <sip:"), std::string::npos);
    auto via = sip::top_via(inv);
    ASSERT_TRUE(via.has_value());
    EXPECT_EQ(via->transport, "WSS");
    EXPECT_TRUE(via->rfc3261_branch());
    EXPECT_EQ(inv.get("X-Exotel-CallSid")->size(), 32U);
    EXPECT_EQ(inv.get("X-Exotel-LegSid")->size(), 32U);
    EXPECT_TRUE(inv.get(sip::header_id::contact).has_value());
    auto offer = sdp::parse(inv.body());
    ASSERT_TRUE(offer.has_value());
    const auto& m = offer->media.at(0);
    EXPECT_EQ(m.proto, "UDP/TLS/RTP/SAVPF");
    EXPECT_EQ(m.formats.at(0), "111");
    const std::string body(inv.body());
    for (const char* line : {"a=rtcp-mux", "a=fingerprint:sha-256 ", "a=setup:actpass",
                             "a=rtpmap:111 opus/48000/2"}) {
        EXPECT_NE(body.find(line), std::string::npos) << line;
    }
    // Without media (serve --media none) no ICE at all: not a WebRTC media offer.
    for (const char* line : {"a=ice-ufrag", "a=ice-pwd", "a=candidate", "a=ice-lite"}) {
        EXPECT_EQ(body.find(line), std::string::npos) << line;
    }
    EXPECT_FALSE(r.call.real_media());
    EXPECT_EQ(r.call.connection(), (connection_ref{0, 7}));
    EXPECT_EQ(r.call.next_deadline(), t0 + 30s);  // ring_timeout (Timer B is later over WSS)
}

TEST(originator, bad_inputs_are_refused_with_a_reason) {
    call_plan p = plan_for(call_behaviour::remote_hold_then_bye);
    p.hold_after = 20s;
    auto bad_plan = originated_call::create(p, identity(), {"<sip:a@b.invalid>", "sip:1@x", {}}, 1);
    ASSERT_FALSE(bad_plan.has_value());
    EXPECT_NE(bad_plan.error().find("hold_after"), std::string::npos);
    auto bad_contact = originated_call::create(plan_for(call_behaviour::no_ack), identity(),
                                               {"<http://x>", "sip:1@x", {}}, 1);
    ASSERT_FALSE(bad_contact.has_value());
    EXPECT_NE(bad_contact.error().find("http://x"), std::string::npos);
    caller_identity who = identity();
    who.fingerprint = "zz";
    EXPECT_FALSE(originated_call::create(plan_for(call_behaviour::no_ack), who,
                                         {"<sip:a@b.invalid>", "sip:1@x", {}}, 1)
                     .has_value());
}

TEST(originator, answered_call_is_acked_then_ended_by_the_target_after_talk_time) {
    rig r(plan_for(call_behaviour::answered_then_target_bye));
    auto out = r.ring_and_answer(t0 + 1s);
    ASSERT_EQ(out.send.size(), 1U);
    auto ack = parse(out.send[0]);
    EXPECT_EQ(ack.method(), sip::method::ack);
    EXPECT_EQ(ack.request_uri(), "sip:abc@df7jal23ls0d.invalid;transport=ws");
    EXPECT_TRUE(out.findings.empty());
    EXPECT_EQ(r.call.state(), call_state::talking);
    EXPECT_EQ(r.call.next_deadline(), t0 + 14s);
    EXPECT_TRUE(r.call.on_timer(t0 + 13s).send.empty());
    out = r.call.on_timer(t0 + 14s);
    ASSERT_EQ(out.send.size(), 1U);
    auto bye = parse(out.send[0]);
    EXPECT_EQ(bye.method(), sip::method::bye);
    EXPECT_EQ(sip::to_tag(bye), "phonetag");
    out = r.call.on_text(r.answer(bye, 200), t0 + 14100ms);
    ASSERT_TRUE(out.finished.has_value());
    EXPECT_EQ(out.finished->outcome, call_outcome::completed);
    EXPECT_EQ(out.finished->ended_by, call_side::target);
    EXPECT_EQ(out.finished->invite_to_ringing, 1000ms);
    EXPECT_EQ(out.finished->invite_to_answer, 4000ms);
    EXPECT_EQ(out.finished->talk, 10100ms);
    EXPECT_TRUE(r.call.finished());
    EXPECT_FALSE(r.call.next_deadline().has_value());
}

TEST(originator, target_cancels_while_ringing_and_the_487_ends_it) {
    rig r(plan_for(call_behaviour::target_cancel_while_ringing));
    r.call.on_text(r.answer(r.invite, 180), t0 + 1s);
    EXPECT_EQ(r.call.next_deadline(), t0 + 3s);  // cancel_after from the first 180
    auto out = r.call.on_timer(t0 + 3s);
    ASSERT_EQ(out.send.size(), 1U);
    auto cancel = parse(out.send[0]);
    EXPECT_EQ(cancel.method(), sip::method::cancel);
    EXPECT_EQ(sip::top_via(cancel)->branch(), sip::top_via(r.invite)->branch());
    EXPECT_FALSE(r.call.on_text(r.answer(cancel, 200), t0 + 3100ms).finished);
    out = r.call.on_text(r.answer(r.invite, 487), t0 + 3200ms);
    ASSERT_EQ(out.send.size(), 1U);  // the transaction's ACK (RFC 3261 §17.1.1.3)
    EXPECT_EQ(parse(out.send[0]).method(), sip::method::ack);
    ASSERT_TRUE(out.finished.has_value());
    EXPECT_EQ(out.finished->outcome, call_outcome::cancelled);
    EXPECT_EQ(out.finished->final_status, 487);
}

TEST(originator, a_2xx_crossing_the_cancel_is_acked_and_byed) {
    rig r(plan_for(call_behaviour::target_cancel_while_ringing));
    r.call.on_text(r.answer(r.invite, 180), t0 + 1s);
    r.call.on_timer(t0 + 3s);
    auto out = r.call.on_text(r.answer(r.invite, 200), t0 + 3100ms);
    ASSERT_EQ(out.send.size(), 2U);
    EXPECT_EQ(parse(out.send[0]).method(), sip::method::ack);
    auto bye = parse(out.send[1]);
    EXPECT_EQ(bye.method(), sip::method::bye);
    out = r.call.on_text(r.answer(bye, 200), t0 + 3200ms);
    ASSERT_TRUE(out.finished.has_value());
    EXPECT_EQ(out.finished->outcome, call_outcome::cancelled);
}

TEST(originator, busy_and_unavailable_finals_are_rejections) {
    for (int status : {486, 480}) {
        rig r(plan_for(call_behaviour::answered_then_target_bye));
        r.call.on_text(r.answer(r.invite, 180), t0 + 1s);
        auto out = r.call.on_text(r.answer(r.invite, status), t0 + 2s);
        ASSERT_EQ(out.send.size(), 1U);
        EXPECT_EQ(parse(out.send[0]).method(), sip::method::ack);
        ASSERT_TRUE(out.finished.has_value());
        EXPECT_EQ(out.finished->outcome, call_outcome::rejected);
        EXPECT_EQ(out.finished->final_status, status);
        EXPECT_EQ(out.finished->reason.substr(0, 3), std::to_string(status));
    }
}

TEST(originator, phone_bye_is_answered_and_ends_the_call) {
    rig r(plan_for(call_behaviour::phone_hangs_up));
    r.ring_and_answer(t0);
    auto out = r.call.on_text(r.phone_request("BYE"), t0 + 8s);
    ASSERT_EQ(out.send.size(), 1U);
    auto ok = parse(out.send[0]);
    EXPECT_EQ(ok.status(), 200);
    EXPECT_EQ(sip::cseq_of(ok)->method, sip::method::bye);
    ASSERT_TRUE(out.finished.has_value());
    EXPECT_EQ(out.finished->outcome, call_outcome::completed);
    EXPECT_EQ(out.finished->ended_by, call_side::phone);
    EXPECT_EQ(out.finished->talk, 5000ms);
}

TEST(originator, phone_that_never_hangs_up_is_flagged_and_byed_at_talk_time) {
    rig r(plan_for(call_behaviour::phone_hangs_up));
    r.ring_and_answer(t0);
    auto out = r.call.on_timer(t0 + 13s);
    ASSERT_EQ(out.findings.size(), 1U);
    EXPECT_EQ(out.findings[0].kind, finding_kind::phone_did_not_hang_up);
    ASSERT_EQ(out.send.size(), 1U);
    EXPECT_EQ(parse(out.send[0]).method(), sip::method::bye);
}

TEST(originator, no_ack_leaves_the_2xx_unacked_and_counts_its_retransmissions) {
    rig r(plan_for(call_behaviour::no_ack));
    auto out = r.ring_and_answer(t0);
    EXPECT_TRUE(out.send.empty());
    const std::string ok = r.answer(r.invite, 200);
    EXPECT_TRUE(r.call.on_text(ok, t0 + 3500ms).send.empty());
    EXPECT_TRUE(r.call.on_text(ok, t0 + 4500ms).send.empty());
    out = r.call.on_text(r.phone_request("BYE"), t0 + 9s);
    ASSERT_TRUE(out.finished.has_value());
    EXPECT_EQ(out.finished->ended_by, call_side::phone);
    EXPECT_EQ(out.finished->ok_retransmissions, 2U);
}

TEST(originator, acked_call_re_acks_a_retransmitted_2xx) {
    rig r(plan_for(call_behaviour::answered_then_target_bye));
    auto first = r.ring_and_answer(t0);
    auto again = r.call.on_text(r.answer(r.invite, 200), t0 + 3500ms);
    ASSERT_EQ(again.send.size(), 1U);
    EXPECT_EQ(again.send[0], first.send.at(0));
}

TEST(originator, hold_reinvite_offers_sendonly_and_accepts_a_recvonly_answer) {
    rig r(plan_for(call_behaviour::remote_hold_then_bye));
    r.ring_and_answer(t0);
    EXPECT_EQ(r.call.next_deadline(), t0 + 7s);
    auto out = r.call.on_timer(t0 + 7s);
    ASSERT_EQ(out.send.size(), 1U);
    auto hold = parse(out.send[0]);
    EXPECT_EQ(hold.method(), sip::method::invite);
    EXPECT_EQ(sip::cseq_of(hold)->number, 2U);
    EXPECT_EQ(sip::to_tag(hold), "phonetag");
    EXPECT_NE(std::string(hold.body()).find("a=sendonly"), std::string::npos);
    out = r.call.on_text(r.answer(hold, 200, sdp::direction::recvonly), t0 + 7100ms);
    ASSERT_EQ(out.send.size(), 1U);
    EXPECT_EQ(parse(out.send[0]).method(), sip::method::ack);
    EXPECT_TRUE(out.findings.empty());
    out = r.call.on_timer(t0 + 13s);
    ASSERT_EQ(out.send.size(), 1U);
    EXPECT_EQ(parse(out.send[0]).method(), sip::method::bye);
}

TEST(originator, hold_answered_sendrecv_is_flagged) {
    rig r(plan_for(call_behaviour::remote_hold_then_bye));
    r.ring_and_answer(t0);
    auto hold = parse(r.call.on_timer(t0 + 7s).send.at(0));
    auto out = r.call.on_text(r.answer(hold, 200, sdp::direction::sendrecv), t0 + 7100ms);
    ASSERT_EQ(out.findings.size(), 1U);
    EXPECT_EQ(out.findings[0].kind, finding_kind::hold_answer_direction);
    EXPECT_NE(out.findings[0].detail.find("sendrecv is not a valid answer to sendonly"),
              std::string::npos);
    EXPECT_EQ(out.findings[0].at, 7100ms);
    EXPECT_EQ(r.call.state(), call_state::talking);  // flagged, not ended
}

TEST(originator, glare_of_two_reinvites_gets_491_and_no_finding) {
    rig r(plan_for(call_behaviour::remote_hold_then_bye));
    r.ring_and_answer(t0);
    auto hold = parse(r.call.on_timer(t0 + 7s).send.at(0));
    // The phone's own hold re-INVITE crosses ours (RFC 3261 §14.2): each answers 491.
    auto out = r.call.on_text(r.phone_request("INVITE", 2), t0 + 7010ms);
    ASSERT_EQ(out.send.size(), 1U);
    EXPECT_EQ(parse(out.send[0]).status(), 491);
    out = r.call.on_text(r.answer(hold, 491), t0 + 7020ms);
    EXPECT_TRUE(out.findings.empty());
    EXPECT_EQ(r.call.state(), call_state::talking);
}

TEST(originator, refused_hold_is_flagged_and_the_call_goes_on) {
    rig r(plan_for(call_behaviour::remote_hold_then_bye));
    r.ring_and_answer(t0);
    auto hold = parse(r.call.on_timer(t0 + 7s).send.at(0));
    auto out = r.call.on_text(r.answer(hold, 488), t0 + 7100ms);
    ASSERT_EQ(out.findings.size(), 1U);
    EXPECT_EQ(out.findings[0].kind, finding_kind::hold_refused);
    EXPECT_EQ(r.call.state(), call_state::talking);
}

TEST(originator, ring_timeout_cancels_a_ringing_call_and_fails_it) {
    rig r(plan_for(call_behaviour::answered_then_target_bye));
    r.call.on_text(r.answer(r.invite, 180), t0 + 1s);
    auto out = r.call.on_timer(t0 + 30s);
    ASSERT_EQ(out.send.size(), 1U);
    EXPECT_EQ(parse(out.send[0]).method(), sip::method::cancel);
    out = r.call.on_text(r.answer(r.invite, 487), t0 + 31s);
    ASSERT_TRUE(out.finished.has_value());
    EXPECT_EQ(out.finished->outcome, call_outcome::failed);
    EXPECT_EQ(out.finished->reason, "no answer within ring_timeout");
}

TEST(originator, silent_phone_fails_at_ring_timeout_without_a_cancel) {
    rig r(plan_for(call_behaviour::answered_then_target_bye));
    auto out = r.call.on_timer(t0 + 30s);
    EXPECT_TRUE(out.send.empty());  // RFC 3261 §9.1: no CANCEL before a provisional
    ASSERT_TRUE(out.finished.has_value());
    EXPECT_EQ(out.finished->outcome, call_outcome::failed);
}

TEST(originator, malformed_responses_are_counted_not_fatal) {
    rig r(plan_for(call_behaviour::answered_then_target_bye));
    auto out = r.call.on_text("SIP/2.0 200 OK\r\nbroken", t0 + 1s);
    ASSERT_EQ(out.findings.size(), 1U);
    EXPECT_EQ(out.findings[0].kind, finding_kind::malformed_message);
    // A 2xx without a To tag cannot create a dialog (RFC 3261 §12.1.2).
    sip::message no_tag = sip::make_response(r.invite, 200);
    out = r.call.on_message(no_tag, t0 + 2s);
    EXPECT_EQ(r.call.malformed(), 2U);
    ASSERT_TRUE(out.finished.has_value());
    EXPECT_EQ(out.finished->outcome, call_outcome::failed);
    EXPECT_TRUE(r.call.on_text(r.answer(r.invite, 200), t0 + 3s).send.empty());  // over
}

TEST(originator, dtmf_info_is_accepted) {
    rig r(plan_for(call_behaviour::phone_hangs_up));
    r.ring_and_answer(t0);
    auto out = r.call.on_text(r.phone_request("INFO", 2), t0 + 5s);
    ASSERT_EQ(out.send.size(), 1U);
    EXPECT_EQ(parse(out.send[0]).status(), 200);
    EXPECT_TRUE(out.findings.empty());
}

TEST(originator, unknown_in_dialog_request_gets_501_and_a_finding) {
    rig r(plan_for(call_behaviour::phone_hangs_up));
    r.ring_and_answer(t0);
    auto out = r.call.on_text(r.phone_request("MESSAGE", 2), t0 + 5s);
    ASSERT_EQ(out.send.size(), 1U);
    EXPECT_EQ(parse(out.send[0]).status(), 501);
    ASSERT_EQ(out.findings.size(), 1U);
    EXPECT_EQ(out.findings[0].kind, finding_kind::unexpected_request);
    EXPECT_FALSE(out.finished.has_value());
}

TEST(originator, phone_hold_reinvite_is_answered_per_rfc_3264) {
    rig r(plan_for(call_behaviour::phone_hangs_up));
    r.ring_and_answer(t0);
    sip::message reinvite = parse(r.phone_request("INVITE", 2));
    reinvite.add(sip::header_id::contact, "<sip:abc@df7jal23ls0d.invalid;transport=ws>");
    sdp::webrtc_audio_params p;
    p.ice_ufrag = "phon";
    p.ice_pwd = "phonepasswordphonepassw";
    p.fingerprint = identity().fingerprint;
    p.direction = sdp::direction::sendonly;
    reinvite.set_body("application/sdp", sdp::serialize(sdp::build_webrtc_audio(p)));
    auto out = r.call.on_message(reinvite, t0 + 5s);
    ASSERT_EQ(out.send.size(), 1U);
    auto ok = parse(out.send[0]);
    EXPECT_EQ(ok.status(), 200);
    auto answer = sdp::parse(ok.body());
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->direction_of(answer->media.at(0)), sdp::direction::recvonly);
    // The phone took DTLS `active` in its 200; its actpass re-offer must not make us active
    // too (Chromium refuses such an answer and hangs up).
    const auto* role = sdp::find<sdp::setup_role>(answer->media.at(0).attributes);
    ASSERT_NE(role, nullptr);
    EXPECT_EQ(*role, sdp::setup_role::passive);
    EXPECT_GT(answer->origin.session_version, 2U);
    EXPECT_TRUE(out.findings.empty());
    EXPECT_EQ(r.call.state(), call_state::talking);
}

}  // namespace
}  // namespace ringstorm::target
