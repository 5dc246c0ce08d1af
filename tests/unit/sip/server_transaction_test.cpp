// Server transactions (RFC 3261 §17.2) and the UAS core's 2xx retransmission
// (§13.3.1.4) as scripts: inject a request, a TU response or a clock step, then expect
// the exact list of actions.

#include "engine/sip/server_transaction.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "engine/sip/headers.hpp"
#include "engine/sip/invite_2xx_retransmitter.hpp"
#include "engine/sip/parser.hpp"
#include "tests/unit/sip/transaction_script.hpp"

namespace ringstorm::sip {
namespace {

using namespace test;

message ack_for(const message& invite, const message& final_response) {
    return make_ack_for_non2xx(invite, final_response);
}

// ---------------------------------------------------------------- server INVITE

TEST(ServerInvite, SendsTryingWhenTheTuIsSlow) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    invite.add(header_id::timestamp, "54.1");
    server_invite_transaction t(invite, false);
    EXPECT_EQ(describe(t.start(clock.now)), "deliver INVITE");
    EXPECT_EQ(t.state(), server_invite_state::proceeding);
    clock.advance(199ms);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "");
    clock.advance(1ms);
    action_list out = t.on_timer(clock.now);
    EXPECT_EQ(describe(out), "send 100");
    // §8.2.6: a 100 copies Via, From, To (no tag), Call-ID, CSeq and Timestamp.
    const message& trying = out[0].msg;
    EXPECT_EQ(trying.get(header_id::via), invite.get(header_id::via));
    EXPECT_EQ(trying.get(header_id::to), invite.get(header_id::to));
    EXPECT_EQ(trying.get(header_id::cseq), "1 INVITE");
    EXPECT_EQ(trying.get(header_id::timestamp), "54.1");
    EXPECT_FALSE(t.next_deadline());
    // A retransmitted INVITE gets the 100 again and is not delivered twice.
    EXPECT_EQ(describe(t.on_request(invite, clock.now)), "send 100");
}

TEST(ServerInvite, NoTryingWhenTheTuAnswersWithin200ms) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    server_invite_transaction t(invite, false);
    t.start(clock.now);
    // Before any response a retransmission is simply absorbed.
    EXPECT_EQ(describe(t.on_request(invite, clock.now)), "");
    clock.advance(50ms);
    EXPECT_EQ(describe(t.respond(make_test_response(invite, 180), clock.now)), "send 180");
    EXPECT_FALSE(t.next_deadline());
    clock.advance(1s);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "");
    EXPECT_EQ(describe(t.on_request(invite, clock.now)), "send 180");
}

TEST(ServerInvite, ZeroTryingDelaySendsTryingAtOnce) {
    script_clock clock;
    timer_config cfg;
    cfg.trying_delay = 0ms;
    server_invite_transaction t(make_test_request("INVITE"), true, cfg);
    EXPECT_EQ(describe(t.start(clock.now)), "deliver INVITE; send 100");
}

