// Between SDP and a stream: what describe_local puts in our offer or answer comes back out of
// remote_from_sdp after serialising and parsing, with session-level fallbacks, the default
// candidate from c=/m=, DTLS roles from a=setup, and errors that name what is missing.

#include <gtest/gtest.h>

#include <random>

#include "media/ice/candidate.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"
#include "media/stream/sdp_media.hpp"

namespace ringstorm::media {
namespace {

constexpr const char* fp =
    "sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
    "01:23:45:67:89";

stream_config local_config() {
    std::mt19937_64 rng(42);
    stream_config c;
    fill_credentials(c, rng);
    c.local_address = *stun::parse_address("192.0.2.10", 40000);
    return c;
}

sdp::session_description round_trip(const sdp::session_description& sd) {
    auto parsed = sdp::parse(sdp::serialize(sd));
    EXPECT_TRUE(parsed.has_value());
    return *parsed;
}

TEST(SdpMedia, CredentialsAreIceCharsOfTheRightLength) {
    std::mt19937_64 rng(7);
    stream_config a;
    stream_config b;
    fill_credentials(a, rng);
    fill_credentials(b, rng);
    EXPECT_EQ(a.local_ufrag.size(), 8U);
    EXPECT_EQ(a.local_pwd.size(), 24U);
    for (char ch : a.local_ufrag + a.local_pwd) {
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '/') << ch;
    }
    EXPECT_NE(a.local_ufrag, b.local_ufrag);
    EXPECT_NE(a.ssrc, 0U);
    EXPECT_NE(a.seed, b.seed);
    EXPECT_NE(a.tie_breaker, b.tie_breaker);
}

TEST(SdpMedia, OfferRoundTripsIntoRemoteMedia) {
    const stream_config c = local_config();
    sdp::webrtc_audio_params p;
    describe_local(c, fp, true, p);
    p.setup = sdp::setup_role::passive;  // an answer that leaves the client role to the offerer
    const sdp::session_description sd = round_trip(sdp::build_webrtc_audio(p));
    const std::string text = sdp::serialize(sd);
    EXPECT_NE(text.find("a=ice-lite"), std::string::npos);
    EXPECT_NE(text.find("a=end-of-candidates"), std::string::npos);
    EXPECT_NE(text.find("c=IN IP4 192.0.2.10"), std::string::npos);
    EXPECT_NE(text.find("m=audio 40000 "), std::string::npos);
    EXPECT_NE(text.find("a=ssrc:" + std::to_string(c.ssrc) + " cname:"), std::string::npos);
    EXPECT_EQ(text.find("a=ice-options:trickle"), std::string::npos);

    auto r = remote_from_sdp(sd, sd.media.front(), true, sdp::setup_role::actpass);
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->ufrag, c.local_ufrag);
    EXPECT_EQ(r->pwd, c.local_pwd);
    EXPECT_TRUE(r->ice_lite);
    EXPECT_EQ(r->fingerprint, fp);
    EXPECT_EQ(r->our_dtls, dtls_side::client);  // they are passive
    ASSERT_EQ(r->candidates.size(), 1U);
    auto rc = ice::from_sdp(r->candidates.front());
    ASSERT_TRUE(rc.has_value());
    EXPECT_EQ(rc->address, c.local_address);
    // The priority the agent uses for its first host candidate (RFC 8445 §5.1.2.1).
    EXPECT_EQ(rc->priority, ice::candidate_priority(ice::type_preference::host, 65535, 1));
}

TEST(SdpMedia, DtlsRoleFromTheAnswerOrFromOurAnswer) {
    const stream_config c = local_config();
    sdp::webrtc_audio_params p;
    describe_local(c, fp, false, p);
    p.setup = sdp::setup_role::active;
    sdp::session_description sd = round_trip(sdp::build_webrtc_audio(p));
    auto offered = remote_from_sdp(sd, sd.media.front(), true, sdp::setup_role::actpass);
    ASSERT_TRUE(offered.has_value());
    EXPECT_EQ(offered->our_dtls, dtls_side::server);  // they are active: we serve
    EXPECT_FALSE(offered->ice_lite);

    auto answered_active = remote_from_sdp(sd, sd.media.front(), false, sdp::setup_role::active);
    ASSERT_TRUE(answered_active.has_value());
    EXPECT_EQ(answered_active->our_dtls, dtls_side::client);
    auto answered_passive = remote_from_sdp(sd, sd.media.front(), false, sdp::setup_role::passive);
    ASSERT_TRUE(answered_passive.has_value());
    EXPECT_EQ(answered_passive->our_dtls, dtls_side::server);
    auto bad_ours = remote_from_sdp(sd, sd.media.front(), false, sdp::setup_role::actpass);
    ASSERT_FALSE(bad_ours.has_value());
    EXPECT_NE(bad_ours.error().find("actpass"), std::string::npos);
}

