// Canonical serialization and round trips: parse(serialize(x)) == x for built and parsed
// descriptions, and realistic descriptions already in canonical form come back byte for byte.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"

namespace ringstorm::sdp {
namespace {

std::string load(const std::string& name) {
    std::ifstream in(std::string(RINGSTORM_SOURCE_DIR) + "/tests/fuzz/sdp_fuzz_seeds/" + name,
                     std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void expect_round_trip(const session_description& sd) {
    const std::string wire = serialize(sd);
    auto back = parse(wire);
    ASSERT_TRUE(back.has_value()) << back.error().to_string() << "\n" << wire;
    EXPECT_TRUE(*back == sd) << wire;
    EXPECT_EQ(serialize(*back), wire);
}

TEST(SdpSerializer, EverySeedRoundTrips) {
    for (const char* name : {"chrome_offer.sdp", "firefox_offer.sdp", "rtpengine_answer.sdp",
                             "sip_trunk_offer.sdp", "hold_reoffer.sdp", "sdes_offer.sdp",
                             "chrome_audio_video_data.sdp", "trickle_answer.sdp"}) {
        SCOPED_TRACE(name);
        const std::string text = load(name);
        ASSERT_FALSE(text.empty());
        auto sd = parse(text);
        ASSERT_TRUE(sd.has_value()) << sd.error().to_string();
        expect_round_trip(*sd);
    }
}

TEST(SdpSerializer, CanonicalInputComesBackByteForByte) {
    // These are written in the canonical order with CRLF, so nothing may move or change.
    for (const char* name :
         {"chrome_offer.sdp", "rtpengine_answer.sdp", "hold_reoffer.sdp", "sdes_offer.sdp",
          "chrome_audio_video_data.sdp", "trickle_answer.sdp"}) {
        SCOPED_TRACE(name);
        const std::string text = load(name);
        auto sd = parse(text);
        ASSERT_TRUE(sd.has_value());
        EXPECT_EQ(serialize(*sd), text);
    }
}

TEST(SdpSerializer, BareLfBecomesCrlf) {
    const std::string text = load("sip_trunk_offer.sdp");
    auto sd = parse(text);
    ASSERT_TRUE(sd.has_value());
    std::string crlf;
    for (char c : text) {
        if (c == '\n') {
            crlf += '\r';
        }
        crlf += c;
    }
    EXPECT_EQ(serialize(*sd), crlf);
}

TEST(SdpSerializer, OptionalLinesInCanonicalOrder) {
    // Lines given out of the grammar's order inside a section still parse, and come out in
    // the RFC 8866 §5 order.
    const std::string text =
        "v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\ns=x\r\nt=0 0\r\nc=IN IP4 10.0.0.1\r\nb=AS:64\r\n"
        "m=audio 4000 RTP/AVP 0\r\na=sendrecv\r\nb=TIAS:64000\r\nc=IN IP4 10.0.0.2\r\ni=voice\r\n";
    auto sd = parse(text);
    ASSERT_TRUE(sd.has_value()) << sd.error().to_string();
    EXPECT_EQ(serialize(*sd),
              "v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\ns=x\r\nc=IN IP4 10.0.0.1\r\nb=AS:64\r\nt=0 0\r\n"
              "m=audio 4000 RTP/AVP 0\r\ni=voice\r\nc=IN IP4 10.0.0.2\r\nb=TIAS:64000\r\n"
              "a=sendrecv\r\n");
    expect_round_trip(*sd);
}

TEST(SdpSerializer, BuiltDescriptionWithEveryAttributeType) {
    session_description sd;
    sd.origin = origin{"alice", 18446744073709551615ull, 7, "IN", "IP6", "2001:db8::1"};
    sd.session_name = "call";
    sd.information = "info";
    sd.uri = "https://example.com/";
    sd.emails = {"a@example.com"};
    sd.phones = {"+1 555 0100"};
    sd.connection = connection{"IN", "IP6", "2001:db8::1"};
    sd.bandwidths = {{"CT", 128}};
    sd.times = {timing{1, 2, {"7d 1h 0 25h"}}, timing{3, 4, {}}};
    sd.zone_adjustments = "2882844526 -1h";
    sd.key = "clear:secret";
    sd.attributes = {group{"BUNDLE", {"a0"}}, msid_semantic{"WMS", {"s"}}, flag::ice_lite,
                     direction::sendrecv, generic_attribute{"x-session", std::nullopt}};
    media_description m;
    m.media = "audio";
    m.port = 50000;
    m.port_count = 2;
    m.proto = "UDP/TLS/RTP/SAVPF";
    m.formats = {"111", "126"};
    m.information = "mic";
    m.connections = {connection{"IN", "IP4", "224.2.1.1/127/3"}};
    m.bandwidths = {{"AS", 64}, {"TIAS", 64000}};
    m.key = "prompt";
    candidate c;
    c.foundation = "1";
    c.priority = 2130706431;
    c.address = "10.0.0.1";
    c.port = 50000;
    c.type = candidate_type::relay;
    c.related_address = "192.0.2.1";
    c.related_port = 3478;
    c.extensions = {{"generation", "0"}, {"network-id", "2"}};
    m.attributes = {
        rtcp_address{50001, "IN", "IP4", "10.0.0.1"},
        c,
        flag::end_of_candidates,
        ice_ufrag{"abcd"},
        ice_pwd{"0123456789012345678901"},
        ice_options{{"trickle"}},
        fingerprint{"sha-1", "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB"},
        setup_role::passive,
        mid{"a0"},
        extmap{3, direction::recvonly, "urn:ietf:params:rtp-hdrext:sdes:mid", ""},
        direction::sendonly,
        msid{"s", std::string("t")},
        flag::rtcp_mux,
        flag::rtcp_rsize,
        rtpmap{111, "opus", 48000, 2},
        rtcp_fb{111, "transport-cc", ""},
        rtcp_fb{std::nullopt, "nack", "pli"},
        fmtp{111, "minptime=10;useinbandfec=1"},
        rtpmap{126, "telephone-event", 8000, std::nullopt},
        fmtp{126, "0-16"},
        ptime{20},
        maxptime{120},
        ssrc{42, "cname", std::string("c")},
        ssrc_group{"FID", {42, 43}},
        crypto{1, "AES_CM_128_HMAC_SHA1_80", "inline:abc|2^20", {"KDR=1"}},
        generic_attribute{"x-media", std::string("v a l")},
    };
    sd.media = {m, m};
    sd.media[1].media = "video";
    sd.media[1].port = 0;
    sd.media[1].port_count.reset();
    expect_round_trip(sd);
    const std::string wire = serialize(sd);
    EXPECT_NE(wire.find("m=audio 50000/2 UDP/TLS/RTP/SAVPF 111 126\r\n"), std::string::npos);
    EXPECT_NE(wire.find("a=candidate:1 1 udp 2130706431 10.0.0.1 50000 typ relay raddr 192.0.2.1 "
                        "rport 3478 generation 0 network-id 2\r\n"),
              std::string::npos);
    EXPECT_NE(wire.find("a=extmap:3/recvonly urn:ietf:params:rtp-hdrext:sdes:mid\r\n"),
              std::string::npos);
    EXPECT_NE(wire.find("o=alice 18446744073709551615 7 IN IP6 2001:db8::1\r\n"),
              std::string::npos);
    EXPECT_EQ(wire.find('\n'), wire.find("\r\n") + 1);
}

TEST(SdpSerializer, DefaultDescriptionIsValid) {
    // The defaults (v=0, o=- 0 0 IN IP4 127.0.0.1, s=-, t=0 0) form a legal description.
    expect_round_trip(session_description{});
    EXPECT_EQ(serialize(session_description{}),
              "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
}

TEST(SdpSerializer, AppendsToExistingBuffer) {
    std::string out = "prefix";
    serialize(session_description{}, out);
    EXPECT_EQ(out.rfind("prefixv=0\r\n", 0), 0u);
}

}  // namespace
}  // namespace ringstorm::sdp
