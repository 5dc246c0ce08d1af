// ICE agent timing: check retransmissions (RFC 8489 §6.2.1), pacing by Ta, consent
// freshness loss (RFC 7675) to disconnected and failed, connect timeout; the priority
// formulas (RFC 8445 §5.1.2.1, §6.1.2.3).

#include <gtest/gtest.h>

#include <vector>

#include "agent_harness.hpp"

namespace {

using namespace ringstorm;
using namespace ringstorm::ice;
using namespace ringstorm::ice::test;

const core::time_point t0 = core::time_point{} + std::chrono::hours(1);

TEST(IcePriority, Formulas) {
    // A host candidate with the top local preference on component 1.
    EXPECT_EQ(candidate_priority(type_preference::host, 65535, 1), 2130706431u);
    EXPECT_EQ(candidate_priority(type_preference::peer_reflexive, 65535, 1), 1862270975u);
    // 2^32*MIN + 2*MAX + (G>D).
    EXPECT_EQ(pair_priority(10, 20), (std::uint64_t{10} << 32) + 40);
    EXPECT_EQ(pair_priority(20, 10), (std::uint64_t{10} << 32) + 41);
    // Both sides compute the same value for the same pair.
    EXPECT_NE(pair_priority(20, 10), pair_priority(10, 20));
}

TEST(IceAgent, RetransmitsWithDoublingRtoThenFails) {
    auto ca = config("lone", role::controlling, 1, 1);
    ca.connect_timeout = 60s;  // past the 39.5 s the transaction needs to time out
    agent a(ca);
    a.add_local_candidate(addr("127.0.0.1", 40000));
    network net(t0);
    net.attach(a);
    remote_description nobody{"nbdy", "nobody-password-0123456789", false, {}};
    sdp::candidate c;
    c.foundation = "1";
    c.priority = 2130706431;
    c.address = "127.0.0.9";
    c.port = 9999;
    nobody.candidates.push_back(c);
    a.set_remote(nobody, t0);

    net.run_for(60s, [&] { return a.state() == state::failed; });
    EXPECT_EQ(net.now() - t0, 39500ms);
    // RFC 8489 §6.2.1 with RTO 500 ms, Rc 7, Rm 16: sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5,
    // 31.5 s; timed out at 39.5 s.
    std::vector<core::duration> at;
    for (const sent_record& s : net.sent()) {
        at.push_back(s.at - t0);
    }
    const std::vector<core::duration> want = {0ms, 500ms, 1500ms, 3500ms, 7500ms, 15500ms, 31500ms};
    EXPECT_EQ(at, want);
    EXPECT_EQ(a.stats().retransmissions, 6u);
    EXPECT_EQ(a.stats().timeouts, 1u);
    EXPECT_EQ(a.state(), state::failed);
    EXPECT_EQ(a.next_timeout(), core::time_point::max());
}

TEST(IceAgent, NewChecksArePacedByTa) {
    auto ca = config("pace", role::controlling, 1, 2);
    ca.ta = 50ms;
    agent a(ca);
    a.add_local_candidate(addr("127.0.0.1", 40000));
    network net(t0);
    net.attach(a);
    remote_description r{"rmte", "remote-password-0123456789", false, {}};
    for (int i = 0; i < 4; ++i) {
        sdp::candidate c;
        c.foundation = std::to_string(i);
        c.priority = 2130706431 - static_cast<std::uint32_t>(i);
        c.address = "127.0.0." + std::to_string(10 + i);
        c.port = 9000;
        r.candidates.push_back(c);
    }
    a.set_remote(r, t0);
    net.run_for(400ms);
    // Four first transmissions, 50 ms apart, in priority order; the first retransmission
    // is due only after the (4 pairs * 50 ms, floored at 500 ms) RTO.
    ASSERT_EQ(net.sent().size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(net.sent()[i].at - t0, 50ms * static_cast<int>(i));
        EXPECT_EQ(net.sent()[i].to, addr(("127.0.0." + std::to_string(10 + i)).c_str(), 9000));
    }
}

struct pair_fixture {
    agent_config ca = config("sdkA", role::controlling, 10, 1);
    agent_config cb = [] {
        auto c = config("lite", role::controlled, 20, 2);
        c.lite = true;
        return c;
    }();
    agent a{ca};
    agent b{cb};
    network net{t0};

