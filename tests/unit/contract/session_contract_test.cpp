// The rules across one user's tabs: forked calls answered elsewhere must be cancelled with
// the Reason, and each tab's SessionCallback events must mirror its siblings' call events.

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "engine/contract/checker.hpp"
#include "tests/unit/contract/timeline_builder.hpp"

namespace ringstorm::contract {
namespace {

using phone::call_end;
using phone::call_role;
using scenario::contract_profile;
using testing::at_ms;
using testing::timeline_builder;

using names = std::vector<std::string_view>;

constexpr contract_profile documented = contract_profile::documented;
constexpr contract_profile sdk = contract_profile::exotel_web_sdk_2_0_5;
constexpr std::string_view call_id = "f81d4fae-7dec@target";

std::vector<violation> session_of(contract_profile p, const std::vector<timeline_builder>& tabs) {
    std::vector<const phone::timeline*> ptrs;
    for (const timeline_builder& b : tabs) {
        ptrs.push_back(&b.history);
    }
    return check_session(p, ptrs);
}

std::vector<violation> only(const std::vector<violation>& all, std::string_view rule) {
    std::vector<violation> out;
    for (const violation& v : all) {
        if (v.rule == rule) {
            out.push_back(v);
        }
    }
    return out;
}

std::vector<violation> cancels(contract_profile p, const std::vector<timeline_builder>& tabs) {
    return only(session_of(p, tabs), "session.cancel_elsewhere");
}

// The forked call as the tab that answered it saw it: ringing at 1 s, answered at 2 s,
// acked at 2.1 s, ended by the app at `ended_ms` (or live).
phone::call_episode winner(std::optional<std::int64_t> ended_ms = 9000) {
    phone::call_episode c;
    c.call_id = std::string(call_id);
    c.forked = true;
    c.started = at_ms(1000);
    c.answered = at_ms(2000);
    c.acked = at_ms(2100);
    if (ended_ms) {
        c.ended = at_ms(*ended_ms);
        c.end = call_end::local_hangup;
    }
    return c;
}

// The same call on a tab that did not answer it, ended for `end` at `ended_ms`.
phone::call_episode loser(call_end end, std::optional<std::int64_t> ended_ms = 2050,
                          bool completed_elsewhere = true) {
    phone::call_episode c;
    c.call_id = std::string(call_id);
    c.forked = true;
    c.started = at_ms(1000);
    if (ended_ms) {
        c.ended = at_ms(*ended_ms);
        c.end = end;
    }
    c.completed_elsewhere = completed_elsewhere;
    return c;
}

std::vector<timeline_builder> pair_of(phone::call_episode w, phone::call_episode l) {
    std::vector<timeline_builder> tabs(2);
    tabs[0].call(std::move(w), {"incoming"});
    tabs[1].call(std::move(l), {"incoming"});
    return tabs;
}

// ---- session.cancel_elsewhere --------------------------------------------------------------

TEST(SessionCancelElsewhere, ACancelWithTheReasonPasses) {
    for (contract_profile p : {documented, sdk}) {
        EXPECT_TRUE(cancels(p, pair_of(winner(), loser(call_end::remote_cancel))).empty());
        // Also while the answered call still goes on.
        EXPECT_TRUE(
            cancels(p, pair_of(winner(std::nullopt), loser(call_end::remote_cancel))).empty());
    }
}

TEST(SessionCancelElsewhere, ACancelWithoutTheReasonIsTheViolation) {
    for (contract_profile p : {documented, sdk}) {
        auto v = cancels(p, pair_of(winner(), loser(call_end::remote_cancel, 2050, false)));
        ASSERT_EQ(v.size(), 1u);
        EXPECT_EQ(v[0].tab, 1u);
        EXPECT_EQ(v[0].call, 0u);
        EXPECT_NE(v[0].detail.find("Reason"), std::string::npos) << v[0].detail;
        EXPECT_EQ(v[0].observed, names{"incoming"});
        EXPECT_EQ(v[0].expected, (names{"incoming", p == documented ? "terminated" : "callEnded"}));
    }
}

TEST(SessionCancelElsewhere, StillRingingWhenTheAnsweredCallEndedIsTheViolation) {
    auto v = cancels(sdk, pair_of(winner(), loser(call_end::none, std::nullopt)));
    ASSERT_EQ(v.size(), 1u);
    EXPECT_NE(v[0].detail.find("still ringing"), std::string::npos) << v[0].detail;
    // The answered call is live: the CANCEL may be on its way.
    EXPECT_TRUE(
        cancels(sdk, pair_of(winner(std::nullopt), loser(call_end::none, std::nullopt))).empty());
}

TEST(SessionCancelElsewhere, ABranchEndedAnyOtherWayByTheTargetIsTheViolation) {
    for (call_end end : {call_end::remote_bye, call_end::no_ack, call_end::reinvite_timeout}) {
        auto v = cancels(documented, pair_of(winner(), loser(end, 3000, false)));
        ASSERT_EQ(v.size(), 1u) << phone::to_string(end);
        EXPECT_NE(v[0].detail.find(phone::to_string(end)), std::string::npos) << v[0].detail;
    }
}

TEST(SessionCancelElsewhere, APhoneThatGaveUpIsJudgedAgainstTheAnsweredCallsEnd) {
    for (call_end end : {call_end::no_answer, call_end::local_reject, call_end::local_hangup}) {
        SCOPED_TRACE(std::string(phone::to_string(end)));
        // Gave up while the answered call went on: the CANCEL may just have been slower.
        EXPECT_TRUE(cancels(sdk, pair_of(winner(), loser(end, 5000, false))).empty());
        // Still ringing when the answered call ended, then gave up: left ringing.
        EXPECT_EQ(cancels(sdk, pair_of(winner(), loser(end, 12000, false))).size(), 1u);
    }
}

TEST(SessionCancelElsewhere, BranchesWithNothingOfTheTargetToJudgeAreLeftAlone) {
    for (contract_profile p : {documented, sdk}) {
        // Over before the other tab answered.
        EXPECT_TRUE(
            cancels(p, pair_of(winner(), loser(call_end::local_reject, 1500, false))).empty());
        // Refused at once: it never rang.
        EXPECT_TRUE(cancels(p, pair_of(winner(), loser(call_end::bad_offer, 1000, false))).empty());
        // The socket was lost: no CANCEL can reach it (call.transport_error judges it).
        EXPECT_TRUE(
            cancels(p, pair_of(winner(), loser(call_end::transport_error, 3000, false))).empty());
        // Answered as well: the two 200s crossed; the target ends the later one with a BYE.
        phone::call_episode both = loser(call_end::remote_bye, 3000, false);
        both.answered = at_ms(2010);
        EXPECT_TRUE(cancels(p, pair_of(winner(), both)).empty());
        // Another call, or the caller role, is not the same forked call.
        phone::call_episode other = loser(call_end::none, std::nullopt);
        other.call_id = "another@target";
        EXPECT_TRUE(cancels(p, pair_of(winner(), other)).empty());
        phone::call_episode placed = loser(call_end::none, std::nullopt);
        placed.role = call_role::caller;
        EXPECT_TRUE(cancels(p, pair_of(winner(), placed)).empty());
    }
}

TEST(SessionCancelElsewhere, EveryLosingTabIsJudgedAgainstTheFirstAnswer) {
    std::vector<timeline_builder> tabs(4);
    tabs[0].call(loser(call_end::remote_cancel), {"incoming"});
    tabs[1].call(winner(), {"incoming"});
    // A second call of tab 2 is the forked one.
    phone::call_episode earlier = loser(call_end::remote_bye, 500);
    earlier.call_id = "earlier@target";
    earlier.started = at_ms(0);
    earlier.answered = at_ms(100);
    tabs[2].call(earlier, {"incoming"});
    tabs[2].call(loser(call_end::remote_cancel, 2050, false), {"incoming"});
    tabs[3].call(loser(call_end::none, std::nullopt), {"incoming"});
    auto v = cancels(documented, tabs);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].tab, 2u);
    EXPECT_EQ(v[0].call, 1u);
    EXPECT_NE(v[0].detail.find("answered on tab 1"), std::string::npos) << v[0].detail;
    EXPECT_EQ(v[1].tab, 3u);
    EXPECT_EQ(v[1].call, 0u);
    // A missing tab is skipped.
    std::vector<const phone::timeline*> ptrs{&tabs[1].history, nullptr, &tabs[3].history};
    EXPECT_EQ(only(check_session(documented, ptrs), "session.cancel_elsewhere").size(), 1u);
}

