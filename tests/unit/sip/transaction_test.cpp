// Transaction matching keys (RFC 3261 §17.1.3, §17.2.3), the requests derived from an
// INVITE (CANCEL §9.1), the UAS response builder (§8.2.6) and the timer configuration.

#include "engine/sip/transaction.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

#include "engine/sip/headers.hpp"
#include "engine/sip/response.hpp"
#include "tests/unit/sip/transaction_script.hpp"

namespace ringstorm::sip {
namespace {

using namespace test;

TEST(ClientKey, ResponseMatchesByBranchAndCSeqMethod) {
    message invite = make_test_request("INVITE", "z9hG4bKabc");
    message cancel = make_cancel(invite);
    auto invite_key = client_key_of(invite);
    auto cancel_key = client_key_of(cancel);
    ASSERT_TRUE(invite_key && cancel_key);
    // Same branch, different methods: two transactions (§9.1, §17.1.3).
    EXPECT_NE(*invite_key, *cancel_key);
    EXPECT_EQ(client_key_of(make_test_response(invite, 180)), invite_key);
    EXPECT_EQ(client_key_of(make_test_response(cancel, 200)), cancel_key);
    EXPECT_NE(client_key_of(make_test_response(make_test_request("INVITE", "z9hG4bKother"), 180)),
              invite_key);

    message no_via = make_test_request("INVITE");
    no_via.remove(header_id::via);
    EXPECT_FALSE(client_key_of(no_via));
}

TEST(ServerKey, AckMatchesTheInviteAndCancelIsItsOwn) {
    message invite = make_test_request("INVITE", "z9hG4bKsrv");
    auto key = server_key_of(invite);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->branch, "z9hG4bKsrv");
    EXPECT_EQ(key->sent_by, "df7jal23ls0d.invalid");
    EXPECT_EQ(key->method, "INVITE");
    // The ACK for a non-2xx has the INVITE's branch and matches its transaction.
    message ack = make_ack_for_non2xx(invite, make_test_response(invite, 486));
    EXPECT_EQ(server_key_of(ack), key);
    EXPECT_NE(server_key_of(make_cancel(invite)), key);
    EXPECT_EQ(server_key_of(make_cancel(invite))->method, "CANCEL");
}

TEST(ServerKey, SentByTakesPartAndHostIsCaseInsensitive) {
    message a = make_test_request("OPTIONS", "z9hG4bKsame");
    message b = make_test_request("OPTIONS", "z9hG4bKsame");
    b.set(header_id::via, "SIP/2.0/WSS DF7JAL23LS0D.invalid;branch=z9hG4bKsame");
    EXPECT_EQ(server_key_of(a), server_key_of(b));
    message c = make_test_request("OPTIONS", "z9hG4bKsame");
    c.set(header_id::via, "SIP/2.0/WSS df7jal23ls0d.invalid:8443;branch=z9hG4bKsame");
    EXPECT_NE(server_key_of(a), server_key_of(c));
    EXPECT_EQ(server_key_of(c)->sent_by, "df7jal23ls0d.invalid:8443");
}

TEST(ServerKey, Rfc2543BranchesAreNotSupported) {
    message old = make_test_request("INVITE", "1234");
    EXPECT_FALSE(server_key_of(old));
    EXPECT_FALSE(server_key_of(make_test_response(make_test_request("INVITE"), 200)));
}

TEST(TransactionKeys, HashAgreesWithEquality) {
    std::unordered_set<server_key, transaction_key_hash> live;
    message invite = make_test_request("INVITE", "z9hG4bKh1");
    live.insert(*server_key_of(invite));
    EXPECT_TRUE(
        live.count(*server_key_of(make_ack_for_non2xx(invite, make_test_response(invite, 404)))));
    EXPECT_FALSE(live.count(*server_key_of(make_test_request("INVITE", "z9hG4bKh2"))));
    std::unordered_set<client_key, transaction_key_hash> clients;
    clients.insert(*client_key_of(invite));
    EXPECT_TRUE(clients.count(*client_key_of(make_test_response(invite, 200))));
}

TEST(Cancel, MirrorsTheInvite) {
    message invite = make_test_request("INVITE", "z9hG4bKcan", 42);
    invite.push_front(header_id::via, "SIP/2.0/WSS first.invalid;branch=z9hG4bKtop");
    invite.add(header_id::route, "<sip:edge.example.com;lr>");
    invite.set_body("application/sdp", "v=0\r\n");
    message cancel = make_cancel(invite);
    // §9.1: same Request-URI, Call-ID, From, To (no tag), CSeq number; one Via (the top
    // one); Route copied; no body.
    EXPECT_EQ(cancel.method(), method::cancel);
    EXPECT_EQ(cancel.request_uri(), invite.request_uri());
    EXPECT_EQ(cancel.count(header_id::via), 1u);
    EXPECT_EQ(cancel.get(header_id::via), "SIP/2.0/WSS first.invalid;branch=z9hG4bKtop");
    EXPECT_EQ(cancel.get(header_id::from), invite.get(header_id::from));
    EXPECT_EQ(cancel.get(header_id::to), invite.get(header_id::to));
    EXPECT_EQ(call_id(cancel), call_id(invite));
    EXPECT_EQ(cancel.get(header_id::cseq), "42 CANCEL");
    EXPECT_EQ(cancel.get(header_id::route), "<sip:edge.example.com;lr>");
    EXPECT_EQ(cancel.get(header_id::max_forwards), "70");
    EXPECT_TRUE(cancel.body().empty());
    EXPECT_FALSE(cancel.get(header_id::content_type));
}

TEST(Cancel, TopViaTakenFromACommaList) {
    message invite = make_test_request("INVITE");
    invite.set(header_id::via,
               "SIP/2.0/WSS a.invalid;branch=z9hG4bKa, SIP/2.0/UDP b.invalid;branch=z9hG4bKb");
    EXPECT_EQ(make_cancel(invite).get(header_id::via), "SIP/2.0/WSS a.invalid;branch=z9hG4bKa");
}

TEST(Branch, HasTheMagicCookieAndIsDeterministic) {
    EXPECT_EQ(make_branch(0x1234), "z9hG4bK0000000000001234");
    EXPECT_EQ(make_branch(0xffffffffffffffffULL), "z9hG4bKffffffffffffffff");
    EXPECT_NE(make_branch(1), make_branch(2));
}

TEST(Response, CopiesTheDialogHeadersAndAddsTheTag) {
    message invite = make_test_request("INVITE");
    invite.push_front(header_id::via, "SIP/2.0/WSS proxy.example.com;branch=z9hG4bKp");
    invite.add(header_id::record_route, "<sip:p1.example.com;lr>");
    message ok = make_response(invite, 200, {}, "totag1");
    EXPECT_EQ(ok.status(), 200);
    EXPECT_EQ(ok.reason(), "OK");
    // §8.2.6.2: all Vias in order, From, To with our tag, Call-ID, CSeq.
    EXPECT_EQ(ok.get_all(header_id::via), invite.get_all(header_id::via));
    EXPECT_EQ(ok.get(header_id::from), invite.get(header_id::from));
    EXPECT_EQ(ok.get(header_id::to), "<sip:bob@example.com>;tag=totag1");
    EXPECT_EQ(call_id(ok), call_id(invite));
    EXPECT_EQ(ok.get(header_id::cseq), invite.get(header_id::cseq));
    // §12.1.1: a dialog-creating response copies Record-Route.
    EXPECT_EQ(ok.get(header_id::record_route), "<sip:p1.example.com;lr>");
    EXPECT_EQ(ok.get(header_id::content_length), "0");
}

TEST(Response, KeepsAnExistingTagAndNeverTagsA100) {
    message in_dialog = make_test_request("BYE");
    in_dialog.set(header_id::to, "<sip:bob@example.com>;tag=existing");
    in_dialog.add(header_id::record_route, "<sip:p1.example.com;lr>");
    message ok = make_response(in_dialog, 200, "Bye", "other");
    EXPECT_EQ(ok.reason(), "Bye");
    EXPECT_EQ(ok.get(header_id::to), "<sip:bob@example.com>;tag=existing");
    EXPECT_FALSE(ok.get(header_id::record_route));
    message trying = make_response(make_test_request("INVITE"), 100, {}, "tag");
    EXPECT_EQ(trying.get(header_id::to), "<sip:bob@example.com>");
    EXPECT_FALSE(trying.get(header_id::record_route));
    EXPECT_EQ(make_response(make_test_request("INVITE"), 486).reason(), "Busy Here");
}

TEST(Response, DefaultReasons) {
    EXPECT_EQ(default_reason(180), "Ringing");
    EXPECT_EQ(default_reason(481), "Call/Transaction Does Not Exist");
    EXPECT_EQ(default_reason(100), "Trying");
    EXPECT_EQ(default_reason(606), "Not Acceptable");
    EXPECT_EQ(default_reason(299), "Unknown");
    EXPECT_EQ(default_reason(700), "Unknown");
}

TEST(TimerConfig, DefaultsAndValidation) {
    timer_config cfg;
    EXPECT_TRUE(cfg.validate().empty());
    EXPECT_EQ(cfg.timeout_64t1(), 32000ms);
    EXPECT_EQ(cfg.timer_d_for(false), 32000ms);
    EXPECT_EQ(cfg.timer_d_for(true), 0ms);
    EXPECT_EQ(cfg.timer_i_for(false), 5000ms);
    EXPECT_EQ(cfg.timer_j_for(false), 32000ms);
    EXPECT_EQ(cfg.timer_j_for(true), 0ms);
    EXPECT_EQ(cfg.timer_k_for(true), 0ms);
    cfg.t2 = 100ms;
    EXPECT_FALSE(cfg.validate().empty());
    cfg = {};
    cfg.t1 = 0ms;
    EXPECT_FALSE(cfg.validate().empty());
}

TEST(ActionList, RendersKindsAndTimers) {
    action_list out;
    out.push(action_kind::send, make_test_request("INVITE"));
    out.push(action_kind::timeout, {}, timer_id::b);
    out.push(action_kind::terminated);
    EXPECT_EQ(out.size(), 3u);
    EXPECT_TRUE(out.has(action_kind::timeout));
    EXPECT_FALSE(out.has(action_kind::deliver));
    EXPECT_EQ(describe(out), "send INVITE; timeout B; terminated");
}

}  // namespace
}  // namespace ringstorm::sip
