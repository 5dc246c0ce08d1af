// The call machine's protocol error kinds as contract rule ids (calls-design.md, "findings
// recorded by the phone"), each with the rule it breaks. The ids are stable: the contract
// checker and reports key on them.

#include <array>

#include "engine/phone/tab_state.hpp"

namespace ringstorm::phone {

namespace {

struct mapping {
    std::string_view kind;  // call_action::error_kind
    finding_rule finding;
};

constexpr std::array<mapping, 12> mappings{{
    {"malformed_request",
     {"call.malformed_request", "a request of the call the phone could not use (RFC 3261 §8.2)"}},
    {"merged_request",
     {"call.malformed_request",
      "a second INVITE transaction with the call's Call-ID, answered 482 (RFC 3261 §8.2.2.2)"}},
    {"cseq_out_of_order",
     {"call.cseq_order", "in-dialog CSeq not above the last one, answered 500 (RFC 3261 §12.2.2)"}},
    {"no_dialog",
     {"call.no_dialog",
      "in-dialog request outside or before the dialog, answered 481 "
      "(RFC 3261 §12.2.2)"}},
    {"wrong_call",
     {"call.no_dialog", "request of another Call-ID, answered 481 (RFC 3261 §12.2.2)"}},
    {"sdp_answer_direction",
     {"call.hold_answer_direction",
      "answer direction the offer forbids (RFC 3264 §6.1, RFC 6337 §5.3)"}},
    {"sdp_answer", {"call.bad_answer_sdp", "not a valid answer to our offer (RFC 3264 §6)"}},
    {"stray_response",
     {"call.stray_response",
      "a response matching no transaction of the call (RFC 3261 §17.1.3, §18.1.2)"}},
    {"malformed_response",
     {"call.stray_response",
      "a response without the Via branch or CSeq to match it "
      "(RFC 3261 §17.1.3)"}},
    {"request_timeout",
     {"call.request_timeout", "no final response in 64·T1 (Timer F, RFC 3261 §17.1.2.2)"}},
    {"reinvite_refused",
     {"call.hold_refused",
      "a non-2xx final response to our hold/unhold re-INVITE "
      "(RFC 3261 §14.1)"}},
    {"reinvite_offer",
     {"call.bad_offer",
      "re-INVITE offer the phone cannot answer, answered 488 "
      "(RFC 3261 §14.2, RFC 3264 §6)"}},
}};

}  // namespace

finding_rule finding_for(std::string_view kind) noexcept {
    for (const auto& m : mappings) {
        if (m.kind == kind) {
            return m.finding;
        }
    }
    // malformed_invite, invite_not_dialog_creating, sdp_offer, ack_timeout,
    // reinvite_timeout: the episode's end says it (call.bad_invite, call.bad_offer,
    // call.no_ack, call.reinvite_timeout), so no finding repeats it.
    return {};
}

}  // namespace ringstorm::phone
