// The WebRTC audio offer/answer builders: the shape a browser SDK phone sends, and answers
// negotiated against real offers.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"
#include "media/sdp/webrtc.hpp"

namespace ringstorm::sdp {
namespace {

std::string load(const std::string& name) {
    std::ifstream in(std::string(RINGSTORM_SOURCE_DIR) + "/tests/fuzz/sdp_fuzz_seeds/" + name,
                     std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

webrtc_audio_params params() {
    webrtc_audio_params p;
    p.session_id = 4611731400430051336ull;
    p.ice_ufrag = "Qx7v";
    p.ice_pwd = "kR3m9P0qZl2sWc8yBn4tHd1F";
    p.fingerprint =
        "2D:71:16:42:B7:26:B0:44:01:62:7C:A9:FB:AC:32:F5:C8:53:0F:B1:90:3C:C4:DB:02:25:87:17:92:1A:"
        "48:81";
    candidate c;
    c.foundation = "3077231862";
    c.priority = 2113937151;
    c.address = "10.1.2.3";
    c.port = 54512;
    c.extensions = {{"generation", "0"}};
    p.candidates = {c};
    p.ssrc = 3735928559u;
    p.cname = "4TOk42mSjXCkVIa6";
    p.stream_id = "stream";
    p.track_id = "track";
    return p;
}

TEST(SdpWebrtc, OfferShape) {
    const session_description sd = build_webrtc_audio(params());
    const std::string wire = serialize(sd);
    auto back = parse(wire);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_TRUE(*back == sd);

    ASSERT_EQ(sd.media.size(), 1u);
    const media_description& m = sd.media[0];
    EXPECT_EQ(m.proto, "UDP/TLS/RTP/SAVPF");
    EXPECT_EQ(m.formats, (std::vector<std::string>{"111", "110", "126"}));  // Opus first
    EXPECT_EQ(*find_rtpmap(m.attributes, 111), (rtpmap{111, "opus", 48000, 2}));
    EXPECT_EQ(find_fmtp(m.attributes, 111)->parameters, "minptime=10;useinbandfec=1");
    EXPECT_EQ(find_rtpmap(m.attributes, 126)->encoding, "telephone-event");
    EXPECT_TRUE(has_flag(m.attributes, flag::rtcp_mux));
    EXPECT_EQ(*find<setup_role>(m.attributes), setup_role::actpass);
    EXPECT_EQ(find<fingerprint>(m.attributes)->hash_function, "sha-256");
    EXPECT_TRUE(fingerprint_valid("sha-256", find<fingerprint>(m.attributes)->value));
    EXPECT_EQ(find<ice_ufrag>(m.attributes)->value, "Qx7v");
    EXPECT_EQ(find<ice_options>(m.attributes)->tags, std::vector<std::string>{"trickle"});
    EXPECT_EQ(find_all<candidate>(m.attributes).size(), 1u);
    EXPECT_EQ(m.mid_value(), "0");
    EXPECT_EQ(find<group>(sd.attributes)->mids, std::vector<std::string>{"0"});
    EXPECT_EQ(sd.direction_of(m), direction::sendrecv);
    EXPECT_EQ(find<ssrc>(m.attributes)->value, "4TOk42mSjXCkVIa6");
    EXPECT_NE(wire.find("a=msid:stream track\r\n"), std::string::npos);
    EXPECT_NE(wire.find("a=msid-semantic: WMS stream\r\n"), std::string::npos);
}

TEST(SdpWebrtc, AnswerToChromeOffer) {
    auto offer = parse(load("chrome_offer.sdp"));
    ASSERT_TRUE(offer.has_value());
    auto answer = build_webrtc_audio_answer(*offer, params());
    ASSERT_TRUE(answer.has_value());
    const media_description& m = answer->media.at(0);
    EXPECT_EQ(m.formats, (std::vector<std::string>{"111", "110"}));
    EXPECT_EQ(find_rtpmap(m.attributes, 110)->clock_rate, 48000u);
    EXPECT_EQ(*find<setup_role>(m.attributes), setup_role::active);  // RFC 5763 §5
    EXPECT_EQ(answer->direction_of(m), direction::sendrecv);
    EXPECT_TRUE(check_answer(*offer, *answer).empty());
    auto reparsed = parse(serialize(*answer));
    ASSERT_TRUE(reparsed.has_value());
    EXPECT_TRUE(*reparsed == *answer);
}

TEST(SdpWebrtc, AnswerToHoldIsRecvonly) {
    auto offer = parse(load("hold_reoffer.sdp"));
    ASSERT_TRUE(offer.has_value());
    auto answer = build_webrtc_audio_answer(*offer, params());
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->direction_of(answer->media[0]), direction::recvonly);
    EXPECT_EQ(answer->media[0].formats, (std::vector<std::string>{"111", "126"}));
    EXPECT_TRUE(check_answer(*offer, *answer).empty());
}

TEST(SdpWebrtc, AnswerFollowsFirefoxPayloadTypesAndRejectsOthers) {
    auto offer = parse(load("chrome_audio_video_data.sdp"));
    ASSERT_TRUE(offer.has_value());
    auto answer = build_webrtc_audio_answer(*offer, params());
    ASSERT_TRUE(answer.has_value());
    ASSERT_EQ(answer->media.size(), 3u);
    EXPECT_EQ(answer->media[1].port, 0);
    EXPECT_EQ(answer->media[1].mid_value(), "1");
    EXPECT_EQ(answer->media[2].formats, std::vector<std::string>{"webrtc-datachannel"});
    EXPECT_TRUE(check_answer(*offer, *answer).empty());

    auto ff = parse(load("firefox_offer.sdp"));
    ASSERT_TRUE(ff.has_value());
    auto ffa = build_webrtc_audio_answer(*ff, params());
    ASSERT_TRUE(ffa.has_value());
    EXPECT_EQ(ffa->media[0].formats, (std::vector<std::string>{"109", "101"}));
}

TEST(SdpWebrtc, SetupRoleAnswersTheOffer) {
    auto offer = parse(load("rtpengine_answer.sdp"));  // says setup:active
    ASSERT_TRUE(offer.has_value());
    auto answer = build_webrtc_audio_answer(*offer, params());
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(*find<setup_role>(answer->media[0].attributes), setup_role::passive);
    EXPECT_EQ(find<group>(answer->attributes), nullptr);  // the offer had no BUNDLE
}

TEST(SdpWebrtc, NegotiationErrors) {
    auto trunk = parse(load("sip_trunk_offer.sdp"));
    ASSERT_TRUE(trunk.has_value());
    auto a = build_webrtc_audio_answer(*trunk, params());
    ASSERT_FALSE(a.has_value());
    EXPECT_EQ(a.error(), negotiation_error::no_opus);
    session_description empty;
    auto b = build_webrtc_audio_answer(empty, params());
    ASSERT_FALSE(b.has_value());
    EXPECT_EQ(b.error(), negotiation_error::no_audio);
}

TEST(SdpWebrtc, AnIpv6AddressIsDeclaredIp6) {
    webrtc_audio_params p = params();
    p.origin_address = "::1";
    p.connection_address = "::1";
    p.candidates[0].address = "::1";
    const session_description sd = build_webrtc_audio(p);
    EXPECT_EQ(sd.origin.addrtype, "IP6");
    ASSERT_EQ(sd.media[0].connections.size(), 1u);
    EXPECT_EQ(sd.media[0].connections[0].addrtype, "IP6");
    EXPECT_EQ(sd.media[0].connections[0].address, "::1");
    const std::string wire = serialize(sd);
    EXPECT_NE(wire.find("c=IN IP6 ::1\r\n"), std::string::npos) << wire;
    EXPECT_NE(wire.find("o=- 4611731400430051336 "), std::string::npos) << wire;
    auto back = parse(wire);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_TRUE(*back == sd);
    // An IPv4 address keeps IP4.
    EXPECT_EQ(build_webrtc_audio(params()).media[0].connections[0].addrtype, "IP4");
}

}  // namespace
}  // namespace ringstorm::sdp
