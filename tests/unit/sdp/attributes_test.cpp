// Every typed attribute: parse from its wire value, check the fields, serialize back to
// the same line; plus the fmtp, fingerprint and candidate helpers.

#include <string>

#include <gtest/gtest.h>

#include "media/sdp/attributes.hpp"

namespace ringstorm::sdp {
namespace {

// Parses "name[:value]" as the SDP parser would split an a= line.
attribute parse_line(std::string_view line) {
    const std::size_t colon = line.find(':');
    std::optional<std::string_view> value;
    if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
    }
    auto r = parse_attribute(line.substr(0, colon), value, line.data());
    EXPECT_TRUE(r.has_value()) << line << ": " << (r ? "" : r.error().detail);
    return r ? std::move(r).value() : attribute{};
}

std::string wire(const attribute& a) {
    std::string out;
    serialize_attribute(a, out);
    return out;
}

// The line parses to T and writes back byte for byte.
template <class T>
T round_trip(std::string_view line) {
    const attribute a = parse_line(line);
    EXPECT_TRUE(std::holds_alternative<T>(a)) << line;
    EXPECT_EQ(wire(a), "a=" + std::string(line) + "\r\n");
    return std::holds_alternative<T>(a) ? std::get<T>(a) : T{};
}

TEST(SdpAttributes, Directions) {
    EXPECT_EQ(round_trip<direction>("sendrecv"), direction::sendrecv);
    EXPECT_EQ(round_trip<direction>("sendonly"), direction::sendonly);
    EXPECT_EQ(round_trip<direction>("recvonly"), direction::recvonly);
    EXPECT_EQ(round_trip<direction>("inactive"), direction::inactive);
}

TEST(SdpAttributes, Flags) {
    EXPECT_EQ(round_trip<flag>("rtcp-mux"), flag::rtcp_mux);
    EXPECT_EQ(round_trip<flag>("rtcp-rsize"), flag::rtcp_rsize);
    EXPECT_EQ(round_trip<flag>("ice-lite"), flag::ice_lite);
    EXPECT_EQ(round_trip<flag>("end-of-candidates"), flag::end_of_candidates);
}

TEST(SdpAttributes, Setup) {
    EXPECT_EQ(round_trip<setup_role>("setup:active"), setup_role::active);
    EXPECT_EQ(round_trip<setup_role>("setup:passive"), setup_role::passive);
    EXPECT_EQ(round_trip<setup_role>("setup:actpass"), setup_role::actpass);
    EXPECT_EQ(round_trip<setup_role>("setup:holdconn"), setup_role::holdconn);
}

TEST(SdpAttributes, Rtpmap) {
    const rtpmap opus = round_trip<rtpmap>("rtpmap:111 opus/48000/2");
    EXPECT_EQ(opus, (rtpmap{111, "opus", 48000, 2}));
    EXPECT_EQ(round_trip<rtpmap>("rtpmap:126 telephone-event/8000"),
              (rtpmap{126, "telephone-event", 8000, std::nullopt}));
    EXPECT_EQ(round_trip<rtpmap>("rtpmap:110 telephone-event/48000").clock_rate, 48000u);
    EXPECT_EQ(round_trip<rtpmap>("rtpmap:0 PCMU/8000").payload_type, 0);
    EXPECT_EQ(round_trip<rtpmap>("rtpmap:127 L16/44100/2").payload_type, 127);
}

TEST(SdpAttributes, FmtpAndItsParameters) {
    const fmtp f = round_trip<fmtp>("fmtp:111 minptime=10;useinbandfec=1");
    EXPECT_EQ(f.payload_type, 111);
    EXPECT_EQ(fmtp_value(f.parameters, "minptime"), "10");
    EXPECT_EQ(fmtp_value(f.parameters, "USEINBANDFEC"), "1");
    EXPECT_EQ(fmtp_value(f.parameters, "stereo"), std::nullopt);
    const auto params = split_fmtp("maxplaybackrate=48000; stereo = 1 ;;useinbandfec=1");
    ASSERT_EQ(params.size(), 3u);
    EXPECT_EQ(params[1].key, "stereo");
    EXPECT_EQ(params[1].value, "1");
    const fmtp te = round_trip<fmtp>("fmtp:101 0-16");
    const auto events = split_fmtp(te.parameters);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].key, "0-16");
    EXPECT_TRUE(events[0].value.empty());
    EXPECT_EQ(round_trip<fmtp>("fmtp:63 111/111").parameters, "111/111");
}

TEST(SdpAttributes, RtcpFb) {
    EXPECT_EQ(round_trip<rtcp_fb>("rtcp-fb:111 transport-cc"), (rtcp_fb{111, "transport-cc", ""}));
    EXPECT_EQ(round_trip<rtcp_fb>("rtcp-fb:96 nack pli"), (rtcp_fb{96, "nack", "pli"}));
    EXPECT_EQ(round_trip<rtcp_fb>("rtcp-fb:* ccm fir"), (rtcp_fb{std::nullopt, "ccm", "fir"}));
}

