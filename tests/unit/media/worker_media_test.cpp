// A worker's media bundle: identity, contexts and fingerprint made once, the view streams
// get (shared()), the phones' shared port per local address, credentials.

#include "engine/media/worker_media.hpp"
#include "media/stream/sdp_media.hpp"

#include <cctype>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "media/rtp/opus_tone.hpp"

namespace ringstorm::media {
namespace {

TEST(worker_media, creates_one_identity_with_both_contexts_and_its_fingerprint) {
    boost::asio::io_context io;
    auto w = worker_media::create(io);
    ASSERT_TRUE(w) << w.error();
    const std::string& fp = (*w)->fingerprint();
    // "sha-256 " then 32 uppercase hex pairs joined by ':' (RFC 8122 §5).
    ASSERT_EQ(fp.size(), 8u + 32 * 3 - 1);
    EXPECT_EQ(fp.substr(0, 8), "sha-256 ");
    EXPECT_EQ(fp.substr(8), (*w)->identity().sha256_fingerprint().to_string());
    const stream_shared s = (*w)->shared();
    ASSERT_NE(s.dtls_client, nullptr);
    ASSERT_NE(s.dtls_server, nullptr);
    EXPECT_EQ(s.dtls_client->role(), dtls::dtls_role::client);
    EXPECT_EQ(s.dtls_server->role(), dtls::dtls_role::server);
    EXPECT_EQ(s.local_fingerprint, fp);
    ASSERT_NE(s.tones, nullptr);
    EXPECT_EQ(s.tones->size(), rtp::tone_grid_size);
    EXPECT_EQ((*w)->shared().tones, s.tones);  // one cache per worker, not per call
}

TEST(worker_media, two_workers_have_different_identities) {
    boost::asio::io_context io;
    auto a = worker_media::create(io);
    auto b = worker_media::create(io);
    ASSERT_TRUE(a && b);
    EXPECT_NE((*a)->fingerprint(), (*b)->fingerprint());
}

TEST(worker_media, the_shared_port_is_opened_once_per_local_address) {
    boost::asio::io_context io;
    auto w = worker_media::create(io);
    ASSERT_TRUE(w) << w.error();
    const auto first = (*w)->open_shared("127.0.0.1");
    ASSERT_TRUE(first) << first.error();
    const auto again = (*w)->open_shared("127.0.0.1");
    ASSERT_TRUE(again);
    EXPECT_EQ(*first, *again);
    EXPECT_EQ((*w)->engine().stats().ports, 1u);
    const auto other = (*w)->open_shared("127.0.0.2");  // all of 127/8 is loopback
    ASSERT_TRUE(other) << other.error();
    EXPECT_NE(*other, *first);
    EXPECT_EQ(stun::ip_to_string((*w)->engine().local_address(*other)), "127.0.0.2");
    const auto bad = (*w)->open_shared("phone.example");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), "media: bind phone.example:0: not an IP address literal");
    EXPECT_EQ((*w)->engine().stats().ports, 2u);
}

TEST(worker_media, the_credential_source_is_seeded) {
    boost::asio::io_context io;
    worker_media_options options;
    options.seed = 1234;
    auto a = worker_media::create(io, options);
    auto b = worker_media::create(io, options);
    ASSERT_TRUE(a && b);
    stream_config ca;
    stream_config cb;
    fill_credentials(ca, (*a)->rng());
    fill_credentials(cb, (*b)->rng());
    EXPECT_EQ(ca.local_ufrag, cb.local_ufrag);  // same seed, same sequence: runs are reproducible
    EXPECT_EQ(ca.local_pwd, cb.local_pwd);
    stream_config next;
    fill_credentials(next, (*a)->rng());
    EXPECT_NE(next.local_pwd, ca.local_pwd);
}

TEST(worker_media, bad_options_are_reported_with_their_stage) {
    boost::asio::io_context io;
    worker_media_options options;
    options.engine.batch = 5000;
    auto w = worker_media::create(io, options);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error(), "media: engine: batch 5000 is not in 1..1024");
    options = {};
    options.dtls.mtu = 100;
    w = worker_media::create(io, options);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().rfind("media: dtls: ", 0), 0u) << w.error();
}

}  // namespace
}  // namespace ringstorm::media