// ---- session.sequence ----------------------------------------------------------------------

// A forked call of a two-tab user under 2.0.5: tab 0 answers at 2 s and hangs up at 9 s; tab
// 1 gets the CANCEL at 2.05 s. Each tab hears the other's events at the same instants.
std::vector<timeline_builder> forked_life(contract_profile p) {
    const bool documented_profile = p == documented;
    std::vector<timeline_builder> tabs(2);
    tabs[0].episode(phone::episode_kind::register_, phone::episode_outcome::ok,
                    {"sent_request", "registered"});
    tabs[1].episode(phone::episode_kind::register_, phone::episode_outcome::ok,
                    {"sent_request", "registered"});
    tabs[0].call(winner(9000), {"incoming"});
    tabs[1].call(loser(call_end::remote_cancel), {"incoming"});
    tabs[0].session("incoming", at_ms(1000));
    tabs[1].session("incoming", at_ms(1000));
    if (documented_profile) {
        tabs[1].call_event(0, "terminated", at_ms(2050));  // not posted to the siblings
        tabs[0].call_event(0, "connected", at_ms(2100));   // on the ACK
        tabs[1].session("connected", at_ms(2100));
    } else {
        tabs[0].call_event(0, "connected", at_ms(2000));
        tabs[1].session("connected", at_ms(2000));
        tabs[1].call_event(0, "callEnded", at_ms(2050));
        tabs[0].session("callEnded", at_ms(2050));
    }
    tabs[0].call_event(0, "callEnded", at_ms(9000));
    tabs[1].session("callEnded", at_ms(9000));
    // Both unregister at the end: each tab was open to the last.
    for (timeline_builder& t : tabs) {
        t.history.events.push_back(
            {at_ms(10000), scenario::callback_kind::register_event, "unregistered"});
    }
    return tabs;
}

