#include "engine/sip/method.hpp"

namespace ringstorm::sip {

std::string_view to_string(method m) noexcept {
    switch (m) {
        case method::invite:
            return "INVITE";
        case method::ack:
            return "ACK";
        case method::bye:
            return "BYE";
        case method::cancel:
            return "CANCEL";
        case method::register_:
            return "REGISTER";
        case method::options:
            return "OPTIONS";
        case method::info:
            return "INFO";
        case method::update:
            return "UPDATE";
        case method::prack:
            return "PRACK";
        case method::subscribe:
            return "SUBSCRIBE";
        case method::notify:
            return "NOTIFY";
        case method::refer:
            return "REFER";
        case method::message:
            return "MESSAGE";
        case method::publish:
            return "PUBLISH";
        case method::unknown:
            break;
    }
    return {};
}

// RFC 3261 §7.1: the method is case-sensitive, so "invite" is an extension method, not
// INVITE. Dispatching on length first keeps this to one or two compares per call; the
// parser calls it for every request line and every CSeq.
method method_from_token(std::string_view t) noexcept {
    switch (t.size()) {
        case 3:
            if (t == "ACK") {
                return method::ack;
            }
            if (t == "BYE") {
                return method::bye;
            }
            break;
        case 4:
            if (t == "INFO") {
                return method::info;
            }
            break;
        case 5:
            if (t == "PRACK") {
                return method::prack;
            }
            if (t == "REFER") {
                return method::refer;
            }
            break;
        case 6:
            if (t == "INVITE") {
                return method::invite;
            }
            if (t == "CANCEL") {
                return method::cancel;
            }
            if (t == "UPDATE") {
                return method::update;
            }
            if (t == "NOTIFY") {
                return method::notify;
            }
            break;
        case 7:
            if (t == "OPTIONS") {
                return method::options;
            }
            if (t == "MESSAGE") {
                return method::message;
            }
            if (t == "PUBLISH") {
                return method::publish;
            }
            break;
        case 8:
            if (t == "REGISTER") {
                return method::register_;
            }
            break;
        case 9:
            if (t == "SUBSCRIBE") {
                return method::subscribe;
            }
            break;
        default:
            break;
    }
    return method::unknown;
}

}  // namespace ringstorm::sip