TEST(SdpMedia, ActpassInAnAnswerIsAnError) {
    sdp::webrtc_audio_params p;
    describe_local(local_config(), fp, false, p);
    p.setup = sdp::setup_role::actpass;
    const sdp::session_description sd = round_trip(sdp::build_webrtc_audio(p));
    auto r = remote_from_sdp(sd, sd.media.front(), true, sdp::setup_role::actpass);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), "a=setup:actpass in an answer");
}

// Moves the media-level attribute of type T to the session level.
template <class T>
void hoist(sdp::session_description& sd) {
    auto& attrs = sd.media.front().attributes;
    for (auto it = attrs.begin(); it != attrs.end(); ++it) {
        if (std::holds_alternative<T>(*it)) {
            sd.attributes.push_back(*it);
            attrs.erase(it);
            return;
        }
    }
    FAIL() << "attribute not found";
}

template <class T>
void remove_all(sdp::attribute_list& attrs) {
    std::erase_if(attrs, [](const sdp::attribute& a) { return std::holds_alternative<T>(a); });
}

TEST(SdpMedia, SessionLevelCredentialsFingerprintAndSetupAreUsed) {
    const stream_config c = local_config();
    sdp::webrtc_audio_params p;
    describe_local(c, fp, false, p);
    p.setup = sdp::setup_role::passive;
    sdp::session_description sd = sdp::build_webrtc_audio(p);
    hoist<sdp::ice_ufrag>(sd);
    hoist<sdp::ice_pwd>(sd);
    hoist<sdp::fingerprint>(sd);
    hoist<sdp::setup_role>(sd);
    sd = round_trip(sd);
    auto r = remote_from_sdp(sd, sd.media.front(), true, sdp::setup_role::actpass);
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->ufrag, c.local_ufrag);
    EXPECT_EQ(r->pwd, c.local_pwd);
    EXPECT_EQ(r->fingerprint, fp);
    EXPECT_EQ(r->our_dtls, dtls_side::client);
}

TEST(SdpMedia, NoCandidateLinesFallBackToConnectionAddress) {
    sdp::webrtc_audio_params p;
    describe_local(local_config(), fp, true, p);
    p.setup = sdp::setup_role::passive;
    sdp::session_description sd = sdp::build_webrtc_audio(p);
    remove_all<sdp::candidate>(sd.media.front().attributes);
    sd = round_trip(sd);
    auto r = remote_from_sdp(sd, sd.media.front(), true, sdp::setup_role::actpass);
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->candidates.size(), 1U);
    EXPECT_EQ(r->candidates.front().address, "192.0.2.10");
    EXPECT_EQ(r->candidates.front().port, 40000);

    // JSEP's trickle placeholder (9, 0.0.0.0) is not a candidate.
    sd.media.front().port = 9;
    sd.media.front().connections = {sdp::connection{"IN", "IP4", "0.0.0.0"}};
    auto none = remote_from_sdp(sd, sd.media.front(), true, sdp::setup_role::actpass);
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->candidates.empty());
}

TEST(SdpMedia, MissingPiecesAreNamed) {
    sdp::webrtc_audio_params p;
    describe_local(local_config(), fp, false, p);
    p.setup = sdp::setup_role::active;
    const sdp::session_description base = sdp::build_webrtc_audio(p);
    auto error_without = [&](auto remover) {
        sdp::session_description sd = base;
        remover(sd.media.front().attributes);
        sd = round_trip(sd);
        auto r = remote_from_sdp(sd, sd.media.front(), true, sdp::setup_role::actpass);
        return r.has_value() ? std::string("ok") : r.error();
    };
    EXPECT_EQ(error_without([](auto& a) { remove_all<sdp::ice_ufrag>(a); }), "no a=ice-ufrag");
    EXPECT_EQ(error_without([](auto& a) { remove_all<sdp::ice_pwd>(a); }), "no a=ice-pwd");
    EXPECT_EQ(error_without([](auto& a) { remove_all<sdp::fingerprint>(a); }), "no a=fingerprint");
    // RFC 4145 §4: an answer without a=setup is active, so we are the server.
    sdp::session_description sd = base;
    remove_all<sdp::setup_role>(sd.media.front().attributes);
    auto r = remote_from_sdp(sd, sd.media.front(), true, sdp::setup_role::actpass);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->our_dtls, dtls_side::server);
}

}  // namespace
}  // namespace ringstorm::media
