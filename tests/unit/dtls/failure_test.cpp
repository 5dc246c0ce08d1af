// What must not connect, and what must not break a session: fingerprint mismatch (RFC 5763
// §5), a peer without use_srtp (RFC 5764 §4.1.2), lost flights (RFC 6347 §4.2.4) and
// garbage datagrams (RFC 6347 §4.1.2.7).

#include <gtest/gtest.h>

#include <random>

#include "dtls_pair.hpp"

namespace ringstorm::dtls {
namespace {

using test::pair;

fingerprint wrong_fingerprint() {
    fingerprint fp = test::identity_b().sha256_fingerprint();
    fp.bytes[7] ^= 0x01;
    return fp;
}

TEST(DtlsFingerprintCheck, ClientRefusesAServerWhoseCertificateDiffersFromTheSdp) {
    auto p = pair::make(test::fast_options(), test::fast_options(), wrong_fingerprint());
    p.run();
    ASSERT_EQ(p.client.state(), dtls_state::failed);
    EXPECT_EQ(p.client.error()->rule(), "dtls.fingerprint_mismatch");
    EXPECT_NE(p.client.error()->detail.find(wrong_fingerprint().to_string()), std::string::npos)
        << p.client.error()->detail;
    EXPECT_FALSE(p.client.keys());
    // The client's bad_certificate alert reaches the server, which fails as well.
    ASSERT_EQ(p.server.state(), dtls_state::failed);
    EXPECT_EQ(p.server.error()->code, errc::handshake_failed);
}

TEST(DtlsFingerprintCheck, ServerRefusesAClientWhoseCertificateDiffersFromTheSdp) {
    fingerprint wrong = test::identity_a().sha256_fingerprint();
    wrong.bytes[0] ^= 0x80;
    auto p = pair::make(test::fast_options(), test::fast_options(), std::nullopt, wrong);
    p.run();
    ASSERT_EQ(p.server.state(), dtls_state::failed);
    EXPECT_EQ(p.server.error()->code, errc::fingerprint_mismatch);
    ASSERT_EQ(p.client.state(), dtls_state::failed);
    EXPECT_FALSE(p.client.keys());
}

TEST(DtlsFingerprintCheck, Sha1FingerprintOfTheRightCertificateIsAccepted) {
    // RFC 8122 allows other hashes; the peer's value is compared in the SDP's hash.
    auto sha1 = certificate_fingerprint(test::identity_b().certificate(), fingerprint_hash::sha_1);
    ASSERT_TRUE(sha1);
    auto p = pair::make(test::fast_options(), test::fast_options(), *sha1);
    p.run();
    EXPECT_EQ(p.client.state(), dtls_state::connected);
    EXPECT_EQ(p.client.peer_fingerprint()->size, 20u);
}

TEST(DtlsUseSrtp, ServerWithoutUseSrtpFailsTheClient) {
    auto server = test::fast_options();
    server.srtp_profiles.clear();
    auto p = pair::make(test::fast_options(), server);
    p.run();
    ASSERT_EQ(p.client.state(), dtls_state::failed);
    EXPECT_EQ(p.client.error()->rule(), "dtls.no_srtp_profile");
    EXPECT_EQ(p.client.error()->detail, "peer did not negotiate use_srtp");
}

TEST(DtlsUseSrtp, ClientWithoutUseSrtpFailsTheServer) {
    auto client = test::fast_options();
    client.srtp_profiles.clear();
    auto p = pair::make(client, test::fast_options());
    p.run();
    ASSERT_EQ(p.server.state(), dtls_state::failed);
    EXPECT_EQ(p.server.error()->code, errc::no_srtp_profile);
}

TEST(DtlsLoss, LostClientHelloIsRetransmittedOnTheTimer) {
    auto p = pair::make();
    p.drop = [](const test::hop& h) { return h.from_client && h.index == 0; };
    p.client.start();
    ASSERT_EQ(p.client.outgoing_count(), 1u);
    auto due = p.client.retransmit_in();
    ASSERT_TRUE(due);
    EXPECT_LE(*due, std::chrono::milliseconds(20));
    EXPECT_FALSE(p.server.retransmit_in());  // the server waits without a timer
    p.run();
    ASSERT_EQ(p.client.state(), dtls_state::connected);
    ASSERT_EQ(p.server.state(), dtls_state::connected);
    EXPECT_GE(p.client.stats().retransmissions, 1u);
    EXPECT_TRUE(std::ranges::equal(p.client.keys()->raw(), p.server.keys()->raw()));
}

TEST(DtlsLoss, LostServerFlightIsRecovered) {
    auto p = pair::make();
    p.drop = [](const test::hop& h) { return !h.from_client && h.index == 0; };
    p.run();
    ASSERT_EQ(p.client.state(), dtls_state::connected);
    ASSERT_EQ(p.server.state(), dtls_state::connected);
    EXPECT_GE(p.client.stats().retransmissions + p.server.stats().retransmissions, 1u);
}

TEST(DtlsLoss, LostFinalServerFlightIsResentWhenTheClientRetransmits) {
    auto p = pair::make();
    // Drop everything the server sends once it is connected: its ChangeCipherSpec/Finished.
    bool server_connected_before = false;
    p.drop = [&](const test::hop& h) {
        if (h.from_client) {
            return false;
        }
        const bool drop_it = p.server.state() == dtls_state::connected && !server_connected_before;
        return drop_it;
    };
    p.client.start();
    for (int i = 0; i < 10 && p.server.state() != dtls_state::connected; ++i) {
        p.flush(p.client, p.server, true);
        p.flush(p.server, p.client, false);
    }
    ASSERT_EQ(p.server.state(), dtls_state::connected);
    EXPECT_EQ(p.client.state(), dtls_state::handshaking);
    server_connected_before = true;  // from now on, deliver
    p.run();
    ASSERT_EQ(p.client.state(), dtls_state::connected);
    EXPECT_GE(p.client.stats().retransmissions, 1u);
    EXPECT_TRUE(std::ranges::equal(p.client.keys()->raw(), p.server.keys()->raw()));
}

TEST(DtlsLoss, NoAnswerAtAllKeepsTheTimerRunningWithBackoff) {
    auto p = pair::make();
    p.client.start();
    auto first = p.client.retransmit_in();
    ASSERT_TRUE(first);
    std::this_thread::sleep_for(*first + std::chrono::milliseconds(2));
    p.client.clear_outgoing();
    p.client.on_timeout();
    EXPECT_EQ(p.client.stats().retransmissions, 1u);
    EXPECT_EQ(p.client.outgoing_count(), 1u);  // the ClientHello again
    auto second = p.client.retransmit_in();
    ASSERT_TRUE(second);
    EXPECT_GT(*second, std::chrono::milliseconds(25));  // doubled from 20 ms
    // Early on_timeout does nothing.
    p.client.clear_outgoing();
    p.client.on_timeout();
    EXPECT_EQ(p.client.outgoing_count(), 0u);
    EXPECT_EQ(p.client.state(), dtls_state::handshaking);
}

std::vector<std::uint8_t> random_datagram(std::mt19937& rng, std::size_t size) {
    std::vector<std::uint8_t> d(size);
    for (auto& b : d) {
        b = static_cast<std::uint8_t>(rng());
    }
    d[0] = static_cast<std::uint8_t>(20 + rng() % 44);  // RFC 7983: what demux calls DTLS
    return d;
}

TEST(DtlsGarbage, GarbageDuringTheHandshakeIsIgnored) {
    auto p = pair::make();
    std::mt19937 rng(7);
    p.client.start();
    for (int round = 0; round < 6; ++round) {
        for (int i = 0; i < 50; ++i) {
            auto g = random_datagram(rng, 1 + rng() % 300);
            p.server.on_datagram(g);
            p.client.on_datagram(g);
        }
        // A real datagram cut short, and one with a DTLS 1.2 header and a garbage body.
        if (!p.wire.empty()) {
            const auto& last = p.wire.back();
            p.client.on_datagram(std::span(last).first(last.size() / 2));
            p.server.on_datagram(std::span(last).first(last.size() / 2));
        }
        auto forged = random_datagram(rng, 60);
        forged[0] = 22;
        forged[1] = 0xfe;
        forged[2] = 0xfd;
        forged[11] = 0;
        forged[12] = 47;
        p.client.on_datagram(forged);
        p.flush(p.client, p.server, true);
        p.flush(p.server, p.client, false);
    }
    p.run();
    ASSERT_EQ(p.client.state(), dtls_state::connected)
        << (p.client.error() ? p.client.error()->to_string() : "");
    ASSERT_EQ(p.server.state(), dtls_state::connected)
        << (p.server.error() ? p.server.error()->to_string() : "");
}

TEST(DtlsGarbage, GarbageAfterConnectKeepsTheSessionAndKeys) {
    auto p = pair::make();
    p.run();
    ASSERT_EQ(p.client.state(), dtls_state::connected);
    const auto keys = *p.client.keys();
    std::mt19937 rng(11);
    for (int i = 0; i < 500; ++i) {
        p.client.on_datagram(random_datagram(rng, 1 + rng() % 1500));
        p.server.on_datagram(random_datagram(rng, 1 + rng() % 1500));
    }
    p.client.on_datagram({});
    std::vector<std::uint8_t> huge(dtls_session::max_datagram + 1, 23);
    p.client.on_datagram(huge);
    EXPECT_EQ(p.client.stats().oversized_in, 1u);
    EXPECT_EQ(p.client.state(), dtls_state::connected);
    EXPECT_EQ(p.server.state(), dtls_state::connected);
    EXPECT_TRUE(std::ranges::equal(p.client.keys()->raw(), keys.raw()));
}

}  // namespace
}  // namespace ringstorm::dtls
