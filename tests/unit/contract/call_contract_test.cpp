// The call verdict: every row of the contract's call table under both profiles, what each
// call end says about the target, findings, and calls that are still live.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/contract/checker.hpp"
#include "engine/contract/profile.hpp"
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
constexpr call_role callee = call_role::callee;
constexpr call_role caller = call_role::caller;

// How far a call got before it ended at 5 s.
enum class reached : std::uint8_t {
    ringing,         // never answered
    answered,        // callee: 200 sent at 1 s, no ACK ever; caller: 2xx received at 1 s
    acked,           // callee: 200 at 1 s, its ACK at 1.1 s
    acked_too_late,  // callee: 200 at 1 s, the app hung up at 5 s, the ACK came at 6 s
};

phone::call_episode make_call(call_role role, call_end end, reached how) {
    phone::call_episode c;
    c.call_id = "a84b4c76e66710@target";
    c.role = role;
    c.started = at_ms(0);
    if (how != reached::ringing) {
        c.answered = at_ms(1000);
    }
    if (how == reached::acked) {
        c.acked = at_ms(1100);
    } else if (how == reached::acked_too_late) {
        c.acked = at_ms(6000);
    }
    c.ended = at_ms(5000);
    c.end = end;
    return c;
}

// One row of the contract's call table: what happened, what the app sees, and the rule the
// target broke ("" when it behaved).
struct row {
    contract_profile profile;
    call_role role;
    call_end end;
    reached how;
    names events;
    std::string rule;
};

