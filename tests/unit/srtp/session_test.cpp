// srtp_session: what a call relies on. Both ends of one DTLS-SRTP association protect and
// unprotect each other's RTP and RTCP, forgeries and replays are told apart, and thousands of
// sessions coexist without crosstalk.

#include "media/srtp/session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "tests/unit/srtp/packets.hpp"

namespace ringstorm::srtp {
namespace {

using test::keys_for;
using test::rtcp_rr;
using test::rtp_packet;
using test::slack;

// Both ends of one association: the DTLS client ("alice") and server ("bob").
struct pair_of_ends {
    srtp_session alice;
    srtp_session bob;
};

pair_of_ends make_pair(srtp_profile profile, std::uint32_t n = 1) {
    const auto keys = keys_for(profile, n);
    return {srtp_session::create(keys, dtls_role::client).value(),
            srtp_session::create(keys, dtls_role::server).value()};
}

class SrtpSession : public ::testing::TestWithParam<srtp_profile> {};

INSTANTIATE_TEST_SUITE_P(Profiles, SrtpSession,
                         ::testing::Values(srtp_profile::aes_cm_128_hmac_sha1_80,
                                           srtp_profile::aead_aes_128_gcm),
                         [](const auto& info) {
                             return info.param == srtp_profile::aead_aes_128_gcm ? "Gcm" : "AesCm";
                         });

TEST_P(SrtpSession, RtpRoundTripBothWays) {
    auto [alice, bob] = make_pair(GetParam());
    for (std::uint16_t seq = 1000; seq < 1050; ++seq) {
        auto packet = rtp_packet(seq, 0x11111111);
        const auto plain = packet;
        const std::size_t len = packet.size() - slack;

        auto sent = alice.protect_rtp(packet, len);
        ASSERT_TRUE(sent) << rule_id(sent.error());
        EXPECT_EQ(*sent, len + rtp_overhead(GetParam()));
        // RFC 3711 §3.1: the header stays clear (it is authenticated), the payload does not.
        EXPECT_TRUE(std::equal(packet.begin(), packet.begin() + 12, plain.begin()));
        EXPECT_FALSE(std::equal(packet.begin() + 12, packet.begin() + len, plain.begin() + 12));

        auto got = bob.unprotect_rtp(std::span(packet).first(*sent));
        ASSERT_TRUE(got) << rule_id(got.error());
        EXPECT_EQ(*got, len);
        EXPECT_TRUE(std::equal(packet.begin(), packet.begin() + len, plain.begin()));

        auto reply = rtp_packet(seq, 0x22222222);
        const auto reply_plain = reply;
        auto back = bob.protect_rtp(reply, len);
        ASSERT_TRUE(back);
        auto heard = alice.unprotect_rtp(std::span(reply).first(*back));
        ASSERT_TRUE(heard);
        EXPECT_TRUE(std::equal(reply.begin(), reply.begin() + len, reply_plain.begin()));
    }
}

TEST_P(SrtpSession, OwnPacketsDoNotVerifyWithThePeersKey) {
    // Each direction has its own key: a reflected packet must not be accepted.
    auto [alice, bob] = make_pair(GetParam());
    auto packet = rtp_packet(1, 0x1234);
    auto sent = alice.protect_rtp(packet, packet.size() - slack);
    ASSERT_TRUE(sent);
    auto reflected = alice.unprotect_rtp(std::span(packet).first(*sent));
    ASSERT_FALSE(reflected);
    EXPECT_EQ(reflected.error(), errc::auth_failed);
}

TEST_P(SrtpSession, TamperingIsAnAuthFailureAnywhereInThePacket) {
    auto [alice, bob] = make_pair(GetParam());
    std::uint16_t seq = 1;
    // Header byte (payload type), payload byte, last tag byte.
    for (std::size_t where : {std::size_t{1}, std::size_t{40}, std::size_t{0}}) {
        auto packet = rtp_packet(seq++, 0xabcdef);
        auto sent = alice.protect_rtp(packet, packet.size() - slack);
        ASSERT_TRUE(sent);
        const std::size_t at = where == 0 ? *sent - 1 : where;
        packet[at] ^= 0x01;
        auto got = bob.unprotect_rtp(std::span(packet).first(*sent));
        ASSERT_FALSE(got) << at;
        EXPECT_EQ(got.error(), errc::auth_failed) << at << ": " << rule_id(got.error());
    }
    // A forgery does not poison the replay window: the next genuine packet still passes.
    auto packet = rtp_packet(seq, 0xabcdef);
    auto sent = alice.protect_rtp(packet, packet.size() - slack);
    ASSERT_TRUE(sent);
    EXPECT_TRUE(bob.unprotect_rtp(std::span(packet).first(*sent)));
}

TEST_P(SrtpSession, ReplayIsDistinctFromAuthFailure) {
    auto [alice, bob] = make_pair(GetParam());
    auto packet = rtp_packet(7, 0x77);
    auto sent = alice.protect_rtp(packet, packet.size() - slack);
    ASSERT_TRUE(sent);
    const std::vector<std::uint8_t> wire(packet.begin(), packet.begin() + *sent);

    auto first = wire;
    ASSERT_TRUE(bob.unprotect_rtp(first));
    auto again = wire;
    auto replay = bob.unprotect_rtp(again);
    ASSERT_FALSE(replay);
    EXPECT_EQ(replay.error(), errc::replayed);
}

TEST_P(SrtpSession, PacketsBehindTheWindowAreTooOld) {
    auto [alice, bob] = make_pair(GetParam());
    std::vector<std::vector<std::uint8_t>> wire;
    for (std::uint16_t seq = 1; seq <= 300; ++seq) {
        auto packet = rtp_packet(seq, 0x99);
        auto sent = alice.protect_rtp(packet, packet.size() - slack);
        ASSERT_TRUE(sent);
        packet.resize(*sent);
        wire.push_back(std::move(packet));
    }
    ASSERT_TRUE(bob.unprotect_rtp(wire[299]));  // seq 300
    ASSERT_TRUE(bob.unprotect_rtp(wire[250]));  // 50 behind: reordered, inside 128
    auto old = bob.unprotect_rtp(wire[0]);      // 299 behind
    ASSERT_FALSE(old);
    EXPECT_EQ(old.error(), errc::too_old);
}

TEST_P(SrtpSession, ProtectingASequenceNumberTwiceIsRefused) {
    // RFC 3711 §9.1: reusing an index reuses keystream.
    auto [alice, bob] = make_pair(GetParam());
    auto a = rtp_packet(5, 0x55);
    ASSERT_TRUE(alice.protect_rtp(a, a.size() - slack));
    auto b = rtp_packet(5, 0x55);
    auto twice = alice.protect_rtp(b, b.size() - slack);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error(), errc::replayed);
}

TEST_P(SrtpSession, RtcpRoundTripReplayAndTamper) {
    auto [alice, bob] = make_pair(GetParam());
    auto rr = rtcp_rr(0x31);
    const auto plain = rr;
    auto sent = alice.protect_rtcp(rr, 8);
    ASSERT_TRUE(sent) << rule_id(sent.error());
    EXPECT_EQ(*sent, 8 + rtcp_overhead(GetParam()));
    const std::vector<std::uint8_t> wire(rr.begin(), rr.begin() + *sent);

    auto copy = wire;
    auto got = bob.unprotect_rtcp(copy);
    ASSERT_TRUE(got) << rule_id(got.error());
    EXPECT_EQ(*got, 8u);
    EXPECT_TRUE(std::equal(copy.begin(), copy.begin() + 8, plain.begin()));

    auto replayed = wire;
    auto replay = bob.unprotect_rtcp(replayed);
    ASSERT_FALSE(replay);
    EXPECT_EQ(replay.error(), errc::replayed);

    auto next = rtcp_rr(0x31);
    auto sent2 = alice.protect_rtcp(next, 8);
    ASSERT_TRUE(sent2);
    next[5] ^= 0x80;  // the SSRC: authenticated, not encrypted
    auto forged = bob.unprotect_rtcp(std::span(next).first(*sent2));
    ASSERT_FALSE(forged);
    EXPECT_EQ(forged.error(), errc::auth_failed);
}

TEST_P(SrtpSession, BufferMustHoldTheTrailerExactly) {
    auto [alice, bob] = make_pair(GetParam());
    const auto source = rtp_packet(1, 0x42);
    const std::size_t len = source.size() - slack;
    // One byte short: refused before libsrtp can write past the end.
    std::vector<std::uint8_t> tight(source.begin(),
                                    source.begin() + len + rtp_overhead(GetParam()) - 1);
    auto refused = alice.protect_rtp(tight, len);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), errc::buffer_too_small);
    // Exactly enough: accepted, and nothing is written beyond it. A guard after the span
    // shows that (libsrtp is not ASan-instrumented, so only the guard can tell).
    const std::size_t exact = len + rtp_overhead(GetParam());
    std::vector<std::uint8_t> guarded(exact + 32, 0x5a);
    std::copy(source.begin(), source.begin() + len, guarded.begin());
    auto sent = alice.protect_rtp(std::span(guarded).first(exact), len);
    ASSERT_TRUE(sent);
    EXPECT_EQ(*sent, exact);
    EXPECT_TRUE(
        std::all_of(guarded.begin() + exact, guarded.end(), [](auto b) { return b == 0x5a; }));
    EXPECT_TRUE(bob.unprotect_rtp(std::span(guarded).first(exact)));

    const std::size_t rtcp_exact = 8 + rtcp_overhead(GetParam());
    auto rr = rtcp_rr(1);
    rr.resize(rtcp_exact + 32);
    std::fill(rr.begin() + 8, rr.end(), std::uint8_t{0x5a});
    auto rtcp_refused = alice.protect_rtcp(std::span(rr).first(rtcp_exact - 1), 8);
    ASSERT_FALSE(rtcp_refused);
    EXPECT_EQ(rtcp_refused.error(), errc::buffer_too_small);
    auto rtcp_sent = alice.protect_rtcp(std::span(rr).first(rtcp_exact), 8);
    ASSERT_TRUE(rtcp_sent);
    EXPECT_EQ(*rtcp_sent, rtcp_exact);
    EXPECT_TRUE(std::all_of(rr.begin() + rtcp_exact, rr.end(), [](auto b) { return b == 0x5a; }));
}

