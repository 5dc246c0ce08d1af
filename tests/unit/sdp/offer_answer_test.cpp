// RFC 3264 / RFC 6337 direction tables, hold and resume, whole-answer checks and codec
// negotiation.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "media/sdp/offer_answer.hpp"
#include "media/sdp/parser.hpp"

namespace ringstorm::sdp {
namespace {

using enum direction;

std::string load(const std::string& name) {
    std::ifstream in(std::string(RINGSTORM_SOURCE_DIR) + "/tests/fuzz/sdp_fuzz_seeds/" + name,
                     std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

session_description must_parse(const std::string& text) {
    auto r = parse(text);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string());
    return r ? std::move(r).value() : session_description{};
}

TEST(SdpOfferAnswer, ReverseAndIntersect) {
    EXPECT_EQ(reverse(sendonly), recvonly);
    EXPECT_EQ(reverse(recvonly), sendonly);
    EXPECT_EQ(reverse(sendrecv), sendrecv);
    EXPECT_EQ(reverse(inactive), inactive);
    EXPECT_EQ(intersect(sendrecv, recvonly), recvonly);
    EXPECT_EQ(intersect(sendonly, recvonly), inactive);
    EXPECT_EQ(intersect(sendonly, sendrecv), sendonly);
    EXPECT_TRUE(sends(sendonly));
    EXPECT_FALSE(receives(sendonly));
    EXPECT_TRUE(receives(sendrecv));
}

TEST(SdpOfferAnswer, HoldOfferDirection) {
    // RFC 3264 §8.4, RFC 6337 §5.3: current direction (ours) -> offer to hold.
    EXPECT_EQ(offer_direction(hold_intent::hold, sendrecv), sendonly);
    EXPECT_EQ(offer_direction(hold_intent::hold, recvonly), inactive);  // peer holds us already
    EXPECT_EQ(offer_direction(hold_intent::hold, sendonly), sendonly);
    EXPECT_EQ(offer_direction(hold_intent::hold, inactive), inactive);
    for (direction d : {sendrecv, sendonly, recvonly, inactive}) {
        EXPECT_EQ(offer_direction(hold_intent::resume, d), sendrecv);
    }
}

TEST(SdpOfferAnswer, AnswerDirectionTable) {
    // RFC 3264 §6.1 with a willing answerer.
    EXPECT_EQ(answer_direction(sendonly), recvonly);
    EXPECT_EQ(answer_direction(recvonly), sendonly);
    EXPECT_EQ(answer_direction(inactive), inactive);
    EXPECT_EQ(answer_direction(sendrecv), sendrecv);
    // Our restriction applies on top.
    EXPECT_EQ(answer_direction(sendrecv, sendonly), sendonly);
    EXPECT_EQ(answer_direction(sendrecv, recvonly), recvonly);
    EXPECT_EQ(answer_direction(sendrecv, inactive), inactive);
    EXPECT_EQ(answer_direction(sendonly, sendonly), inactive);  // both want to only send
    EXPECT_EQ(answer_direction(recvonly, sendonly), sendonly);
}

TEST(SdpOfferAnswer, ValidAnswerTable) {
    struct row {
        direction offer;
        direction answer;
        bool valid;
    };
    const row table[] = {
        {sendrecv, sendrecv, true},  {sendrecv, sendonly, true},  {sendrecv, recvonly, true},
        {sendrecv, inactive, true},  {sendonly, recvonly, true},  {sendonly, inactive, true},
        {sendonly, sendrecv, false}, {sendonly, sendonly, false}, {recvonly, sendonly, true},
        {recvonly, inactive, true},  {recvonly, sendrecv, false}, {recvonly, recvonly, false},
        {inactive, inactive, true},  {inactive, sendrecv, false}, {inactive, sendonly, false},
        {inactive, recvonly, false},
    };
    for (const row& r : table) {
        EXPECT_EQ(is_valid_answer(r.offer, r.answer), r.valid)
            << to_string(r.offer) << " -> " << to_string(r.answer);
        if (r.valid) {
            // What answer_direction produces is always valid.
            EXPECT_TRUE(is_valid_answer(r.offer, answer_direction(r.offer, r.answer)));
        }
    }
}

TEST(SdpOfferAnswer, CheckAnswerFindsViolations) {
    const session_description offer = must_parse(load("hold_reoffer.sdp"));  // sendonly
    session_description answer = offer;
    set_direction(answer.media[0].attributes, recvonly);
    EXPECT_TRUE(check_answer(offer, answer).empty());

    set_direction(answer.media[0].attributes, sendrecv);
    auto v = check_answer(offer, answer);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].media_index, 0u);
    EXPECT_NE(v[0].reason.find("sendrecv is not a valid answer to sendonly"), std::string::npos);

