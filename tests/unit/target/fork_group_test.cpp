// One call to a user with several tabs: legs of one Call-ID, the first answer wins, the
// others get CANCEL with `Reason: SIP;cause=200` (or BYE when their 2xx raced), the
// caller's own CANCEL reaches every tab, and a lost connection fails only its leg.

#include <gtest/gtest.h>

#include <string>

#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "engine/target/fork_group.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"
#include "media/sdp/webrtc.hpp"

namespace ringstorm::target {
namespace {

using namespace std::chrono_literals;

const core::time_point t0 = core::time_point{} + 1000s;
const std::string elsewhere = "SIP;cause=200;text=\"Call completed elsewhere\"";

caller_identity identity() {
    caller_identity who;
    who.fingerprint.clear();
    for (int i = 0; i < 32; ++i) {
        who.fingerprint += (i == 0 ? "" : ":") + std::string("AB");
    }
    return who;
}

sip::message parse(const std::string& text) {
    auto m = sip::parse(text);
    EXPECT_TRUE(m.has_value()) << text;
    return m ? std::move(*m) : sip::message{};
}

call_plan plan_for(call_behaviour b) {
    call_plan p;
    p.behaviour = b;
    p.talk_time = 10s;
    p.cancel_after = 2s;
    p.ring_timeout = 30s;
    return p;
}

// Two tabs of user 10001, each on its own connection (on two workers).
std::vector<binding_view> two_tabs() {
    return {binding_view{"<sip:a@aaaa.invalid;transport=ws>", 300, {0, 11}},
            binding_view{"<sip:b@bbbb.invalid;transport=ws>", 300, {1, 22}}};
}

// The messages each tab received, split by connection.
struct wire {
    std::vector<sip::message> a, b;
    void take(const group_actions& out) {
        for (const leg_send& s : out.send) {
            (s.via.id == 11 ? a : b).push_back(parse(s.text));
        }
    }
};

// The tab's answer to `request`, with its own tag, Contact and SDP for a 2xx to an offer.
std::string answer(const sip::message& request, int status, const std::string& tab) {
    sip::message r = sip::make_response(request, status, {}, status == 100 ? "" : "tag" + tab);
    if (status > 100 && status < 300) {
        r.add(sip::header_id::contact, "<sip:" + tab + "@x.invalid;transport=ws>");
    }
    if (status >= 200 && status < 300 && !request.body().empty()) {
        auto offer = sdp::parse(request.body());
        sdp::webrtc_audio_params p;
        p.ice_ufrag = "phon";
        p.ice_pwd = "phonepasswordphonepassw";
        p.fingerprint = identity().fingerprint;
        r.set_body("application/sdp", sdp::serialize(*sdp::build_webrtc_audio_answer(*offer, p)));
    }
    return sip::serialize(r);
}

struct rig {
    fork_group group;
    wire w;
    connection_ref a{0, 11}, b{1, 22};