TEST_P(SrtpSession, MalformedPacketsAreErrorsNotCrashes) {
    auto [alice, bob] = make_pair(GetParam());
    std::vector<std::uint8_t> buffer(200, 0);
    buffer[0] = 0x80;
    EXPECT_EQ(alice.protect_rtp(buffer, 11).error(), errc::malformed);   // shorter than the header
    EXPECT_EQ(alice.protect_rtp(buffer, 201).error(), errc::malformed);  // longer than the buffer
    buffer[0] = 0x8f;  // 15 CSRCs: 72-byte header in a 20-byte packet
    EXPECT_EQ(alice.protect_rtp(buffer, 20).error(), errc::malformed);
    buffer[0] = 0x40;  // version 1
    EXPECT_EQ(alice.protect_rtp(buffer, 100).error(), errc::malformed);
    EXPECT_EQ(bob.unprotect_rtp(std::span(buffer).first(100)).error(), errc::malformed);
    buffer[0] = 0x80;
    EXPECT_EQ(bob.unprotect_rtp(std::span(buffer).first(15)).error(), errc::malformed);
    EXPECT_EQ(bob.unprotect_rtcp(std::span(buffer).first(10)).error(), errc::malformed);
    // Random bytes of a plausible size are a failed tag.
    EXPECT_EQ(bob.unprotect_rtp(std::span(buffer).first(100)).error(), errc::auth_failed);
}

