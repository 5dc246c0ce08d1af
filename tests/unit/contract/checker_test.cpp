// The checker on every profile x episode kind x outcome, with timelines built by hand.

#include "engine/contract/checker.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "tests/unit/contract/timeline_builder.hpp"

namespace ringstorm::contract {
namespace {

using phone::episode_kind;
using phone::episode_outcome;
using scenario::contract_profile;
using testing::timeline_builder;

constexpr contract_profile documented = contract_profile::documented;
constexpr contract_profile sdk = contract_profile::exotel_web_sdk_2_0_5;

// The one rule a single-episode timeline breaks; "" when it passes.
std::string rule_of(contract_profile profile, const timeline_builder& b) {
    verdict v = check(profile, b.history);
    EXPECT_TRUE(v.checked);
    EXPECT_LE(v.violations.size(), 1u);
    return v.violations.empty() ? std::string{} : std::string(v.violations[0].rule);
}

std::string one(contract_profile profile, episode_kind kind, episode_outcome outcome,
                const std::vector<std::string_view>& events, std::uint8_t challenges = 0) {
    timeline_builder b;
    b.episode(kind, outcome, events, challenges);
    return rule_of(profile, b);
}

// ---- documented --------------------------------------------------------------------------

TEST(ContractDocumented, RegisterIsOneSentRequestThenRegisteredWhateverTheChallenges) {
    EXPECT_EQ(one(documented, episode_kind::register_, episode_outcome::ok,
                  {"sent_request", "registered"}, 1),
              "");
    EXPECT_EQ(one(documented, episode_kind::register_, episode_outcome::ok,
                  {"sent_request", "registered"}, 0),
              "");
    // The 2.0.5 habit of one sent_request per REGISTER breaks the documented contract.
    EXPECT_EQ(one(documented, episode_kind::register_, episode_outcome::ok,
                  {"sent_request", "sent_request", "registered"}, 1),
              "register.sequence");
    EXPECT_EQ(one(documented, episode_kind::register_, episode_outcome::ok, {"sent_request"}),
              "register.sequence");
}

TEST(ContractDocumented, RefreshIsSilent) {
    EXPECT_EQ(one(documented, episode_kind::refresh, episode_outcome::ok, {}, 1), "");
    EXPECT_EQ(
        one(documented, episode_kind::refresh, episode_outcome::ok, {"sent_request", "registered"}),
        "refresh.sequence");
}

TEST(ContractDocumented, UnregisterIsSentRequestThenUnregistered) {
    EXPECT_EQ(one(documented, episode_kind::unregister, episode_outcome::ok,
                  {"sent_request", "unregistered"}),
              "");
    EXPECT_EQ(one(documented, episode_kind::unregister, episode_outcome::ok,
                  {"registered", "sent_request", "unregistered"}),
              "unregister.sequence");
}

TEST(ContractDocumented, AnyRecoverIsAViolationWhateverItsOutcome) {
    for (episode_outcome o : {episode_outcome::ok, episode_outcome::auth_failed,
                              episode_outcome::timeout, episode_outcome::transport_error}) {
        EXPECT_EQ(one(documented, episode_kind::recover, o, {"sent_request", "registered"}),
                  "recover.unexpected");
    }
}

// ---- exotel-web-sdk-2.0.5 ---------------------------------------------------------------

TEST(ContractSdk205, RegisterIsOneSentRequestPerRegisterThenRegistered) {
    EXPECT_EQ(one(sdk, episode_kind::register_, episode_outcome::ok,
                  {"sent_request", "sent_request", "registered"}, 1),
              "");
    EXPECT_EQ(
        one(sdk, episode_kind::register_, episode_outcome::ok, {"sent_request", "registered"}, 0),
        "");
    EXPECT_EQ(
        one(sdk, episode_kind::register_, episode_outcome::ok, {"sent_request", "registered"}, 1),
        "register.sequence");
    EXPECT_EQ(one(sdk, episode_kind::register_, episode_outcome::ok,
                  {"sent_request", "sent_request", "sent_request", "registered"}, 2),
              "");
}

TEST(ContractSdk205, RefreshAnnouncesItself) {
    EXPECT_EQ(one(sdk, episode_kind::refresh, episode_outcome::ok,
                  {"sent_request", "sent_request", "registered"}, 1),
              "");
    EXPECT_EQ(one(sdk, episode_kind::refresh, episode_outcome::ok, {"sent_request", "registered"}),
              "");
    EXPECT_EQ(one(sdk, episode_kind::refresh, episode_outcome::ok, {}), "refresh.sequence");
}

TEST(ContractSdk205, UnregisterStartsWithTheSpuriousRegistered) {
    EXPECT_EQ(one(sdk, episode_kind::unregister, episode_outcome::ok,
                  {"registered", "sent_request", "unregistered"}),
              "");
    EXPECT_EQ(
        one(sdk, episode_kind::unregister, episode_outcome::ok, {"sent_request", "unregistered"}),
        "unregister.sequence");
}

TEST(ContractSdk205, RecoverIsPartOfTheProfile) {
    EXPECT_EQ(one(sdk, episode_kind::recover, episode_outcome::ok,
                  {"sent_request", "sent_request", "registered"}, 1),
              "");
    EXPECT_EQ(one(sdk, episode_kind::recover, episode_outcome::ok, {"unregistered"}),
              "recover.sequence");
}

// ---- what the target did -----------------------------------------------------------------

struct outcome_rule {
    episode_outcome outcome;
    const char* suffix;  // nullptr: the outcome counts as accepted for this kind
};

constexpr std::array<outcome_rule, 7> register_like{{
    {episode_outcome::auth_failed, "refused"},
    {episode_outcome::rejected, "refused"},
    {episode_outcome::timeout, "timeout"},
    {episode_outcome::binding_missing, "binding_missing"},
    {episode_outcome::expiry_missing, "expiry_missing"},
    {episode_outcome::contact_missing, "contact_missing"},
    {episode_outcome::transport_error, "transport_error"},
}};

TEST(ContractOutcomes, AFailedOutcomeNamesWhatTheTargetDidEvenWhenTheEventsLookRight) {
    struct kind_case {
        contract_profile profile;
        episode_kind kind;
        const char* prefix;
    };
    const std::array<kind_case, 5> kinds{{
        {documented, episode_kind::register_, "register."},
        {documented, episode_kind::refresh, "refresh."},
        {sdk, episode_kind::register_, "register."},
        {sdk, episode_kind::refresh, "refresh."},
        {sdk, episode_kind::recover, "recover."},
    }};
    for (const kind_case& k : kinds) {
        for (const outcome_rule& o : register_like) {
            SCOPED_TRACE(std::string(k.prefix) + o.suffix);
            EXPECT_EQ(one(k.profile, k.kind, o.outcome, {"sent_request", "registered"}),
                      std::string(k.prefix) + o.suffix);
            // What 2.0.5 really shows on a refusal (sent_request x2, unregistered) gets the
            // same, more telling, rule rather than a sequence violation.
            EXPECT_EQ(one(k.profile, k.kind, o.outcome,
                          {"sent_request", "sent_request", "unregistered"}, 1),
                      std::string(k.prefix) + o.suffix);
        }
    }
}

TEST(ContractOutcomes, UnregisterFailuresAndAcceptedTwoHundreds) {
    for (contract_profile p : {documented, sdk}) {
        const std::vector<std::string_view> ok_events =
            p == documented
                ? std::vector<std::string_view>{"sent_request", "unregistered"}
                : std::vector<std::string_view>{"registered", "sent_request", "unregistered"};
        EXPECT_EQ(one(p, episode_kind::unregister, episode_outcome::auth_failed, ok_events),
                  "unregister.refused");
        EXPECT_EQ(one(p, episode_kind::unregister, episode_outcome::rejected, ok_events),
                  "unregister.refused");
        EXPECT_EQ(one(p, episode_kind::unregister, episode_outcome::timeout, ok_events),
                  "unregister.timeout");
        EXPECT_EQ(one(p, episode_kind::unregister, episode_outcome::transport_error, ok_events),
                  "unregister.transport_error");
        // A 2xx to a de-REGISTER is right to leave our binding out (RFC 3261 §10.2.2): only the
        // callbacks are judged.
        for (episode_outcome o : {episode_outcome::binding_missing, episode_outcome::expiry_missing,
                                  episode_outcome::contact_missing}) {
            EXPECT_EQ(one(p, episode_kind::unregister, o, ok_events), "");
            EXPECT_EQ(one(p, episode_kind::unregister, o, {"unregistered"}), "unregister.sequence");
        }
    }
}

TEST(ContractOutcomes, PendingAndNotSentEpisodesAreNotJudged) {
    for (contract_profile p : {documented, sdk}) {
        for (episode_kind k : {episode_kind::register_, episode_kind::refresh,
                               episode_kind::unregister, episode_kind::recover,
                               episode_kind::drop}) {
            for (episode_outcome o : {episode_outcome::pending, episode_outcome::not_sent}) {
                timeline_builder b;
                b.episode(k, o, {"terminated"});
                verdict v = check(p, b.history);
                EXPECT_FALSE(v.checked);
                EXPECT_TRUE(v.violations.empty());
                EXPECT_FALSE(v.passed());
            }
        }
    }
    verdict empty = check(documented, phone::timeline{});
    EXPECT_FALSE(empty.checked);
    EXPECT_FALSE(empty.passed());
}

}  // namespace
}  // namespace ringstorm::contract
