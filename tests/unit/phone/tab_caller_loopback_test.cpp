// The caller role wired into a tab, on loopback under both contract profiles: the tab
// places a call (tab::place_call) through a fake proxy that challenges the INVITE with a
// 407 and then answers as the test says (100/180/200, 486, or rings until a CANCEL);
// what the app sees (call events with the call's index), what goes on the wire (INVITE
// with credentials, ACK, BYE, CANCEL, re-INVITE, INFO), the episode and the stats.
#include "engine/sip/digest.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"
#include "tests/unit/phone/tab_call_fixture.hpp"

namespace ringstorm::phone::test {
namespace {

constexpr std::string_view callee_contact = "<sip:2002@callee.invalid;transport=ws>";

sip::digest_server_config proxy_auth_config() {
    sip::digest_server_config c;
    c.realm = "example.com";  // the phone's sipdomain, as Kamailio's proxy_challenge("$fd")
    c.secret = "proxy-secret";
    return c;
}

// The proxy and the callee behind it, on the phone's WebSocket (the registrar of the
// fixture stays): an INVITE without credentials gets a 407; one whose credentials verify
// against the account's password ("pw") gets `answers` (the 1xx/2xx with the callee's To
// tag "tgt1", Record-Route and Contact; the 200 with an SDP answer); a CANCEL gets 200 and
// the INVITE its 487. In-dialog requests are left to the fixture (200, answers to offers).
struct fake_proxy {
    explicit fake_proxy(call_fixture& f) : fixture(f) {
        f.target.intercept = [this](transport::connection& conn, const sip::message& m) {
            return on_request(conn, m);
        };
    }

    bool on_request(transport::connection& conn, const sip::message& m) {
        if (m.method() == sip::method::invite && sip::to_tag(m).empty()) {
            if (!m.get(sip::header_id::proxy_authorization)) {
                auto r = sip::make_response(m, 407, {}, "proxy407");
                EXPECT_GT(auth.add_challenges(r, sip::digest_clock::now()), 0U);
                conn.send(sip::serialize(r));
                ++challenged;
                return true;
            }
            const auto verdict = auth.verify(
                m, true, [](std::string_view) { return std::optional<std::string>("pw"); },
                sip::digest_clock::now());
            EXPECT_TRUE(verdict.ok()) << verdict.reason;
            invite = m;
            for (const int status : answers) {
                conn.send(sip::serialize(reply(m, status)));
            }
            return true;
        }
        if (m.method() == sip::method::cancel) {
            conn.send(sip::serialize(sip::make_response(m, 200)));
            if (invite) {
                conn.send(sip::serialize(reply(*invite, 487)));
            }
            return true;
        }
        return false;
    }

    sip::message reply(const sip::message& request, int status) const {
        auto r = sip::make_response(request, status, {}, status == 100 ? "" : "tgt1");
        if (status > 100 && status < 300) {
            r.add(sip::header_id::record_route, "<sip:127.0.0.1;transport=ws;lr>");
            r.add(sip::header_id::contact, callee_contact);
        }
        if (status == 200) {
            auto offer = sdp::parse(request.body());
            EXPECT_TRUE(offer) << request.body();
            auto p = target_media();
            p.setup = sdp::setup_role::passive;
            auto answer = sdp::build_webrtc_audio_answer(*offer, p);
            EXPECT_TRUE(answer);
            r.set_body("application/sdp", sdp::serialize(*answer));
        }
        return r;
    }

    // Registers the phone and places a call to "2002"; true once the proxy took the
    // authorized INVITE.
    bool call(std::string_view to = "2002") {
        fixture.phone->do_register(core::clock::now());
        if (!fixture.wait([&] { return fixture.phone->registered(); })) {
            return false;
        }
        const std::string why = fixture.phone->place_call(to, core::clock::now());
        EXPECT_EQ(why, "");
        return why.empty() && fixture.wait([&] { return invite.has_value(); });
    }
    // The phone's dialog tag: the From tag of its INVITE.
    std::string phone_tag() const { return invite ? std::string(sip::from_tag(*invite)) : ""; }
    std::string call_id() const { return invite ? std::string(sip::call_id(*invite)) : ""; }