TEST(SdpAttributes, Fingerprint) {
    const std::string fp =
        "2D:71:16:42:B7:26:B0:44:01:62:7C:A9:FB:AC:32:F5:C8:53:0F:B1:90:3C:C4:DB:02:25:87:17:92:1A:"
        "48:81";
    const fingerprint f = round_trip<fingerprint>("fingerprint:sha-256 " + fp);
    EXPECT_EQ(f.hash_function, "sha-256");
    EXPECT_EQ(f.value, fp);
    EXPECT_EQ(fingerprint_length("SHA-256"), 32u);
    EXPECT_EQ(fingerprint_length("sha-1"), 20u);
    EXPECT_EQ(fingerprint_length("sha-512"), 64u);
    EXPECT_EQ(fingerprint_length("x-new"), 0u);
    EXPECT_TRUE(fingerprint_valid("sha-256", fp));
    EXPECT_TRUE(fingerprint_valid("x-new", "AB:CD"));  // unknown hash: shape only
    EXPECT_FALSE(fingerprint_valid("sha-256", fp.substr(0, fp.size() - 3)));
    EXPECT_FALSE(fingerprint_valid("sha-1", "AB:CD"));
    EXPECT_FALSE(fingerprint_valid("sha-256", "AB-CD"));
    EXPECT_FALSE(fingerprint_valid("sha-256", "A"));
    EXPECT_FALSE(fingerprint_valid("sha-256", ""));
    EXPECT_FALSE(fingerprint_valid("", "AB"));
}

TEST(SdpAttributes, IceCredentialsAndOptions) {
    EXPECT_EQ(round_trip<ice_ufrag>("ice-ufrag:Qx7v").value, "Qx7v");
    EXPECT_EQ(round_trip<ice_pwd>("ice-pwd:kR3m9P0qZl2sWc8yBn4t+d/F").value,
              "kR3m9P0qZl2sWc8yBn4t+d/F");
    EXPECT_EQ(round_trip<ice_options>("ice-options:trickle ice2").tags,
              (std::vector<std::string>{"trickle", "ice2"}));
}

TEST(SdpAttributes, Candidate) {
    const candidate c = round_trip<candidate>(
        "candidate:842163049 1 udp 1677729535 203.0.113.45 54512 typ srflx raddr 0.0.0.0 rport 0 "
        "generation 0 network-cost 999");
    EXPECT_EQ(c.foundation, "842163049");
    EXPECT_EQ(c.priority, 1677729535u);
    EXPECT_EQ(c.port, 54512);
    EXPECT_EQ(c.type, candidate_type::srflx);
    EXPECT_EQ(c.related_address, "0.0.0.0");
    EXPECT_EQ(c.related_port, 0);
    EXPECT_EQ(c.extension("network-cost"), "999");
    EXPECT_EQ(c.extension("ufrag"), std::nullopt);
    EXPECT_EQ(round_trip<candidate>("candidate:a+/B 2 TCP 1 ::1 9 typ prflx tcptype passive").type,
              candidate_type::prflx);
}

TEST(SdpAttributes, TrickleCandidateStrings) {
    // The form a JS RTCIceCandidate or an RFC 8840 sdpfrag carries.
    auto r = parse_candidate("candidate:1 1 UDP 2130706431 10.0.0.1 5000 typ host");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(to_string(*r), "candidate:1 1 UDP 2130706431 10.0.0.1 5000 typ host");
    EXPECT_TRUE(parse_candidate("a=candidate:1 1 udp 1 10.0.0.1 5 typ relay").has_value());
    EXPECT_TRUE(parse_candidate("1 1 udp 1 10.0.0.1 5 typ relay").has_value());
    auto bad = parse_candidate("candidate:1 1 udp 1 10.0.0.1 5 typ nope");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().offset, 35u);
    EXPECT_EQ(bad.error().column, 36u);
    EXPECT_FALSE(parse_candidate("").has_value());
    EXPECT_FALSE(parse_candidate("candidate:").has_value());
    // A foundation is at most 32 ice-chars (RFC 8839 §5.1).
    EXPECT_FALSE(
        parse_candidate(std::string(33, 'a') + " 1 udp 1 10.0.0.1 5 typ host").has_value());
}

