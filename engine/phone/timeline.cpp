// Names of episode kinds and outcomes and of call ends, as reports and the contract checker
// print them.

#include "engine/phone/timeline.hpp"

namespace ringstorm::phone {

std::string_view to_string(episode_kind k) noexcept {
    switch (k) {
        case episode_kind::register_:
            return "register";
        case episode_kind::refresh:
            return "refresh";
        case episode_kind::unregister:
            return "unregister";
        case episode_kind::recover:
            return "recover";
        case episode_kind::drop:
            return "drop";
    }
    return "unknown";
}

std::string_view to_string(episode_outcome o) noexcept {
    switch (o) {
        case episode_outcome::pending:
            return "pending";
        case episode_outcome::ok:
            return "ok";
        case episode_outcome::auth_failed:
            return "auth_failed";
        case episode_outcome::rejected:
            return "rejected";
        case episode_outcome::binding_missing:
            return "binding_missing";
        case episode_outcome::expiry_missing:
            return "expiry_missing";
        case episode_outcome::contact_missing:
            return "contact_missing";
        case episode_outcome::timeout:
            return "timeout";
        case episode_outcome::transport_error:
            return "transport_error";
        case episode_outcome::not_sent:
            return "not_sent";
    }
    return "unknown";
}

std::string_view to_string(call_end e) noexcept {
    switch (e) {
        case call_end::none:
            return "none";
        case call_end::remote_bye:
            return "remote_bye";
        case call_end::remote_cancel:
            return "remote_cancel";
        case call_end::local_hangup:
            return "local_hangup";
        case call_end::local_reject:
            return "local_reject";
        case call_end::no_answer:
            return "no_answer";
        case call_end::no_ack:
            return "no_ack";
        case call_end::bad_offer:
            return "bad_offer";
        case call_end::bad_invite:
            return "bad_invite";
        case call_end::reinvite_timeout:
            return "reinvite_timeout";
        case call_end::transport_error:
            return "transport_error";
        case call_end::local_close:
            return "local_close";
        case call_end::remote_rejected:
            return "remote_rejected";
        case call_end::no_final:
            return "no_final";
    }
    return "none";
}

}  // namespace ringstorm::phone
