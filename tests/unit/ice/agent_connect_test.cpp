// ICE agents reaching connected over an in-memory network: full controlling against lite
// (the SDK against the embedded target), full against full with regular and aggressive
// nomination, role conflicts (487), peer-reflexive candidates and rejected checks.

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "agent_harness.hpp"
#include "media/ice/stun_writer.hpp"

namespace {

using namespace ringstorm;
using namespace ringstorm::ice;
using namespace ringstorm::ice::test;

const core::time_point t0 = core::time_point{} + std::chrono::hours(1);

std::vector<ice::state> states(agent& a) {
    std::vector<ice::state> out;
    while (auto e = a.poll_event()) {
        if (e->kind == event_kind::state_changed) {
            out.push_back(e->state);
        }
    }
    return out;
}

bool both_connected(const agent& a, const agent& b) {
    return a.state() == state::connected && b.state() == state::connected;
}

TEST(IceAgent, FullControllingConnectsToLite) {
    auto ca = config("sdkA", role::controlling, 10, 1);
    auto cb = config("lite", role::controlled, 20, 2);
    cb.lite = true;
    agent a(ca);
    agent b(cb);
    a.add_local_candidate(addr("127.0.0.1", 40000));
    b.add_local_candidate(addr("127.0.0.2", 50000));
    network net(t0);
    net.attach(a);
    net.attach(b);
    a.set_remote(describe(b, cb), t0);
    b.set_remote(describe(a, ca), t0);

    net.run_for(5s, [&] { return both_connected(a, b); });
    ASSERT_EQ(a.state(), state::connected);
    ASSERT_EQ(b.state(), state::connected);
    // Check, success, nominating check, success: well under a second at 10 ms latency.
    EXPECT_LT(net.now() - t0, 200ms);
    EXPECT_EQ(states(a), (std::vector{state::checking, state::connected}));
    EXPECT_EQ(states(b), (std::vector{state::checking, state::connected}));
    ASSERT_TRUE(a.selected());
    ASSERT_TRUE(b.selected());
    EXPECT_EQ(a.selected()->remote.address, addr("127.0.0.2", 50000));
    EXPECT_EQ(b.selected()->remote.address, addr("127.0.0.1", 40000));
    EXPECT_EQ(b.role(), role::controlled);
    // The lite agent sent responses only, never a request.
    for (const sent_record& s : net.sent()) {
        if (s.agent == 1) {
            EXPECT_NE(s.bytes[0] & 0x01, 0) << "lite agent sent a request";
        }
    }

    // A minute of consent freshness keeps both connected, a check about every 5 s.
    const auto consent_before = a.stats().consent_checks_sent;
    net.run_for(60s);
    EXPECT_EQ(a.state(), state::connected);
    EXPECT_EQ(b.state(), state::connected);
    const auto consent = a.stats().consent_checks_sent - consent_before;
    EXPECT_GE(consent, 10u);  // 60 s / (1.2 * 5 s)
    EXPECT_LE(consent, 15u);  // 60 s / (0.8 * 5 s)
}

TEST(IceAgent, FullAgentsConnectWithRegularNomination) {
    auto ca = config("fullA", role::controlling, 10, 3);
    auto cb = config("fullB", role::controlled, 20, 4);
    agent a(ca);
    agent b(cb);
    a.add_local_candidate(addr("127.0.0.1", 40000));
    a.add_local_candidate(addr("::1", 40002));
    b.add_local_candidate(addr("127.0.0.2", 50000));
    b.add_local_candidate(addr("::1", 50002));
    network net(t0);
    net.attach(a);
    net.attach(b);
    a.set_remote(describe(b, cb), t0);
    b.set_remote(describe(a, ca), t0);
    EXPECT_EQ(a.pairs().size(), 2u);  // v4 with v4, v6 with v6

    net.run_for(10s, [&] { return both_connected(a, b); });
    ASSERT_TRUE(both_connected(a, b));
    ASSERT_TRUE(a.selected());
    ASSERT_TRUE(b.selected());
    // Both agree on the path, and it is the one the controlling side ranked first.
    EXPECT_EQ(a.selected()->local.address, b.selected()->remote.address);
    EXPECT_EQ(a.selected()->remote.address, b.selected()->local.address);
    EXPECT_EQ(a.selected()->local.address, addr("127.0.0.1", 40000));
    // Regular nomination: exactly one check carried USE-CANDIDATE.
    std::size_t nominating = 0;
    for (const sent_record& s : net.sent()) {
        auto m = stun::decode(s.bytes);
        ASSERT_TRUE(m);
        if (s.agent == 0 && m->cls == stun::message_class::request && m->use_candidate) {
            ++nominating;
        }
        if (s.agent == 1 && m->cls == stun::message_class::request) {
            EXPECT_FALSE(m->use_candidate) << "the controlled agent nominated";
            EXPECT_TRUE(m->ice_controlled);
        }
    }
    EXPECT_EQ(nominating, 1u);
}

TEST(IceAgent, AggressiveNominationPutsUseCandidateOnEveryCheck) {
    auto ca = config("aggrA", role::controlling, 10, 5);
    ca.nomination = nomination::aggressive;
    auto cb = config("fullB", role::controlled, 20, 6);
    agent a(ca);
    agent b(cb);
    a.add_local_candidate(addr("127.0.0.1", 40000));
    b.add_local_candidate(addr("127.0.0.2", 50000));
    network net(t0);
    net.attach(a);
    net.attach(b);
    a.set_remote(describe(b, cb), t0);
    b.set_remote(describe(a, ca), t0);
    net.run_for(5s, [&] { return both_connected(a, b); });
    ASSERT_TRUE(both_connected(a, b));
    // One round trip: the first check nominates.
    EXPECT_LE(net.now() - t0, 40ms);
    for (const sent_record& s : net.sent()) {
        auto m = stun::decode(s.bytes);
        ASSERT_TRUE(m);
        if (s.agent == 0 && m->cls == stun::message_class::request) {
            EXPECT_TRUE(m->use_candidate);
        }
    }
}

void expect_role_conflict_resolves(role ra, role rb) {
    auto ca = config("roleA", ra, 1000, 7);
    auto cb = config("roleB", rb, 2000, 8);
    agent a(ca);
    agent b(cb);
    a.add_local_candidate(addr("127.0.0.1", 40000));
    b.add_local_candidate(addr("127.0.0.2", 50000));
    network net(t0);
    net.attach(a);
    net.attach(b);
    a.set_remote(describe(b, cb), t0);
    b.set_remote(describe(a, ca), t0);
    net.run_for(10s, [&] { return both_connected(a, b); });
    ASSERT_TRUE(both_connected(a, b));
    // RFC 8445 §7.3.1.1: the larger tie-breaker (B) ends up controlling.
    EXPECT_EQ(b.role(), role::controlling);
    EXPECT_EQ(a.role(), role::controlled);
    EXPECT_GT(a.stats().role_conflicts + b.stats().role_conflicts, 0u);
    bool saw_487 = false;
    for (const sent_record& s : net.sent()) {
        auto m = stun::decode(s.bytes);
        ASSERT_TRUE(m);
        if (m->cls == stun::message_class::error && m->error_code) {
            EXPECT_EQ(m->error_code->code, 487);
            saw_487 = true;
        }
    }
    EXPECT_TRUE(saw_487);
    EXPECT_EQ(a.selected()->remote.address, b.selected()->local.address);
}

TEST(IceAgent, RoleConflictBothControlling) {
    expect_role_conflict_resolves(role::controlling, role::controlling);
}

TEST(IceAgent, RoleConflictBothControlled) {
    expect_role_conflict_resolves(role::controlled, role::controlled);
}

TEST(IceAgent, PeerReflexiveRemoteCandidateFromACheck) {
    auto ca = config("fullA", role::controlling, 10, 9);
    auto cb = config("fullB", role::controlled, 20, 10);
    agent a(ca);
    agent b(cb);
    a.add_local_candidate(addr("127.0.0.1", 40000));
    b.add_local_candidate(addr("127.0.0.2", 50000));
    network net(t0);
    net.attach(a);
    net.attach(b);
    a.set_remote(describe(b, cb), t0);
    // B learns A's credentials but none of its candidates (as if they were mDNS names).
    auto without = describe(a, ca);
    without.candidates.clear();
    b.set_remote(without, t0);
    net.run_for(5s, [&] { return both_connected(a, b); });
    ASSERT_TRUE(both_connected(a, b));
    ASSERT_EQ(b.remote_candidates().size(), 1u);
    EXPECT_TRUE(b.remote_candidates()[0].peer_reflexive);
    EXPECT_EQ(b.remote_candidates()[0].address, addr("127.0.0.1", 40000));
    // Its priority is the PRIORITY attribute: peer-reflexive type preference.
    EXPECT_EQ(b.remote_candidates()[0].priority >> 24, type_preference::peer_reflexive);
}

TEST(IceAgent, RejectsChecksWithWrongCredentials) {
    auto cb = config("lite", role::controlled, 20, 11);
    cb.lite = true;
    agent b(cb);
    b.add_local_candidate(addr("127.0.0.2", 50000));
    const stun::transaction_id tid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    std::array<std::uint8_t, 256> buf{};
    const auto send = [&](std::string_view username, std::string_view pwd) {
        stun::writer w(buf, stun::message_class::request, stun::method::binding, tid);
        const stun::integrity_key key(pwd);
        w.username(username)
            .priority(1)
            .ice_controlling(5)
            .use_candidate()
            .message_integrity(key)
            .fingerprint();
        return b.on_packet(addr("127.0.0.1", 40000), std::span(buf.data(), *w.finish()), t0);
    };
    EXPECT_EQ(send("lite:peer", "not-the-password-xxxxxx"), packet_result::rejected);
    EXPECT_EQ(send("other:peer", cb.local_pwd), packet_result::rejected);
    EXPECT_EQ(b.stats().auth_failures, 2u);
    EXPECT_EQ(b.state(), state::new_);
    std::array<std::uint8_t, 640> out{};
    int unauthenticated = 0;
    while (auto t = b.poll_transmit(out)) {
        auto m = stun::decode(std::span(out.data(), t->size));
        ASSERT_TRUE(m);
        ASSERT_TRUE(m->error_code);
        EXPECT_EQ(m->error_code->code, 401);
        ++unauthenticated;
    }
    EXPECT_EQ(unauthenticated, 2);
    // The right credentials nominate at once: a lite agent needs no check of its own.
    EXPECT_EQ(send("lite:peer", cb.local_pwd), packet_result::handled);
    EXPECT_EQ(b.state(), state::connected);
    // Non-STUN (an RTP packet) is left to the owner.
    const std::array<std::uint8_t, 12> rtp = {0x80, 111};
    EXPECT_EQ(b.on_packet(addr("127.0.0.1", 40000), rtp, t0), packet_result::not_stun);
}

}  // namespace
