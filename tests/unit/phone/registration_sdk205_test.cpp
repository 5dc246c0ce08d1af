// The registration machine under `exotel-web-sdk-2.0.5`: what the published SDK really
// emits (sdk-callback-contract.md "Expected sequences"), including its retry loop.
#include "tests/unit/phone/registration_script.hpp"

namespace ringstorm::phone {
namespace {

using namespace test;
using ev = std::vector<std::string_view>;
constexpr auto sdk205 = scenario::contract_profile::exotel_web_sdk_2_0_5;

// The retry after a failure: ≈5.6 s later, a new socket and a new UserAgent.
void expect_retry_with_new_identity(script& s, const sip::message& before) {
    ASSERT_EQ(s.machine.next_deadline(), s.now + 5600ms);
    const auto connects = s.count(action_type::connect);
    const auto episodes = s.machine.history().episodes.size();
    s.advance_to_deadline();
    EXPECT_EQ(s.count(action_type::connect), connects + 1);
    ASSERT_EQ(s.machine.history().episodes.size(), episodes + 1);
    EXPECT_EQ(s.last_episode().kind, episode_kind::recover);
    EXPECT_EQ(s.last_episode().due, s.now);
    s.connected();
    const auto& fresh = s.last_sent();
    EXPECT_NE(contact_user_of(fresh), contact_user_of(before));
    EXPECT_NE(sip::call_id(fresh), sip::call_id(before));
    EXPECT_EQ(sip::cseq_of(fresh)->number, 2u);
    EXPECT_FALSE(fresh.get(sip::header_id::authorization));  // a new UA starts unchallenged
}

TEST(registration_sdk205, one_sent_request_per_register) {
    script s{sdk205};
    s.register_through_challenge();
    EXPECT_EQ(s.events(), (ev{"sent_request", "sent_request", "registered"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::ok);
}

TEST(registration_sdk205, refresh_reports_sent_request_and_registered) {
    script s{sdk205};
    s.register_through_challenge();
    s.advance_to_deadline();
    s.reply(s.ok());
    EXPECT_EQ(s.events_of(1), (ev{"sent_request", "registered"}));
    EXPECT_EQ(s.last_episode().kind, episode_kind::refresh);
}

TEST(registration_sdk205, refused_closes_then_unregistered_then_retries) {
    script s{sdk205};
    s.do_register();
    s.connected();
    s.reply(s.challenge());
    const auto before = s.last_sent();
    s.reply(s.challenge());
    EXPECT_EQ(s.events(), (ev{"sent_request", "sent_request", "unregistered"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::auth_failed);
    // WS closed (1000) before unregistered.
    const auto close = s.find(action_type::close);
    ASSERT_NE(close, std::string::npos);
    EXPECT_EQ(s.all[close].close_code, 1000);
    const auto unregistered = s.find(action_type::emit, close);
    ASSERT_NE(unregistered, std::string::npos);
    EXPECT_EQ(s.machine.history().events[s.all[unregistered].event].name, "unregistered");
    expect_retry_with_new_identity(s, before);
    s.reply(s.challenge());
    s.reply(s.ok());
    EXPECT_EQ(s.events_of(1), (ev{"sent_request", "sent_request", "registered"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::ok);
}

TEST(registration_sdk205, forbidden_and_timeout_enter_the_retry_loop) {
    for (bool timeout : {false, true}) {
        SCOPED_TRACE(timeout ? "timeout" : "403");
        script s{sdk205};
        s.do_register();
        s.connected();
        const auto before = s.last_sent();
        if (timeout) {
            s.advance(32s);
        } else {
            s.reply(s.status(403));
        }
        EXPECT_EQ(s.events(), (ev{"sent_request", "unregistered"}));
        EXPECT_EQ(s.count(action_type::close), 1u);
        EXPECT_EQ(s.last_episode().outcome,
                  timeout ? episode_outcome::timeout : episode_outcome::auth_failed);
        expect_retry_with_new_identity(s, before);
        // The loop goes on while the target keeps refusing.
        s.reply(s.status(403));
        EXPECT_EQ(s.machine.next_deadline(), s.now + 5600ms);
    }
}

TEST(registration_sdk205, ok_lacking_our_binding_is_unregistered_at_once) {
    script s{sdk205};
    s.do_register();
    s.connected();
    auto answer = s.status(200);
    answer.add(sip::header_id::contact, "<sip:other@x.invalid;transport=ws>;expires=300");
    s.reply(answer);
    EXPECT_EQ(s.events(), (ev{"sent_request", "unregistered"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::binding_missing);
    EXPECT_EQ(s.count(action_type::close), 0u);
    EXPECT_FALSE(s.machine.next_deadline());
}

TEST(registration_sdk205, ok_with_contact_but_no_expiry) {
    script s{sdk205};
    s.do_register();
    s.connected();
    const auto before = s.last_sent();
    s.reply(s.ok(""));
    EXPECT_EQ(s.events(), (ev{"sent_request", "registered", "registered", "unregistered"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::expiry_missing);
    // The immediate re-REGISTER goes out before the socket is closed.
    ASSERT_EQ(s.sent.size(), 2u);
    EXPECT_EQ(sip::cseq_of(s.last_sent())->number, 3u);
    EXPECT_EQ(sip::call_id(s.last_sent()), sip::call_id(before));
    const auto close = s.find(action_type::close);
    ASSERT_NE(close, std::string::npos);
    EXPECT_LT(s.find(action_type::send, 2), close);
    expect_retry_with_new_identity(s, before);
}

TEST(registration_sdk205, ok_without_contact_never_registers) {
    script s{sdk205};
    s.do_register();
    s.connected();
    const auto before = s.last_sent();
    s.reply(s.status(200));
    EXPECT_EQ(s.events(), (ev{"sent_request", "unregistered"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::contact_missing);
    EXPECT_EQ(s.count(action_type::close), 1u);
    EXPECT_FALSE(s.machine.registered());
    expect_retry_with_new_identity(s, before);
}

TEST(registration_sdk205, unregister_is_spurious_registered_and_closes_before_the_200) {
    script s{sdk205};
    s.register_through_challenge();
    s.unregister();
    EXPECT_EQ(s.events_of(1), (ev{"registered", "sent_request", "unregistered"}));
    ASSERT_EQ(s.sent.size(), 3u);
    EXPECT_NE(s.last_sent().get(sip::header_id::contact)->find(";expires=0"),
              std::string_view::npos);
    EXPECT_EQ(s.count(action_type::close), 1u);
    EXPECT_FALSE(s.machine.busy());
    EXPECT_FALSE(s.machine.next_deadline());  // no refresh and no retry loop
    s.reply(s.status(200));                   // had the socket survived, the answer matches nothing
    EXPECT_EQ(s.events_of(1).size(), 3u);
}

TEST(registration_sdk205, unregister_does_not_stop_the_retry_loop) {
    script s{sdk205};
    s.do_register();
    s.connected();
    s.reply(s.status(403));
    const auto retry = s.machine.next_deadline();
    s.unregister();
    EXPECT_EQ(s.events(), (ev{"sent_request", "unregistered"}));  // nothing new
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::not_sent);
    EXPECT_EQ(s.machine.next_deadline(), retry);
}

TEST(registration_sdk205, target_drop_gives_unregistered_then_reregisters) {
    script s{sdk205};
    s.register_through_challenge();
    const auto before = s.last_sent();
    s.drop();
    EXPECT_EQ(s.events(), (ev{"sent_request", "sent_request", "registered", "unregistered"}));
    EXPECT_EQ(s.last_episode().kind, episode_kind::drop);
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::transport_error);
    EXPECT_EQ(s.count(action_type::close), 0u);  // already gone
    expect_retry_with_new_identity(s, before);
    s.reply(s.challenge());
    s.reply(s.ok());
    EXPECT_EQ(s.events_of(2), (ev{"sent_request", "sent_request", "registered"}));
    EXPECT_TRUE(s.machine.registered());
}

TEST(registration_sdk205, connect_failure_is_unregistered_and_retried) {
    script s{sdk205};
    s.do_register();
    s.connect_failed();
    EXPECT_EQ(s.events(), (ev{"unregistered"}));
    EXPECT_EQ(s.last_episode().outcome, episode_outcome::transport_error);
    EXPECT_EQ(s.machine.next_deadline(), s.now + 5600ms);
}

TEST(registration_sdk205, stop_ends_the_retry_loop) {
    script s{sdk205};
    s.do_register();
    s.connected();
    s.reply(s.status(403));
    s.machine.stop();
    EXPECT_FALSE(s.machine.next_deadline());
}

}  // namespace
}  // namespace ringstorm::phone
