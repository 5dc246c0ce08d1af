// The owner side of the target's calls on one worker, with its registrar and a moved
// clock: when calls fall due in each mode, what goes out (routes before the INVITE, route
// removal after the end), busy AORs skipped and counted, lost connections, late frames.

#include <gtest/gtest.h>

#include "engine/sip/headers.hpp"
#include "engine/sip/response.hpp"
#include "engine/target/call_router.hpp"
#include "tests/unit/target/target_support.hpp"

namespace ringstorm::target {
namespace {

using namespace test;
using kind = router_item::kind;

caller_identity identity() {
    caller_identity who;
    who.fingerprint.clear();
    for (int i = 0; i < 32; ++i) {
        who.fingerprint += (i == 0 ? "" : ":") + std::string("CD");
    }
    return who;
}

call_options each_binding(std::chrono::milliseconds after) {
    call_options o;
    o.how = call_options::mode::each_binding;
    o.after = after;
    o.plan.talk_time = 5s;
    o.plan.ring_timeout = 20s;
    return o;
}

struct rig {
    registrar_rig reg;
    call_router router;
    router_output out;

    explicit rig(call_options o)
        : router(std::move(o), identity(), reg.reg, 1, 2, reg.now.steady) {}

    core::time_point now() const { return reg.now.steady; }
    void advance(std::chrono::milliseconds d) {
        reg.now.steady += d;
        reg.now.wall += d;
    }
    // Registers `user` over connection `conn` and tells the router.
    void add_phone(const std::string& user, std::uint64_t conn) {
        reg.conn = connection_ref{0, conn};
        register_spec spec;
        spec.user = user;
        spec.call_id = "reg" + user;
        ASSERT_EQ(reg.register_with(spec).status(), 200);
        router.on_registered("sip:" + user + "@example.com", now(), out);
    }
    router_output timer() {
        out.clear();
        router.on_timer(now(), out);
        return out;
    }
    router_output frame(const std::string& text, std::uint64_t conn) {
        out.clear();
        auto m = parse_or_die(text);
        router.on_frame(std::string(sip::call_id(m)), text, {0, conn}, now(), out);
        return out;
    }
    target_stats stats() const {
        target_stats s;
        router.add_to(s);
        return s;
    }
};

std::string respond(const router_item& item, int status) {
    sip::message r = sip::make_response(parse_or_die(item.text), status, {}, "phonetag");
    r.add(sip::header_id::contact, "<sip:abc@df7jal23ls0d.invalid;transport=ws>");
    return sip::serialize(r);
}

TEST(call_router, each_binding_calls_an_aor_after_it_registers_and_after_each_call) {
    rig r(each_binding(1s));
    r.add_phone("10001", 5);
    EXPECT_EQ(r.router.next_deadline(), r.now() + 1s);
    r.advance(999ms);
    EXPECT_TRUE(r.timer().empty());
    r.advance(1ms);
    router_output placed = r.timer();
    ASSERT_EQ(placed.size(), 2U);
    EXPECT_EQ(placed[0].what, kind::route_add);  // the route first, then the INVITE
    EXPECT_EQ(placed[0].via, (connection_ref{0, 5}));
    EXPECT_EQ(placed[1].what, kind::send);
    EXPECT_EQ(parse_or_die(placed[1].text).method(), sip::method::invite);
    EXPECT_EQ(placed[0].call_id, placed[1].call_id);
    EXPECT_TRUE(r.router.in_call("sip:10001@example.com"));
    // Registering again (a refresh) during the call does not queue another call.
    r.router.on_registered("sip:10001@example.com", r.now(), r.out);
    r.frame(respond(placed[1], 180), 5);
    auto acked = r.frame(respond(placed[1], 200), 5);
    ASSERT_EQ(acked.size(), 1U);
    EXPECT_EQ(parse_or_die(acked[0].text).method(), sip::method::ack);
    EXPECT_EQ(r.router.next_deadline(), r.now() + 5s);  // talk_time: the only deadline
    r.advance(5s);
    router_output bye = r.timer();
    ASSERT_EQ(bye.size(), 1U);
    auto ended = r.frame(respond(bye[0], 200), 5);
    ASSERT_EQ(ended.size(), 1U);
    EXPECT_EQ(ended[0].what, kind::route_remove);
    EXPECT_FALSE(r.router.in_call("sip:10001@example.com"));
    EXPECT_EQ(r.router.next_deadline(), r.now() + 1s);  // the next call, `after` the end
    const target_stats s = r.stats();
    EXPECT_EQ(s.calls_placed, 1U);
    EXPECT_EQ(s.calls_answered, 1U);
    EXPECT_EQ(s.calls_completed, 1U);
    EXPECT_EQ(s.calls_active, 0U);
}

TEST(call_router, rate_mode_calls_idle_aors_and_counts_the_calls_nobody_could_take) {
    call_options o;
    o.how = call_options::mode::rate;
    o.schedule.rate = 10;
    o.schedule.spacing = call_spacing::fixed;
    o.plan.talk_time = 5s;
    rig r(o);
    r.add_phone("10001", 5);
    r.add_phone("10002", 6);
    EXPECT_FALSE(r.router.next_deadline().has_value());  // no share of the rate yet
    r.router.set_share(1.0, r.now());
    EXPECT_EQ(r.router.next_deadline(), r.now() + 100ms);
    std::set<std::uint64_t> called;
    for (int i = 0; i < 3; ++i) {
        r.advance(100ms);
        for (const router_item& item : r.timer()) {
            if (item.what == kind::send) {
                called.insert(item.via.id);
            }
        }
    }
    EXPECT_EQ(called, (std::set<std::uint64_t>{5, 6}));  // both, once each: never a busy one
    const target_stats s = r.stats();
    EXPECT_EQ(s.calls_placed, 2U);
    EXPECT_EQ(s.calls_active, 2U);
    EXPECT_EQ(s.calls_missed, 1U);
    r.router.set_share(0.0, r.now());
    r.advance(1s);
    r.timer();
    EXPECT_EQ(r.stats().calls_missed, 1U);  // a share of 0 places nothing, misses nothing
}

TEST(call_router, a_closed_connection_fails_its_call_and_the_aor_waits_for_a_new_binding) {
    rig r(each_binding(100ms));
    r.add_phone("10001", 5);
    r.advance(100ms);
    router_output placed = r.timer();
    ASSERT_EQ(placed.size(), 2U);
    r.frame(respond(placed[1], 180), 5);
    r.reg.reg.connection_closed(5);  // what the worker does first
    r.out.clear();
    r.router.on_connection_closed(5, r.now(), r.out);
    ASSERT_EQ(r.out.size(), 1U);
    EXPECT_EQ(r.out[0].what, kind::route_remove);
    const target_stats s = r.stats();
    EXPECT_EQ(s.calls_failed, 1U);
    EXPECT_EQ(s.calls_active, 0U);
    EXPECT_FALSE(r.router.next_deadline().has_value());  // no binding: nobody to call
    r.add_phone("10001", 7);
    EXPECT_EQ(r.router.next_deadline(), r.now() + 100ms);
}

TEST(call_router, frames_after_the_end_get_481_or_are_counted_as_strays) {
    rig r(each_binding(100ms));
    r.add_phone("10001", 5);
    r.advance(100ms);
    router_output placed = r.timer();
    ASSERT_EQ(placed.size(), 2U);
    const sip::message invite = parse_or_die(placed[1].text);
    r.frame(respond(placed[1], 486), 5);  // rejected: the call is over
    EXPECT_EQ(r.stats().calls_rejected, 1U);
    std::string bye =
        "BYE sip:ringstorm@ringstorm.invalid SIP/2.0\r\n"
        "Via: SIP/2.0/WSS x.invalid;branch=z9hG4bKlate\r\nMax-Forwards: 70\r\n"
        "From: <sip:10001@example.com>;tag=phonetag\r\n"
        "To: " +
        std::string(*invite.get(sip::header_id::from)) +
        "\r\n"
        "Call-ID: " +
        placed[1].call_id + "\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n";
    auto late = r.frame(bye, 5);
    ASSERT_EQ(late.size(), 1U);
    EXPECT_EQ(parse_or_die(late[0].text).status(), 481);
    EXPECT_EQ(late[0].via, (connection_ref{0, 5}));
    EXPECT_TRUE(r.frame(respond(placed[1], 180), 5).empty());
    EXPECT_EQ(r.stats().stray_responses, 1U);
}

TEST(call_router, findings_are_counted_and_the_first_are_kept_in_words) {
    call_options o = each_binding(100ms);
    o.schedule.mix = {{call_behaviour::phone_hangs_up, 1}};
    o.plan.talk_time = 1s;
    rig r(o);
    r.add_phone("10001", 5);
    r.advance(100ms);
    router_output placed = r.timer();
    r.frame(respond(placed[1], 200), 5);  // no SDP answer: a finding
    r.advance(1s);
    r.timer();  // the phone never hung up: another
    EXPECT_EQ(r.stats().call_findings, 2U);
    ASSERT_EQ(r.router.notes().size(), 2U);
    EXPECT_NE(r.router.notes()[0].find("sip:10001@example.com call "), std::string::npos);
    EXPECT_NE(r.router.notes()[0].find("bad_answer_sdp"), std::string::npos);
    EXPECT_NE(r.router.notes()[1].find("phone_did_not_hang_up"), std::string::npos);
}

TEST(call_options, validate_checks_the_plan_against_every_behaviour_of_the_mix) {
    call_options o;
    EXPECT_EQ(o.validate(), "");  // off
    o.how = call_options::mode::rate;
    EXPECT_NE(o.validate().find("rate above 0"), std::string::npos);
    o.schedule.rate = 5;
    EXPECT_EQ(o.validate(), "");
    o.plan.cancel_after = o.plan.ring_timeout;  // harmless until some calls cancel
    EXPECT_EQ(o.validate(), "");
    o.schedule.mix.push_back({call_behaviour::target_cancel_while_ringing, 1});
    EXPECT_NE(o.validate().find("target_cancel_while_ringing: cancel_after"), std::string::npos);
    o = call_options{};
    o.how = call_options::mode::each_binding;
    o.after = std::chrono::milliseconds(-1);
    EXPECT_NE(o.validate().find("after"), std::string::npos);
}

}  // namespace
}  // namespace ringstorm::target