    call_fixture& fixture;
    sip::digest_server auth{proxy_auth_config()};
    std::vector<int> answers{100, 180, 200};
    std::optional<sip::message> invite;  // the authorized INVITE
    int challenged = 0;
};

std::size_t acks_for(const call_fixture& f, std::string_view call_id) {
    return static_cast<std::size_t>(
        std::count_if(f.target.received.begin(), f.target.received.end(), [&](const auto& m) {
            return m.is_request() && m.method() == sip::method::ack && sip::call_id(m) == call_id;
        }));
}

void connects_after_407_then_hangs_up(scenario::contract_profile profile) {
    call_fixture f{profile};
    fake_proxy proxy{f};
    ASSERT_TRUE(proxy.call());
    ASSERT_TRUE(f.wait([&] { return f.recorder.calls() == ev{"connected"}; }));
    // The INVITE: to the user at the tab's sipdomain, From our AOR, answered once with
    // credentials after the 407 (whose transaction the phone ACKed).
    EXPECT_EQ(proxy.challenged, 1);
    EXPECT_EQ(proxy.invite->request_uri(), "sip:2002@example.com");
    EXPECT_NE(proxy.invite->get(sip::header_id::from)->find("<sip:1001@example.com>"),
              std::string_view::npos);
    EXPECT_EQ(f.target.count(sip::method::invite), 2u);
    ASSERT_TRUE(f.wait([&] { return acks_for(f, proxy.call_id()) == 2; }));  // 407's and 200's
    EXPECT_EQ(f.recorder.events.back().call, 0u);
    const auto& e = f.episode();
    EXPECT_EQ(e.role, call_role::caller);
    EXPECT_EQ(e.call_id, proxy.call_id());
    EXPECT_TRUE(e.answered);
    EXPECT_EQ(e.final_status, 200);
    EXPECT_FALSE(e.ended);
    ASSERT_NE(f.phone->current_call(), nullptr);
    EXPECT_EQ(f.phone->current_call()->call_id, proxy.call_id());
    EXPECT_EQ(f.stats->calls_offered, 1u);
    EXPECT_EQ(f.stats->calls_answered, 1u);
    EXPECT_EQ(f.stats->active_calls, 1);

    // The commands of an incoming call apply to it, answer and reject do not.
    EXPECT_EQ(f.phone->answer(core::clock::now()), "not an incoming call");
    EXPECT_EQ(f.phone->reject(core::clock::now()), "not an incoming call");
    EXPECT_EQ(f.phone->place_call("2003", core::clock::now()), "already in a call");
    EXPECT_EQ(f.phone->hold(core::clock::now()), "");
    ASSERT_TRUE(f.wait([&] { return f.latencies(core::step::hold) == 1; }));
    EXPECT_EQ(call_script::direction_in(*f.target.last_request(sip::method::invite)),
              sdp::direction::sendonly);
    EXPECT_EQ(f.phone->unhold(core::clock::now()), "");
    ASSERT_TRUE(f.wait([&] { return f.latencies(core::step::unhold) == 1; }));
    EXPECT_EQ(f.phone->mute(), "");
    EXPECT_EQ(f.phone->unmute(), "");
    EXPECT_EQ(f.phone->dtmf('7', core::clock::now()), "");
    ASSERT_TRUE(f.wait([&] { return f.target.count(sip::method::info) == 1; }));
    EXPECT_EQ(f.target.last_request(sip::method::info)->body(), "Signal=7\r\nDuration=240");

    // Hangup: BYE along the route set to the callee's Contact, callEnded at once.
    const auto due = core::clock::now() - 30ms;
    EXPECT_EQ(f.phone->hangup(due), "");
    EXPECT_EQ(f.recorder.calls(), (ev{"connected", "callEnded"}));
    EXPECT_FALSE(f.phone->in_call());
    ASSERT_TRUE(f.wait([&] { return f.latencies(core::step::bye) == 1; }));
    const auto* bye = f.target.last_request(sip::method::bye);
    ASSERT_NE(bye, nullptr);
    EXPECT_EQ(bye->request_uri(), "sip:2002@callee.invalid;transport=ws");
    EXPECT_EQ(sip::to_tag(*bye), "tgt1");
    EXPECT_GE(f.stats->latency[core::index(core::step::bye)].max(), 30ms);
    EXPECT_EQ(f.episode().end, call_end::local_hangup);
    EXPECT_TRUE(f.episode().ended);
    EXPECT_TRUE(f.episode().findings.empty());
    EXPECT_EQ(f.stats->calls_completed, 1u);
    EXPECT_EQ(f.stats->calls_failed, 0u);
    EXPECT_EQ(f.stats->active_calls, 0);
    EXPECT_EQ(f.stats->protocol_errors.total(), 0u);
    EXPECT_EQ(f.stats->sip_count(core::direction::sent, core::sip_method::invite,
                                 core::status_class::request),
              4u);  // the first INVITE, the authorized one, hold and unhold
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "no call");
    // The call's messages are on the ladder both ways.
    const auto& ladder = f.phone->history().ladder;
    EXPECT_TRUE(std::any_of(ladder.begin(), ladder.end(), [](const ladder_entry& l) {
        return !l.sent && l.text.rfind("SIP/2.0 407", 0) == 0;
    }));
    EXPECT_TRUE(std::any_of(ladder.begin(), ladder.end(), [](const ladder_entry& l) {
        return l.sent && l.text.rfind("BYE sip:", 0) == 0;
    }));
}

TEST(tab_caller_loopback, documented_407_then_connected_and_hangup) {
    connects_after_407_then_hangs_up(documented);
}

TEST(tab_caller_loopback, sdk205_407_then_connected_and_hangup) {
    connects_after_407_then_hangs_up(sdk205);
}

TEST(tab_caller_loopback, callee_bye_ends_the_call_per_profile) {
    for (auto profile : {documented, sdk205}) {
        call_fixture f{profile};
        fake_proxy proxy{f};
        ASSERT_TRUE(proxy.call());
        ASSERT_TRUE(f.wait([&] { return acks_for(f, proxy.call_id()) == 2; }));
        f.target.send(
            f.target.request(sip::method::bye, proxy.call_id(), 1, "bye9", proxy.phone_tag()));
        ASSERT_TRUE(f.wait([&] { return f.recorder.calls().size() == 2; }));
        EXPECT_EQ(f.recorder.calls().back(), profile == sdk205 ? "callEnded" : "terminated");
        ASSERT_TRUE(f.wait([&] { return !f.target.responses(proxy.call_id()).empty(); }));
        EXPECT_EQ(f.target.statuses(proxy.call_id()), (std::vector<int>{200}));
        EXPECT_EQ(f.episode().end, call_end::remote_bye);
        EXPECT_EQ(f.stats->calls_completed, 1u);
        EXPECT_EQ(f.stats->active_calls, 0);
        EXPECT_FALSE(f.phone->in_call());
        EXPECT_EQ(f.target.count(sip::method::bye), 0u);  // the phone sent none
    }
}

TEST(tab_caller_loopback, hangup_while_ringing_cancels) {
    for (auto profile : {documented, sdk205}) {
        call_fixture f{profile};
        fake_proxy proxy{f};
        proxy.answers = {100, 180};
        ASSERT_TRUE(proxy.call());
        ASSERT_TRUE(f.wait([&] { return acks_for(f, proxy.call_id()) == 1; }));  // the 407's
        f.wait([] { return false; }, 50ms);                                      // the 180 is in
        EXPECT_TRUE(f.recorder.calls().empty());
        EXPECT_TRUE(f.phone->in_call());
        EXPECT_EQ(f.phone->hold(core::clock::now()), "not connected");
        EXPECT_EQ(f.phone->hangup(core::clock::now()), "");
        // callEnded at once: the app has no call while the CANCEL is answered.
        EXPECT_EQ(f.recorder.calls(), (ev{"callEnded"}));
        EXPECT_FALSE(f.phone->in_call());
        ASSERT_TRUE(f.wait([&] { return f.latencies(core::step::cancel) == 1; }));
        const auto* cancel = f.target.last_request(sip::method::cancel);
        ASSERT_NE(cancel, nullptr);
        EXPECT_EQ(sip::cseq_of(*cancel)->number, sip::cseq_of(*proxy.invite)->number);
        ASSERT_TRUE(f.wait([&] { return f.episode().ended.has_value(); }));
        EXPECT_EQ(f.episode().end, call_end::local_hangup);
        EXPECT_EQ(f.episode().final_status, 487);
        EXPECT_FALSE(f.episode().answered);
        ASSERT_TRUE(f.wait([&] { return acks_for(f, proxy.call_id()) == 2; }));  // the 487's
        EXPECT_EQ(f.recorder.calls(), (ev{"callEnded"}));
        EXPECT_EQ(f.stats->calls_offered, 1u);
        EXPECT_EQ(f.stats->calls_answered + f.stats->calls_completed + f.stats->calls_failed, 0u);
        EXPECT_EQ(f.stats->protocol_errors.total(), 0u);
    }
}

TEST(tab_caller_loopback, busy_callee_is_a_rejected_failed_call) {
    for (auto profile : {documented, sdk205}) {
        call_fixture f{profile};
        fake_proxy proxy{f};
        proxy.answers = {100, 486};
        ASSERT_TRUE(proxy.call());
        ASSERT_TRUE(f.wait([&] { return f.recorder.calls().size() == 1; }));
        EXPECT_EQ(f.recorder.calls(), (ev{profile == sdk205 ? "callEnded" : "terminated"}));
        EXPECT_EQ(f.episode().end, call_end::remote_rejected);
        EXPECT_EQ(f.episode().final_status, 486);
        EXPECT_FALSE(f.phone->in_call());
        ASSERT_TRUE(f.wait([&] { return acks_for(f, proxy.call_id()) == 2; }));
        EXPECT_EQ(f.stats->calls_failed, 1u);
        EXPECT_EQ(f.stats->calls_answered, 0u);
        // The tab may call again.
        proxy.invite.reset();
        proxy.answers = {100, 180, 200};
        EXPECT_EQ(f.phone->place_call("sip:2003@example.com", core::clock::now()), "");
        ASSERT_TRUE(f.wait([&] { return f.recorder.calls().size() == 2; }));
        EXPECT_EQ(f.recorder.calls().back(), "connected");
        EXPECT_EQ(f.recorder.events.back().call, 1u);
        EXPECT_EQ(proxy.invite->request_uri(), "sip:2003@example.com");
        EXPECT_EQ(f.stats->calls_offered, 2u);
    }
}

TEST(tab_caller_loopback, incoming_invite_during_our_call_is_a_second_invite) {
    for (auto profile : {documented, sdk205}) {
        call_fixture f{profile};
        fake_proxy proxy{f};
        proxy.answers = {100, 180};
        ASSERT_TRUE(proxy.call());
        f.target.send(f.target.invite("call-in@target", "inv2"));
        const std::vector<int> expected =
            profile == sdk205 ? std::vector<int>{100, 180, 480} : std::vector<int>{486};
        ASSERT_TRUE(
            f.wait([&] { return f.target.statuses("call-in@target").size() == expected.size(); }));
        EXPECT_EQ(f.target.statuses("call-in@target"), expected);
        EXPECT_EQ(f.phone->history().calls.size(), 1u);
        EXPECT_TRUE(f.recorder.calls().empty());
        EXPECT_EQ(f.phone->current_call()->role, call_role::caller);
    }
}

TEST(tab_caller_loopback, shutdown_ends_our_call) {
    for (bool connected : {false, true}) {
        call_fixture f{documented};
        fake_proxy proxy{f};
        if (!connected) {
            proxy.answers = {100, 180};
        }
        ASSERT_TRUE(proxy.call());
        ASSERT_TRUE(f.wait([&] { return acks_for(f, proxy.call_id()) == (connected ? 2u : 1u); }));
        f.wait([] { return false; }, 50ms);
        f.shutdown();
        // Connected: BYE and its 200 awaited; ringing: CANCEL and its 487 awaited.
        EXPECT_EQ(f.target.count(connected ? sip::method::bye : sip::method::cancel), 1u);
        EXPECT_EQ(f.recorder.calls(),
                  connected ? (ev{"connected", "callEnded"}) : (ev{"callEnded"}));
        EXPECT_EQ(f.episode().end, call_end::local_hangup);
        EXPECT_TRUE(f.episode().ended);
        EXPECT_EQ(f.latencies(connected ? core::step::bye : core::step::cancel), 1u);
        EXPECT_EQ(f.phone->place_call("2002", core::clock::now()), "tab closing");
    }
}

TEST(tab_caller_loopback, refused_before_any_invite) {
    call_fixture f{documented};
    // No WebSocket yet: nothing could carry the INVITE.
    EXPECT_EQ(f.phone->place_call("2002", core::clock::now()), "no WebSocket");
    f.phone->do_register(core::clock::now());
    ASSERT_TRUE(f.wait([&] { return f.phone->registered(); }));
    EXPECT_NE(f.phone->place_call("", core::clock::now()), "");
    EXPECT_NE(f.phone->place_call("tel:+15551234", core::clock::now()), "");
    EXPECT_TRUE(f.phone->history().calls.empty());
    EXPECT_EQ(f.target.count(sip::method::invite), 0u);
    EXPECT_EQ(f.stats->calls_offered, 0u);
}

}  // namespace
}  // namespace ringstorm::phone::test