TEST(ServerInvite, UnreliableFinalRetransmittedCappedAtT2UntilTimerH) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    server_invite_transaction t(invite, false);
    t.start(clock.now);
    const time_point answered = clock.now;
    EXPECT_EQ(describe(t.respond(make_test_response(invite, 486), clock.now)), "send 486");
    EXPECT_EQ(t.state(), server_invite_state::completed);
    std::string last;
    // §17.2.1: G = T1 doubling to T2; H = 64*T1 ends it without an ACK.
    EXPECT_EQ(
        run_timers(t, clock, answered, last),
        (std::vector<long long>{500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
    EXPECT_EQ(last, "timeout H; terminated");
    EXPECT_EQ(clock.since(answered), 32000);
}

TEST(ServerInvite, RetransmittedInviteInCompletedGetsTheFinalAgain) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    server_invite_transaction t(invite, false);
    t.start(clock.now);
    t.respond(make_test_response(invite, 180), clock.now);
    t.respond(make_test_response(invite, 404), clock.now);
    action_list out = t.on_request(invite, clock.now);
    EXPECT_EQ(describe(out), "send 404");
    EXPECT_EQ(out[0].msg, t.last_response());
    // Further TU responses are ignored once final.
    EXPECT_EQ(describe(t.respond(make_test_response(invite, 200), clock.now)), "");
}

TEST(ServerInvite, AckConfirmsAndTimerIAbsorbsRetransmissions) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    server_invite_transaction t(invite, false);
    t.start(clock.now);
    message busy = make_test_response(invite, 486);
    t.respond(busy, clock.now);
    clock.advance(500ms);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "send 486");
    clock.advance(100ms);
    const time_point acked = clock.now;
    EXPECT_EQ(describe(t.on_request(ack_for(invite, busy), clock.now)), "");
    EXPECT_EQ(t.state(), server_invite_state::confirmed);
    // G and H stop; Timer I = T4.
    ASSERT_TRUE(t.next_deadline());
    EXPECT_EQ(*t.next_deadline() - acked, 5000ms);
    EXPECT_EQ(describe(t.on_request(ack_for(invite, busy), clock.now)), "");
    EXPECT_EQ(describe(t.on_request(invite, clock.now)), "");
    clock.now = *t.next_deadline();
    EXPECT_EQ(describe(t.on_timer(clock.now)), "terminated");
}

TEST(ServerInvite, ReliableHasNoTimerGAndAckTerminatesAtOnce) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    server_invite_transaction t(invite, true);
    t.start(clock.now);
    const time_point answered = clock.now;
    message busy = make_test_response(invite, 486);
    t.respond(busy, clock.now);
    ASSERT_TRUE(t.next_deadline());
    EXPECT_EQ(*t.next_deadline() - answered, 32000ms);                                  // only H
    EXPECT_EQ(describe(t.on_request(ack_for(invite, busy), clock.now)), "terminated");  // I = 0
}

TEST(ServerInvite, ReliableTimerHStillRuns) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    server_invite_transaction t(invite, true);
    t.start(clock.now);
    t.respond(make_test_response(invite, 500), clock.now);
    std::string last;
    EXPECT_TRUE(run_timers(t, clock, clock.now, last).empty());
    EXPECT_EQ(last, "timeout H; terminated");
}

TEST(ServerInvite, SuccessTerminatesUnderRfc3261) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    timer_config cfg;
    cfg.rfc6026_accepted = false;
    server_invite_transaction t(invite, false, cfg);
    t.start(clock.now);
    EXPECT_EQ(describe(t.respond(make_test_response(invite, 200), clock.now)),
              "send 200; terminated");
}

TEST(ServerInvite, SuccessWaitsInAcceptedUnderRfc6026) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    server_invite_transaction t(invite, false);
    t.start(clock.now);
    const time_point answered = clock.now;
    message ok = make_test_response(invite, 200);
    EXPECT_EQ(describe(t.respond(ok, clock.now)), "send 200");
    EXPECT_EQ(t.state(), server_invite_state::accepted);
    // Retransmitted INVITEs are absorbed; the core's 2xx retransmissions pass through;
    // the ACK goes to the TU.
    EXPECT_EQ(describe(t.on_request(invite, clock.now)), "");
    EXPECT_EQ(describe(t.respond(ok, clock.now)), "send 200");
    EXPECT_EQ(describe(t.respond(make_test_response(invite, 486), clock.now)), "");
    message ack = make_test_request("ACK", "z9hG4bKnewbranch");
    EXPECT_EQ(describe(t.on_request(ack, clock.now)), "deliver ACK");
    // Timer L = 64*T1.
    ASSERT_TRUE(t.next_deadline());
    EXPECT_EQ(*t.next_deadline() - answered, 32000ms);
    clock.now = *t.next_deadline();
    EXPECT_EQ(describe(t.on_timer(clock.now)), "terminated");
}