TEST_P(SrtpSession, MovedSessionKeepsItsStreamState) {
    auto [alice, bob] = make_pair(GetParam());
    auto p1 = rtp_packet(1, 0x10);
    auto s1 = alice.protect_rtp(p1, p1.size() - slack);
    ASSERT_TRUE(s1);
    ASSERT_TRUE(bob.unprotect_rtp(std::span(p1).first(*s1)));

    srtp_session moved = std::move(bob);
    EXPECT_FALSE(bob.valid());  // NOLINT(bugprone-use-after-move): the point of the test
    EXPECT_EQ(bob.unprotect_rtp(std::span(p1).first(*s1)).error(), errc::no_session);
    EXPECT_EQ(bob.protect_rtp(p1, 20).error(), errc::no_session);
    // The replay window moved along: the old packet is still a replay.
    EXPECT_EQ(moved.unprotect_rtp(std::span(p1).first(*s1)).error(), errc::replayed);

    auto p2 = rtp_packet(2, 0x10);
    auto s2 = alice.protect_rtp(p2, p2.size() - slack);
    ASSERT_TRUE(s2);
    EXPECT_TRUE(moved.unprotect_rtp(std::span(p2).first(*s2)));
}

TEST_P(SrtpSession, ManySessionsWithoutCrosstalk) {
    // A worker holds thousands of live sessions; each must use only its own keys.
    constexpr std::uint32_t count = 1000;
    std::vector<srtp_session> senders;
    std::vector<srtp_session> receivers;
    for (std::uint32_t i = 0; i < count; ++i) {
        const auto keys = keys_for(GetParam(), i);
        senders.push_back(srtp_session::create(keys, dtls_role::client).value());
        receivers.push_back(srtp_session::create(keys, dtls_role::server).value());
    }
    for (std::uint16_t round = 1; round <= 3; ++round) {
        for (std::uint32_t i = 0; i < count; ++i) {
            auto packet = rtp_packet(round, 0x1000 + i);
            const auto plain = packet;
            auto sent = senders[i].protect_rtp(packet, packet.size() - slack);
            ASSERT_TRUE(sent);
            const std::vector<std::uint8_t> wire(packet.begin(), packet.begin() + *sent);
            // The neighbour's receiver rejects it; its own accepts it.
            auto stray = wire;
            auto wrong = receivers[(i + 1) % count].unprotect_rtp(stray);
            ASSERT_FALSE(wrong) << i;
            EXPECT_EQ(wrong.error(), errc::auth_failed);
            auto got = receivers[i].unprotect_rtp(std::span(packet).first(*sent));
            ASSERT_TRUE(got) << i << ": " << rule_id(got.error());
            ASSERT_TRUE(std::equal(packet.begin(), packet.begin() + *got, plain.begin())) << i;
        }
    }
}

