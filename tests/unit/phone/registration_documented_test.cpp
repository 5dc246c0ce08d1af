// The registration machine under the `documented` profile: every registration row of
// sdk-callback-contract.md "Expected sequences", with the wire it produces.
#include "tests/unit/phone/registration_script.hpp"

namespace ringstorm::phone {
namespace {

using namespace test;
using ev = std::vector<std::string_view>;
constexpr auto documented = scenario::contract_profile::documented;

TEST(registration_documented, challenge_then_ok_gives_sent_request_registered) {
    script s{documented};
    s.do_register();
    ASSERT_EQ(s.count(action_type::connect), 1u);  // no socket yet: connect first
    EXPECT_TRUE(s.sent.empty());
    s.connected();
    ASSERT_EQ(s.sent.size(), 1u);
    const auto first = s.sent[0];
    EXPECT_FALSE(first.get(sip::header_id::authorization));
    EXPECT_EQ(sip::cseq_of(first)->number, 2u);
    s.reply(s.challenge());
    ASSERT_EQ(s.sent.size(), 2u);
    const auto& second = s.sent[1];
    EXPECT_EQ(sip::cseq_of(second)->number, 3u);
    EXPECT_EQ(sip::call_id(second), sip::call_id(first));
    EXPECT_EQ(sip::from_tag(second), sip::from_tag(first));
    EXPECT_NE(sip::top_via(second)->branch(), sip::top_via(first)->branch());
    EXPECT_TRUE(s.credentials_valid(second));
    EXPECT_EQ(s.events(), (ev{"sent_request"}));  // the challenge adds no event
    s.reply(s.ok());
    EXPECT_EQ(s.events(), (ev{"sent_request", "registered"}));
    EXPECT_TRUE(s.machine.registered());
    EXPECT_FALSE(s.machine.busy());
    const auto& e = s.last_episode();
    EXPECT_EQ(e.kind, episode_kind::register_);
    EXPECT_EQ(e.outcome, episode_outcome::ok);
    EXPECT_EQ(e.final_status, 200);
    EXPECT_EQ(e.challenges, 1);
    EXPECT_TRUE(s.has_result(core::registration_result::ok));
    // Refresh at 80 % of the granted 300 s.
    EXPECT_EQ(s.machine.next_deadline(), s.now + 240s);
}

TEST(registration_documented, refresh_is_silent_and_reuses_the_registration) {
    script s{documented};
    s.register_through_challenge();
    const auto call_id = std::string(sip::call_id(s.last_sent()));
    s.advance_to_deadline();
    ASSERT_EQ(s.sent.size(), 3u);
    EXPECT_EQ(sip::call_id(s.last_sent()), call_id);
    EXPECT_EQ(sip::cseq_of(s.last_sent())->number, 4u);
    EXPECT_TRUE(s.credentials_valid(s.last_sent()));  // pre-authorised with the nonce
    s.reply(s.ok(";expires=100"));
    EXPECT_EQ(s.events(), (ev{"sent_request", "registered"}));
    EXPECT_EQ(s.last_episode().kind, episode_kind::refresh);
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::ok);
    EXPECT_EQ(s.machine.next_deadline(), s.now + 80s);
}

TEST(registration_documented, expires_header_grants_when_the_contact_has_no_param) {
    script s{documented};
    s.do_register();
    s.connected();
    auto r = s.ok("");
    r.add(sip::header_id::expires, "60");
    s.reply(r);
    EXPECT_TRUE(s.machine.registered());
    EXPECT_EQ(s.machine.next_deadline(), s.now + 48s);
}

TEST(registration_documented, forbidden_terminates) {
    script s{documented};
    s.do_register();
    s.connected();
    s.reply(s.status(403));
    EXPECT_EQ(s.events(), (ev{"sent_request", "terminated"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::auth_failed);
    EXPECT_EQ(s.last_episode().final_status, 403);
    EXPECT_EQ(s.last_episode().detail, "403 Forbidden");
    EXPECT_TRUE(s.has_result(core::registration_result::auth_failed));
    EXPECT_FALSE(s.machine.registered());
    EXPECT_EQ(s.count(action_type::close), 0u);
    EXPECT_FALSE(s.machine.next_deadline());  // no retry, no refresh
}

TEST(registration_documented, second_challenge_after_credentials_terminates) {
    script s{documented};
    s.do_register();
    s.connected();
    s.reply(s.challenge());
    s.reply(s.challenge());
    EXPECT_EQ(s.sent.size(), 2u);  // no third REGISTER
    EXPECT_EQ(s.events(), (ev{"sent_request", "terminated"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::auth_failed);
}

TEST(registration_documented, other_rejection_is_rejected) {
    script s{documented};
    s.do_register();
    s.connected();
    s.reply(s.status(503));
    EXPECT_EQ(s.events(), (ev{"sent_request", "terminated"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::rejected);
    EXPECT_TRUE(s.has_result(core::registration_result::rejected));
}

TEST(registration_documented, no_answer_in_timer_f_terminates) {
    script s{documented};
    s.do_register();
    s.connected();
    EXPECT_EQ(s.machine.next_deadline(), s.now + 32s);  // Timer F = 64·T1
    s.advance(31s);
    EXPECT_EQ(s.events(), (ev{"sent_request"}));
    s.advance(1s);
    EXPECT_EQ(s.events(), (ev{"sent_request", "terminated"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::timeout);
    EXPECT_TRUE(s.has_result(core::registration_result::timeout));
}

TEST(registration_documented, ok_without_our_binding_expiry_or_contact_terminates) {
    struct row {
        const char* name;
        episode_outcome outcome;
    };
    for (const row& r : {row{"binding", episode_outcome::binding_missing},
                         row{"expiry", episode_outcome::expiry_missing},
                         row{"contact", episode_outcome::contact_missing}}) {
        SCOPED_TRACE(r.name);
        script s{documented};
        s.do_register();
        s.connected();
        sip::message answer = s.status(200);
        if (r.outcome == episode_outcome::binding_missing) {
            answer.add(sip::header_id::contact,
                       "<sip:someone@else.invalid;transport=ws>;expires=300");
        } else if (r.outcome == episode_outcome::expiry_missing) {
            answer = s.ok("");
        }
        s.reply(answer);
        EXPECT_EQ(s.events(), (ev{"sent_request", "terminated"}));
        EXPECT_EQ(s.last_episode().outcome, r.outcome);
        EXPECT_TRUE(s.has_result(core::registration_result::rejected));
        EXPECT_FALSE(s.machine.registered());
    }
}

TEST(registration_documented, unregister_sends_expires_zero_then_unregistered) {
    script s{documented};
    s.register_through_challenge();
    const auto contact = std::string(*s.last_sent().get(sip::header_id::contact));
    s.unregister();
    ASSERT_EQ(s.sent.size(), 3u);
    const auto& de = s.last_sent();
    const auto expected = contact.substr(0, contact.find(";expires=")) + ";expires=0";
    EXPECT_EQ(*de.get(sip::header_id::contact), expected);
    EXPECT_FALSE(de.get(sip::header_id::expires));
    EXPECT_TRUE(s.credentials_valid(de));
    EXPECT_FALSE(s.machine.registered());
    EXPECT_EQ(s.events_of(1), (ev{"sent_request"}));
    s.reply(s.status(200));
    EXPECT_EQ(s.events_of(1), (ev{"sent_request", "unregistered"}));
    EXPECT_EQ(s.last_episode().kind, episode_kind::unregister);
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::ok);
    EXPECT_NE(s.find(action_type::latency), std::string::npos);
    EXPECT_FALSE(s.machine.next_deadline());  // no refresh after an unregister
}

TEST(registration_documented, unregister_without_answer_still_ends_unregistered) {
    script s{documented};
    s.register_through_challenge();
    s.unregister();
    s.advance(32s);
    EXPECT_EQ(s.events_of(1), (ev{"sent_request", "unregistered"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::timeout);
}

TEST(registration_documented, unregister_when_not_registered_sends_nothing) {
    script s{documented};
    s.unregister();
    EXPECT_TRUE(s.sent.empty());
    EXPECT_EQ(s.count(action_type::connect), 0u);
    EXPECT_EQ(s.events(), (ev{"unregistered"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::not_sent);
}

TEST(registration_documented, unregister_during_register_waits_for_it) {
    script s{documented};
    s.do_register();
    s.connected();
    s.unregister();  // queued behind the REGISTER in flight
    EXPECT_EQ(s.sent.size(), 1u);
    s.reply(s.ok());
    ASSERT_EQ(s.sent.size(), 2u);
    EXPECT_EQ(s.events(), (ev{"sent_request", "registered", "sent_request"}));
}

TEST(registration_documented, socket_drop_while_registered_terminates) {
    script s{documented};
    s.register_through_challenge();
    s.drop();
    EXPECT_EQ(s.events(), (ev{"sent_request", "registered", "terminated"}));
    EXPECT_EQ(s.last_episode().kind, episode_kind::drop);
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::transport_error);
    EXPECT_FALSE(s.machine.registered());
    EXPECT_FALSE(s.machine.next_deadline());  // the refresh is gone, no retry
}

TEST(registration_documented, socket_drop_mid_transaction_terminates_that_episode) {
    script s{documented};
    s.do_register();
    s.connected();
    s.drop();
    EXPECT_EQ(s.events(), (ev{"sent_request", "terminated"}));
    EXPECT_EQ(s.machine.history().episodes.size(), 1u);
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::transport_error);
    EXPECT_TRUE(s.has_result(core::registration_result::transport_error));
    // A late answer on a dead registration is a stray, not a crash.
    s.reply(s.ok());
    EXPECT_TRUE(s.has_error("stray_response"));
}

TEST(registration_documented, connect_failure_terminates) {
    script s{documented};
    s.do_register();
    s.connect_failed();
    EXPECT_EQ(s.events(), (ev{"terminated"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::transport_error);
    EXPECT_NE(s.last_episode().detail.find("tcp_connect"), std::string::npos);
    EXPECT_FALSE(s.machine.next_deadline());
}

TEST(registration_documented, register_again_after_failure_uses_the_open_socket) {
    script s{documented};
    s.do_register();
    s.connected();
    s.reply(s.status(403));
    s.do_register();
    EXPECT_EQ(s.count(action_type::connect), 1u);
    EXPECT_EQ(s.sent.size(), 2u);
    s.reply(s.ok());
    EXPECT_EQ(s.events(), (ev{"sent_request", "terminated", "sent_request", "registered"}));
}

}  // namespace
}  // namespace ringstorm::phone

namespace ringstorm::phone {
namespace {

// A target granting an absurd expiry must not make the refresh time wrap into the past
// (which would refresh at once, again and again).
TEST(registration_documented, a_huge_granted_expiry_refreshes_far_in_the_future) {
    test::script s{scenario::contract_profile::documented};
    s.do_register();
    s.connected();
    s.reply(s.challenge());
    s.reply(s.ok(";expires=2000000000"));
    ASSERT_TRUE(s.machine.registered());
    auto deadline = s.machine.next_deadline();
    ASSERT_TRUE(deadline);
    EXPECT_GT(*deadline, s.now + std::chrono::hours(24 * 365 * 50));
}

}  // namespace
}  // namespace ringstorm::phone
