// Client transactions (RFC 3261 §17.1) as scripts: inject a response or advance the
// clock, then expect the exact list of actions.

#include "engine/sip/client_transaction.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "engine/sip/headers.hpp"
#include "tests/unit/sip/transaction_script.hpp"

namespace ringstorm::sip {
namespace {

using namespace test;

// ---------------------------------------------------------------- client INVITE

TEST(ClientInvite, UnreliableRetransmitsWithDoublingIntervalsUntilTimerB) {
    script_clock clock;
    const time_point start = clock.now;
    client_invite_transaction t(make_test_request("INVITE"), /*reliable=*/false);
    EXPECT_EQ(describe(t.start(clock.now)), "send INVITE");
    EXPECT_EQ(t.state(), client_invite_state::calling);
    ASSERT_TRUE(t.next_deadline());
    EXPECT_EQ(*t.next_deadline() - start, 500ms);  // Timer A = T1

    std::string last;
    // §17.1.1.2: A doubles each time (no T2 cap for INVITE) until B = 64*T1 = 32 s.
    EXPECT_EQ(run_timers(t, clock, start, last),
              (std::vector<long long>{500, 1500, 3500, 7500, 15500, 31500}));
    EXPECT_EQ(last, "timeout B; terminated");
    EXPECT_EQ(clock.since(start), 32000);
    EXPECT_EQ(t.state(), client_invite_state::terminated);
    EXPECT_FALSE(t.next_deadline());
}

TEST(ClientInvite, ReliableSendsOnceAndTimesOutWithTimerB) {
    script_clock clock;
    const time_point start = clock.now;
    client_invite_transaction t(make_test_request("INVITE"), /*reliable=*/true);
    EXPECT_EQ(describe(t.start(clock.now)), "send INVITE");
    ASSERT_TRUE(t.next_deadline());
    EXPECT_EQ(*t.next_deadline() - start, 32000ms);  // only Timer B
    clock.advance(31999ms);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "");
    clock.advance(1ms);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "timeout B; terminated");
}

TEST(ClientInvite, TimerBFollowsConfiguredT1) {
    script_clock clock;
    const time_point start = clock.now;
    timer_config cfg;
    cfg.t1 = 100ms;
    client_invite_transaction t(make_test_request("INVITE"), true, cfg);
    t.start(clock.now);
    EXPECT_EQ(*t.next_deadline() - start, 6400ms);
}

TEST(ClientInvite, ProvisionalStopsRetransmissionsAndTimerB) {
    script_clock clock;
    client_invite_transaction t(make_test_request("INVITE"), false);
    message invite = t.request();
    t.start(clock.now);
    clock.advance(500ms);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "send INVITE");
    clock.advance(100ms);
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 100), clock.now)), "deliver 100");
    EXPECT_EQ(t.state(), client_invite_state::proceeding);
    EXPECT_FALSE(t.next_deadline());
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 180), clock.now)), "deliver 180");
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 183), clock.now)), "deliver 183");
    clock.advance(60s);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "");
    EXPECT_EQ(t.state(), client_invite_state::proceeding);
}