    pair_fixture() {
        a.add_local_candidate(addr("127.0.0.1", 40000));
        b.add_local_candidate(addr("127.0.0.2", 50000));
        net.attach(a);
        net.attach(b);
        a.set_remote(describe(b, cb), t0);
        b.set_remote(describe(a, ca), t0);
        net.run_for(5s,
                    [&] { return a.state() == state::connected && b.state() == state::connected; });
    }
};

TEST(IceAgent, ConsentLossGoesDisconnectedThenFailed) {
    pair_fixture f;
    ASSERT_EQ(f.a.state(), state::connected);
    ASSERT_EQ(f.b.state(), state::connected);
    f.net.run_for(20s);
    ASSERT_EQ(f.a.state(), state::connected);
    // The path dies both ways.
    f.net.drop = [](const auto&, const auto&) { return true; };
    const core::time_point cut = f.net.now();
    f.net.run_for(60s, [&] { return f.a.state() == state::disconnected; });
    ASSERT_EQ(f.a.state(), state::disconnected);
    // The last answered consent check was at most 1.2 * 5 s before the cut.
    EXPECT_LE(f.net.now() - cut, 10s);
    EXPECT_GE(f.net.now() - cut, 10s - 6s);
    f.net.run_for(60s, [&] { return f.a.state() == state::failed; });
    ASSERT_EQ(f.a.state(), state::failed);
    EXPECT_LE(f.net.now() - cut, 30s);
    EXPECT_GE(f.net.now() - cut, 30s - 6s);
    // The lite side hears no consent checks either and fails on its own clock.
    f.net.run_for(60s, [&] { return f.b.state() == state::failed; });
    EXPECT_EQ(f.b.state(), state::failed);
    // Failed agents stay silent.
    const std::size_t sent = f.net.sent().size();
    f.net.run_for(30s);
    EXPECT_EQ(f.net.sent().size(), sent);
}

TEST(IceAgent, ConsentRecoversFromDisconnected) {
    pair_fixture f;
    ASSERT_EQ(f.a.state(), state::connected);
    f.net.drop = [](const auto&, const auto&) { return true; };
    f.net.run_for(60s, [&] { return f.a.state() == state::disconnected; });
    ASSERT_EQ(f.a.state(), state::disconnected);
    f.net.drop = nullptr;
    f.net.run_for(10s, [&] { return f.a.state() == state::connected; });
    EXPECT_EQ(f.a.state(), state::connected);
}

TEST(IceAgent, LiteAgentFailsWhenNoCheckArrives) {
    auto cb = config("lite", role::controlled, 20, 2);
    cb.lite = true;
    cb.connect_timeout = 15s;
    agent b(cb);
    b.add_local_candidate(addr("127.0.0.2", 50000));
    network net(t0);
    net.attach(b);
    b.set_remote(remote_description{"peer", "peer-password-0123456789ab", false, {}}, t0);
    EXPECT_EQ(b.state(), state::checking);
    EXPECT_EQ(b.next_timeout(), t0 + 15s);
    net.run_for(20s);
    EXPECT_EQ(b.state(), state::failed);
    EXPECT_TRUE(net.sent().empty());
}

TEST(IceAgent, ConfigValidation) {
    auto c = config("ok12", role::controlling, 1, 1);
    EXPECT_EQ(c.validate(), "");
    c.local_pwd = "short";
    EXPECT_NE(c.validate(), "");
    EXPECT_THROW(agent{c}, std::invalid_argument);
    c = config("ok12", role::controlling, 1, 1);
    c.consent_timeout = 1s;
    EXPECT_NE(c.validate(), "");
}

}  // namespace