const std::vector<row>& rows() {
    static const std::vector<row> all{
        // documented: connected on the ACK, the far side's ends are `terminated`.
        {documented,
         callee,
         call_end::remote_bye,
         reached::acked,
         {"incoming", "connected", "terminated"},
         ""},
        {documented,
         callee,
         call_end::local_hangup,
         reached::acked,
         {"incoming", "connected", "callEnded"},
         ""},
        {documented,
         callee,
         call_end::local_hangup,
         reached::acked_too_late,
         {"incoming", "callEnded"},
         ""},
        {documented,
         callee,
         call_end::local_hangup,
         reached::ringing,
         {"incoming", "callEnded"},
         ""},
        {documented,
         callee,
         call_end::local_reject,
         reached::ringing,
         {"incoming", "callEnded"},
         ""},
        {documented,
         callee,
         call_end::remote_cancel,
         reached::ringing,
         {"incoming", "terminated"},
         ""},
        {documented, callee, call_end::no_answer, reached::ringing, {"incoming", "callEnded"}, ""},
        {documented,
         callee,
         call_end::remote_bye,
         reached::answered,
         {"incoming", "terminated"},
         ""},
        {documented,
         callee,
         call_end::no_ack,
         reached::answered,
         {"incoming", "terminated"},
         "call.no_ack"},
        {documented, callee, call_end::bad_offer, reached::ringing, {}, "call.bad_offer"},
        {documented, callee, call_end::bad_invite, reached::ringing, {}, "call.bad_invite"},
        {documented,
         callee,
         call_end::reinvite_timeout,
         reached::acked,
         {"incoming", "connected", "terminated"},
         "call.reinvite_timeout"},
        {documented,
         callee,
         call_end::transport_error,
         reached::acked,
         {"incoming", "connected", "terminated"},
         "call.transport_error"},
        {documented,
         callee,
         call_end::transport_error,
         reached::ringing,
         {"incoming", "terminated"},
         "call.transport_error"},
        // 2.0.5: connected when the 200 is sent, every end is callEnded, but a lost socket.
        {sdk,
         callee,
         call_end::remote_bye,
         reached::acked,
         {"incoming", "connected", "callEnded"},
         ""},
        {sdk,
         callee,
         call_end::local_hangup,
         reached::acked,
         {"incoming", "connected", "callEnded"},
         ""},
        {sdk,
         callee,
         call_end::local_hangup,
         reached::acked_too_late,
         {"incoming", "connected", "callEnded"},
         ""},
        {sdk, callee, call_end::local_hangup, reached::ringing, {"incoming", "callEnded"}, ""},
        {sdk, callee, call_end::local_reject, reached::ringing, {"incoming", "callEnded"}, ""},
        {sdk, callee, call_end::remote_cancel, reached::ringing, {"incoming", "callEnded"}, ""},
        {sdk, callee, call_end::no_answer, reached::ringing, {"incoming", "callEnded"}, ""},
        {sdk,
         callee,
         call_end::remote_bye,
         reached::answered,
         {"incoming", "connected", "callEnded"},
         ""},
        {sdk,
         callee,
         call_end::no_ack,
         reached::answered,
         {"incoming", "connected", "callEnded"},
         "call.no_ack"},
        {sdk, callee, call_end::bad_offer, reached::ringing, {}, "call.bad_offer"},
        {sdk, callee, call_end::bad_invite, reached::ringing, {}, "call.bad_invite"},
        {sdk,
         callee,
         call_end::reinvite_timeout,
         reached::acked,
         {"incoming", "connected", "callEnded"},
         "call.reinvite_timeout"},
        {sdk,
         callee,
         call_end::transport_error,
         reached::acked,
         {"incoming", "connected"},
         "call.transport_error"},
        {sdk,
         callee,
         call_end::transport_error,
         reached::ringing,
         {"incoming"},
         "call.transport_error"},
        // Caller role: connected on the 2xx, the ends as the callee's rows.
        {documented,
         caller,
         call_end::local_hangup,
         reached::answered,
         {"connected", "callEnded"},
         ""},
        {documented,
         caller,
         call_end::remote_bye,
         reached::answered,
         {"connected", "terminated"},
         ""},
        {documented, caller, call_end::local_hangup, reached::ringing, {"callEnded"}, ""},
        {documented,
         caller,
         call_end::remote_rejected,
         reached::ringing,
         {"terminated"},
         "call.caller_rejected"},
        {documented,
         caller,
         call_end::no_final,
         reached::ringing,
         {"terminated"},
         "call.caller_no_final"},
        {documented,
         caller,
         call_end::transport_error,
         reached::answered,
         {"connected", "terminated"},
         "call.transport_error"},
        {sdk, caller, call_end::local_hangup, reached::answered, {"connected", "callEnded"}, ""},
        {sdk, caller, call_end::remote_bye, reached::answered, {"connected", "callEnded"}, ""},
        {sdk, caller, call_end::local_hangup, reached::ringing, {"callEnded"}, ""},
        {sdk,
         caller,
         call_end::remote_rejected,
         reached::ringing,
         {"callEnded"},
         "call.caller_rejected"},
        {sdk, caller, call_end::no_final, reached::ringing, {"callEnded"}, "call.caller_no_final"},
        {sdk,
         caller,
         call_end::transport_error,
         reached::answered,
         {"connected"},
         "call.transport_error"},
    };
    return all;
}

std::string trace(const row& r) {
    return std::string(to_string(r.profile)) + (r.role == caller ? " caller " : " callee ") +
           std::string(phone::to_string(r.end)) + " reached " +
           std::to_string(static_cast<int>(r.how));
}

verdict judge_one(const row& r, const names& events) {
    timeline_builder b;
    b.call(make_call(r.role, r.end, r.how), events);
    return check(r.profile, b.history);
}

TEST(CallContract, EveryRowPassesWhenTheTargetBehavesAndNamesItsRuleWhenNot) {
    for (const row& r : rows()) {
        SCOPED_TRACE(trace(r));
        verdict v = judge_one(r, r.events);
        EXPECT_TRUE(v.checked);
        if (r.rule.empty()) {
            EXPECT_TRUE(v.passed());
            for (const violation& x : v.violations) {
                ADD_FAILURE() << x.rule << ": " << x.detail;
            }
            continue;
        }
        ASSERT_EQ(v.violations.size(), 1u);
        EXPECT_EQ(v.violations[0].rule, r.rule);
        EXPECT_EQ(v.violations[0].call, 0u);
        EXPECT_EQ(v.violations[0].expected, r.events);
        EXPECT_EQ(v.violations[0].observed, r.events);
    }
}

