// The call's media findings in the verdict: each media.* finding the phone recorded for a
// call is one violation with its rule id, the phone's detail and the call's index, whether
// the call ended well or is still live; a call whose media was fine passes; the media
// rules are listed among the contract's ids.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/contract/checker.hpp"
#include "tests/unit/contract/timeline_builder.hpp"

namespace ringstorm::contract {
namespace {

using phone::call_end;
using scenario::contract_profile;
using testing::at_ms;
using testing::timeline_builder;

phone::call_episode answered_call(std::string id) {
    phone::call_episode c;
    c.call_id = std::move(id);
    c.started = at_ms(0);
    c.answered = at_ms(100);
    c.acked = at_ms(110);
    c.ended = at_ms(5000);
    c.end = call_end::remote_bye;
    c.final_status = 200;
    return c;
}

TEST(MediaContract, ACallWithGoodMediaPasses) {
    timeline_builder b;
    auto c = answered_call("good");
    media::stream_stats m;
    m.srtp_up = true;
    m.packets_sent = m.packets_received = 250;
    c.media = m;
    b.call(c, {"incoming", "connected", "terminated"});
    const verdict v = check(contract_profile::documented, b.history);
    EXPECT_TRUE(v.checked);
    EXPECT_TRUE(v.violations.empty());
}

TEST(MediaContract, EachMediaFindingIsOneViolationOfItsRule) {
    timeline_builder b;
    b.call(answered_call("fine"), {"incoming", "connected", "terminated"});
    auto c = answered_call("bad");
    c.findings.push_back({"media.ice_failed", "no pair [sent 0, received 0 RTP]", at_ms(4000)});
    c.findings.push_back({"media.one_way_audio", "silence", at_ms(4500)});
    b.call(c, {"incoming", "connected", "terminated"});
    const verdict v = check(contract_profile::documented, b.history);
    ASSERT_EQ(v.violations.size(), 2U);
    EXPECT_EQ(v.violations[0].rule, "media.ice_failed");
    EXPECT_EQ(v.violations[0].detail, "no pair [sent 0, received 0 RTP]");
    EXPECT_EQ(v.violations[0].call, 1U);
    EXPECT_EQ(v.violations[1].rule, "media.one_way_audio");
}

TEST(MediaContract, ALiveCallsMediaFindingsAreJudgedToo) {
    timeline_builder b;
    auto c = answered_call("live");
    c.ended.reset();
    c.end = call_end::none;
    c.findings.push_back({"media.dtls_failed", "fingerprint mismatch", at_ms(900)});
    b.call(c, {"incoming", "connected"});
    const verdict v = check(contract_profile::exotel_web_sdk_2_0_5, b.history);
    EXPECT_TRUE(v.checked);
    ASSERT_EQ(v.violations.size(), 1U);
    EXPECT_EQ(v.violations[0].rule, "media.dtls_failed");
}

TEST(MediaContract, TheMediaRulesAreListed) {
    const auto ids = rule_ids();
    for (std::string_view id :
         {"media.ice_failed", "media.dtls_failed", "media.no_media", "media.one_way_audio",
          "media.wrong_audio", "media.mute_not_silent", "media.hold_direction",
          "media.before_dtls", "media.srtp_auth", "media.bad_sdp"}) {
        EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
    }
}

}  // namespace
}  // namespace ringstorm::contract
