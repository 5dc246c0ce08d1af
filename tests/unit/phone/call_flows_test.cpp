// Call lifecycles under both contract profiles (sdk-callback-contract.md, rows "incoming
// INVITE" to "ACK never arrives"): what goes on the wire and which events the app sees.

#include <gtest/gtest.h>

#include "tests/unit/phone/call_script.hpp"

namespace ringstorm::phone::test {
namespace {

using scenario::contract_profile;
using ev = std::vector<std::string_view>;
constexpr auto documented = contract_profile::documented;
constexpr auto sdk205 = contract_profile::exotel_web_sdk_2_0_5;

TEST(call_flows, incoming_invite_sends_100_and_180_without_sdp_then_incoming) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.start();
        ASSERT_EQ(s.statuses(), (std::vector<int>{100, 180}));
        EXPECT_TRUE(s.sent[1].body().empty());
        EXPECT_FALSE(s.sent[1].get(sip::header_id::contact) == std::nullopt);
        EXPECT_EQ(s.events(), ev{"incoming"});
        const auto& r = s.machine.record();
        EXPECT_EQ(r.call_id, "call-1@target");
        EXPECT_EQ(r.remote_display_name, "Bob Caller");
        EXPECT_EQ(r.exotel_call_sid, "CS-42");
        EXPECT_EQ(r.exotel_leg_sid, "LEG-7");
        EXPECT_EQ(r.state, call_state::ringing);
    }
}

TEST(call_flows, answer_sends_200_with_webrtc_answer) {
    call_script s(documented);
    s.start();
    s.answer();
    const auto& ok = s.sent.back();
    ASSERT_EQ(ok.status(), 200);
    EXPECT_EQ(ok.get(sip::header_id::content_type), "application/sdp");
    auto sd = sdp::parse(ok.body());
    ASSERT_TRUE(sd) << ok.body();
    ASSERT_EQ(sd->media.size(), 1U);
    const auto& m = sd->media.front();
    EXPECT_EQ(m.proto, "UDP/TLS/RTP/SAVPF");
    EXPECT_EQ(m.formats.front(), "111");
    EXPECT_TRUE(sdp::has_flag(m.attributes, sdp::flag::rtcp_mux));
    ASSERT_NE(sdp::find<sdp::ice_ufrag>(m.attributes), nullptr);
    EXPECT_EQ(sdp::find<sdp::ice_ufrag>(m.attributes)->value, "phnu");
    ASSERT_NE(sdp::find<sdp::fingerprint>(m.attributes), nullptr);
    ASSERT_NE(sdp::find<sdp::setup_role>(m.attributes), nullptr);
    EXPECT_EQ(*sdp::find<sdp::setup_role>(m.attributes), sdp::setup_role::active);
    EXPECT_EQ(sd->direction_of(m), sdp::direction::sendrecv);
    EXPECT_EQ(ok.get(sip::header_id::contact), "<sip:k3j4@phone.invalid;transport=ws>");
}

TEST(call_flows, documented_connected_on_ack) {
    call_script s(documented);
    s.start();
    s.answer();
    EXPECT_EQ(s.events(), ev{"incoming"});
    s.tag = s.phone_tag();
    s.now += 80ms;
    s.in(s.ack());
    EXPECT_EQ(s.events(), (ev{"incoming", "connected"}));
    EXPECT_TRUE(s.has_latency(core::step::answer_to_ack));
    EXPECT_TRUE(s.has_latency(core::step::answer_to_connected));
    EXPECT_EQ(s.machine.record().state, call_state::connected);
    s.run_for(40s);
    EXPECT_EQ(s.statuses().back(), 200);  // no retransmission after the ACK
    EXPECT_EQ(s.sent.size(), 3U);
}

TEST(call_flows, sdk205_connected_when_200_sent) {
    call_script s(sdk205);
    s.start();
    s.answer();
    EXPECT_EQ(s.events(), (ev{"incoming", "connected"}));
    s.tag = s.phone_tag();
    s.in(s.ack());
    EXPECT_EQ(s.events(), (ev{"incoming", "connected"}));
    EXPECT_TRUE(s.has_latency(core::step::answer_to_ack));
}

TEST(call_flows, no_ack_retransmits_200_then_bye_after_32s) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.start();
        s.answer();
        const auto answered = s.now;
        std::vector<std::chrono::milliseconds> at;
        while (auto d = s.machine.next_deadline()) {
            if (*d > answered + 40s) {
                break;
            }
            const auto before = s.sent.size();
            s.now = *d;
            s.take(s.machine.on_timer(s.now));
            for (auto i = before; i < s.sent.size(); ++i) {
                if (s.sent[i].is_response() && s.sent[i].status() == 200) {
                    at.push_back(
                        std::chrono::duration_cast<std::chrono::milliseconds>(s.now - answered));
                }
            }
        }
        // RFC 3261 §13.3.1.4: T1 doubling to T2.
        ASSERT_GE(at.size(), 5U);
        EXPECT_EQ(at[0], 500ms);
        EXPECT_EQ(at[1], 1500ms);
        EXPECT_EQ(at[2], 3500ms);
        EXPECT_EQ(at[3], 7500ms);
        EXPECT_EQ(at[4], 11500ms);
        EXPECT_EQ(s.sent_count(sip::method::bye), 1U);
        EXPECT_TRUE(s.has(call_action_type::protocol_error, "ack_timeout"));
        EXPECT_EQ(s.machine.record().end, call_end::no_ack);
        if (profile == sdk205) {
            EXPECT_EQ(s.events(), (ev{"incoming", "connected", "callEnded"}));
        } else {
            EXPECT_EQ(s.events(), (ev{"incoming", "terminated"}));
        }
    }
}