TEST(ServerInvite, TransportErrorInAcceptedKeepsAbsorbingUntilTimerL) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    server_invite_transaction t(invite, true);
    t.start(clock.now);
    t.respond(make_test_response(invite, 200), clock.now);
    EXPECT_EQ(describe(t.on_transport_error(clock.now)), "transport_error");
    EXPECT_EQ(t.state(), server_invite_state::accepted);
    EXPECT_EQ(describe(t.on_request(invite, clock.now)), "");
    EXPECT_TRUE(t.next_deadline());
}

TEST(ServerInvite, TransportErrorInformsTheTu) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    server_invite_transaction t(invite, false);
    t.start(clock.now);
    t.respond(make_test_response(invite, 486), clock.now);
    EXPECT_EQ(describe(t.on_transport_error(clock.now)), "transport_error; terminated");
    EXPECT_FALSE(t.next_deadline());
}

TEST(ServerInvite, WireTextScript) {
    // The same script, injecting wire text through the parser.
    const std::string wire =
        "INVITE sip:bob@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKwire1\r\n"
        "Max-Forwards: 70\r\n"
        "From: <sip:alice@example.com>;tag=1928301774\r\n"
        "To: <sip:bob@example.com>\r\n"
        "Call-ID: a84b4c76e66710\r\n"
        "CSeq: 314159 INVITE\r\n"
        "Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>\r\n"
        "Content-Length: 0\r\n"
        "\r\n";
    auto parsed = parse(wire);
    ASSERT_TRUE(parsed) << parsed.error().to_string();
    script_clock clock;
    server_invite_transaction t(*parsed, false);
    EXPECT_EQ(describe(t.start(clock.now)), "deliver INVITE");
    clock.advance(200ms);
    action_list out = t.on_timer(clock.now);
    ASSERT_EQ(describe(out), "send 100");
    EXPECT_EQ(serialize(out[0].msg),
              "SIP/2.0 100 Trying\r\n"
              "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKwire1\r\n"
              "From: <sip:alice@example.com>;tag=1928301774\r\n"
              "To: <sip:bob@example.com>\r\n"
              "Call-ID: a84b4c76e66710\r\n"
              "CSeq: 314159 INVITE\r\n"
              "Content-Length: 0\r\n"
              "\r\n");
    auto again = parse(wire);
    ASSERT_TRUE(again);
    EXPECT_EQ(describe(t.on_request(*again, clock.now)), "send 100");
}

// ---------------------------------------------------------------- server non-INVITE

TEST(ServerNonInvite, TryingAbsorbsThenCompletedResendsUntilTimerJ) {
    script_clock clock;
    message bye = make_test_request("BYE");
    server_non_invite_transaction t(bye, false);
    EXPECT_EQ(describe(t.start(clock.now)), "deliver BYE");
    EXPECT_EQ(t.state(), server_non_invite_state::trying);
    EXPECT_EQ(describe(t.on_request(bye, clock.now)), "");
    EXPECT_FALSE(t.next_deadline());
    clock.advance(10ms);
    const time_point answered = clock.now;
    EXPECT_EQ(describe(t.respond(make_test_response(bye, 200), clock.now)), "send 200");
    EXPECT_EQ(t.state(), server_non_invite_state::completed);
    EXPECT_EQ(describe(t.on_request(bye, clock.now)), "send 200");
    // §17.2.2: later TU responses are discarded.
    EXPECT_EQ(describe(t.respond(make_test_response(bye, 500), clock.now)), "");
    // Timer J = 64*T1 over unreliable transports.
    ASSERT_TRUE(t.next_deadline());
    EXPECT_EQ(*t.next_deadline() - answered, 32000ms);
    clock.advance(31999ms);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "");
    clock.advance(1ms);
    EXPECT_EQ(describe(t.on_timer(clock.now)), "terminated");
}