TEST(SdpAttributes, RtcpMidGroupMsid) {
    EXPECT_EQ(round_trip<rtcp_address>("rtcp:9 IN IP4 0.0.0.0"),
              (rtcp_address{9, "IN", "IP4", "0.0.0.0"}));
    EXPECT_EQ(round_trip<rtcp_address>("rtcp:53020"), (rtcp_address{53020, "", "", ""}));
    EXPECT_EQ(round_trip<mid>("mid:audio").value, "audio");
    EXPECT_EQ(round_trip<group>("group:BUNDLE 0 1"), (group{"BUNDLE", {"0", "1"}}));
    EXPECT_EQ(round_trip<group>("group:LS a b").semantics, "LS");
    EXPECT_EQ(round_trip<group>("group:BUNDLE").mids.size(), 0u);
    EXPECT_EQ(round_trip<msid>("msid:stream track"), (msid{"stream", std::string("track")}));
    EXPECT_EQ(round_trip<msid>("msid:-").appdata, std::nullopt);
    EXPECT_EQ(round_trip<msid_semantic>("msid-semantic: WMS s1 s2"),
              (msid_semantic{"WMS", {"s1", "s2"}}));
    // Without the space Chrome writes, it still parses (and is written Chrome's way).
    EXPECT_EQ(std::get<msid_semantic>(parse_line("msid-semantic:WMS *")).ids,
              std::vector<std::string>{"*"});
}

TEST(SdpAttributes, SsrcAndGroups) {
    const ssrc s = round_trip<ssrc>("ssrc:3735928559 msid:stream track");
    EXPECT_EQ(s.id, 3735928559u);
    EXPECT_EQ(s.attribute, "msid");
    EXPECT_EQ(s.value, "stream track");
    EXPECT_EQ(round_trip<ssrc>("ssrc:1 mslabel").value, std::nullopt);
    EXPECT_EQ(round_trip<ssrc>("ssrc:1 cname:").value, "");
    EXPECT_EQ(round_trip<ssrc_group>("ssrc-group:FID 1 2"), (ssrc_group{"FID", {1, 2}}));
}

TEST(SdpAttributes, Crypto) {
    const crypto c = round_trip<crypto>(
        "crypto:1 AES_CM_128_HMAC_SHA1_80 "
        "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32 "
        "KDR=1 UNENCRYPTED_SRTCP");
    EXPECT_EQ(c.tag, 1u);
    EXPECT_EQ(c.suite, "AES_CM_128_HMAC_SHA1_80");
    EXPECT_EQ(c.session_params, (std::vector<std::string>{"KDR=1", "UNENCRYPTED_SRTCP"}));
}

TEST(SdpAttributes, Extmap) {
    const extmap e = round_trip<extmap>("extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level");
    EXPECT_EQ(e.id, 1);
    EXPECT_EQ(e.dir, std::nullopt);
    const extmap f = round_trip<extmap>("extmap:4096/sendonly urn:x:y vad=on");
    EXPECT_EQ(f.id, 4096);
    EXPECT_EQ(f.dir, direction::sendonly);
    EXPECT_EQ(f.attributes, "vad=on");
    // RFC 8285: ids 256..4095 are neither one-byte, two-byte nor local.
    const std::string_view bad = "extmap:300 urn:x";
    auto r = parse_attribute(bad.substr(0, 6), bad.substr(7), bad.data());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().offset, 7u);
}

TEST(SdpAttributes, PtimeAndMaxptime) {
    EXPECT_EQ(round_trip<ptime>("ptime:20").ms, 20u);
    EXPECT_EQ(round_trip<maxptime>("maxptime:120").ms, 120u);
    EXPECT_EQ(std::get<generic_attribute>(parse_line("ptime:0.125")).value, "0.125");
}

TEST(SdpAttributes, UnknownAttributesKeptVerbatim) {
    const auto g = round_trip<generic_attribute>("extmap-allow-mixed");
    EXPECT_EQ(g.name, "extmap-allow-mixed");
    EXPECT_EQ(g.value, std::nullopt);
    EXPECT_EQ(round_trip<generic_attribute>("x-weird: a  b ").value, " a  b ");
    EXPECT_EQ(round_trip<generic_attribute>("x-empty:").value, "");
    // Names are case-sensitive: "RTPMAP" is not the rtpmap attribute.
    EXPECT_TRUE(std::holds_alternative<generic_attribute>(parse_line("RTPMAP:foo")));
}

TEST(SdpAttributes, ListHelpers) {
    attribute_list attrs;
    attrs.emplace_back(mid{"0"});
    attrs.emplace_back(direction::sendonly);
    attrs.emplace_back(flag::rtcp_mux);
    attrs.emplace_back(direction::inactive);
    EXPECT_EQ(find_direction(attrs), direction::sendonly);
    set_direction(attrs, direction::recvonly);
    ASSERT_EQ(attrs.size(), 3u);  // the duplicate is gone, the position kept
    EXPECT_EQ(std::get<direction>(attrs[1]), direction::recvonly);
    attrs.erase(attrs.begin() + 1);
    set_direction(attrs, direction::sendrecv);
    EXPECT_EQ(std::get<direction>(attrs.back()), direction::sendrecv);
    EXPECT_TRUE(has_flag(attrs, flag::rtcp_mux));
    EXPECT_FALSE(has_flag(attrs, flag::ice_lite));
    EXPECT_EQ(attribute_name(attrs[0]), "mid");
    EXPECT_EQ(find_rtpmap(attrs, 111), nullptr);
}

}  // namespace
}  // namespace ringstorm::sdp