TEST(call_flows, remote_bye_is_answered_200) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.connect();
        s.in(s.request(sip::method::bye, 2, "bye1"));
        EXPECT_EQ(s.sent.back().status(), 200);
        EXPECT_EQ(s.machine.record().state, call_state::ended);
        EXPECT_EQ(s.events().back(), profile == sdk205 ? "callEnded" : "terminated");
        EXPECT_EQ(s.events().size(), 3U);
    }
}

TEST(call_flows, remote_cancel_while_ringing) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.start();
        s.in(s.cancel());
        ASSERT_EQ(s.sent.size(), 4U);
        EXPECT_EQ(s.sent[2].status(), 200);
        EXPECT_EQ(sip::cseq_of(s.sent[2])->method, sip::method::cancel);
        EXPECT_EQ(s.sent[3].status(), 487);
        EXPECT_EQ(sip::cseq_of(s.sent[3])->method, sip::method::invite);
        EXPECT_EQ(s.events(), (ev{"incoming", profile == sdk205 ? "callEnded" : "terminated"}));
        EXPECT_EQ(s.machine.record().end, call_end::remote_cancel);
    }
}

TEST(call_flows, reject_sends_486_and_call_ended) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.start();
        s.take(s.machine.reject(s.now));
        EXPECT_EQ(s.sent.back().status(), 486);
        EXPECT_EQ(s.machine.record().final_status, 486);
        EXPECT_EQ(s.events(), (ev{"incoming", "callEnded"}));
        s.take(s.machine.answer(s.now, s.now));
        EXPECT_TRUE(s.has(call_action_type::refused, "not_ringing"));
    }
}

TEST(call_flows, hangup_while_ringing_declines_486_but_a_page_unload_480) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.start();
        s.take(s.machine.hangup(s.now, s.now));
        EXPECT_EQ(s.sent.back().status(), 486);
        // The real 2.0.5 SDK's phrase (tests/interop); the RFC's otherwise.
        EXPECT_EQ(s.sent.back().reason(), profile == sdk205 ? "Busy" : "Busy Here");
        EXPECT_EQ(s.machine.record().end, call_end::local_hangup);
        EXPECT_EQ(s.events(), (ev{"incoming", "callEnded"}));

        call_script unload(profile);
        unload.start();
        unload.take(unload.machine.unload(unload.now, unload.now));
        EXPECT_EQ(unload.sent.back().status(), 480);
        EXPECT_EQ(unload.events(), (ev{"incoming", "callEnded"}));
    }
}

TEST(call_flows, local_hangup_sends_bye_and_call_ended_at_once) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.connect();
        s.take(s.machine.hangup(s.now, s.now));
        ASSERT_EQ(s.sent.back().method(), sip::method::bye);
        EXPECT_EQ(sip::to_tag(s.sent.back()), "tgt1");
        EXPECT_EQ(s.events().back(), "callEnded");
        s.now += 30ms;
        s.in(s.reply_to_last(200));
        EXPECT_TRUE(s.has_latency(core::step::bye));
        EXPECT_FALSE(s.has(call_action_type::protocol_error, "stray_response"));
        EXPECT_FALSE(s.machine.finished());  // RFC 6026 Timer L still absorbs INVITEs
        s.run_for(40s);
        EXPECT_TRUE(s.machine.finished());
    }
}

TEST(call_flows, hangup_before_ack_waits_for_the_ack) {
    call_script s(sdk205);
    s.start();
    s.answer();
    s.tag = s.phone_tag();
    s.take(s.machine.hangup(s.now, s.now));
    EXPECT_EQ(s.sent_count(sip::method::bye), 0U);  // RFC 3261 §15
    EXPECT_EQ(s.events().back(), "callEnded");
    s.in(s.ack());
    EXPECT_EQ(s.sent_count(sip::method::bye), 1U);
}

// The latency of a command runs from when the script wanted it (coordinated omission).
std::chrono::nanoseconds latency_of(const call_script& s, core::step step) {
    for (const auto& a : s.all) {
        if (a.type == call_action_type::latency && a.step == step) {
            return a.latency;
        }
    }
    ADD_FAILURE() << "no latency for " << core::to_string(step);
    return {};
}

