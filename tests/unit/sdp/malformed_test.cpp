// Malformed session descriptions: each is rejected with the right code and a location
// (line, column, byte offset, field) that points at the offending text.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "media/sdp/parser.hpp"

namespace ringstorm::sdp {
namespace {

const std::string head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
const std::string media = "m=audio 9 RTP/AVP 0 111\r\n";

struct bad_case {
    const char* name;
    std::string text;
    errc code;
    std::size_t line;
    std::size_t column;
    const char* field;
};

std::size_t line_offset(const std::string& text, std::size_t line) {
    std::size_t off = 0;
    for (std::size_t l = 1; l < line; ++l) {
        off = text.find('\n', off) + 1;
    }
    return off;
}

std::vector<bad_case> cases() {
    const std::string hm = head + media;
    return {
        {"empty", "", errc::missing_version, 1, 1, "v="},
        {"origin_first", "o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n", errc::missing_version, 1, 1, "v="},
        {"version_1", "v=1\r\n", errc::bad_version, 1, 3, "v="},
        {"second_version", head + "v=0\r\n", errc::misplaced_line, 5, 1, "v="},
        {"bad_sess_id", "v=0\r\no=- x 1 IN IP4 0.0.0.0\r\n", errc::bad_number, 2, 5, "o="},
        {"sess_id_overflow", "v=0\r\no=- 99999999999999999999 1 IN IP4 a\r\n", errc::bad_number, 2,
         5, "o="},
        {"origin_short", "v=0\r\no=- 1 1 IN IP4\r\n", errc::bad_origin, 2, 9, "o="},
        {"origin_long", "v=0\r\no=- 1 1 IN IP4 a b\r\n", errc::bad_origin, 2, 9, "o="},
        {"no_session_name", "v=0\r\no=- 1 1 IN IP4 a\r\nt=0 0\r\n" + media,
         errc::missing_session_name, 4, 1, "s="},
        {"no_timing", "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\n" + media, errc::missing_timing, 4, 1,
         "t="},
        {"no_origin_no_media", "v=0\r\ns=-\r\nt=0 0\r\n", errc::missing_origin, 3, 1, "o="},
        {"duplicate_s", "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\ns=x\r\n", errc::duplicate_line, 4, 1,
         "s="},
        {"duplicate_media_i", hm + "i=a\r\ni=b\r\n", errc::duplicate_line, 7, 1, "i="},
        {"timing_in_media", hm + "t=0 0\r\n", errc::misplaced_line, 6, 1, "t="},
        {"repeat_before_timing", "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nr=1 1 0\r\n",
         errc::misplaced_line, 4, 1, "r="},
        {"bad_timing", "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 x\r\n", errc::bad_timing, 4, 5, "t="},
        {"unknown_type", head + "x=foo\r\n", errc::unknown_line_type, 5, 1, "x="},
        {"space_before_equals", head + "a =foo\r\n", errc::bad_line, 5, 1, ""},
        {"no_equals", head + "hello\r\n", errc::bad_line, 5, 1, ""},
        {"nul_byte", head + std::string("s=a\0b\r\n", 7), errc::nul_byte, 5, 4, ""},
        {"bare_cr", head + "a=foo\rbar\r\n", errc::nul_byte, 5, 6, ""},
        {"blank_line_inside", head + "\r\n" + media, errc::bad_line, 5, 1, ""},
        {"connection_short", head + "c=IN IP4\r\n", errc::bad_connection, 5, 3, "c="},
        {"bandwidth_no_colon", head + "b=AS\r\n", errc::bad_bandwidth, 5, 3, "b="},
        {"bandwidth_not_number", head + "b=AS:x\r\n", errc::bad_number, 5, 6, "b="},
        {"port_too_big", head + "m=audio 70000 RTP/AVP 0\r\n", errc::bad_port, 5, 9, "m="},
        {"port_negative", head + "m=audio -1 RTP/AVP 0\r\n", errc::bad_port, 5, 9, "m="},
        {"port_count_zero", head + "m=audio 9/0 RTP/AVP 0\r\n", errc::bad_number, 5, 11, "m="},
        {"payload_type_300", head + "m=audio 9 RTP/AVP 0 300\r\n", errc::bad_payload_type, 5, 21,
         "m="},
        {"payload_type_word", head + "m=audio 9 UDP/TLS/RTP/SAVPF opus\r\n", errc::bad_payload_type,
         5, 29, "m="},
        {"no_formats", head + "m=audio 9 RTP/AVP\r\n", errc::bad_media, 5, 18, "m="},
        {"no_proto", head + "m=audio 9\r\n", errc::bad_media, 5, 10, "m="},
        {"rtpmap_pt_200", hm + "a=rtpmap:200 opus/48000/2\r\n", errc::bad_payload_type, 6, 10,
         "a=rtpmap"},
        {"rtpmap_no_clock", hm + "a=rtpmap:111 opus\r\n", errc::bad_attribute, 6, 14, "a=rtpmap"},
        {"rtpmap_bad_clock", hm + "a=rtpmap:111 opus/abc\r\n", errc::bad_number, 6, 19, "a=rtpmap"},
        {"rtpmap_zero_channels", hm + "a=rtpmap:111 opus/48000/0\r\n", errc::bad_number, 6, 25,
         "a=rtpmap"},
        {"fmtp_no_pt", hm + "a=fmtp:x minptime=10\r\n", errc::bad_payload_type, 6, 8, "a=fmtp"},
        {"rtcp_fb_bad_pt", hm + "a=rtcp-fb:abc nack\r\n", errc::bad_payload_type, 6, 11,
         "a=rtcp-fb"},
        {"fingerprint_short", hm + "a=fingerprint:sha-256 AB:CD\r\n", errc::bad_attribute, 6, 15,
         "a=fingerprint"},
        {"fingerprint_not_hex", hm + "a=fingerprint:sha-1 ZZ\r\n", errc::bad_attribute, 6, 15,
         "a=fingerprint"},
        {"setup_unknown", hm + "a=setup:maybe\r\n", errc::bad_attribute, 6, 9, "a=setup"},
        {"candidate_bad_type", hm + "a=candidate:1 1 udp 2130706431 10.0.0.1 5000 typ bogus\r\n",
         errc::bad_attribute, 6, 50, "a=candidate"},
        {"candidate_no_typ", hm + "a=candidate:1 1 udp 2130706431 10.0.0.1 5000 host\r\n",
         errc::bad_attribute, 6, 46, "a=candidate"},
        {"candidate_odd_extension",
         hm + "a=candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host generation\r\n",
         errc::bad_attribute, 6, 55, "a=candidate"},
        {"candidate_component_0", hm + "a=candidate:1 0 udp 1 10.0.0.1 5000 typ host\r\n",
         errc::bad_number, 6, 15, "a=candidate"},
        {"candidate_bad_port", hm + "a=candidate:1 1 udp 1 10.0.0.1 99999 typ host\r\n",
         errc::bad_port, 6, 32, "a=candidate"},
        {"candidate_bad_rport",
         hm + "a=candidate:1 1 udp 1 10.0.0.1 5 typ srflx raddr 0.0.0.0 rport x\r\n",
         errc::bad_port, 6, 64, "a=candidate"},
        {"direction_with_value", hm + "a=sendrecv:yes\r\n", errc::bad_attribute, 6, 12,
         "a=sendrecv"},
        {"mid_without_value", hm + "a=mid\r\n", errc::bad_attribute, 6, 6, "a=mid"},
        {"rtcp_port", hm + "a=rtcp:99999\r\n", errc::bad_port, 6, 8, "a=rtcp"},
        {"rtcp_half_address", hm + "a=rtcp:9 IN IP4\r\n", errc::bad_attribute, 6, 10, "a=rtcp"},
        {"ssrc_not_number", hm + "a=ssrc:abc cname:x\r\n", errc::bad_number, 6, 8, "a=ssrc"},
        {"extmap_zero", hm + "a=extmap:0 urn:x\r\n", errc::bad_number, 6, 10, "a=extmap"},
        {"extmap_bad_direction", hm + "a=extmap:1/both urn:x\r\n", errc::bad_attribute, 6, 10,
         "a=extmap"},
        {"crypto_tag_too_long", hm + "a=crypto:1234567890 AES inline:x\r\n", errc::bad_number, 6,
         10, "a=crypto"},
        {"crypto_no_key", hm + "a=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n", errc::bad_attribute, 6, 35,
         "a=crypto"},
        {"ptime_word", hm + "a=ptime:twenty\r\n", errc::bad_number, 6, 9, "a=ptime"},
        {"ice_ufrag_chars", hm + "a=ice-ufrag:bad!\r\n", errc::bad_attribute, 6, 13, "a=ice-ufrag"},
        {"ice_options_empty", hm + "a=ice-options: \r\n", errc::bad_attribute, 6, 15,
         "a=ice-options"},
        {"group_no_semantics", "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 0\r\na=group:\r\n",
         errc::bad_attribute, 5, 9, "a=group"},
        {"msid_three_words", hm + "a=msid:a b c\r\n", errc::bad_attribute, 6, 10, "a=msid"},
        {"attribute_bad_name", hm + "a=:x\r\n", errc::bad_attribute, 6, 3, "a="},
    };
}

TEST(SdpMalformed, EachCaseIsRejectedWithItsLocation) {
    for (const bad_case& c : cases()) {
        SCOPED_TRACE(c.name);
        auto r = parse(c.text);
        ASSERT_FALSE(r.has_value());
        const parse_error& e = r.error();
        EXPECT_EQ(e.code, c.code) << e.to_string();
        EXPECT_EQ(e.line, c.line) << e.to_string();
        EXPECT_EQ(e.column, c.column) << e.to_string();
        EXPECT_EQ(e.field, c.field) << e.to_string();
        EXPECT_FALSE(e.detail.empty());
        if (c.line > 0 && e.offset < c.text.size()) {
            EXPECT_EQ(e.offset, line_offset(c.text, c.line) + c.column - 1);
        } else {
            EXPECT_EQ(e.offset, c.text.size());
        }
    }
}

TEST(SdpMalformed, TooLarge) {
    parse_options opt;
    opt.max_size = 16;
    auto r = parse(head + media, opt);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::too_large);
}

TEST(SdpMalformed, ErrorTextNamesLineFieldAndReason) {
    auto r = parse(head + "m=audio 9 RTP/AVP 0 300\r\n");
    ASSERT_FALSE(r.has_value());
    const std::string s = r.error().to_string();
    EXPECT_NE(s.find("line 5, column 21"), std::string::npos) << s;
    EXPECT_NE(s.find("m="), std::string::npos) << s;
    EXPECT_NE(s.find("0..127"), std::string::npos) << s;
    const std::error_code ec = r.error().code;
    EXPECT_EQ(ec.category().name(), std::string("sdp"));
    EXPECT_EQ(ec.message(), "bad payload type");
}

// Every prefix of a valid description either parses or fails cleanly (no out-of-bounds
// read: the asan preset checks it) with an offset inside the input.
TEST(SdpMalformed, EveryPrefixFailsCleanly) {
    const std::string full = head + media +
                             "a=rtpmap:111 opus/48000/2\r\n"
                             "a=candidate:1 1 udp 2130706431 10.0.0.1 5000 typ srflx raddr 1.2.3.4 "
                             "rport 9 generation 0\r\na=fingerprint:sha-1 " +
                             "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB\r\n";
    for (std::size_t n = 0; n <= full.size(); ++n) {
        const std::string prefix = full.substr(0, n);
        auto r = parse(prefix);
        if (!r) {
            EXPECT_LE(r.error().offset, prefix.size()) << n;
        }
    }
}

}  // namespace
}  // namespace ringstorm::sdp
