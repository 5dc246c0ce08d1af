// The embedded target placing calls over loopback to scripted web phones (fake_phone.hpp),
// on two workers so that calls and connections often live on different ones: each
// registered AOR called once per `after`, calls at a rate with busy phones skipped, and
// every behaviour end to end as the phone sees it on the wire.

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

call_options each_binding(call_behaviour b, std::chrono::milliseconds after) {
    call_options c;
    c.how = call_options::mode::each_binding;
    c.after = after;
    c.schedule.mix = {{b, 1}};
    c.plan.talk_time = 300ms;
    c.plan.hold_after = 100ms;
    c.plan.cancel_after = 100ms;
    c.plan.ring_timeout = 5s;
    return c;
}

// Polls the target until `done(stats)` or 3 s pass, running the phones' io_context
// meanwhile; the last snapshot.
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

TEST(target_calls, each_registered_aor_is_called_once_per_after) {
    call_options c = each_binding(call_behaviour::answered_then_target_bye, 250ms);
    c.plan.talk_time = 100ms;
    auto target = embedded_target::start(calling(c));
    ASSERT_TRUE(target) << target.error();
    net::io_context io;
    fake_phone alice(io, "10001", "alice");
    fake_phone bob(io, "10002", "bob");
    for (fake_phone* p : {&alice, &bob}) {
        ASSERT_TRUE(run(io, p->connect((*target)->url())).value_or(false));
        ASSERT_EQ(run(io, p->register_()).value_or(0), 200);
    }
    const auto start = steady::now();
    std::vector<net::awaitable<void>> tasks;
    tasks.push_back(alice.take_calls(2, {}, 5s));
    tasks.push_back(bob.take_calls(2, {}, 5s));
    ASSERT_TRUE(run_all(io, std::move(tasks)));
    // Two calls each take two `after`s, two answers and two talk times at least.
    EXPECT_GE(steady::now() - start, 2 * (250ms + 20ms + 100ms));
    for (const fake_phone* p : {&alice, &bob}) {
        ASSERT_EQ(p->calls.size(), 2U);
        EXPECT_NE(p->calls[0].call_id, p->calls[1].call_id);
        for (const seen_call& call : p->calls) {
            EXPECT_EQ(call.requests, (std::vector<std::string>{"INVITE", "ACK", "BYE"}));
            EXPECT_EQ(call.ended_by, "bye");
        }
    }
    const target_stats s =
        wait_for(io, **target, [](const target_stats& s) { return s.calls_completed >= 4; });
    EXPECT_EQ(s.calls_completed, 4U);
    EXPECT_GE(s.calls_answered, 4U);
    EXPECT_LE(s.calls_placed, 6U);  // a third call each may be on its way, no more
    EXPECT_EQ(s.calls_failed + s.calls_rejected + s.calls_cancelled, 0U);
    EXPECT_EQ(s.call_findings, 0U);
    EXPECT_EQ(s.no_transaction + s.unsupported + s.stray_responses, 0U);  // none hit intake
}

TEST(target_calls, rate_mode_skips_a_busy_phone_and_counts_the_missed_calls) {
    call_options c;
    c.how = call_options::mode::rate;
    c.schedule.rate = 20;
    c.schedule.spacing = call_spacing::fixed;
    c.plan.talk_time = 250ms;
    auto target = embedded_target::start(calling(c));
    ASSERT_TRUE(target) << target.error();
    net::io_context io;
    fake_phone phone(io, "10003", "carol");
    ASSERT_TRUE(run(io, phone.connect((*target)->url())).value_or(false));
    ASSERT_EQ(run(io, phone.register_()).value_or(0), 200);
    std::vector<net::awaitable<void>> tasks;
    tasks.push_back(phone.take_calls(3, {}, 5s));
    ASSERT_TRUE(run_all(io, std::move(tasks)));
    ASSERT_EQ(phone.calls.size(), 3U);
    // One phone, one call at a time: while it talks, the calls due every 50 ms are missed.
    const target_stats s =
        wait_for(io, **target, [](const target_stats& s) { return s.calls_completed >= 3; });
    EXPECT_GE(s.calls_completed, 3U);
    EXPECT_GE(s.calls_missed, 6U);
    EXPECT_LE(s.calls_active, 1U);
}

struct behaviour_case {
    call_behaviour behaviour;
    phone_script script;
    std::vector<std::string> requests;  // what the phone receives
    const char* ended_by;
    std::uint64_t target_stats::*outcome;
};

TEST(target_calls, every_behaviour_runs_end_to_end) {
    phone_script ringing_only;
    ringing_only.answer = false;
    phone_script hangs_up;
    hangs_up.hang_up_after = 100ms;
    const std::vector<behaviour_case> cases{
        {call_behaviour::answered_then_target_bye,
         {},
         {"INVITE", "ACK", "BYE"},
         "bye",
         &target_stats::calls_completed},
        {call_behaviour::target_cancel_while_ringing,
         ringing_only,
         {"INVITE", "CANCEL"},
         "cancel",
         &target_stats::calls_cancelled},
        {call_behaviour::remote_hold_then_bye,
         {},
         {"INVITE", "ACK", "INVITE", "ACK", "BYE"},
         "bye",
         &target_stats::calls_completed},
        {call_behaviour::no_ack, hangs_up, {"INVITE"}, "phone_bye", &target_stats::calls_completed},
        {call_behaviour::phone_hangs_up,
         hangs_up,
         {"INVITE", "ACK"},
         "phone_bye",
         &target_stats::calls_completed},
    };
    for (const behaviour_case& k : cases) {
        SCOPED_TRACE(std::string(to_string(k.behaviour)));
        auto target = embedded_target::start(calling(each_binding(k.behaviour, 50ms)));
        ASSERT_TRUE(target) << target.error();
        net::io_context io;
        fake_phone phone(io, "10004", "dave");
        ASSERT_TRUE(run(io, phone.connect((*target)->url())).value_or(false));
        ASSERT_EQ(run(io, phone.register_()).value_or(0), 200);
        std::vector<net::awaitable<void>> tasks;
        tasks.push_back(phone.take_calls(1, k.script, 5s));
        ASSERT_TRUE(run_all(io, std::move(tasks)));
        ASSERT_EQ(phone.calls.size(), 1U);
        EXPECT_EQ(phone.calls[0].requests, k.requests);
        EXPECT_EQ(phone.calls[0].ended_by, k.ended_by);
        EXPECT_EQ(phone.calls[0].cancel_reason, "");  // one tab: never "completed elsewhere"
        auto outcome = k.outcome;
        const target_stats s =
            wait_for(io, **target, [outcome](const target_stats& s) { return s.*outcome >= 1; });
        EXPECT_EQ(s.*outcome, 1U);
        EXPECT_EQ(s.calls_failed, 0U);
        EXPECT_EQ(s.call_findings, 0U);
        EXPECT_TRUE((*target)->call_notes().empty());
        ASSERT_TRUE(run(io, phone.close()).value_or(false));
    }
}

TEST(target_calls, bad_call_options_stop_the_start_with_the_reason) {
    call_options c;
    c.how = call_options::mode::rate;
    auto target = embedded_target::start(calling(c));
    ASSERT_FALSE(target);
    EXPECT_NE(target.error().find("calls: "), std::string::npos);
    EXPECT_NE(target.error().find("rate above 0"), std::string::npos);
}

}  // namespace
}  // namespace ringstorm::target
