// A tab's calls end to end on loopback, under both contract profiles: the INVITE routed
// to a call machine, the app's commands, the far end's BYE and CANCEL, hold/unhold and
// DTMF; what the app sees (call events), what goes on the wire, the episode, the stats.
#include "tests/unit/phone/tab_call_fixture.hpp"

namespace ringstorm::phone::test {
namespace {

bool ladder_has(const tab& t, bool sent, std::string_view start) {
    const auto& ladder = t.history().ladder;
    return std::any_of(ladder.begin(), ladder.end(), [&](const ladder_entry& e) {
        return e.sent == sent && e.text.rfind(start, 0) == 0;
    });
}

void answered_call_ends_with_our_bye(scenario::contract_profile profile) {
    call_fixture f{profile};
    ASSERT_TRUE(f.ring());
    // 100 and 180 without SDP, then `incoming` about call 0.
    EXPECT_EQ(f.target.statuses("call-1@target"), (std::vector<int>{100, 180}));
    EXPECT_TRUE(f.target.responses("call-1@target").back()->body().empty());
    const auto& incoming = f.recorder.events.back();
    EXPECT_EQ(incoming.callback, scenario::callback_kind::call_event);
    EXPECT_EQ(incoming.call, 0u);
    EXPECT_EQ(f.stats->calls_offered, 1u);
    EXPECT_EQ(f.latencies(core::step::invite_to_incoming), 1u);
    ASSERT_NE(f.phone->current_call(), nullptr);
    EXPECT_EQ(f.phone->current_call()->call_id, "call-1@target");
    EXPECT_TRUE(f.phone->in_call());

    // Answer: 200 with the WebRTC answer; 2.0.5 says connected at once, documented on ACK.
    const auto due = core::clock::now() - 50ms;  // the script ran late: latencies show it
    EXPECT_EQ(f.phone->answer(due), "");
    ASSERT_TRUE(f.wait([&] { return f.target.statuses("call-1@target").size() == 3; }));
    const auto& ok = *f.target.responses("call-1@target").back();
    ASSERT_EQ(ok.status(), 200);
    auto sd = sdp::parse(ok.body());
    ASSERT_TRUE(sd) << ok.body();
    EXPECT_EQ(sd->media.front().proto, "UDP/TLS/RTP/SAVPF");
    EXPECT_EQ(sd->media.front().formats.front(), "111");
    EXPECT_EQ(f.recorder.calls(),
              profile == sdk205 ? (ev{"incoming", "connected"}) : (ev{"incoming"}));
    EXPECT_EQ(f.stats->calls_answered, profile == sdk205 ? 1u : 0u);
    f.target.send(f.target.request(sip::method::ack, "call-1@target", 1, "ack1", f.phone_tag()));
    ASSERT_TRUE(f.wait([&] { return f.episode().acked.has_value(); }));
    EXPECT_EQ(f.recorder.calls(), (ev{"incoming", "connected"}));
    EXPECT_EQ(f.stats->calls_answered, 1u);
    EXPECT_EQ(f.stats->active_calls, 1);
    EXPECT_EQ(f.latencies(core::step::answer_to_ack), 1u);
    EXPECT_EQ(f.latencies(core::step::answer_to_connected), 1u);
    EXPECT_GE(f.stats->latency[core::index(core::step::answer_to_ack)].max(), 50ms);
    EXPECT_TRUE(f.episode().answered);
    EXPECT_EQ(f.episode().final_status, 200);

    // Hangup: BYE, callEnded at once; the target's 200 ends the BYE's transaction.
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "");
    EXPECT_EQ(f.recorder.calls(), (ev{"incoming", "connected", "callEnded"}));
    EXPECT_EQ(f.recorder.events.back().call, 0u);
    ASSERT_TRUE(f.wait([&] { return f.latencies(core::step::bye) == 1; }));
    ASSERT_NE(f.target.last_request(sip::method::bye), nullptr);
    EXPECT_EQ(sip::to_tag(*f.target.last_request(sip::method::bye)), "tgt1");
    EXPECT_EQ(f.episode().end, call_end::local_hangup);
    EXPECT_TRUE(f.episode().ended);
    EXPECT_TRUE(f.episode().findings.empty());
    EXPECT_EQ(f.stats->calls_completed, 1u);
    EXPECT_EQ(f.stats->calls_failed, 0u);
    EXPECT_EQ(f.stats->active_calls, 0);
    EXPECT_EQ(f.stats->protocol_errors.total(), 0u);
    using core::direction;
    using core::sip_method;
    using core::status_class;
    EXPECT_EQ(f.stats->sip_count(direction::received, sip_method::invite, status_class::request),
              1u);
    EXPECT_EQ(f.stats->sip_count(direction::sent, sip_method::invite, status_class::s2xx), 1u);
    EXPECT_EQ(f.stats->sip_count(direction::sent, sip_method::bye, status_class::request), 1u);
    EXPECT_EQ(f.stats->sip_count(direction::received, sip_method::bye, status_class::s2xx), 1u);
    // The ladder holds the call's messages both ways.
    EXPECT_TRUE(ladder_has(*f.phone, false, "INVITE sip:"));
    EXPECT_TRUE(ladder_has(*f.phone, true, "SIP/2.0 180"));
    EXPECT_TRUE(ladder_has(*f.phone, true, "BYE sip:"));
    EXPECT_FALSE(f.phone->in_call());
    EXPECT_EQ(f.phone->current_call(), nullptr);
    EXPECT_EQ(f.phone->answer(core::clock::now()), "no call");
    // Register events are untouched by the call's.
    EXPECT_EQ(f.recorder.names(scenario::callback_kind::register_event).back(), "registered");
}

TEST(tab_call_loopback, documented_answer_then_hangup) {
    answered_call_ends_with_our_bye(documented);
}

TEST(tab_call_loopback, sdk205_answer_then_hangup) {
    answered_call_ends_with_our_bye(sdk205);
}

TEST(tab_call_loopback, remote_bye_per_profile) {
    for (auto profile : {documented, sdk205}) {
        call_fixture f{profile};
        ASSERT_TRUE(f.connect());
        f.target.send(
            f.target.request(sip::method::bye, "call-1@target", 2, "bye2", f.phone_tag()));
        ASSERT_TRUE(f.wait([&] { return f.recorder.calls().size() == 3; }));
        EXPECT_EQ(f.recorder.calls().back(), profile == sdk205 ? "callEnded" : "terminated");
        ASSERT_TRUE(f.wait([&] {
            return f.target.statuses("call-1@target").back() == 200 &&
                   f.target.responses("call-1@target").size() == 4;
        }));
        EXPECT_EQ(sip::cseq_of(*f.target.responses("call-1@target").back())->method,
                  sip::method::bye);
        EXPECT_EQ(f.episode().end, call_end::remote_bye);
        EXPECT_EQ(f.stats->calls_completed, 1u);
        EXPECT_EQ(f.stats->active_calls, 0);
        EXPECT_FALSE(f.phone->in_call());
    }
}

TEST(tab_call_loopback, remote_cancel_with_and_without_completed_elsewhere) {
    for (auto profile : {documented, sdk205}) {
        for (bool elsewhere : {false, true}) {
            call_fixture f{profile};
            f.phone->set_forked(elsewhere);
            ASSERT_TRUE(f.ring());
            auto cancel = sip::make_cancel(f.target.invite("call-1@target"));
            if (elsewhere) {
                cancel.add(sip::header_id::reason,
                           "SIP;cause=200;text=\"Call completed elsewhere\"");
            }
            f.target.send(cancel);
            ASSERT_TRUE(f.wait([&] { return f.target.statuses("call-1@target").size() == 4; }));
            // 200 to the CANCEL, 487 to the INVITE (RFC 3261 §9.2).
            EXPECT_EQ(f.target.statuses("call-1@target"), (std::vector<int>{100, 180, 200, 487}));
            EXPECT_EQ(f.recorder.calls(),
                      (ev{"incoming", profile == sdk205 ? "callEnded" : "terminated"}));
            EXPECT_EQ(f.episode().end, call_end::remote_cancel);
            EXPECT_EQ(f.episode().final_status, 487);
            EXPECT_EQ(f.episode().completed_elsewhere, elsewhere);
            EXPECT_EQ(f.episode().forked, elsewhere);
            // The ACK of the 487 reaches the call's transaction, not the registration.
            auto ack = sip::make_ack_for_non2xx(f.target.invite("call-1@target"),
                                                *f.target.responses("call-1@target").back());
            f.target.send(ack);
            f.wait([] { return false; }, 100ms);
            EXPECT_EQ(f.target.responses("call-1@target").size(), 4u);
            EXPECT_EQ(f.stats->calls_offered, 1u);
            EXPECT_EQ(f.stats->calls_answered, 0u);
            EXPECT_EQ(f.stats->calls_completed + f.stats->calls_failed, 0u);
            EXPECT_EQ(f.stats->protocol_errors.total(), 0u);
        }
    }
}

TEST(tab_call_loopback, hold_unhold_mute_and_dtmf_signal_without_callbacks) {
    for (auto profile : {documented, sdk205}) {
        call_fixture f{profile};
        ASSERT_TRUE(f.connect());
        EXPECT_EQ(f.phone->hold(core::clock::now()), "");
        ASSERT_TRUE(f.wait([&] { return f.latencies(core::step::hold) == 1; }));
        const auto* hold = f.target.last_request(sip::method::invite);
        ASSERT_NE(hold, nullptr);
        EXPECT_EQ(call_script::direction_in(*hold), sdp::direction::sendonly);
        EXPECT_EQ(sip::to_tag(*hold), "tgt1");
        ASSERT_TRUE(f.wait([&] { return f.target.count(sip::method::ack) == 1; }));

        EXPECT_EQ(f.phone->unhold(core::clock::now()), "");
        ASSERT_TRUE(f.wait([&] { return f.latencies(core::step::unhold) == 1; }));
        EXPECT_EQ(call_script::direction_in(*f.target.last_request(sip::method::invite)),
                  sdp::direction::sendrecv);

        ASSERT_TRUE(f.wait([&] { return f.target.count(sip::method::ack) == 2; }));
        const auto before = f.target.received.size();
        EXPECT_EQ(f.phone->mute(), "");
        EXPECT_EQ(f.phone->unmute(), "");
        EXPECT_EQ(f.phone->dtmf('5', core::clock::now()), "");
        ASSERT_TRUE(f.wait([&] { return f.target.count(sip::method::info) == 1; }));
        const auto* info = f.target.last_request(sip::method::info);
        ASSERT_NE(info, nullptr);
        EXPECT_EQ(f.target.received.size(), before + 1);  // mute and unmute sent nothing
        EXPECT_EQ(info->get(sip::header_id::content_type), "application/dtmf-relay");
        EXPECT_EQ(info->body(), "Signal=5\r\nDuration=240");
        EXPECT_EQ(f.phone->dtmf('x', core::clock::now()), "bad digit");

        f.wait([] { return false; }, 100ms);  // the INFO's 200 comes back
        EXPECT_EQ(f.recorder.calls(), (ev{"incoming", "connected"}));
        EXPECT_TRUE(f.episode().findings.empty());
        EXPECT_EQ(f.stats->protocol_errors.total(), 0u);
        EXPECT_TRUE(f.phone->in_call());
    }
}

TEST(tab_call_loopback, reject_sends_486_and_call_ended) {
    for (auto profile : {documented, sdk205}) {
        call_fixture f{profile};
        ASSERT_TRUE(f.ring());
        EXPECT_EQ(f.phone->hold(core::clock::now()), "not connected");
        EXPECT_EQ(f.phone->reject(core::clock::now()), "");
        EXPECT_EQ(f.recorder.calls(), (ev{"incoming", "callEnded"}));
        ASSERT_TRUE(f.wait([&] { return f.target.statuses("call-1@target").size() == 3; }));
        EXPECT_EQ(f.target.statuses("call-1@target").back(), 486);
        EXPECT_EQ(f.episode().end, call_end::local_reject);
        EXPECT_EQ(f.episode().final_status, 486);
        EXPECT_FALSE(f.phone->in_call());
        EXPECT_EQ(f.phone->reject(core::clock::now()), "no call");
    }
}

TEST(tab_call_loopback, a_response_matching_nothing_is_a_finding_of_the_call) {
    call_fixture f{documented};
    ASSERT_TRUE(f.connect());
    // A 200 to a BYE the phone never sent, in the live call.
    auto bye = f.target.request(sip::method::bye, "call-1@target", 9, "ghost", f.phone_tag());
    auto stray = sip::make_response(bye, 200, {}, "tgt1");
    f.target.send(stray);
    ASSERT_TRUE(f.wait([&] { return !f.episode().findings.empty(); }));
    EXPECT_EQ(f.episode().findings.front().rule, "call.stray_response");
    EXPECT_NE(f.episode().findings.front().detail.find("RFC 3261"), std::string::npos);
    EXPECT_EQ(f.stats->protocol_errors.get("stray_response"), 1u);
    EXPECT_TRUE(f.phone->in_call());
}

}  // namespace
}  // namespace ringstorm::phone::test
