// Two sessions handshake entirely in memory (RFC 5764): keys, profiles, close_notify.

#include <gtest/gtest.h>

#include <algorithm>

#include "dtls_pair.hpp"

namespace ringstorm::dtls {
namespace {

using test::pair;

void expect_connected(const pair& p) {
    ASSERT_EQ(p.client.state(), dtls_state::connected)
        << (p.client.error() ? p.client.error()->to_string() : "");
    ASSERT_EQ(p.server.state(), dtls_state::connected)
        << (p.server.error() ? p.server.error()->to_string() : "");
    ASSERT_TRUE(p.client.keys() && p.server.keys());
}

TEST(DtlsHandshake, BothSidesConnectAndAgreeOnKeys) {
    auto p = pair::make();
    p.run();
    expect_connected(p);
    const auto& c = *p.client.keys();
    const auto& s = *p.server.keys();
    // Our default preference (and the browsers'): AEAD_AES_128_GCM, 2 * (16 + 12) bytes.
    EXPECT_EQ(c.profile, srtp_profile::aead_aes_128_gcm);
    EXPECT_EQ(s.profile, c.profile);
    ASSERT_EQ(c.size(), 56u);
    EXPECT_TRUE(std::ranges::equal(c.raw(), s.raw()));
    EXPECT_FALSE(std::ranges::equal(c.client_key(), c.server_key()));
    EXPECT_FALSE(std::ranges::all_of(c.raw(), [](std::uint8_t b) { return b == 0; }));
    // What the client sends with is what the server receives with.
    std::array<std::uint8_t, srtp_keying_material::max_key_salt> client_out{}, server_in{};
    ASSERT_EQ(c.master_key_salt(dtls_role::client, client_out), 28u);
    ASSERT_EQ(s.master_key_salt(dtls_role::client, server_in), 28u);
    EXPECT_EQ(client_out, server_in);
    // Each side saw the other's certificate.
    EXPECT_TRUE(*p.client.peer_fingerprint() == test::identity_b().sha256_fingerprint());
    EXPECT_TRUE(*p.server.peer_fingerprint() == test::identity_a().sha256_fingerprint());
    EXPECT_FALSE(p.client.retransmit_in());
    EXPECT_FALSE(p.server.retransmit_in());
    EXPECT_EQ(p.client.stats().retransmissions, 0u);
    // Records of a flight share a datagram (RFC 6347 §4.1.1): four flights, four datagrams.
    EXPECT_EQ(p.wire.size(), 4u);
    EXPECT_EQ(p.client.role(), dtls_role::client);
    EXPECT_EQ(p.server.role(), dtls_role::server);
}

TEST(DtlsHandshake, EveryDatagramFitsTheMtu) {
    auto opt = test::fast_options();
    opt.mtu = 300;  // forces the certificate flight to fragment
    auto p = pair::make(opt, opt);
    p.run();
    expect_connected(p);
    ASSERT_FALSE(p.wire.empty());
    for (const auto& d : p.wire) {
        EXPECT_LE(d.size(), 300u);
    }
    // At 1200 each flight is one datagram; at 300 the certificate flights need several.
    EXPECT_GE(p.client.stats().datagrams_out, 3u);
    EXPECT_GE(p.server.stats().datagrams_out, 4u);
    EXPECT_EQ(p.client.stats().datagrams_out, p.sent_by_client);
    EXPECT_EQ(p.server.stats().datagrams_in, p.sent_by_client);
}

TEST(DtlsHandshake, EachHandshakeExportsFreshKeys) {
    auto a = pair::make();
    a.run();
    auto b = pair::make();
    b.run();
    expect_connected(a);
    expect_connected(b);
    EXPECT_FALSE(std::ranges::equal(a.client.keys()->raw(), b.client.keys()->raw()));
}

TEST(DtlsProfiles, ServerPreferenceDecidesAmongOfferedProfiles) {
    auto server = test::fast_options();
    server.srtp_profiles = {srtp_profile::aes128_cm_sha1_80, srtp_profile::aead_aes_128_gcm};
    auto p = pair::make(test::fast_options(), server);
    p.run();
    expect_connected(p);
    EXPECT_EQ(p.client.keys()->profile, srtp_profile::aes128_cm_sha1_80);
    EXPECT_EQ(p.client.keys()->size(), 60u);
    EXPECT_EQ(p.client.keys()->salt_len, 14u);
    EXPECT_TRUE(std::ranges::equal(p.client.keys()->raw(), p.server.keys()->raw()));
}

TEST(DtlsProfiles, ClientOfferingOnlySha1_80GetsIt) {
    auto client = test::fast_options();
    client.srtp_profiles = {srtp_profile::aes128_cm_sha1_80};
    auto p = pair::make(client, test::fast_options());
    p.run();
    expect_connected(p);
    EXPECT_EQ(p.server.keys()->profile, srtp_profile::aes128_cm_sha1_80);
}

TEST(DtlsProfiles, NoCommonProfileFailsBothSides) {
    auto client = test::fast_options();
    client.srtp_profiles = {srtp_profile::aes128_cm_sha1_80};
    auto server = test::fast_options();
    server.srtp_profiles = {srtp_profile::aead_aes_128_gcm};
    auto p = pair::make(client, server);
    p.run();
    ASSERT_EQ(p.client.state(), dtls_state::failed);
    EXPECT_EQ(p.client.error()->rule(), "dtls.no_srtp_profile");
    ASSERT_EQ(p.server.state(), dtls_state::failed);
    EXPECT_EQ(p.server.error()->code, errc::no_srtp_profile);
    EXPECT_FALSE(p.client.keys());
}

TEST(DtlsClose, CloseNotifyEndsThePeerToo) {
    auto p = pair::make();
    p.run();
    expect_connected(p);
    p.client.close();
    EXPECT_EQ(p.client.state(), dtls_state::closed);
    EXPECT_FALSE(p.client.keys());
    ASSERT_EQ(p.client.outgoing_count(), 1u);  // the close_notify alert
    EXPECT_EQ(p.client.outgoing(0)[0], 21);    // content type alert
    p.flush(p.client, p.server, true);
    EXPECT_EQ(p.server.state(), dtls_state::closed);
    ASSERT_TRUE(p.server.error());
    EXPECT_EQ(p.server.error()->code, errc::peer_closed);
    EXPECT_EQ(p.server.outgoing_count(), 1u);  // its own close_notify in reply
    // A closed session ignores what still arrives.
    const auto before = p.client.stats().datagrams_in;
    p.flush(p.server, p.client, false);
    EXPECT_EQ(p.client.stats().datagrams_in, before);
}

TEST(DtlsClose, ClosingDuringTheHandshakeSendsNothing) {
    auto p = pair::make();
    p.client.start();
    p.client.clear_outgoing();
    p.client.close();
    EXPECT_EQ(p.client.state(), dtls_state::closed);
    EXPECT_EQ(p.client.outgoing_count(), 0u);
    EXPECT_FALSE(p.client.retransmit_in());
}

}  // namespace
}  // namespace ringstorm::dtls