TEST(ClientInvite, NonSuccessFinalIsAcknowledgedAndRetransmissionsReAcked) {
    script_clock clock;
    const time_point start = clock.now;
    message invite = make_test_request("INVITE");
    invite.add(header_id::route, "<sip:edge.example.com;lr>");
    client_invite_transaction t(invite, false);
    t.start(clock.now);
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 180), clock.now)), "deliver 180");
    message busy = make_test_response(invite, 486);
    action_list out = t.on_response(busy, clock.now);
    EXPECT_EQ(describe(out), "send ACK; deliver 486");
    EXPECT_EQ(t.state(), client_invite_state::completed);

    // §17.1.1.3: the ACK mirrors the INVITE, with the response's To and the same branch.
    const message& ack = out[0].msg;
    EXPECT_EQ(ack.request_uri(), invite.request_uri());
    EXPECT_EQ(ack.count(header_id::via), 1u);
    EXPECT_EQ(top_via(ack)->branch(), "z9hG4bKclient1");
    EXPECT_EQ(ack.get(header_id::to), busy.get(header_id::to));
    EXPECT_EQ(to_tag(ack), "b8sk2");
    EXPECT_EQ(ack.get(header_id::from), invite.get(header_id::from));
    EXPECT_EQ(call_id(ack), call_id(invite));
    EXPECT_EQ(ack.get(header_id::cseq), "1 ACK");
    EXPECT_EQ(ack.get(header_id::route), "<sip:edge.example.com;lr>");
    EXPECT_FALSE(ack.get(header_id::contact));
    EXPECT_TRUE(ack.body().empty());

    // A retransmitted 486 is answered with the same ACK and not passed up again.
    clock.advance(1s);
    out = t.on_response(busy, clock.now);
    EXPECT_EQ(describe(out), "send ACK");
    EXPECT_EQ(out[0].msg, ack);

    // Timer D: 32 s over unreliable transports.
    ASSERT_TRUE(t.next_deadline());
    EXPECT_EQ(*t.next_deadline() - start, 32000ms);
    clock.now = *t.next_deadline();
    EXPECT_EQ(describe(t.on_timer(clock.now)), "terminated");
}

TEST(ClientInvite, NonSuccessFinalOverReliableTerminatesAtOnce) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    client_invite_transaction t(invite, true);
    t.start(clock.now);
    // §17.1.1.2: Timer D is zero over reliable transports.
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 603), clock.now)),
              "send ACK; deliver 603; terminated");
    EXPECT_EQ(t.state(), client_invite_state::terminated);
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 603), clock.now)), "");
}

TEST(ClientInvite, RedirectIsAcknowledgedToo) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    client_invite_transaction t(invite, false);
    t.start(clock.now);
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 302), clock.now)),
              "send ACK; deliver 302");
}

TEST(ClientInvite, SuccessTerminatesUnderRfc3261) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    timer_config cfg;
    cfg.rfc6026_accepted = false;
    client_invite_transaction t(invite, false, cfg);
    t.start(clock.now);
    // The 2xx goes to the TU, which sends the ACK itself (§13.2.2.4).
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 200), clock.now)),
              "deliver 200; terminated");
    EXPECT_FALSE(t.next_deadline());
}

TEST(ClientInvite, SuccessWaitsInAcceptedUnderRfc6026) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    client_invite_transaction t(invite, false);
    t.start(clock.now);
    const time_point answered = clock.now + 2s;
    clock.now = answered;
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 200), clock.now)), "deliver 200");
    EXPECT_EQ(t.state(), client_invite_state::accepted);
    // 2xx retransmissions and other forks' 2xx reach the TU so it can ACK each.
    clock.advance(500ms);
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 200), clock.now)), "deliver 200");
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 200, "fork2"), clock.now)),
              "deliver 200");
    EXPECT_EQ(describe(t.on_response(make_test_response(invite, 486), clock.now)), "");
    // Timer M = 64*T1.
    ASSERT_TRUE(t.next_deadline());
    EXPECT_EQ(*t.next_deadline() - answered, 32000ms);
    clock.now = *t.next_deadline();
    EXPECT_EQ(describe(t.on_timer(clock.now)), "terminated");
}

TEST(ClientInvite, TransportErrorInformsTheTu) {
    script_clock clock;
    client_invite_transaction t(make_test_request("INVITE"), false);
    t.start(clock.now);
    EXPECT_EQ(describe(t.on_transport_error(clock.now)), "transport_error; terminated");
    EXPECT_EQ(describe(t.on_transport_error(clock.now)), "");
    EXPECT_FALSE(t.next_deadline());
}

// ---------------------------------------------------------------- client non-INVITE