TEST(CallContract, ABehavedCallWithOtherCallbacksIsASequenceViolation) {
    for (const row& r : rows()) {
        if (!r.rule.empty()) {
            continue;
        }
        SCOPED_TRACE(trace(r));
        std::vector<names> wrong;
        wrong.push_back(names(r.events.begin(), r.events.end() - 1));  // the end event missing
        names extra = r.events;
        extra.push_back("activeSession");
        wrong.push_back(extra);
        if (r.events.size() > 1) {
            names swapped = r.events;
            std::swap(swapped.front(), swapped.back());
            wrong.push_back(swapped);
        }
        for (const names& events : wrong) {
            verdict v = judge_one(r, events);
            ASSERT_EQ(v.violations.size(), 1u);
            EXPECT_EQ(v.violations[0].rule, "call.sequence");
            EXPECT_EQ(v.violations[0].expected, r.events);
            EXPECT_EQ(v.violations[0].observed, events);
        }
    }
}

TEST(CallContract, WhatTheTargetDidWinsOverTheCallbacks) {
    for (const row& r : rows()) {
        if (r.rule.empty()) {
            continue;
        }
        SCOPED_TRACE(trace(r));
        for (const names& events : {names{}, names{"incoming", "connected", "callEnded"}}) {
            verdict v = judge_one(r, events);
            ASSERT_EQ(v.violations.size(), 1u);
            EXPECT_EQ(v.violations[0].rule, r.rule);
            EXPECT_EQ(v.violations[0].expected, r.events);
        }
    }
}

TEST(CallContract, EachProfileRejectsTheOthersHabits) {
    // 2.0.5's connected-before-ACK under the documented profile.
    timeline_builder early;
    early.call(make_call(callee, call_end::local_hangup, reached::acked_too_late),
               {"incoming", "connected", "callEnded"});
    verdict v = check(documented, early.history);
    ASSERT_EQ(v.violations.size(), 1u);
    EXPECT_EQ(v.violations[0].rule, "call.sequence");
    EXPECT_EQ(v.violations[0].expected, (names{"incoming", "callEnded"}));
    // The documented `terminated` for a remote BYE under 2.0.5.
    timeline_builder remote;
    remote.call(make_call(callee, call_end::remote_bye, reached::acked),
                {"incoming", "connected", "terminated"});
    v = check(sdk, remote.history);
    ASSERT_EQ(v.violations.size(), 1u);
    EXPECT_EQ(v.violations[0].rule, "call.sequence");
    EXPECT_EQ(v.violations[0].expected, (names{"incoming", "connected", "callEnded"}));
}

TEST(CallContract, LiveCallsKeepTheirFindingsButNotTheirSequence) {
    for (contract_profile p : {documented, sdk}) {
        timeline_builder quiet;
        phone::call_episode ringing = make_call(callee, call_end::none, reached::acked);
        ringing.ended.reset();
        quiet.call(ringing, {"terminated", "terminated"});
        verdict v = check(p, quiet.history);
        EXPECT_FALSE(v.checked);  // nothing to judge yet: the callbacks are not all in
        EXPECT_TRUE(v.violations.empty());

        // What the target already broke on the wire counts, even if the run's end cut the call.
        timeline_builder b;
        phone::call_episode live = ringing;
        live.findings.push_back({"call.cseq_order", "CSeq 3 after 5", at_ms(2000)});
        b.call(live, {"terminated", "terminated"});
        v = check(p, b.history);
        EXPECT_TRUE(v.checked);
        ASSERT_EQ(v.violations.size(), 1u);
        EXPECT_EQ(v.violations[0].rule, "call.cseq_order");
        // A live call next to an ended one: only the ended one's sequence counts.
        b.call(make_call(callee, call_end::no_ack, reached::answered), {});
        v = check(p, b.history);
        ASSERT_EQ(v.violations.size(), 2u);
        EXPECT_EQ(v.violations[1].rule, "call.no_ack");
        EXPECT_EQ(v.violations[1].call, 1u);
    }
}