TEST(SrtpSessionCreate, RejectsKeysOfTheWrongProfileAndBadWindows) {
    const auto cm = keys_for(srtp_profile::aes_cm_128_hmac_sha1_80, 1);
    // 14-byte salts where GCM wants 12.
    auto wrong =
        srtp_session::create(srtp_profile::aead_aes_128_gcm, cm.client_write, cm.server_write);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error(), errc::bad_key_length);
    auto empty =
        srtp_session::create(srtp_profile::aes_cm_128_hmac_sha1_80, master_key{}, cm.server_write);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error(), errc::bad_key_length);
    for (std::size_t window : {std::size_t{0}, std::size_t{63}, std::size_t{0x8000}}) {
        auto bad = srtp_session::create(cm, dtls_role::client, {.replay_window = window});
        ASSERT_FALSE(bad) << window;
        EXPECT_EQ(bad.error(), errc::session_failed);
    }
    EXPECT_TRUE(srtp_session::create(cm, dtls_role::client, {.replay_window = 1024}));
}

TEST(SrtpSessionThreads, WorkersCreateAndUseSessionsConcurrently) {
    // srtp_init runs once however many workers start at the same moment; sessions are
    // per worker and need no locks.
    std::vector<std::thread> workers;
    std::vector<int> ok(4, 0);
    for (std::size_t w = 0; w < ok.size(); ++w) {
        workers.emplace_back([w, &ok] {
            for (std::uint32_t i = 0; i < 50; ++i) {
                const auto profile = (i % 2 != 0U) ? srtp_profile::aead_aes_128_gcm
                                                   : srtp_profile::aes_cm_128_hmac_sha1_80;
                const auto keys = keys_for(profile, static_cast<std::uint32_t>(w * 1000 + i));
                auto a = srtp_session::create(keys, dtls_role::client);
                auto b = srtp_session::create(keys, dtls_role::server);
                if (!a || !b) {
                    return;
                }
                auto packet = rtp_packet(1, i);
                auto sent = a->protect_rtp(packet, packet.size() - slack);
                if (sent && b->unprotect_rtp(std::span(packet).first(*sent))) {
                    ++ok[w];
                }
            }
        });
    }
    for (auto& t : workers) {
        t.join();
    }
    for (int n : ok) {
        EXPECT_EQ(n, 50);
    }
}

}  // namespace
}  // namespace ringstorm::srtp
