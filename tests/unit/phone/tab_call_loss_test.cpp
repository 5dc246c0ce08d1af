// A tab's calls at the edges, on loopback: a second INVITE during a call, the WebSocket
// lost during a call (the 2.0.5 zombie), the page unload (shutdown) during a call, requests
// for calls the tab does not have, session events, commands without a call.
#include "tests/unit/phone/tab_call_fixture.hpp"

namespace ringstorm::phone::test {
namespace {

TEST(tab_call_loss, second_invite_during_a_call_is_refused_per_profile) {
    for (auto profile : {documented, sdk205}) {
        call_fixture f{profile};
        ASSERT_TRUE(f.connect());
        f.target.send(f.target.invite("call-2@target", "inv2"));
        const std::vector<int> expected =
            profile == sdk205 ? std::vector<int>{100, 180, 480} : std::vector<int>{486};
        ASSERT_TRUE(
            f.wait([&] { return f.target.statuses("call-2@target").size() == expected.size(); }));
        EXPECT_EQ(f.target.statuses("call-2@target"), expected);
        if (profile == sdk205) {
            EXPECT_EQ(f.target.responses("call-2@target").back()->reason(), "4001");
        }
        // No callback, no episode; the first call goes on.
        EXPECT_EQ(f.recorder.calls(), (ev{"incoming", "connected"}));
        EXPECT_EQ(f.phone->history().calls.size(), 1u);
        EXPECT_EQ(f.phone->current_call()->call_id, "call-1@target");
        EXPECT_EQ(f.stats->calls_offered, 1u);
        EXPECT_EQ(f.stats->sip_count(core::direction::received, core::sip_method::invite,
                                     core::status_class::request),
                  2u);
    }
}

TEST(tab_call_loss, documented_call_terminates_when_the_websocket_is_lost) {
    call_fixture f{documented};
    ASSERT_TRUE(f.connect());
    f.target.drop();
    ASSERT_TRUE(f.wait([&] { return f.recorder.calls().size() == 3; }));
    EXPECT_EQ(f.recorder.calls(), (ev{"incoming", "connected", "terminated"}));
    // The call's event comes first, then the registration's loss.
    ASSERT_TRUE(f.wait([&] { return !f.phone->registered(); }));
    EXPECT_EQ(f.recorder.events.back().name, "terminated");
    EXPECT_EQ(f.recorder.events.back().callback, scenario::callback_kind::register_event);
    EXPECT_EQ(f.episode().end, call_end::transport_error);
    EXPECT_TRUE(f.episode().ended);
    EXPECT_FALSE(f.phone->in_call());
    EXPECT_EQ(f.stats->calls_failed, 1u);
    EXPECT_EQ(f.stats->calls_completed, 0u);
    EXPECT_EQ(f.stats->active_calls, 0);
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "no call");
}

TEST(tab_call_loss, sdk205_call_becomes_a_zombie_when_the_websocket_is_lost) {
    call_fixture f{sdk205};
    ASSERT_TRUE(f.connect());
    f.target.drop();
    // unregistered (registration), then the retry loop registers again on a new socket.
    ASSERT_TRUE(f.wait([&] { return f.server->stats().upgraded == 2 && f.phone->registered(); }));
    EXPECT_EQ(f.recorder.calls(), (ev{"incoming", "connected"}));  // no call event at all
    const ev registers = f.recorder.names(scenario::callback_kind::register_event);
    EXPECT_NE(std::find(registers.begin(), registers.end(), "unregistered"), registers.end());
    // The app still holds the call; the episode records the loss for the contract.
    EXPECT_TRUE(f.phone->in_call());
    ASSERT_NE(f.phone->current_call(), nullptr);
    EXPECT_EQ(f.phone->current_call()->end, call_end::transport_error);
    EXPECT_EQ(f.stats->calls_failed, 1u);
    EXPECT_EQ(f.stats->active_calls, 0);
    EXPECT_EQ(f.phone->hold(core::clock::now()), "call lost with the WebSocket");
    // Hangup sends nothing and drops the zombie.
    const auto before = f.target.received.size();
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "");
    f.wait([] { return false; }, 100ms);
    EXPECT_EQ(f.target.received.size(), before);
    EXPECT_EQ(f.recorder.calls(), (ev{"incoming", "connected"}));
    EXPECT_FALSE(f.phone->in_call());
}

