// Frames arriving on the phone's WebSocket: responses to its REGISTER, and requests the
// target sends over the same socket (the Contact is unroutable, so everything comes this
// way). Bad input never stops the phone: it is counted as a protocol error, noted on the
// ladder, and the tab goes on.

#include <iterator>

#include "engine/phone/registration.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"

namespace ringstorm::phone {

namespace {

// CRLF keep-alives (RFC 5626 §4.4.1 style) carry no message; ignore them quietly.
bool only_line_ends(std::string_view frame) noexcept {
    return frame.find_first_not_of("\r\n") == std::string_view::npos;
}

}  // namespace

core::sip_method stats_method_of(const sip::message& m) {
    if (m.is_request()) {
        return core::sip_method_from_token(m.method_text());
    }
    auto cseq = sip::cseq_of(m);
    return cseq ? core::sip_method_from_token(cseq->method_text) : core::sip_method::other;
}

registration_actions registration::on_frame(std::string_view frame, core::time_point now) {
    auto in = read_frame(frame, now);
    if (in.message) {
        auto more = on_message(std::move(*in.message), now);
        in.actions.insert(in.actions.end(), std::make_move_iterator(more.begin()),
                          std::make_move_iterator(more.end()));
    }
    return std::move(in.actions);
}

inbound_frame registration::read_frame(std::string_view frame, core::time_point now) {
    inbound_frame in;
    if (only_line_ends(frame)) {
        return in;
    }
    note(std::string(frame), false, now);
    // Lenient like the SDK: header lines it cannot read are skipped, not fatal.
    std::vector<sip::parse_error> skipped;
    sip::parse_options options;
    options.skipped_lines = &skipped;
    auto parsed = sip::parse(frame, options);
    if (!parsed) {
        in.actions.push_back(protocol_error_action("sip_parse"));
        note("unparsable SIP: " + parsed.error().to_string(), false, now);
        return in;
    }
    if (!skipped.empty()) {
        in.actions.push_back(protocol_error_action("sip_header_skipped"));
        note("skipped header line: " + skipped.front().to_string(), false, now);
    }
    in.message = std::move(*parsed);
    return in;
}

registration_actions registration::on_message(sip::message m, core::time_point now) {
    out_t out;
    out.push_back(sip_count_action(core::direction::received, stats_method_of(m),
                                   core::status_class_of(m.status())));
    if (m.is_response()) {
        on_response(std::move(m), now, out);
    } else {
        on_request(m, now, out);
    }
    return out;
}

bool registration::addressed_to_me(const sip::message& request) const {
    // The target may address us by Contact user, by AOR user, or by domain only.
    auto uri = sip::parse_uri(request.request_uri());
    return !uri || uri->user.empty() || uri->user == identity_.contact_user ||
           uri->user == config_.account.auth_user;
}

void registration::on_request(const sip::message& request, core::time_point now, out_t& out) {
    const sip::method method = request.method();
    if (method == sip::method::ack) {
        return;  // ACK of our non-2xx answer to an INVITE (RFC 3261 §17.2.1): absorbed
    }
    int status = 405;
    if (!addressed_to_me(request)) {
        status = 404;  // requests for another user (the contract's wire behaviour)
    } else if (method == sip::method::options) {
        status = 200;  // SIP.js answers OPTIONS itself (RFC 3261 §11.2)
    } else if (method == sip::method::invite && !sip::to_tag(request).empty()) {
        status = 481;  // a re-INVITE of a dialog this phone does not have (RFC 3261 §12.2.2)
    } else if (method == sip::method::invite) {
        // A new INVITE the tab did not take as a call (it is closing, like a page being
        // unloaded): 480 Temporarily Unavailable, what the SDK sends for a call it cannot
        // present.
        status = 480;
    } else if (method == sip::method::bye || method == sip::method::cancel) {
        status = 481;  // no such dialog or transaction (RFC 3261 §15.1.2, §9.2)
    }
    const std::string to_tag = random_token(10, rng_);
    sip::message response = sip::make_response(request, status, {}, to_tag);
    if (status == 200 || status == 405) {
        response.add(sip::header_id::allow, sdk_allow);  // RFC 3261 §21.4.6 for 405
    }
    if (status == 200) {
        response.add(sip::header_id::accept, "application/sdp");
        response.add(sip::header_id::supported, sdk_supported);
    }
    response.add(sip::header_id::user_agent, sdk_user_agent);
    count_sent(response, now, out);
}

}  // namespace ringstorm::phone
