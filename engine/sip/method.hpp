#pragma once
// SIP request methods (RFC 3261 §7.1 and extensions). Method names are case-sensitive
// tokens; anything not listed here is `unknown` and its text is kept by the message.

#include <cstdint>
#include <string_view>

namespace ringstorm::sip {

enum class method : std::uint8_t {
    unknown,
    invite,
    ack,
    bye,
    cancel,
    register_,
    options,
    info,      // RFC 6086
    update,    // RFC 3311
    prack,     // RFC 3262
    subscribe, // RFC 6665
    notify,    // RFC 6665
    refer,     // RFC 3515
    message,   // RFC 3428
    publish,   // RFC 3903
};

// The wire token of a method ("REGISTER" for method::register_); "" for unknown.
std::string_view to_string(method m) noexcept;
// The method named by a token, compared case-sensitively; unknown when not listed.
method method_from_token(std::string_view token) noexcept;

}  // namespace ringstorm::sip
