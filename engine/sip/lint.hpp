#pragma once
// Protocol rules checked on a message that parsed (RFC 3261 and friends): the message is
// structurally readable, so a lenient peer can act on it, but the sender broke a rule
// that a report should name. Each issue has a stable rule id that reports, contract
// profiles and the torture corpus refer to; the detail is for humans.

#include <string>
#include <string_view>
#include <vector>

#include "engine/sip/message.hpp"

namespace ringstorm::sip {

struct lint_issue {
    std::string_view rule;  // stable id, "sip.<what>" (see lint.cpp for the list)
    std::string detail;     // what is wrong and the RFC section that says so
};

// Every rule the message breaks, in a fixed rule order (not wire order).
std::vector<lint_issue> lint(const message& m);

// Whether lint(m) reports `rule`.
bool has_issue(const std::vector<lint_issue>& issues, std::string_view rule) noexcept;

}  // namespace ringstorm::sip
