// What a violation tells a reader, whole timelines, and the rule ids as stable API.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/contract/checker.hpp"
#include "tests/unit/contract/timeline_builder.hpp"

namespace ringstorm::contract {
namespace {

using phone::episode_kind;
using phone::episode_outcome;
using scenario::contract_profile;
using testing::timeline_builder;

using names = std::vector<std::string_view>;

TEST(ContractViolation, CarriesTheEpisodeTheExpectedAndObservedEventsAndWhy) {
    timeline_builder b;
    b.episode(episode_kind::register_, episode_outcome::ok, {"sent_request", "registered"})
        .episode(episode_kind::refresh, episode_outcome::auth_failed,
                 {"sent_request", "sent_request", "unregistered"}, 1, "403 Forbidden");
    verdict v = check(contract_profile::exotel_web_sdk_2_0_5, b.history);
    ASSERT_EQ(v.violations.size(), 1u);
    const violation& x = v.violations[0];
    EXPECT_EQ(x.rule, "refresh.refused");
    EXPECT_EQ(x.episode, 1u);
    // Expected is what the app would have seen had the target accepted the refresh.
    EXPECT_EQ(x.expected, (names{"sent_request", "sent_request", "registered"}));
    EXPECT_EQ(x.observed, (names{"sent_request", "sent_request", "unregistered"}));
    EXPECT_NE(x.detail.find("403 Forbidden"), std::string::npos) << x.detail;
    EXPECT_NE(x.detail.find("auth_failed"), std::string::npos) << x.detail;
    EXPECT_TRUE(v.checked);
    EXPECT_FALSE(v.passed());
}

TEST(ContractViolation, OneViolationPerBrokenEpisodeOfAWholeLife) {
    timeline_builder b;
    b.episode(episode_kind::register_, episode_outcome::ok, {"sent_request", "registered"}, 1)
        .episode(episode_kind::refresh, episode_outcome::ok, {})
        .episode(episode_kind::refresh, episode_outcome::timeout, {})
        .episode(episode_kind::refresh, episode_outcome::ok, {"registered"})
        .episode(episode_kind::unregister, episode_outcome::ok, {"sent_request", "unregistered"})
        .episode(episode_kind::register_, episode_outcome::pending, {"sent_request"});
    verdict v = check(contract_profile::documented, b.history);
    ASSERT_EQ(v.violations.size(), 2u);
    EXPECT_EQ(v.violations[0].rule, "refresh.timeout");
    EXPECT_EQ(v.violations[0].episode, 2u);
    EXPECT_EQ(v.violations[1].rule, "refresh.sequence");
    EXPECT_EQ(v.violations[1].episode, 3u);
    EXPECT_EQ(v.violations[1].expected, names{});
    EXPECT_EQ(v.violations[1].observed, names{"registered"});
}

TEST(ContractViolation, AGoodLifePasses) {
    timeline_builder b;
    b.episode(episode_kind::register_, episode_outcome::ok,
              {"sent_request", "sent_request", "registered"}, 1)
        .episode(episode_kind::refresh, episode_outcome::ok,
                 {"sent_request", "sent_request", "registered"}, 1)
        .episode(episode_kind::unregister, episode_outcome::ok,
                 {"registered", "sent_request", "unregistered"});
    verdict v = check(contract_profile::exotel_web_sdk_2_0_5, b.history);
    EXPECT_TRUE(v.checked);
    EXPECT_TRUE(v.violations.empty());
    EXPECT_TRUE(v.passed());
}

TEST(ContractViolation, EventsOfOtherCallbacksInsideAnEpisodeDoNotCount) {
    timeline_builder b;
    b.episode(episode_kind::register_, episode_outcome::ok, {"sent_request"})
        .event("re-register", scenario::callback_kind::session_event)
        .event("incoming", scenario::callback_kind::call_event)
        .event("registered")
        .extend_last();
    verdict v = check(contract_profile::documented, b.history);
    EXPECT_TRUE(v.passed());
}

TEST(ContractViolation, EventsBetweenEpisodesAreNotPartOfEither) {
    timeline_builder b;
    b.episode(episode_kind::register_, episode_outcome::ok, {"sent_request", "registered"})
        .event("unregistered")
        .episode(episode_kind::unregister, episode_outcome::ok, {"sent_request", "unregistered"});
    EXPECT_TRUE(check(contract_profile::documented, b.history).passed());
}

TEST(ContractViolation, AMalformedTimelineGivesAVerdictNotACrash) {
    timeline_builder b;
    b.episode(episode_kind::register_, episode_outcome::ok, {"sent_request", "registered"});
    b.history.episodes[0].end_event = 1000;  // past the recorded events: clamped
    EXPECT_TRUE(check(contract_profile::documented, b.history).passed());
    b.history.episodes[0].first_event = 7;  // after its end: nothing observed
    b.history.episodes[0].end_event = 3;
    verdict v = check(contract_profile::documented, b.history);
    ASSERT_EQ(v.violations.size(), 1u);
    EXPECT_EQ(v.violations[0].rule, "register.sequence");
    EXPECT_TRUE(v.violations[0].observed.empty());
}

// ---- rule ids ----------------------------------------------------------------------------

const std::vector<episode_outcome> every_outcome{
    episode_outcome::pending,         episode_outcome::ok,
    episode_outcome::auth_failed,     episode_outcome::rejected,
    episode_outcome::binding_missing, episode_outcome::expiry_missing,
    episode_outcome::contact_missing, episode_outcome::timeout,
    episode_outcome::transport_error, episode_outcome::not_sent,
};
const std::vector<episode_kind> every_kind{episode_kind::register_, episode_kind::refresh,
                                           episode_kind::unregister, episode_kind::recover,
                                           episode_kind::drop};

// The findings the phone records (calls-design: the call machine's protocol errors).
const std::vector<std::string_view> phone_findings{
    "call.malformed_request",     "call.cseq_order",     "call.no_dialog",
    "call.hold_answer_direction", "call.bad_answer_sdp", "call.stray_response",
    "call.request_timeout",       "call.hold_refused",
    "media.ice_failed",           "media.dtls_failed",   "media.no_media",
    "media.one_way_audio",        "media.wrong_audio",   "media.mute_not_silent",
    "media.hold_direction",       "media.before_dtls",   "media.srtp_auth",
    "media.bad_sdp",
};

// Every rule check() and check_session() report over every profile x episode kind x
// outcome, every call role x end with callbacks that match no row, every finding, and the
// two ways a multi-tab user breaks the session rules.
std::set<std::string> reachable_rules() {
    std::set<std::string> seen;
    for (contract_profile p :
         {contract_profile::documented, contract_profile::exotel_web_sdk_2_0_5}) {
        for (phone::call_role role : {phone::call_role::callee, phone::call_role::caller}) {
            for (int e = static_cast<int>(phone::call_end::none);
                 e <= static_cast<int>(phone::call_end::no_final); ++e) {
                phone::call_episode c;
                c.role = role;
                c.end = static_cast<phone::call_end>(e);
                c.answered = testing::at_ms(1);
                c.ended = testing::at_ms(2);
                for (std::string_view f : phone_findings) {
                    c.findings.push_back({f, "seen", testing::at_ms(1)});
                }
                timeline_builder b;
                b.call(std::move(c), {"terminated", "terminated"});
                for (const violation& x : check(p, b.history).violations) {
                    seen.emplace(x.rule);
                }
            }
        }
        // Tab 0 answered and ended the forked call; tab 1 still rings and heard nothing.
        timeline_builder answered;
        timeline_builder ringing;
        phone::call_episode w;
        w.call_id = "forked";
        w.answered = testing::at_ms(1);
        w.ended = testing::at_ms(2);
        w.end = phone::call_end::local_hangup;
        answered.call(w, {"incoming", "connected", "callEnded"});
        phone::call_episode l;
        l.call_id = "forked";
        ringing.call(l, {"incoming"}).session("re-register", testing::at_ms(3));
        const std::vector<const phone::timeline*> tabs{&answered.history, &ringing.history};
        for (const violation& x : check_session(p, tabs)) {
            seen.emplace(x.rule);
        }
    }
    for (contract_profile p :
         {contract_profile::documented, contract_profile::exotel_web_sdk_2_0_5}) {
        for (episode_kind k : every_kind) {
            for (episode_outcome o : every_outcome) {
                timeline_builder b;
                b.episode(k, o, {"terminated"});
                for (const violation& x : check(p, b.history).violations) {
                    seen.emplace(x.rule);
                }
            }
        }
    }
    return seen;
}

TEST(ContractRules, EveryReportedRuleIsListedAndEveryListedRuleIsReachable) {
    std::set<std::string> listed;
    for (std::string_view id : rule_ids()) {
        EXPECT_TRUE(listed.emplace(id).second) << "duplicate rule id " << id;
    }
    EXPECT_EQ(reachable_rules(), listed);
}

TEST(ContractRules, IdsAreKindDotLowercaseName) {
    for (std::string_view id : rule_ids()) {
        const std::size_t dot = id.find('.');
        ASSERT_NE(dot, std::string_view::npos) << id;
        const std::string_view kind = id.substr(0, dot);
        EXPECT_TRUE(kind == "register" || kind == "refresh" || kind == "unregister" ||
                    kind == "recover" || kind == "drop" || kind == "call" || kind == "session" ||
                    kind == "media")
            << id;
        for (char c : id) {
            EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_' || c == '.') << id;
        }
    }
}

TEST(ContractRules, EveryRuleIsDocumentedInTheReadme) {
    std::ifstream in(std::string(RINGSTORM_SOURCE_DIR) + "/engine/contract/README.md");
    ASSERT_TRUE(in) << "engine/contract/README.md is missing";
    std::stringstream text;
    text << in.rdbuf();
    for (std::string_view id : rule_ids()) {
        EXPECT_NE(text.str().find("`" + std::string(id) + "`"), std::string::npos)
            << id << " is not documented";
    }
}

}  // namespace
}  // namespace ringstorm::contract