TEST(call_flows, latencies_start_when_the_command_was_due) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.start();
        const auto due = s.now;
        s.now += 30ms;  // the harness ran 30 ms late
        s.take(s.machine.answer(due, s.now));
        s.tag = s.phone_tag();
        s.now += 20ms;
        s.in(s.ack());
        EXPECT_EQ(latency_of(s, core::step::answer_to_ack), 50ms);
        // documented: connected on the ACK; 2.0.5: when the 200 went out.
        EXPECT_EQ(latency_of(s, core::step::answer_to_connected), profile == sdk205 ? 30ms : 50ms);
        EXPECT_EQ(s.machine.record().acked, s.now);
        EXPECT_EQ(s.machine.record().final_status, 200);

        const auto bye_due = s.now;
        s.now += 10ms;
        s.take(s.machine.hangup(bye_due, s.now));
        EXPECT_TRUE(s.machine.busy());  // the BYE awaits its answer
        s.now += 15ms;
        s.in(s.reply_to_last(200));
        EXPECT_EQ(latency_of(s, core::step::bye), 25ms);
        EXPECT_FALSE(s.machine.busy());
    }
}

TEST(call_flows, cancel_reason_cause_200_means_completed_elsewhere) {
    for (std::string_view reason : {"SIP;cause=200;text=\"Call completed elsewhere\"",
                                    "Q.850;cause=16, SIP ; cause=200", "SIP;cause=487", ""}) {
        call_script s(documented);
        s.start();
        auto cancel = s.cancel();
        if (!reason.empty()) {
            cancel.add(sip::header_id::reason, reason);
        }
        s.in(cancel);
        EXPECT_EQ(s.machine.record().completed_elsewhere, reason.find("=200") != reason.npos)
            << reason;
        EXPECT_EQ(s.machine.record().final_status, 487);
    }
}

TEST(call_flows, transport_lost_ends_the_call_per_profile) {
    for (auto profile : {documented, sdk205}) {
        call_script s(profile);
        s.connect();
        s.take(s.machine.hold(s.now, s.now));  // a re-INVITE in flight is dropped too
        const auto sent = s.sent.size();
        s.take(s.machine.on_transport_lost(s.now));
        EXPECT_EQ(s.sent.size(), sent);
        EXPECT_EQ(s.machine.record().end, call_end::transport_error);
        EXPECT_EQ(s.events(), profile == sdk205 ? (ev{"incoming", "connected"})
                                                : (ev{"incoming", "connected", "terminated"}));
        EXPECT_FALSE(s.machine.next_deadline());
        EXPECT_TRUE(s.machine.finished());
        EXPECT_FALSE(s.machine.busy());
        // An ended call only drops its timers.
        s.take(s.machine.on_transport_lost(s.now));
        EXPECT_EQ(s.events().size(), profile == sdk205 ? 2U : 3U);
    }
}

TEST(call_flows, sdk205_no_answer_for_60s_gives_480) {
    call_script s(sdk205);
    s.start();
    s.run_for(59s);
    EXPECT_EQ(s.machine.record().state, call_state::ringing);
    s.run_for(1s);
    EXPECT_EQ(s.sent.back().status(), 480);
    EXPECT_EQ(s.events(), (ev{"incoming", "callEnded"}));
    EXPECT_EQ(s.machine.record().end, call_end::no_answer);
}

TEST(call_flows, documented_keeps_ringing_past_60s) {
    call_script s(documented);
    s.start();
    s.run_for(120s);
    EXPECT_EQ(s.machine.record().state, call_state::ringing);
    EXPECT_EQ(s.events(), ev{"incoming"});
}

TEST(call_flows, invite_without_opus_is_refused_488_without_event) {
    call_script s(sdk205, "");
    s.start();
    EXPECT_EQ(s.statuses(), (std::vector<int>{100, 488}));
    EXPECT_TRUE(s.events().empty());
    EXPECT_TRUE(s.has(call_action_type::protocol_error, "sdp_offer"));
}

TEST(call_flows, invite_that_cannot_make_a_dialog_gets_400_or_is_dropped) {
    auto no_tag = target_invite(target_offer());
    no_tag.set(sip::header_id::from, "<sip:bob@example.com>");
    call c(no_tag, make_call_config(sdk205), 1);
    auto out = c.start(core::clock::time_point{} + 1s);
    call_script s(sdk205);
    s.take(std::move(out));
    EXPECT_EQ(s.statuses(), (std::vector<int>{100, 400}));
    EXPECT_EQ(c.record().end, call_end::bad_invite);
    EXPECT_TRUE(c.record().events.empty());

    auto no_via = target_invite(target_offer());
    no_via.remove(sip::header_id::via);
    call d(no_via, make_call_config(documented), 1);
    auto dropped = d.start(core::clock::time_point{} + 1s);
    for (const auto& a : dropped) {
        EXPECT_NE(a.type, call_action_type::send);
    }
    EXPECT_EQ(d.record().state, call_state::ended);
}

}  // namespace
}  // namespace ringstorm::phone::test