TEST(SessionSequence, AForkedCallOfAGoodTargetGivesNoViolationAtAll) {
    for (contract_profile p : {documented, sdk}) {
        SCOPED_TRACE(std::string(to_string(p)));
        std::vector<timeline_builder> tabs = forked_life(p);
        for (const violation& v : session_of(p, tabs)) {
            ADD_FAILURE() << v.rule << ": " << v.detail;
        }
    }
}

TEST(SessionSequence, AMissingMirrorOnAnOpenTabIsTheViolation) {
    std::vector<timeline_builder> tabs = forked_life(sdk);
    std::erase_if(tabs[1].history.events, [](const phone::recorded_event& e) {
        return e.callback == scenario::callback_kind::session_event && e.name == "connected";
    });
    auto v = only(session_of(sdk, tabs), "session.sequence");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].tab, 1u);
    EXPECT_EQ(v[0].call, phone::no_call);
    EXPECT_EQ(v[0].expected, (names{"incoming", "connected", "callEnded"}));
    EXPECT_EQ(v[0].observed, (names{"incoming", "callEnded"}));
    // The last one missing while the tab was still open (it unregistered at 10 s).
    tabs = forked_life(sdk);
    std::erase_if(tabs[1].history.events, [](const phone::recorded_event& e) {
        return e.callback == scenario::callback_kind::session_event && e.at == at_ms(9000);
    });
    v = only(session_of(sdk, tabs), "session.sequence");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].observed, (names{"incoming", "connected"}));
}