TEST(tab_call_loss, shutdown_during_a_call_sends_bye_and_waits_for_its_answer) {
    for (auto profile : {documented, sdk205}) {
        call_fixture f{profile};
        ASSERT_TRUE(f.connect());
        f.shutdown();
        ASSERT_NE(f.target.last_request(sip::method::bye), nullptr);
        // The BYE's 200 arrived before the close: its latency is recorded.
        EXPECT_EQ(f.latencies(core::step::bye), 1u);
        EXPECT_EQ(f.recorder.calls().back(), "callEnded");
        EXPECT_EQ(f.episode().end, call_end::local_hangup);
        EXPECT_EQ(f.stats->calls_completed, 1u);
        EXPECT_TRUE(f.wait([&] { return f.target.closes == 1; }));
    }
}

TEST(tab_call_loss, shutdown_while_ringing_sends_480) {
    call_fixture f{sdk205};
    ASSERT_TRUE(f.ring());
    f.shutdown();
    EXPECT_EQ(f.target.statuses("call-1@target"), (std::vector<int>{100, 180, 480}));
    EXPECT_EQ(f.recorder.calls(), (ev{"incoming", "callEnded"}));
    EXPECT_EQ(f.episode().final_status, 480);
}

TEST(tab_call_loss, abort_during_a_call_brings_the_active_gauge_down) {
    call_fixture f{documented};
    ASSERT_TRUE(f.connect());
    EXPECT_EQ(f.stats->active_calls, 1);
    f.phone->abort();
    EXPECT_EQ(f.stats->active_calls, 0);
    EXPECT_FALSE(f.episode().ended);  // cut, not ended
    f.phone.reset();
    EXPECT_EQ(f.stats->active_calls, 0);  // once only
}

TEST(tab_call_loss, requests_for_calls_the_tab_does_not_have) {
    call_fixture f{documented};
    f.phone->do_register(core::clock::now());
    ASSERT_TRUE(f.wait([&] { return f.phone->registered(); }));
    f.target.send(f.target.request(sip::method::bye, "nope@target", 2, "b1", "xyz"));
    f.target.send(f.target.request(sip::method::invite, "nope2@target", 3, "r1", "xyz"));
    ASSERT_TRUE(f.wait([&] { return f.target.statuses("nope2@target").size() == 1; }));
    EXPECT_EQ(f.target.statuses("nope@target"), (std::vector<int>{481}));
    EXPECT_EQ(f.target.statuses("nope2@target"), (std::vector<int>{481}));  // RFC 3261 §12.2.2
    EXPECT_TRUE(f.phone->history().calls.empty());
    // An INVITE for another user is not a call of this tab either.
    const auto phone_uri = f.target.phone_uri;
    f.target.phone_uri = "sip:somebody@example.com";
    f.target.send(f.target.invite("other@target"));
    f.target.phone_uri = phone_uri;
    ASSERT_TRUE(f.wait([&] { return !f.target.statuses("other@target").empty(); }));
    EXPECT_EQ(f.target.statuses("other@target"), (std::vector<int>{404}));
    EXPECT_TRUE(f.recorder.calls().empty());
}

TEST(tab_call_loss, commands_without_a_call_and_session_events) {
    call_fixture f{documented};
    EXPECT_EQ(f.phone->answer(core::clock::now()), "no call");
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "no call");
    EXPECT_EQ(f.phone->mute(), "no call");
    EXPECT_EQ(f.phone->dtmf('1', core::clock::now()), "no call");
    // The caller role needs the WebSocket (tab_caller_loopback_test has the rest).
    EXPECT_EQ(f.phone->place_call("sip:2000@example.com", core::clock::now()), "no WebSocket");
    EXPECT_FALSE(f.phone->in_call());

    const auto at = core::clock::now();
    f.phone->session_event("incoming", at);
    ASSERT_EQ(f.phone->history().events.size(), 1u);
    const auto& e = f.phone->history().events.front();
    EXPECT_EQ(e.callback, scenario::callback_kind::session_event);
    EXPECT_EQ(e.name, "incoming");
    EXPECT_EQ(e.at, at);
    EXPECT_EQ(e.call, no_call);
    ASSERT_EQ(f.recorder.events.size(), 1u);  // the listener hears it too
    EXPECT_EQ(f.recorder.events.front().callback, scenario::callback_kind::session_event);
}

}  // namespace
}  // namespace ringstorm::phone::test
