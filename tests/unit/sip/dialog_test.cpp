// Dialogs (RFC 3261 §12-§15): creation on both sides, route sets, in-dialog request
// building with loose and strict routing, CSeq rules, target refresh, ACK for 2xx.

#include "engine/sip/dialog.hpp"

#include <gtest/gtest.h>

#include "engine/sip/headers.hpp"
#include "tests/unit/sip/transaction_script.hpp"

namespace ringstorm::sip {
namespace {

using namespace test;

constexpr std::string_view bob_target = "sip:bob@192.0.2.4:5060;transport=ws";

message invite_with_record_route() {
    message invite = make_test_request("INVITE");
    // As a UAS sees it: the proxy nearest the UAS is first.
    invite.add(header_id::record_route, "<sip:p2.example.com;lr>");
    invite.add(header_id::record_route, "<sip:p1.example.com;lr>;x=1");
    return invite;
}

message answer(const message& invite, int status, std::string_view tag = "b8sk2") {
    return make_test_response(invite, status, tag);  // copies Record-Route for 101-299
}

dialog uac_dialog(const message& invite, const message& response) {
    auto d = dialog::create_uac(invite, response);
    EXPECT_TRUE(d) << to_string(d.error());
    return *d;
}

std::vector<std::string_view> routes_of(const message& m) {
    return m.get_all(header_id::route);
}

// ---------------------------------------------------------------- creation

TEST(Dialog, UacFrom2xxReversesTheRouteSet) {
    message invite = invite_with_record_route();
    message ok = answer(invite, 200);
    dialog d = uac_dialog(invite, ok);
    EXPECT_EQ(d.role(), dialog_role::uac);
    EXPECT_EQ(d.state(), dialog_state::confirmed);
    EXPECT_EQ(d.id(), (dialog_id{"3848276298220188511@atlanta.example.com", "a73kszlfl", "b8sk2"}));
    EXPECT_EQ(d.id(), dialog_id_of_response(ok));
    ASSERT_EQ(d.route_set().size(), 2u);
    EXPECT_EQ(d.route_set()[0].value, "<sip:p1.example.com;lr>;x=1");
    EXPECT_EQ(d.route_set()[0].uri, "sip:p1.example.com;lr");
    EXPECT_TRUE(d.route_set()[0].loose);
    EXPECT_EQ(d.route_set()[1].value, "<sip:p2.example.com;lr>");
    EXPECT_EQ(d.remote_target(), bob_target);
    EXPECT_EQ(d.local_cseq(), 1u);
    EXPECT_FALSE(d.remote_cseq());
    EXPECT_EQ(d.local_party(), "\"Alice\" <sip:alice@example.com>;tag=a73kszlfl");
    EXPECT_EQ(d.remote_party(), "<sip:bob@example.com>;tag=b8sk2");
    EXPECT_FALSE(d.secure());
}

TEST(Dialog, UacEarlyFromProvisionalThenConfirmedBy2xxWithNewRouteSet) {
    message invite = make_test_request("INVITE");
    message ringing = answer(invite, 180);
    ringing.add(header_id::record_route, "<sip:early.example.com;lr>");
    dialog d = uac_dialog(invite, ringing);
    EXPECT_EQ(d.state(), dialog_state::early);
    ASSERT_EQ(d.route_set().size(), 1u);

    message ok = answer(invite, 200);
    ok.add(header_id::record_route, "<sip:a.example.com;lr>, <sip:b.example.com;lr>");
    d.on_response(invite, ok);
    // §13.2.2.4: the 2xx confirms and its Record-Route replaces the early route set.
    EXPECT_EQ(d.state(), dialog_state::confirmed);
    ASSERT_EQ(d.route_set().size(), 2u);
    EXPECT_EQ(d.route_set()[0].uri, "sip:b.example.com;lr");
    EXPECT_EQ(d.route_set()[1].uri, "sip:a.example.com;lr");
}

TEST(Dialog, UacEarlyDialogEndsOnNonSuccessFinal) {
    message invite = make_test_request("INVITE");
    dialog d = uac_dialog(invite, answer(invite, 183));
    d.on_response(invite, answer(invite, 486));
    EXPECT_EQ(d.state(), dialog_state::terminated);
}

TEST(Dialog, CreationRejectsWhatCannotMakeADialog) {
    message invite = make_test_request("INVITE");
    EXPECT_EQ(dialog::create_uac(invite, answer(invite, 100)).error(),
              dialog_error::not_dialog_creating);
    EXPECT_EQ(dialog::create_uac(invite, answer(invite, 404)).error(),
              dialog_error::not_dialog_creating);
    EXPECT_EQ(dialog::create_uac(invite, answer(invite, 180, "")).error(),
              dialog_error::missing_to_tag);
    message no_contact = answer(invite, 200);
    no_contact.remove(header_id::contact);
    EXPECT_EQ(dialog::create_uac(invite, no_contact).error(), dialog_error::missing_contact);
    message bad_rr = answer(invite, 200);
    bad_rr.add(header_id::record_route, "<sip:unterminated");
    EXPECT_EQ(dialog::create_uac(invite, bad_rr).error(), dialog_error::bad_record_route);
}

TEST(Dialog, UasKeepsTheRouteSetInOrder) {
    message invite = invite_with_record_route();
    message ringing = answer(invite, 180, "uas-tag");
    ringing.add(header_id::contact, "<sip:bob@192.0.2.4:5060;transport=ws>");
    auto created = dialog::create_uas(invite, ringing, "SIP/2.0/WSS bob.invalid");
    ASSERT_TRUE(created) << to_string(created.error());
    dialog d = *created;
    EXPECT_EQ(d.role(), dialog_role::uas);
    EXPECT_EQ(d.state(), dialog_state::early);
    EXPECT_EQ(d.id(),
              (dialog_id{"3848276298220188511@atlanta.example.com", "uas-tag", "a73kszlfl"}));
    ASSERT_EQ(d.route_set().size(), 2u);
    EXPECT_EQ(d.route_set()[0].uri, "sip:p2.example.com;lr");
    EXPECT_EQ(d.route_set()[1].uri, "sip:p1.example.com;lr");
    EXPECT_EQ(d.remote_target(), "sip:alice@df7jal23ls0d.invalid;transport=ws");
    EXPECT_EQ(d.remote_cseq(), 1u);
    EXPECT_FALSE(d.local_cseq());  // §12.1.1: empty until we send a request
    EXPECT_EQ(d.local_party(), "<sip:bob@example.com>;tag=uas-tag");

    d.on_local_response(invite, answer(invite, 200, "uas-tag"));
    EXPECT_EQ(d.state(), dialog_state::confirmed);
}

TEST(Dialog, SecureOnlyWithSipsOverASecureTransport) {
    message invite = message::request(method::invite, "sips:bob@example.com");
    invite.add(header_id::via, "SIP/2.0/WSS a.invalid;branch=z9hG4bKs1");
    invite.add(header_id::from, "<sips:alice@example.com>;tag=1");
    invite.add(header_id::to, "<sips:bob@example.com>");
    invite.add(header_id::call_id, "sec-1");
    invite.add(header_id::cseq, "7 INVITE");
    invite.add(header_id::contact, "<sips:alice@a.invalid>");
    message ok = answer(invite, 200);
    EXPECT_TRUE(dialog::create_uac(invite, ok, true)->secure());
    EXPECT_FALSE(dialog::create_uac(invite, ok, false)->secure());
    EXPECT_FALSE(dialog::create_uac(make_test_request("INVITE"),
                                    answer(make_test_request("INVITE"), 200), true)
                     ->secure());
}

// ---------------------------------------------------------------- request building

TEST(Dialog, LooseRoutingKeepsRemoteTargetAsRequestUri) {
    message invite = invite_with_record_route();
    dialog d = uac_dialog(invite, answer(invite, 200));
    message bye = d.make_request(method::bye, "z9hG4bKbye1");
    EXPECT_EQ(bye.method(), method::bye);
    EXPECT_EQ(bye.request_uri(), bob_target);
    EXPECT_EQ(routes_of(bye), (std::vector<std::string_view>{"<sip:p1.example.com;lr>;x=1",
                                                             "<sip:p2.example.com;lr>"}));
    EXPECT_EQ(bye.get(header_id::via), "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKbye1");
    EXPECT_EQ(bye.get(header_id::max_forwards), "70");
    EXPECT_EQ(bye.get(header_id::from), d.local_party());
    EXPECT_EQ(bye.get(header_id::to), d.remote_party());
    EXPECT_EQ(call_id(bye), "3848276298220188511@atlanta.example.com");
    EXPECT_EQ(bye.get(header_id::cseq), "2 BYE");
    EXPECT_FALSE(bye.get(header_id::contact));  // BYE refreshes nothing
    EXPECT_EQ(d.local_cseq(), 2u);
}

TEST(Dialog, LocalCSeqIncrementsAndTargetRefreshesCarryContact) {
    message invite = make_test_request("INVITE");
    dialog d = uac_dialog(invite, answer(invite, 200));
    message reinvite = d.make_request(method::invite, "z9hG4bK2");
    EXPECT_EQ(reinvite.get(header_id::cseq), "2 INVITE");
    EXPECT_EQ(reinvite.get(header_id::contact), "<sip:alice@df7jal23ls0d.invalid;transport=ws>");
    EXPECT_FALSE(reinvite.get(header_id::route));
    EXPECT_EQ(reinvite.request_uri(), bob_target);
    message info = d.make_request(method::info, "z9hG4bK3");
    EXPECT_EQ(info.get(header_id::cseq), "3 INFO");
    EXPECT_FALSE(info.get(header_id::contact));
    message update = d.make_request(method::update, "z9hG4bK4");
    EXPECT_EQ(update.get(header_id::cseq), "4 UPDATE");
    EXPECT_TRUE(update.get(header_id::contact));
    message ext = d.make_request("X-PING", "z9hG4bK5");
    EXPECT_EQ(ext.method_text(), "X-PING");
    EXPECT_EQ(ext.get(header_id::cseq), "5 X-PING");
    EXPECT_EQ(top_via(ext)->branch(), "z9hG4bK5");
}

TEST(Dialog, StrictRoutingPutsFirstRouteInRequestUri) {
    message invite = make_test_request("INVITE");
    message ok = answer(invite, 200);
    ok.add(header_id::record_route, "<sip:p1.example.com;lr>");
    ok.add(header_id::record_route,
           "<sip:strict.example.com;maddr=192.0.2.9;method=INVITE?X-Hdr=1>");
    dialog d = uac_dialog(invite, ok);
    ASSERT_EQ(d.route_set().size(), 2u);
    EXPECT_FALSE(d.route_set()[0].loose);
    message bye = d.make_request(method::bye, "z9hG4bKstrict");
    // §12.2.1.1: the strict router's URI, minus what a Request-URI may not carry; the
    // remaining routes, then the remote target as the last Route.
    EXPECT_EQ(bye.request_uri(), "sip:strict.example.com;maddr=192.0.2.9");
    EXPECT_EQ(routes_of(bye),
              (std::vector<std::string_view>{"<sip:p1.example.com;lr>",
                                             "<sip:bob@192.0.2.4:5060;transport=ws>"}));
}

TEST(Dialog, AckFor2xxReusesTheInviteCSeqWithANewBranch) {
    message invite = invite_with_record_route();
    invite.add(header_id::proxy_authorization, "Digest username=\"alice\", realm=\"example.com\"");
    dialog d = uac_dialog(invite, answer(invite, 200));
    message ack = d.make_ack(invite, "z9hG4bKack1");
    EXPECT_EQ(ack.method(), method::ack);
    EXPECT_EQ(ack.request_uri(), bob_target);
    EXPECT_EQ(ack.get(header_id::cseq), "1 ACK");
    EXPECT_EQ(top_via(ack)->branch(), "z9hG4bKack1");
    EXPECT_NE(top_via(ack)->branch(), top_via(invite)->branch());
    EXPECT_EQ(routes_of(ack).size(), 2u);
    EXPECT_EQ(to_tag(ack), "b8sk2");
    EXPECT_EQ(ack.get(header_id::proxy_authorization), invite.get(header_id::proxy_authorization));
    EXPECT_EQ(d.local_cseq(), 1u);  // the ACK takes no sequence number

    message reinvite = d.make_request(method::invite, "z9hG4bKre");
    EXPECT_EQ(d.make_ack(reinvite, "z9hG4bKack2").get(header_id::cseq), "2 ACK");
}

TEST(Dialog, UasRequestsStartTheLocalSequenceAndSwapParties) {
    message invite = invite_with_record_route();
    message ok = answer(invite, 200, "uas-tag");
    auto d = dialog::create_uas(invite, ok, "SIP/2.0/WSS bob.invalid");
    ASSERT_TRUE(d);
    message bye = d->make_request(method::bye, "z9hG4bKuasbye");
    EXPECT_EQ(bye.get(header_id::cseq), "1 BYE");
    EXPECT_EQ(bye.request_uri(), "sip:alice@df7jal23ls0d.invalid;transport=ws");
    EXPECT_EQ(bye.get(header_id::from), "<sip:bob@example.com>;tag=uas-tag");
    EXPECT_EQ(bye.get(header_id::to), "\"Alice\" <sip:alice@example.com>;tag=a73kszlfl");
    EXPECT_EQ(bye.get(header_id::via), "SIP/2.0/WSS bob.invalid;branch=z9hG4bKuasbye");
    EXPECT_EQ(routes_of(bye), (std::vector<std::string_view>{"<sip:p2.example.com;lr>",
                                                             "<sip:p1.example.com;lr>;x=1"}));
    EXPECT_EQ(d->make_request(method::info, "z9hG4bKuas2").get(header_id::cseq), "2 INFO");
}

// ---------------------------------------------------------------- received requests

TEST(Dialog, RemoteCSeqLowerIsRejectedAckAndCancelExcepted) {
    message invite = make_test_request("INVITE", "z9hG4bK1", 5);
    auto d = dialog::create_uas(invite, answer(invite, 200, "uas-tag"), "SIP/2.0/WSS bob.invalid");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->remote_cseq(), 5u);
    EXPECT_EQ(d->on_request(make_test_request("INFO", "z9hG4bK2", 6)), request_verdict::accept);
    EXPECT_EQ(d->remote_cseq(), 6u);
    // §12.2.2: lower than the remote sequence number → 500.
    EXPECT_EQ(d->on_request(make_test_request("INFO", "z9hG4bK3", 4)),
              request_verdict::reject_out_of_order);
    EXPECT_EQ(d->remote_cseq(), 6u);
    EXPECT_EQ(d->on_request(make_test_request("ACK", "z9hG4bK4", 5)), request_verdict::accept);
    EXPECT_EQ(d->on_request(make_test_request("CANCEL", "z9hG4bK1", 5)), request_verdict::accept);
    EXPECT_EQ(d->remote_cseq(), 6u);
    message bad = make_test_request("INFO", "z9hG4bK5", 9);
    bad.set(header_id::cseq, "many INFO");
    EXPECT_EQ(d->on_request(bad), request_verdict::reject_bad_cseq);
}

TEST(Dialog, UacRemoteSequenceStartsWithTheFirstRequest) {
    message invite = make_test_request("INVITE");
    dialog d = uac_dialog(invite, answer(invite, 200));
    EXPECT_EQ(d.on_request(make_test_request("INFO", "z9hG4bKx", 900)), request_verdict::accept);
    EXPECT_EQ(d.remote_cseq(), 900u);
}

TEST(Dialog, TargetRefreshFromReceivedReInvite) {
    message invite = make_test_request("INVITE");
    auto d = dialog::create_uas(invite, answer(invite, 200, "uas-tag"), "SIP/2.0/WSS bob.invalid");
    ASSERT_TRUE(d);
    message info = make_test_request("INFO", "z9hG4bKi", 2);
    info.set(header_id::contact, "<sip:elsewhere.invalid>");
    d->on_request(info);
    EXPECT_EQ(d->remote_target(),
              "sip:alice@df7jal23ls0d.invalid;transport=ws");  // INFO refreshes nothing
    message reinvite = make_test_request("INVITE", "z9hG4bKr", 3);
    reinvite.set(header_id::contact, "<sip:alice@moved.invalid;transport=ws>");
    EXPECT_EQ(d->on_request(reinvite), request_verdict::accept);
    EXPECT_EQ(d->remote_target(), "sip:alice@moved.invalid;transport=ws");
    EXPECT_EQ(d->make_request(method::bye, "z9hG4bKb").request_uri(),
              "sip:alice@moved.invalid;transport=ws");
}

TEST(Dialog, TargetRefreshFrom2xxToOurReInvite) {
    message invite = make_test_request("INVITE");
    dialog d = uac_dialog(invite, answer(invite, 200));
    message reinvite = d.make_request(method::invite, "z9hG4bKre");
    message rejected = make_test_response(reinvite, 488, "b8sk2");
    rejected.add(header_id::contact, "<sip:ignored.invalid>");
    d.on_response(reinvite, rejected);
    EXPECT_EQ(d.remote_target(), bob_target);
    EXPECT_EQ(d.state(), dialog_state::confirmed);
    message ok = make_test_response(reinvite, 200, "b8sk2");
    ok.set(header_id::contact, "<sip:bob@198.51.100.7;transport=ws>");
    d.on_response(reinvite, ok);
    EXPECT_EQ(d.remote_target(), "sip:bob@198.51.100.7;transport=ws");
}

TEST(Dialog, EndsOn481Or408AndOnReceivedBye) {
    message invite = make_test_request("INVITE");
    dialog a = uac_dialog(invite, answer(invite, 200));
    message info = a.make_request(method::info, "z9hG4bKi");
    a.on_response(info, make_test_response(info, 481, "b8sk2"));
    EXPECT_EQ(a.state(), dialog_state::terminated);

    dialog b = uac_dialog(invite, answer(invite, 200));
    message info2 = b.make_request(method::info, "z9hG4bKj");
    b.on_response(info2, make_test_response(info2, 408, "b8sk2"));
    EXPECT_EQ(b.state(), dialog_state::terminated);

    dialog c = uac_dialog(invite, answer(invite, 200));
    EXPECT_EQ(c.on_request(make_test_request("BYE", "z9hG4bKbye", 2)), request_verdict::accept);
    EXPECT_EQ(c.state(), dialog_state::terminated);
}

TEST(Dialog, ReceivedRequestMapsToTheDialogId) {
    message invite = make_test_request("INVITE");
    dialog d = uac_dialog(invite, answer(invite, 200));
    // A request from Bob in this dialog: his tag in From, ours in To.
    message from_bob = message::request(method::bye, "sip:alice@df7jal23ls0d.invalid");
    from_bob.add(header_id::from, "<sip:bob@example.com>;tag=b8sk2");
    from_bob.add(header_id::to, "<sip:alice@example.com>;tag=a73kszlfl");
    from_bob.add(header_id::call_id, "3848276298220188511@atlanta.example.com");
    EXPECT_EQ(dialog_id_of_request(from_bob), d.id());
    EXPECT_EQ(dialog_id_hash{}(dialog_id_of_request(from_bob)), dialog_id_hash{}(d.id()));
}

TEST(Dialog, TargetRefreshMethods) {
    EXPECT_TRUE(is_target_refresh(method::invite));
    EXPECT_TRUE(is_target_refresh(method::update));
    EXPECT_TRUE(is_target_refresh(method::subscribe));
    EXPECT_FALSE(is_target_refresh(method::bye));
    EXPECT_FALSE(is_target_refresh(method::info));
}

}  // namespace
}  // namespace ringstorm::sip