TEST(SessionSequence, OrderExtrasAndLoneTabsAreJudged) {
    // Out of order.
    std::vector<timeline_builder> tabs = forked_life(sdk);
    std::vector<phone::recorded_event*> heard;
    for (phone::recorded_event& e : tabs[1].history.events) {
        if (e.callback == scenario::callback_kind::session_event) {
            heard.push_back(&e);
        }
    }
    ASSERT_EQ(heard.size(), 3u);
    std::swap(heard[1]->name, heard[2]->name);  // callEnded before connected
    EXPECT_EQ(only(session_of(sdk, tabs), "session.sequence").size(), 1u);
    // A session event no sibling caused.
    tabs = forked_life(sdk);
    tabs[0].session("connected", at_ms(9500));
    auto v = only(session_of(sdk, tabs), "session.sequence");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].tab, 0u);
    // A lone tab has no sibling to hear.
    timeline_builder lone;
    lone.session("incoming", at_ms(100));
    EXPECT_EQ(only(session_of(documented, {lone}), "session.sequence").size(), 1u);
}

TEST(SessionSequence, ReRegisterAndTheSdksOwnSessionEventsAreNotMirrors) {
    std::vector<timeline_builder> tabs = forked_life(sdk);
    tabs[1].session("re-register", at_ms(3000));
    tabs[1].session("ice_connection_state_failed", at_ms(3100));
    tabs[0].session("ice_gathering_state_complete", at_ms(1500));
    EXPECT_TRUE(session_of(sdk, tabs).empty());
}

TEST(SessionSequence, AClosedTabIsNotExpectedToHearWhatCameAfter) {
    std::vector<timeline_builder> tabs = forked_life(sdk);
    // Tab 1 closed at 3 s: nothing of it after that.
    std::erase_if(tabs[1].history.events,
                  [](const phone::recorded_event& e) { return e.at > at_ms(3000); });
    tabs[1].session("re-register", at_ms(3000));
    EXPECT_TRUE(only(session_of(sdk, tabs), "session.sequence").empty());
    // Yet what came before its last event must be there.
    std::erase_if(tabs[1].history.events, [](const phone::recorded_event& e) {
        return e.callback == scenario::callback_kind::session_event && e.name == "incoming";
    });
    EXPECT_EQ(only(session_of(sdk, tabs), "session.sequence").size(), 1u);
}

TEST(SessionSequence, EventsOfOneInstantMayComeInAnyOrder) {
    std::vector<timeline_builder> tabs(3);
    phone::call_episode a = winner(5000);
    tabs[0].call(a, {"incoming"}).call_event(0, "connected", at_ms(2000));
    phone::call_episode b = loser(call_end::local_hangup, 2000, false);
    b.call_id = "other@target";
    tabs[2].call(b, {"incoming"}).call_event(0, "callEnded", at_ms(2000));
    // Tab 1 hears both incoming at 1 s, then tab 2's callEnded before tab 0's connected.
    tabs[1]
        .session("incoming", at_ms(1000))
        .session("incoming", at_ms(1000))
        .session("callEnded", at_ms(2000))
        .session("connected", at_ms(2000));
    tabs[0].session("incoming", at_ms(1000)).session("callEnded", at_ms(2000));
    tabs[2].session("incoming", at_ms(1000)).session("connected", at_ms(2000));
    // Every tab is seen open after the instants compared.
    for (timeline_builder& t : tabs) {
        t.history.events.push_back(
            {at_ms(3000), scenario::callback_kind::register_event, "unregistered"});
    }
    for (const violation& v : only(session_of(documented, tabs), "session.sequence")) {
        ADD_FAILURE() << v.detail;
    }
    // But not a name that is not among them.
    tabs[1].history.events[1].name = "callEnded";  // the second incoming
    EXPECT_EQ(only(session_of(documented, tabs), "session.sequence").size(), 1u);
}

}  // namespace
}  // namespace ringstorm::contract
