// Parsing realistic session descriptions: Chrome and Firefox WebRTC offers, an rtpengine
// answer, a plain RTP/AVP SIP trunk offer (bare LF), an SDES offer with every session line.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "media/sdp/parser.hpp"

namespace ringstorm::sdp {
namespace {

std::string load(const std::string& name) {
    std::ifstream in(std::string(RINGSTORM_SOURCE_DIR) + "/tests/fuzz/sdp_fuzz_seeds/" + name,
                     std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

session_description parse_ok(const std::string& text) {
    auto r = parse(text);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string());
    return r ? std::move(r).value() : session_description{};
}

TEST(SdpParser, ChromeOfferSessionLevel) {
    const std::string text = load("chrome_offer.sdp");
    ASSERT_FALSE(text.empty());
    const session_description sd = parse_ok(text);
    EXPECT_EQ(sd.version, 0u);
    EXPECT_EQ(sd.origin.username, "-");
    EXPECT_EQ(sd.origin.session_id, 4611731400430051336ull);
    EXPECT_EQ(sd.origin.session_version, 2u);
    EXPECT_EQ(sd.origin.address, "127.0.0.1");
    EXPECT_EQ(sd.session_name, "-");
    ASSERT_EQ(sd.times.size(), 1u);
    EXPECT_EQ(sd.times[0].start, 0u);
    const group* g = find<group>(sd.attributes);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->semantics, "BUNDLE");
    EXPECT_EQ(g->mids, std::vector<std::string>{"0"});
    EXPECT_NE(find_generic(sd.attributes, "extmap-allow-mixed"), nullptr);
    const msid_semantic* ms = find<msid_semantic>(sd.attributes);
    ASSERT_NE(ms, nullptr);
    EXPECT_EQ(ms->semantic, "WMS");
    EXPECT_EQ(ms->ids.size(), 1u);
}

TEST(SdpParser, ChromeOfferAudioSection) {
    const session_description sd = parse_ok(load("chrome_offer.sdp"));
    ASSERT_EQ(sd.media.size(), 1u);
    const media_description& m = sd.media[0];
    EXPECT_EQ(m.media, "audio");
    EXPECT_EQ(m.port, 54512);
    EXPECT_EQ(m.proto, "UDP/TLS/RTP/SAVPF");
    EXPECT_TRUE(m.is_rtp());
    EXPECT_EQ(m.formats,
              (std::vector<std::string>{"111", "63", "9", "0", "8", "13", "110", "126"}));
    ASSERT_EQ(m.connections.size(), 1u);
    EXPECT_EQ(m.connections[0].address, "203.0.113.45");
    EXPECT_EQ(sd.direction_of(m), direction::sendrecv);
    EXPECT_EQ(m.mid_value(), "0");
    EXPECT_TRUE(has_flag(m.attributes, flag::rtcp_mux));
    EXPECT_FALSE(has_flag(m.attributes, flag::rtcp_rsize));
    EXPECT_EQ(find<ice_ufrag>(m.attributes)->value, "Qx7v");
    EXPECT_EQ(find<ice_pwd>(m.attributes)->value, "kR3m9P0qZl2sWc8yBn4tHd1F");
    EXPECT_EQ(find<ice_options>(m.attributes)->tags, std::vector<std::string>{"trickle"});
    EXPECT_EQ(*find<setup_role>(m.attributes), setup_role::actpass);
    EXPECT_EQ(find<fingerprint>(m.attributes)->hash_function, "sha-256");
    const rtpmap* opus = find_rtpmap(m.attributes, 111);
    ASSERT_NE(opus, nullptr);
    EXPECT_EQ(opus->encoding, "opus");
    EXPECT_EQ(opus->clock_rate, 48000u);
    EXPECT_EQ(opus->channels, 2u);
    EXPECT_EQ(find_fmtp(m.attributes, 111)->parameters, "minptime=10;useinbandfec=1");
    EXPECT_EQ(find_rtpmap(m.attributes, 126)->encoding, "telephone-event");
    EXPECT_EQ(find_rtpmap(m.attributes, 110)->clock_rate, 48000u);
    EXPECT_EQ(find_rtpmap(m.attributes, 0)->channels, std::nullopt);
    EXPECT_EQ(find_all<extmap>(m.attributes).size(), 4u);
    const rtcp_address* rtcp = find<rtcp_address>(m.attributes);
    ASSERT_NE(rtcp, nullptr);
    EXPECT_EQ(rtcp->port, 9);
    EXPECT_EQ(rtcp->address, "0.0.0.0");
    const auto ssrcs = find_all<ssrc>(m.attributes);
    ASSERT_EQ(ssrcs.size(), 2u);
    EXPECT_EQ(ssrcs[0]->id, 3735928559u);
    EXPECT_EQ(ssrcs[0]->attribute, "cname");
    EXPECT_EQ(ssrcs[1]->value,
              "5e2b0a0c-2f1d-4a1e-9d3b-7c1f3a6b8e21 9b1c6a2e-7f44-4d3c-a1e8-2c5d0f9e7b13");
    const msid* ms = find<msid>(m.attributes);
    ASSERT_NE(ms, nullptr);
    EXPECT_EQ(ms->appdata, "9b1c6a2e-7f44-4d3c-a1e8-2c5d0f9e7b13");
}

TEST(SdpParser, ChromeOfferCandidates) {
    const session_description sd = parse_ok(load("chrome_offer.sdp"));
    const auto cands = find_all<candidate>(sd.media.at(0).attributes);
    ASSERT_EQ(cands.size(), 3u);
    EXPECT_EQ(cands[0]->foundation, "3077231862");
    EXPECT_EQ(cands[0]->component, 1u);
    EXPECT_EQ(cands[0]->transport, "udp");
    EXPECT_EQ(cands[0]->priority, 2113937151u);
    EXPECT_EQ(cands[0]->address, "3fd2d5d2-2b9c-4fa6-a36b-1b3c9b6a4b6f.local");
    EXPECT_EQ(cands[0]->type, candidate_type::host);
    EXPECT_EQ(cands[0]->extension("generation"), "0");
    EXPECT_EQ(cands[0]->extension("network-cost"), "999");
    EXPECT_EQ(cands[1]->type, candidate_type::srflx);
    EXPECT_EQ(cands[1]->related_address, "0.0.0.0");
    EXPECT_EQ(cands[1]->related_port, 0);
    EXPECT_EQ(cands[2]->transport, "tcp");
    EXPECT_EQ(cands[2]->extension("tcptype"), "active");
    EXPECT_EQ(cands[2]->extensions.size(), 4u);
}

TEST(SdpParser, FirefoxOffer) {
    const session_description sd = parse_ok(load("firefox_offer.sdp"));
    EXPECT_EQ(sd.origin.username, "mozilla...THIS_IS_SDPARTA-99.0");
    EXPECT_EQ(sd.origin.session_id, 8329133010296286880ull);
    // Firefox puts fingerprint and ice-options at session level.
    EXPECT_NE(find<fingerprint>(sd.attributes), nullptr);
    EXPECT_EQ(find<msid_semantic>(sd.attributes)->ids, std::vector<std::string>{"*"});
    const media_description& m = sd.media.at(0);
    EXPECT_EQ(m.port, 9);
    EXPECT_EQ(find_rtpmap(m.attributes, 109)->encoding, "opus");
    EXPECT_EQ(find_rtpmap(m.attributes, 101)->channels, 1u);
    const auto ext = find_all<extmap>(m.attributes);
    ASSERT_EQ(ext.size(), 3u);
    EXPECT_EQ(ext[1]->id, 2);
    EXPECT_EQ(ext[1]->dir, direction::recvonly);
    EXPECT_EQ(ext[1]->uri, "urn:ietf:params:rtp-hdrext:csrc-audio-level");
    EXPECT_EQ(find<msid>(m.attributes)->id, "{7a1e0b2c-3d4f-5a6b-7c8d-9e0f1a2b3c4d}");
}

TEST(SdpParser, RtpengineAnswer) {
    const session_description sd = parse_ok(load("rtpengine_answer.sdp"));
    EXPECT_TRUE(has_flag(sd.attributes, flag::ice_lite));
    const media_description& m = sd.media.at(0);
    EXPECT_EQ(*find<setup_role>(m.attributes), setup_role::active);
    EXPECT_TRUE(has_flag(m.attributes, flag::end_of_candidates));
    const rtcp_address* rtcp = find<rtcp_address>(m.attributes);
    ASSERT_NE(rtcp, nullptr);
    EXPECT_EQ(rtcp->port, 30000);
    EXPECT_TRUE(rtcp->address.empty());
    EXPECT_EQ(find<ptime>(m.attributes)->ms, 20u);
    const auto cands = find_all<candidate>(m.attributes);
    ASSERT_EQ(cands.size(), 2u);
    EXPECT_EQ(cands[0]->transport, "UDP");
    EXPECT_EQ(cands[1]->address, "2001:db8::10");
    EXPECT_EQ(find_generic(m.attributes, "tls-id")->value, "6f1d2c3b4a59687766554433221100ff");
}

TEST(SdpParser, SipTrunkOfferWithBareLf) {
    const std::string text = load("sip_trunk_offer.sdp");
    ASSERT_EQ(text.find('\r'), std::string::npos);
    const session_description sd = parse_ok(text);
    ASSERT_TRUE(sd.connection.has_value());
    EXPECT_EQ(sd.connection->address, "192.0.2.20");
    const media_description& m = sd.media.at(0);
    EXPECT_EQ(m.proto, "RTP/AVP");
    EXPECT_EQ(m.port, 17562);
    ASSERT_EQ(m.bandwidths.size(), 1u);
    EXPECT_EQ(m.bandwidths[0].type, "AS");
    EXPECT_EQ(m.bandwidths[0].value, 84u);
    EXPECT_EQ(find<maxptime>(m.attributes)->ms, 150u);
    EXPECT_EQ(find_fmtp(m.attributes, 18)->parameters, "annexb=no");
    EXPECT_EQ(sd.connection_of(m), &*sd.connection);
    EXPECT_EQ(m.payload_types(), (std::vector<std::uint8_t>{0, 8, 18, 101, 13}));
}

TEST(SdpParser, SdesOfferEverySessionLine) {
    const session_description sd = parse_ok(load("sdes_offer.sdp"));
    EXPECT_EQ(sd.information, "SDES offer from a legacy gateway");
    EXPECT_EQ(sd.uri, "http://pbx.example.com/");
    EXPECT_EQ(sd.emails, std::vector<std::string>{"ops@example.com (NOC)"});
    EXPECT_EQ(sd.phones, std::vector<std::string>{"+1 555 0100"});
    ASSERT_EQ(sd.bandwidths.size(), 1u);
    EXPECT_EQ(sd.bandwidths[0].type, "CT");
    ASSERT_EQ(sd.times.size(), 1u);
    EXPECT_EQ(sd.times[0].start, 3034423619u);
    EXPECT_EQ(sd.times[0].repeats, std::vector<std::string>{"604800 3600 0 90000"});
    EXPECT_EQ(sd.zone_adjustments, "2882844526 -1h 2898848070 0");
    EXPECT_EQ(sd.key, "prompt");
    const media_description& m = sd.media.at(0);
    EXPECT_EQ(m.information, "main audio");
    EXPECT_EQ(m.bandwidths.at(0).type, "TIAS");
    EXPECT_EQ(m.bandwidths.at(0).value, 64000u);
    // Session-level recvonly is the default for the section (RFC 8866 §6.7).
    EXPECT_EQ(sd.direction_of(m), direction::recvonly);
    const auto cs = find_all<crypto>(m.attributes);
    ASSERT_EQ(cs.size(), 2u);
    EXPECT_EQ(cs[0]->tag, 1u);
    EXPECT_EQ(cs[0]->suite, "AES_CM_128_HMAC_SHA1_80");
    EXPECT_EQ(cs[0]->key_params, "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32");
    EXPECT_EQ(cs[1]->session_params, std::vector<std::string>{"UNENCRYPTED_SRTCP"});
    // A real-valued ptime is legal and kept verbatim.
    EXPECT_EQ(find<ptime>(m.attributes), nullptr);
    EXPECT_EQ(find_generic(m.attributes, "ptime")->value, "20.0");
    EXPECT_EQ(find_generic(m.attributes, "x-custom")->value, " keep me verbatim  ");
}

TEST(SdpParser, BundledAudioVideoData) {
    const session_description sd = parse_ok(load("chrome_audio_video_data.sdp"));
    ASSERT_EQ(sd.media.size(), 3u);
    EXPECT_EQ(find<group>(sd.attributes)->mids, (std::vector<std::string>{"0", "1", "2"}));
    const media_description* video = sd.find_media("1");
    ASSERT_NE(video, nullptr);
    EXPECT_EQ(video->media, "video");
    const auto fbs = find_all<rtcp_fb>(video->attributes);
    ASSERT_EQ(fbs.size(), 4u);
    EXPECT_EQ(fbs[2]->type, "nack");
    EXPECT_EQ(fbs[2]->parameter, "pli");
    EXPECT_EQ(fbs[3]->payload_type, std::nullopt);
    EXPECT_EQ(fbs[3]->parameter, "fir");
    const ssrc_group* fid = find<ssrc_group>(video->attributes);
    ASSERT_NE(fid, nullptr);
    EXPECT_EQ(fid->ssrcs, (std::vector<std::uint32_t>{2002, 2003}));
    const media_description* data = sd.first_media("application");
    ASSERT_NE(data, nullptr);
    EXPECT_FALSE(data->is_rtp());
    EXPECT_EQ(data->formats, std::vector<std::string>{"webrtc-datachannel"});
    EXPECT_EQ(find_generic(data->attributes, "sctp-port")->value, "5000");
}

TEST(SdpParser, TrickleAnswer) {
    const session_description sd = parse_ok(load("trickle_answer.sdp"));
    const media_description& m = sd.media.at(0);
    EXPECT_EQ(sd.direction_of(m), direction::recvonly);
    EXPECT_EQ(find<ice_options>(m.attributes)->tags, (std::vector<std::string>{"trickle", "ice2"}));
    EXPECT_EQ(find<fingerprint>(m.attributes)->hash_function, "sha-1");
    const auto cands = find_all<candidate>(m.attributes);
    ASSERT_EQ(cands.size(), 2u);
    EXPECT_EQ(cands[0]->component, 2u);
    EXPECT_EQ(cands[0]->type, candidate_type::relay);
    EXPECT_EQ(cands[0]->related_port, 6000);
    EXPECT_EQ(cands[0]->extension("ufrag"), "Ab3d");
    EXPECT_EQ(cands[1]->type, candidate_type::prflx);
}

TEST(SdpParser, TrailingBlankLinesAndMissingFinalNewline) {
    const std::string base = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0";
    EXPECT_TRUE(parse(base).has_value());
    EXPECT_TRUE(parse(base + "\r\n\r\n\r\n").has_value());
    EXPECT_TRUE(parse(base + "\n\n").has_value());
}

TEST(SdpParser, SessionWithoutMedia) {
    auto r = parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns= \r\nt=0 0\r\n");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->session_name, " ");
    EXPECT_TRUE(r->media.empty());
}

}  // namespace
}  // namespace ringstorm::sdp
