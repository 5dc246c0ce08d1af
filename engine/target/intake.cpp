#include "engine/target/intake.hpp"

#include <array>

#include "engine/sip/headers.hpp"
#include "engine/sip/lint.hpp"
#include "engine/sip/parser.hpp"
#include "engine/target/registrar.hpp"
#include "engine/target/reply.hpp"
#include "engine/target/text.hpp"

namespace ringstorm::target {
namespace {

// The lint rules that make a request unprocessable, and the status each deserves.
struct fatal_rule {
    std::string_view rule;
    int status;
};
constexpr std::array<fatal_rule, 9> fatal_rules{{
    {"sip.version", 505},             // RFC 3261 §21.5.6
    {"sip.request_uri_scheme", 416},  // §8.2.2.1
    {"sip.cseq_method_mismatch", 400},
    {"sip.max_forwards_missing", 400},  // §8.1.1: mandatory in a request
    {"sip.from_tag_missing", 400},      // §8.1.1.3: MUST
    {"sip.duplicate_single_header", 400},
    {"sip.via_protocol", 400},
    {"sip.call_id_syntax", 400},
    {"sip.expires_invalid", 400},
}};

}  // namespace

std::optional<sip::message> salvage_reply(std::string_view frame, std::string_view reason) {
    std::size_t head_end = frame.find("\r\n\r\n");
    if (head_end == std::string_view::npos) {
        head_end = frame.find("\n\n");
    }
    const std::string_view head = frame.substr(0, head_end);
    const std::size_t first_eol = head.find('\n');
    const std::string_view start = trim_line(head.substr(0, first_eol));
    const std::size_t sp1 = start.find(' ');
    const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : start.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || start.starts_with("SIP/")) {
        return std::nullopt;  // not a request line, or a response: nothing to answer
    }
    const std::string_view method = start.substr(0, sp1);
    if (method == "ACK" || !sip::is_token(method)) {
        return std::nullopt;  // RFC 3261 §17.1.1.3: ACK is never answered
    }
    sip::message request = sip::message::request(method, start.substr(sp1 + 1, sp2 - sp1 - 1));
    std::size_t pos = first_eol == std::string_view::npos ? head.size() : first_eol + 1;
    while (pos < head.size()) {
        std::size_t eol = head.find('\n', pos);
        eol = eol == std::string_view::npos ? head.size() : eol;
        const std::string_view line = head.substr(pos, eol - pos);
        pos = eol + 1;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || line.starts_with(' ') || line.starts_with('\t')) {
            continue;  // unreadable or folded: only the addressing headers matter here
        }
        const sip::header_id id = sip::header_id_from_name(trim_line(line.substr(0, colon)));
        if (id == sip::header_id::via || id == sip::header_id::from || id == sip::header_id::to ||
            id == sip::header_id::call_id || id == sip::header_id::cseq) {
            request.add(id, trim_line(line.substr(colon + 1)));
        }
    }
    // RFC 3261 §8.2.6.2, §18.2.2: without a Via and CSeq the client cannot match the answer.
    auto via = request.get(sip::header_id::via);
    const bool via_ok =
        via && !sip::split_list(*via).empty() && sip::parse_via(sip::split_list(*via).front());
    if (!via_ok || !sip::cseq_of(request) || sip::call_id(request).empty()) {
        return std::nullopt;
    }
    return reply(request, 400, reason);
}

intake_result intake::answer(const sip::message& request, int status, std::string_view reason,
                             std::uint64_t& counter) {
    ++counter;
    return intake_result{intake_action::reply, reply(request, status, reason), {}};
}

intake_result intake::take(std::string frame) {
    ++stats_.frames;
    std::vector<sip::parse_error> skipped;
    sip::parse_options options;
    options.max_size = config_.max_message_size;
    options.skipped_lines = &skipped;
    auto parsed = sip::parse(std::string_view(frame), options);
    if (!parsed) {
        auto salvaged = salvage_reply(frame, "Bad Request: " + parsed.error().to_string());
        if (!salvaged) {
            ++stats_.dropped;
            return {};
        }
        ++stats_.requests;
        ++stats_.bad_requests;
        return intake_result{intake_action::reply, std::move(*salvaged), {}};
    }
    sip::message& m = *parsed;
    if (m.is_response()) {
        ++stats_.stray_responses;
        return {};
    }
    ++stats_.requests;
    if (m.method() == sip::method::ack) {
        ++stats_.acks;  // §17.2.1: a stray ACK is absorbed; nothing answers an ACK
        return {};
    }
    if (!skipped.empty()) {
        return answer(m, 400, "Bad header line: " + skipped.front().to_string(),
                      stats_.bad_requests);
    }
    const std::vector<sip::lint_issue> issues = sip::lint(m);
    for (const fatal_rule& f : fatal_rules) {
        for (const sip::lint_issue& issue : issues) {
            if (issue.rule == f.rule) {
                return answer(m, f.status, issue.detail, stats_.bad_requests);
            }
        }
    }
    // RFC 3261 §16.3 step 2: Max-Forwards 0 ends the request here, except an OPTIONS,
    // which this element may answer as its final recipient (§11).
    if (sip::has_issue(issues, "sip.max_forwards_zero") && m.method() != sip::method::options) {
        return answer(m, 483, {}, stats_.bad_requests);
    }
    return dispatch(std::move(m));
}

intake_result intake::dispatch(sip::message request) {
    switch (request.method()) {
        case sip::method::register_: {
            intake_result r{intake_action::register_, {}, {}};
            if (auto aor = aor_key(request.get(sip::header_id::to).value_or(""))) {
                r.aor = std::move(*aor);
            }
            r.message = std::move(request);
            return r;
        }
        case sip::method::options: {
            // RFC 3261 §11.2: what we would accept, and which methods.
            ++stats_.options;
            intake_result r{intake_action::reply, reply(request, 200), {}};
            r.message.add(sip::header_id::allow, config_.allow);
            r.message.add(sip::header_id::accept, config_.accept);
            return r;
        }
        case sip::method::bye:
            // §15.1.2: a BYE matching no dialog gets 481.
            return answer(request, 481, "No such dialog", stats_.no_transaction);
        case sip::method::cancel:
            // §9.2: a CANCEL matching no transaction gets 481.
            return answer(request, 481, "No such transaction", stats_.no_transaction);
        case sip::method::unknown:
            // §8.2.1: a method the server does not implement.
            return answer(request, 501, {}, stats_.unsupported);
        default: {
            // §8.2.1: a known method this server does not allow; Allow says which are.
            intake_result r = answer(request, 405, {}, stats_.unsupported);
            r.message.add(sip::header_id::allow, config_.allow);
            return r;
        }
    }
}

}  // namespace ringstorm::target