TEST(ClientNonInvite, UnreliableRetransmitsCappedAtT2UntilTimerF) {
    script_clock clock;
    const time_point start = clock.now;
    client_non_invite_transaction t(make_test_request("REGISTER"), false);
    EXPECT_EQ(describe(t.start(clock.now)), "send REGISTER");
    std::string last;
    // §17.1.2.2: E = T1, 2T1, 4T1, then T2 (4 s) until F = 64*T1.
    EXPECT_EQ(
        run_timers(t, clock, start, last),
        (std::vector<long long>{500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
    EXPECT_EQ(last, "timeout F; terminated");
    EXPECT_EQ(clock.since(start), 32000);
    EXPECT_EQ(t.state(), client_non_invite_state::terminated);
}

TEST(ClientNonInvite, ProceedingRetransmitsEveryT2) {
    script_clock clock;
    const time_point start = clock.now;
    message options = make_test_request("OPTIONS");
    client_non_invite_transaction t(options, false);
    t.start(clock.now);
    clock.advance(500ms);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "send OPTIONS");
    clock.advance(100ms);
    EXPECT_EQ(describe(t.on_response(make_test_response(options, 100), clock.now)), "deliver 100");
    EXPECT_EQ(t.state(), client_non_invite_state::proceeding);
    std::string last;
    // The pending E (at 1.5 s) still fires; after that the interval is T2.
    EXPECT_EQ(run_timers(t, clock, start, last),
              (std::vector<long long>{1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500}));
    EXPECT_EQ(last, "timeout F; terminated");
}

TEST(ClientNonInvite, ReliableHasNoRetransmissions) {
    script_clock clock;
    const time_point start = clock.now;
    client_non_invite_transaction t(make_test_request("BYE"), true);
    t.start(clock.now);
    std::string last;
    EXPECT_TRUE(run_timers(t, clock, start, last).empty());
    EXPECT_EQ(last, "timeout F; terminated");
    EXPECT_EQ(clock.since(start), 32000);
}

TEST(ClientNonInvite, FinalResponseCompletesAndTimerKAbsorbsRetransmissions) {
    script_clock clock;
    message reg = make_test_request("REGISTER");
    client_non_invite_transaction t(reg, false);
    t.start(clock.now);
    clock.advance(700ms);
    const time_point answered = clock.now;
    EXPECT_EQ(describe(t.on_response(make_test_response(reg, 200), clock.now)), "deliver 200");
    EXPECT_EQ(t.state(), client_non_invite_state::completed);
    EXPECT_EQ(describe(t.on_response(make_test_response(reg, 200), clock.now)), "");
    // Timer K = T4, and E/F no longer run.
    ASSERT_TRUE(t.next_deadline());
    EXPECT_EQ(*t.next_deadline() - answered, 5000ms);
    clock.advance(4999ms);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "");
    clock.advance(1ms);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "terminated");
}

TEST(ClientNonInvite, FinalResponseOverReliableTerminatesAtOnce) {
    script_clock clock;
    message reg = make_test_request("REGISTER");
    client_non_invite_transaction t(reg, true);
    t.start(clock.now);
    EXPECT_EQ(describe(t.on_response(make_test_response(reg, 401), clock.now)),
              "deliver 401; terminated");
    EXPECT_FALSE(t.next_deadline());
}

TEST(ClientNonInvite, ProvisionalThenFinal) {
    script_clock clock;
    message info = make_test_request("INFO");
    client_non_invite_transaction t(info, true);
    t.start(clock.now);
    EXPECT_EQ(describe(t.on_response(make_test_response(info, 100), clock.now)), "deliver 100");
    EXPECT_EQ(describe(t.on_response(make_test_response(info, 180), clock.now)), "deliver 180");
    EXPECT_EQ(describe(t.on_response(make_test_response(info, 500), clock.now)),
              "deliver 500; terminated");
}

TEST(ClientNonInvite, TransportErrorInformsTheTu) {
    script_clock clock;
    client_non_invite_transaction t(make_test_request("BYE"), false);
    t.start(clock.now);
    EXPECT_EQ(describe(t.on_transport_error(clock.now)), "transport_error; terminated");
    EXPECT_EQ(t.state(), client_non_invite_state::terminated);
}

}  // namespace
}  // namespace ringstorm::sip