TEST(CallContract, EveryFindingIsOneViolationBesideTheCallsOwn) {
    phone::call_episode c = make_call(callee, call_end::remote_bye, reached::acked);
    c.findings.push_back(
        {"call.hold_answer_direction", "sendrecv answer to sendonly (RFC 6337 §5.3)", at_ms(2000)});
    c.findings.push_back({"call.cseq_order", "CSeq 4 after 7 (RFC 3261 §12.2.2)", at_ms(3000)});
    timeline_builder b;
    b.call(c, {"incoming", "connected", "callEnded"});
    verdict v = check(sdk, b.history);
    ASSERT_EQ(v.violations.size(), 2u);
    EXPECT_EQ(v.violations[0].rule, "call.hold_answer_direction");
    EXPECT_EQ(v.violations[0].detail, "sendrecv answer to sendonly (RFC 6337 §5.3)");
    EXPECT_EQ(v.violations[0].call, 0u);
    EXPECT_EQ(v.violations[1].rule, "call.cseq_order");
    EXPECT_EQ(v.violations[1].detail, "CSeq 4 after 7 (RFC 3261 §12.2.2)");
    // A broken end and a finding: both.
    b.history.calls[0].end = call_end::reinvite_timeout;
    v = check(sdk, b.history);
    ASSERT_EQ(v.violations.size(), 3u);
    EXPECT_EQ(v.violations[0].rule, "call.reinvite_timeout");
    // A finding id the contract does not list is still reported, under the phone's own id.
    b.history.calls[0].end = call_end::remote_bye;
    b.history.calls[0].findings = {{"call.something_new", "what was seen", at_ms(2500)}};
    v = check(sdk, b.history);
    ASSERT_EQ(v.violations.size(), 1u);
    EXPECT_EQ(v.violations[0].rule, "call.something_new");
}

TEST(CallContract, OnlyTheCallsOwnCallEventsCount) {
    timeline_builder b;
    b.episode(phone::episode_kind::register_, phone::episode_outcome::ok,
              {"sent_request", "registered"});
    b.call(make_call(callee, call_end::local_reject, reached::ringing), {"incoming"});
    b.call(make_call(callee, call_end::remote_cancel, reached::ringing), {"incoming"});
    b.session("incoming", at_ms(4000));                         // another tab's call
    b.event("connected", scenario::callback_kind::call_event);  // no call index
    b.call_event(7, "connected", at_ms(4000));                  // a call that was never recorded
    b.call_event(1, "terminated", at_ms(4500));
    b.call_event(0, "callEnded", at_ms(4600));
    verdict v = check(documented, b.history);
    EXPECT_TRUE(v.passed()) << (v.violations.empty() ? "" : v.violations[0].detail);
    // Events of one call do not leak into the other.
    b.call_event(1, "callEnded", at_ms(4700));
    v = check(documented, b.history);
    ASSERT_EQ(v.violations.size(), 1u);
    EXPECT_EQ(v.violations[0].call, 1u);
    EXPECT_EQ(v.violations[0].observed, (names{"incoming", "terminated", "callEnded"}));
}

TEST(CallContract, TheDetailNamesTheEndTheCallIdAndTheFinalStatus) {
    phone::call_episode c = make_call(callee, call_end::bad_offer, reached::ringing);
    c.final_status = 488;
    timeline_builder b;
    b.call(c, {});
    verdict v = check(documented, b.history);
    ASSERT_EQ(v.violations.size(), 1u);
    const std::string& d = v.violations[0].detail;
    EXPECT_NE(d.find("bad_offer"), std::string::npos) << d;
    EXPECT_NE(d.find("a84b4c76e66710@target"), std::string::npos) << d;
    EXPECT_NE(d.find("488"), std::string::npos) << d;
    EXPECT_EQ(v.violations[0].tab, 0u);
}

TEST(CallContract, EveryEndOfEveryRoleHasARowInBothProfiles) {
    for (contract_profile p : {documented, sdk}) {
        for (call_role role : {callee, caller}) {
            for (int e = static_cast<int>(call_end::remote_bye);
                 e <= static_cast<int>(call_end::no_final); ++e) {
                const auto end = static_cast<call_end>(e);
                const auto c = make_call(role, end, reached::acked);
                // The phone's own close is the app's doing: deliberately not judged.
                EXPECT_EQ(expected_call_events(p, c).has_value(), end != call_end::local_close)
                    << e;
            }
            EXPECT_FALSE(expected_call_events(p, make_call(role, call_end::none, reached::acked)));
        }
    }
}

}  // namespace
}  // namespace ringstorm::contract