    explicit rig(call_behaviour behaviour, bool fork = true)
        : group(*fork_group::create(plan_for(behaviour), identity(), "sip:10001@example.com",
                                    two_tabs(), fork, 7)) {
        w.take(group.start(t0));
    }
    group_actions from_a(const std::string& text, core::time_point at) {
        auto out = group.on_text(text, a, at);
        w.take(out);
        return out;
    }
    group_actions from_b(const std::string& text, core::time_point at) {
        auto out = group.on_text(text, b, at);
        w.take(out);
        return out;
    }
};

TEST(fork_group, every_tab_gets_the_invite_of_one_call) {
    rig r(call_behaviour::answered_then_target_bye);
    ASSERT_EQ(r.w.a.size(), 1U);
    ASSERT_EQ(r.w.b.size(), 1U);
    const sip::message& ia = r.w.a[0];
    const sip::message& ib = r.w.b[0];
    EXPECT_EQ(ia.request_uri(), "sip:a@aaaa.invalid;transport=ws");
    EXPECT_EQ(ib.request_uri(), "sip:b@bbbb.invalid;transport=ws");
    EXPECT_EQ(sip::call_id(ia), sip::call_id(ib));
    EXPECT_EQ(sip::from_tag(ia), sip::from_tag(ib));
    EXPECT_EQ(*ia.get("X-Exotel-CallSid"), *ib.get("X-Exotel-CallSid"));
    EXPECT_NE(*ia.get("X-Exotel-LegSid"), *ib.get("X-Exotel-LegSid"));
    EXPECT_NE(sip::top_via(ia)->branch(), sip::top_via(ib)->branch());
    EXPECT_EQ(ia.body(), ib.body());  // one offer, as a forking proxy sends it
    EXPECT_EQ(r.group.legs(), 2U);
    EXPECT_EQ(r.group.call_id(), std::string(sip::call_id(ia)));
}

TEST(fork_group, first_answer_wins_and_the_ringing_tab_is_cancelled_elsewhere) {
    rig r(call_behaviour::answered_then_target_bye);
    const sip::message ia = r.w.a[0], ib = r.w.b[0];
    r.from_a(answer(ia, 180, "a"), t0 + 100ms);
    r.from_b(answer(ib, 180, "b"), t0 + 100ms);
    auto out = r.from_a(answer(ia, 200, "a"), t0 + 1s);
    EXPECT_EQ(out.answered, 1U);
    EXPECT_EQ(r.group.winner(), 0U);
    ASSERT_EQ(r.w.a.size(), 2U);
    EXPECT_EQ(r.w.a[1].method(), sip::method::ack);
    ASSERT_EQ(r.w.b.size(), 2U);
    const sip::message cancel = r.w.b[1];
    EXPECT_EQ(cancel.method(), sip::method::cancel);
    EXPECT_EQ(cancel.get("Reason").value_or(""), elsewhere);
    EXPECT_EQ(sip::top_via(cancel)->branch(), sip::top_via(ib)->branch());
    // The loser's 200 to CANCEL and 487 end its leg: cancelled, completed elsewhere.
    r.from_b(answer(cancel, 200, "b"), t0 + 1100ms);
    out = r.from_b(answer(ib, 487, "b"), t0 + 1100ms);
    ASSERT_EQ(out.ended.size(), 1U);
    EXPECT_EQ(out.ended[0].outcome, call_outcome::cancelled);
    EXPECT_TRUE(out.ended[0].completed_elsewhere);
    EXPECT_FALSE(out.finished);
    // The winner talks for talk_time, then the target's BYE ends the call.
    auto bye = r.group.on_timer(t0 + 11s);
    r.w.take(bye);
    ASSERT_EQ(r.w.a.back().method(), sip::method::bye);
    EXPECT_FALSE(r.w.a.back().get("Reason").has_value());
    out = r.from_a(answer(r.w.a.back(), 200, "a"), t0 + 11100ms);
    ASSERT_EQ(out.ended.size(), 1U);
    EXPECT_EQ(out.ended[0].outcome, call_outcome::completed);
    EXPECT_TRUE(out.finished);
    EXPECT_TRUE(r.group.finished());
}

TEST(fork_group, a_tab_that_has_not_rung_yet_gets_its_cancel_with_its_first_180) {
    rig r(call_behaviour::answered_then_target_bye);
    const sip::message ia = r.w.a[0], ib = r.w.b[0];
    r.from_a(answer(ia, 180, "a"), t0 + 100ms);
    r.from_a(answer(ia, 200, "a"), t0 + 200ms);
    EXPECT_EQ(r.w.b.size(), 1U);  // RFC 3261 §9.1: not before a provisional response
    r.from_b(answer(ib, 100, "b"), t0 + 300ms);
    EXPECT_EQ(r.w.b.size(), 1U);  // 100 Trying is hop-by-hop
    r.from_b(answer(ib, 180, "b"), t0 + 400ms);
    ASSERT_EQ(r.w.b.size(), 2U);
    EXPECT_EQ(r.w.b[1].method(), sip::method::cancel);
    EXPECT_EQ(r.w.b[1].get("Reason").value_or(""), elsewhere);
}

TEST(fork_group, a_second_answer_is_acked_and_byed_with_the_reason) {
    rig r(call_behaviour::answered_then_target_bye);
    const sip::message ia = r.w.a[0], ib = r.w.b[0];
    r.from_a(answer(ia, 200, "a"), t0 + 100ms);
    auto out = r.from_b(answer(ib, 200, "b"), t0 + 150ms);  // raced the first
    EXPECT_EQ(out.answered, 1U);
    ASSERT_EQ(r.w.b.size(), 3U);
    EXPECT_EQ(r.w.b[1].method(), sip::method::ack);
    EXPECT_EQ(r.w.b[2].method(), sip::method::bye);
    EXPECT_EQ(r.w.b[2].get("Reason").value_or(""), elsewhere);
    out = r.from_b(answer(r.w.b[2], 200, "b"), t0 + 200ms);
    ASSERT_EQ(out.ended.size(), 1U);
    EXPECT_EQ(out.ended[0].outcome, call_outcome::cancelled);
    EXPECT_EQ(r.group.winner(), 0U);
}

TEST(fork_group, the_callers_cancel_reaches_every_tab_without_reason) {
    rig r(call_behaviour::target_cancel_while_ringing);
    const sip::message ia = r.w.a[0], ib = r.w.b[0];
    r.from_a(answer(ia, 180, "a"), t0 + 100ms);
    r.from_b(answer(ib, 180, "b"), t0 + 500ms);
    EXPECT_EQ(r.group.next_deadline(), t0 + 2100ms);  // cancel_after from a's 180
    r.w.take(r.group.on_timer(t0 + 2100ms));
    ASSERT_EQ(r.w.a.size(), 2U);
    ASSERT_EQ(r.w.b.size(), 2U);
    for (const sip::message* c : {&r.w.a[1], &r.w.b[1]}) {
        EXPECT_EQ(c->method(), sip::method::cancel);
        EXPECT_FALSE(c->get("Reason").has_value());
    }
    r.from_a(answer(ia, 487, "a"), t0 + 2200ms);
    auto out = r.from_b(answer(ib, 487, "b"), t0 + 2200ms);
    EXPECT_TRUE(out.finished);
    EXPECT_EQ(out.ended.at(0).outcome, call_outcome::cancelled);
    EXPECT_FALSE(out.ended.at(0).completed_elsewhere);
}

TEST(fork_group, a_lost_connection_fails_only_its_leg) {
    rig r(call_behaviour::answered_then_target_bye);
    r.from_b(answer(r.w.b[0], 180, "b"), t0 + 100ms);
    auto out = r.group.on_transport_error(11, t0 + 200ms);
    ASSERT_EQ(out.ended.size(), 1U);
    EXPECT_EQ(out.ended[0].outcome, call_outcome::failed);
    EXPECT_EQ(out.ended[0].reason, "connection lost");
    EXPECT_FALSE(r.group.finished());
    out = r.from_b(answer(r.w.b[0], 200, "b"), t0 + 300ms);
    EXPECT_EQ(r.group.winner(), 1U);
    EXPECT_EQ(r.w.b.back().method(), sip::method::ack);
}

TEST(fork_group, strays_are_counted_and_requests_outside_a_dialog_get_481) {
    rig r(call_behaviour::answered_then_target_bye);
    sip::message other = r.w.a[0];
    other.set(sip::header_id::via, "SIP/2.0/WSS ringstorm.invalid;branch=z9hG4bKnotours");
    auto out = r.from_a(answer(other, 180, "a"), t0 + 100ms);
    EXPECT_EQ(out.stray, 1U);
    EXPECT_TRUE(out.send.empty());
    std::string bye =
        "BYE sip:ringstorm@ringstorm.invalid SIP/2.0\r\n"
        "Via: SIP/2.0/WSS aaaa.invalid;branch=z9hG4bKx1\r\nMax-Forwards: 70\r\n"
        "From: <sip:10001@example.com>;tag=nodialog\r\n"
        "To: " +
        std::string(*r.w.a[0].get(sip::header_id::from)) +
        "\r\n"
        "Call-ID: " +
        r.group.call_id() + "\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n";
    out = r.from_a(bye, t0 + 200ms);
    ASSERT_EQ(out.send.size(), 1U);
    EXPECT_EQ(out.send[0].via, r.a);
    EXPECT_EQ(parse(out.send[0].text).status(), 481);
}

TEST(fork_group, without_forking_one_tab_is_called) {
    rig r(call_behaviour::answered_then_target_bye, /*fork=*/false);
    EXPECT_EQ(r.group.legs(), 1U);
    EXPECT_EQ(r.w.a.size() + r.w.b.size(), 1U);
}

}  // namespace
}  // namespace ringstorm::target