TEST(ServerNonInvite, ReliableFinalTerminatesAtOnce) {
    script_clock clock;
    message reg = make_test_request("REGISTER");
    server_non_invite_transaction t(reg, true);
    t.start(clock.now);
    EXPECT_EQ(describe(t.respond(make_test_response(reg, 200), clock.now)),
              "send 200; terminated");  // J = 0
}

TEST(ServerNonInvite, ProceedingResendsTheProvisional) {
    script_clock clock;
    message info = make_test_request("INFO");
    server_non_invite_transaction t(info, false);
    t.start(clock.now);
    EXPECT_EQ(describe(t.respond(make_test_response(info, 100), clock.now)), "send 100");
    EXPECT_EQ(t.state(), server_non_invite_state::proceeding);
    EXPECT_EQ(describe(t.on_request(info, clock.now)), "send 100");
    EXPECT_EQ(describe(t.respond(make_test_response(info, 180), clock.now)), "send 180");
    EXPECT_EQ(describe(t.respond(make_test_response(info, 200), clock.now)), "send 200");
    EXPECT_EQ(describe(t.on_request(info, clock.now)), "send 200");
}

TEST(ServerNonInvite, TransportErrorInformsTheTu) {
    script_clock clock;
    message info = make_test_request("INFO");
    server_non_invite_transaction t(info, false);
    t.start(clock.now);
    t.respond(make_test_response(info, 200), clock.now);
    EXPECT_EQ(describe(t.on_transport_error(clock.now)), "transport_error; terminated");
    EXPECT_FALSE(t.next_deadline());
}

// ---------------------------------------------------------------- UAS 2xx retransmission

TEST(Invite2xxRetransmitter, RetransmitsUntilGivingUpAfter64T1) {
    script_clock clock;
    const time_point start = clock.now;
    message invite = make_test_request("INVITE");
    invite_2xx_retransmitter r(make_test_response(invite, 200));
    EXPECT_EQ(describe(r.start(clock.now)), "send 200");
    EXPECT_TRUE(r.active());
    std::string last;
    // §13.3.1.4: T1 doubling to T2, whatever the transport; the TU is told after 64*T1.
    EXPECT_EQ(
        run_timers(r, clock, start, last),
        (std::vector<long long>{500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
    EXPECT_EQ(last, "timeout wait-ack; terminated");
    EXPECT_EQ(clock.since(start), 32000);
    EXPECT_FALSE(r.active());
}

TEST(Invite2xxRetransmitter, AckStopsRetransmissions) {
    script_clock clock;
    message invite = make_test_request("INVITE");
    invite_2xx_retransmitter r(make_test_response(invite, 200));
    r.start(clock.now);
    clock.advance(500ms);
    action_list out = r.on_timer(clock.now);
    ASSERT_EQ(describe(out), "send 200");
    EXPECT_EQ(out[0].msg.status(), 200);
    clock.advance(700ms);
    EXPECT_EQ(describe(r.on_ack(clock.now)), "terminated");
    EXPECT_FALSE(r.next_deadline());
    EXPECT_EQ(describe(r.on_ack(clock.now)), "");
    clock.advance(60s);
    EXPECT_EQ(describe(r.on_timer(clock.now)), "");
}

TEST(Invite2xxRetransmitter, FollowsConfiguredTimers) {
    script_clock clock;
    const time_point start = clock.now;
    timer_config cfg;
    cfg.t1 = 100ms;
    cfg.t2 = 300ms;
    invite_2xx_retransmitter r(make_test_response(make_test_request("INVITE"), 200), cfg);
    r.start(clock.now);
    std::string last;
    std::vector<long long> sends = run_timers(r, clock, start, last);
    ASSERT_GE(sends.size(), 4u);
    EXPECT_EQ(sends[0], 100);
    EXPECT_EQ(sends[1], 300);
    EXPECT_EQ(sends[2], 600);
    EXPECT_EQ(sends[3], 900);
    EXPECT_EQ(clock.since(start), 6400);
}

}  // namespace
}  // namespace ringstorm::sip
