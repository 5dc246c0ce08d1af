// The embedded target calling a user with two tabs over loopback: both ring, the one that
// answers wins and the other gets CANCEL with `Reason: SIP;cause=200`; without forking
// only one rings; a connection closing mid-call fails the call; what a phone did wrong
// is counted and told in words.

#include <gtest/gtest.h>

#include "engine/target/embedded_target.hpp"
#include "tests/unit/target/fake_phone.hpp"

namespace ringstorm::target {
namespace {

using namespace test;
using namespace std::chrono_literals;

target_options calling(call_options calls) {
    target_options o;
    o.listen = "ws://127.0.0.1:0/ws";
    o.domain = "example.com";
    o.accounts = pattern_accounts();
    o.threads = 2;
    o.calls = std::move(calls);
    return o;
}

call_options each_binding(std::chrono::milliseconds after) {
    call_options c;
    c.how = call_options::mode::each_binding;
    c.after = after;
    c.plan.talk_time = 200ms;
    c.plan.ring_timeout = 5s;
    return c;
}

template <class Done>
target_stats wait_for(net::io_context& io, embedded_target& t, Done done) {
    target_stats s = t.snapshot();
    for (int i = 0; i < 150 && !done(s); ++i) {
        io.restart();
        io.run_for(20ms);  // the phones' last frames are still being written
        s = t.snapshot();
    }
    return s;
}

// Two tabs of user 10005 (two connections, two Contacts), registered.
struct two_tabs {
    net::io_context io;
    fake_phone first{io, "10005", "tabone"};
    fake_phone second{io, "10005", "tabtwo"};

    bool start(embedded_target& target) {
        for (fake_phone* tab : {&first, &second}) {
            if (!run(io, tab->connect(target.url())).value_or(false) ||
                run(io, tab->register_()).value_or(0) != 200) {
                return false;
            }
        }
        return true;
    }
};

TEST(target_fork, the_answering_tab_wins_and_the_other_is_cancelled_elsewhere) {
    auto target = embedded_target::start(calling(each_binding(1s)));
    ASSERT_TRUE(target) << target.error();
    two_tabs tabs;
    ASSERT_TRUE(tabs.start(**target));
    phone_script answers;
    answers.answer_after = 100ms;
    phone_script rings;
    rings.answer = false;
    std::vector<net::awaitable<void>> tasks;
    tasks.push_back(tabs.first.take_calls(1, answers, 5s));
    tasks.push_back(tabs.second.take_calls(1, rings, 5s));
    ASSERT_TRUE(run_all(tabs.io, std::move(tasks)));
    ASSERT_EQ(tabs.first.calls.size(), 1U);
    ASSERT_EQ(tabs.second.calls.size(), 1U);
    const seen_call& won = tabs.first.calls[0];
    const seen_call& lost = tabs.second.calls[0];
    EXPECT_EQ(won.call_id, lost.call_id);  // one call, forked
    EXPECT_EQ(won.requests, (std::vector<std::string>{"INVITE", "ACK", "BYE"}));
    EXPECT_EQ(won.bye_reason, "");
    EXPECT_EQ(lost.requests, (std::vector<std::string>{"INVITE", "CANCEL"}));
    EXPECT_EQ(lost.cancel_reason, "SIP;cause=200;text=\"Call completed elsewhere\"");
    const target_stats s = wait_for(tabs.io, **target, [](const target_stats& s) {
        return s.calls_completed + s.calls_cancelled >= 2;
    });
    EXPECT_EQ(s.calls_placed, 2U);  // one INVITE per tab
    EXPECT_EQ(s.calls_answered, 1U);
    EXPECT_EQ(s.calls_completed, 1U);
    EXPECT_EQ(s.calls_cancelled, 1U);
    EXPECT_EQ(s.calls_active, 0U);
}

TEST(target_fork, without_forking_one_tab_rings) {
    call_options c = each_binding(100ms);
    c.fork = false;
    auto target = embedded_target::start(calling(c));
    ASSERT_TRUE(target) << target.error();
    two_tabs tabs;
    ASSERT_TRUE(tabs.start(**target));
    phone_script rings;
    rings.answer = false;
    std::vector<net::awaitable<void>> tasks;
    tasks.push_back(tabs.first.take_calls(1, rings, 800ms));
    tasks.push_back(tabs.second.take_calls(1, rings, 800ms));
    ASSERT_TRUE(run_all(tabs.io, std::move(tasks)));
    EXPECT_EQ(tabs.first.calls.size() + tabs.second.calls.size(), 1U);
    EXPECT_EQ((*target)->snapshot().calls_placed, 1U);
}

TEST(target_fork, a_connection_closing_mid_call_fails_the_call) {
    call_options c = each_binding(50ms);
    c.plan.talk_time = 10s;
    auto target = embedded_target::start(calling(c));
    ASSERT_TRUE(target) << target.error();
    net::io_context io;
    fake_phone phone(io, "10006", "erin");
    ASSERT_TRUE(run(io, phone.connect((*target)->url())).value_or(false));
    ASSERT_EQ(run(io, phone.register_()).value_or(0), 200);
    std::vector<net::awaitable<void>> tasks;
    tasks.push_back(phone.take_calls(1, {}, 700ms));  // answers, then talks past the limit
    ASSERT_TRUE(run_all(io, std::move(tasks)));
    ASSERT_EQ(phone.calls.size(), 1U);
    EXPECT_EQ(phone.calls[0].requests, (std::vector<std::string>{"INVITE", "ACK"}));
    const target_stats before = (*target)->snapshot();
    EXPECT_EQ(before.calls_active, 1U);
    EXPECT_EQ(before.calls_answered, 1U);
    ASSERT_TRUE(run(io, phone.close()).value_or(false));
    const target_stats s =
        wait_for(io, **target, [](const target_stats& s) { return s.calls_failed >= 1; });
    EXPECT_EQ(s.calls_failed, 1U);
    EXPECT_EQ(s.calls_active, 0U);
    EXPECT_EQ(s.closed_bindings, 1U);
}

TEST(target_fork, a_hold_answered_sendrecv_is_counted_and_told) {
    call_options c = each_binding(50ms);
    c.schedule.mix = {{call_behaviour::remote_hold_then_bye, 1}};
    c.plan.hold_after = 50ms;
    auto target = embedded_target::start(calling(c));
    ASSERT_TRUE(target) << target.error();
    net::io_context io;
    fake_phone phone(io, "10007", "frank");
    ASSERT_TRUE(run(io, phone.connect((*target)->url())).value_or(false));
    ASSERT_EQ(run(io, phone.register_()).value_or(0), 200);
    phone_script wrong;
    wrong.hold_answer = sdp::direction::sendrecv;  // RFC 6337 §5.2: must be recvonly
    std::vector<net::awaitable<void>> tasks;
    tasks.push_back(phone.take_calls(1, wrong, 5s));
    ASSERT_TRUE(run_all(io, std::move(tasks)));
    const target_stats s =
        wait_for(io, **target, [](const target_stats& s) { return s.calls_completed >= 1; });
    EXPECT_EQ(s.call_findings, 1U);
    const std::vector<std::string> notes = (*target)->call_notes();
    ASSERT_EQ(notes.size(), 1U);
    EXPECT_NE(notes[0].find("sip:10007@example.com call "), std::string::npos);
    EXPECT_NE(notes[0].find("hold_answer_direction"), std::string::npos);
    ASSERT_TRUE(run(io, phone.close()).value_or(false));
}

}  // namespace
}  // namespace ringstorm::target