    answer.media[0].port = 0;  // a rejected stream is exempt
    EXPECT_TRUE(check_answer(offer, answer).empty());

    answer.media[0].port = 9;
    set_direction(answer.media[0].attributes, inactive);
    answer.media[0].formats = {"0"};
    v = check_answer(offer, answer);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_NE(v[0].reason.find("no format"), std::string::npos);

    answer.media.push_back(answer.media[0]);
    answer.media[1].media = "video";
    answer.media[0].formats = {"111"};
    v = check_answer(offer, answer);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].media_index, 1u);
}

TEST(SdpOfferAnswer, NegotiateOpusFromChrome) {
    const session_description offer = must_parse(load("chrome_offer.sdp"));
    auto c = negotiate_opus(offer.media[0]);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->opus.payload_type, 111);
    EXPECT_EQ(c->opus.channels, 2u);
    EXPECT_EQ(fmtp_value(c->opus.fmtp, "useinbandfec"), "1");
    ASSERT_TRUE(c->telephone_event.has_value());
    EXPECT_EQ(c->telephone_event->payload_type, 110);  // the 48000 Hz one matches Opus
    EXPECT_EQ(c->telephone_event->clock_rate, 48000u);
}

TEST(SdpOfferAnswer, NegotiateOpusFromFirefox) {
    const session_description offer = must_parse(load("firefox_offer.sdp"));
    auto c = negotiate_opus(offer.media[0]);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->opus.payload_type, 109);
    EXPECT_EQ(fmtp_value(c->opus.fmtp, "stereo"), "1");
    ASSERT_TRUE(c->telephone_event.has_value());
    EXPECT_EQ(c->telephone_event->payload_type, 101);  // only an 8000 Hz one is offered
    EXPECT_EQ(c->telephone_event->fmtp, "0-15");
}

TEST(SdpOfferAnswer, TrunkOfferHasNoOpusButStaticCodecs) {
    const session_description offer = must_parse(load("sip_trunk_offer.sdp"));
    const media_description& m = offer.media[0];
    EXPECT_FALSE(negotiate_opus(m).has_value());
    auto pcma = find_codec(m, "pcma");
    ASSERT_TRUE(pcma.has_value());
    EXPECT_EQ(pcma->payload_type, 8);
    auto g729 = find_codec(m, "G729", 8000);
    ASSERT_TRUE(g729.has_value());
    EXPECT_EQ(g729->fmtp, "annexb=no");
    // PT 13 has no rtpmap: RFC 3551 §6 says CN/8000.
    auto cn = find_codec(m, "CN");
    ASSERT_TRUE(cn.has_value());
    EXPECT_EQ(cn->payload_type, 13);
    EXPECT_FALSE(find_codec(m, "PCMU", 16000).has_value());
}

TEST(SdpOfferAnswer, RejectedSectionNegotiatesNothing) {
    session_description offer = must_parse(load("chrome_offer.sdp"));
    offer.media[0].port = 0;
    EXPECT_FALSE(negotiate_opus(offer.media[0]).has_value());
}

}  // namespace
}  // namespace ringstorm::sdp
