#pragma once
// The REGISTER of a real SDK phone (the Exotel web SDK 2.0.5 bundles SIP.js 0.20.0), built
// byte for byte per sdk-callback-contract.md "Wire behaviour": Request-URI sip:{sipdomain},
// AOR sip:{authUser}@{sipdomain}, an unroutable Contact with ;expires=, no Expires header,
// Via SIP/2.0/WSS over a random .invalid host, CSeq starting at 2. Pure functions of their
// inputs: randomness comes from the caller's engine, so a seeded phone is reproducible.

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "engine/sip/digest.hpp"
#include "engine/sip/message.hpp"

namespace ringstorm::phone {

inline constexpr std::string_view sdk_user_agent = "SIP.js/0.20.0";
inline constexpr std::string_view sdk_allow =
    "ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER";
inline constexpr std::string_view sdk_supported = "outbound, path, gruu";
// SIP.js sends the first REGISTER of a Registerer with CSeq 2.
inline constexpr std::uint32_t first_register_cseq = 2;

// What stays fixed for one SIP.js UserAgent and its Registerer: every REGISTER of one
// registration carries the same Call-ID, From tag and Contact (RFC 3261 §10.2.4). The
// 2.0.5 SDK makes a new one when it re-registers after a failure or a dropped socket.
struct register_identity {
    std::string call_id;       // 22 random characters
    std::string from_tag;      // 10 random characters
    std::string contact_user;  // 8 random characters
    std::string host;          // 12 random characters + ".invalid": SIP.js's viaHost, used
                               // as the Via sent-by and the Contact host alike

    // "sip:{contact_user}@{host};transport=wss"
    std::string contact_uri() const;
};

// Lower-case letters and digits, like SIP.js's createRandomToken.
std::string random_token(std::size_t length, std::mt19937_64& rng);
register_identity make_identity(std::mt19937_64& rng);
// The digest client's cnonces: an engine of their own seeded from the phone's (or the
// call's) `seed`, so the client needs no pointer back into its machine (which stays
// movable) and a seeded run stays reproducible.
sip::random_source cnonce_source(std::uint64_t seed);

struct register_fields {
    std::string_view sipdomain;     // Request-URI host and AOR domain
    std::string_view auth_user;     // AOR user part
    std::string_view display_name;  // From display name; empty = none
    std::uint32_t cseq = first_register_cseq;
    std::uint32_t expires = 300;  // Contact ;expires=; 0 = de-REGISTER (RFC 3261 §10.2.2)
    std::string_view branch;      // the top Via branch (z9hG4bK…), fresh per REGISTER
};

// "sip:{sipdomain}", the Request-URI and the digest-uri of every REGISTER.
std::string register_request_uri(std::string_view sipdomain);

// The REGISTER, with `credentials` (Authorization / Proxy-Authorization values computed
// for register_request_uri()) placed after Max-Forwards, where SIP.js puts them.
sip::message build_register(const register_identity& id, const register_fields& fields,
                            std::span<const sip::credential_header> credentials = {});

}  // namespace ringstorm::phone
