// SIP.js 0.20.0's REGISTER, as the 2.0.5 SDK sends it (sdk-callback-contract.md).

#include "engine/phone/register_request.hpp"

#include "engine/sip/headers.hpp"

namespace ringstorm::phone {

std::string register_identity::contact_uri() const {
    std::string out = "sip:";
    out += contact_user;
    out += '@';
    out += host;
    // The contract's wire text says transport=wss; SIP.js writes the WebSocket transport
    // parameter of RFC 7118 §5.2 here.
    out += ";transport=wss";
    return out;
}

std::string random_token(std::size_t length, std::mt19937_64& rng) {
    static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string out(length, 'a');
    for (auto& c : out) {
        c = alphabet[pick(rng)];
    }
    return out;
}

sip::random_source cnonce_source(std::uint64_t seed) {
    return [engine = std::mt19937_64{seed ^ 0x9e3779b97f4a7c15ULL}](
               std::span<std::uint8_t> out) mutable {
        for (auto& b : out) {
            b = static_cast<std::uint8_t>(engine());
        }
        return true;
    };
}

register_identity make_identity(std::mt19937_64& rng) {
    register_identity id;
    id.call_id = random_token(22, rng);
    id.from_tag = random_token(10, rng);
    id.contact_user = random_token(8, rng);
    id.host = random_token(12, rng) + ".invalid";
    return id;
}

std::string register_request_uri(std::string_view sipdomain) {
    std::string out = "sip:";
    out += sipdomain;
    return out;
}

sip::message build_register(const register_identity& id, const register_fields& fields,
                            std::span<const sip::credential_header> credentials) {
    const std::string request_uri = register_request_uri(fields.sipdomain);
    auto m = sip::message::request(sip::method::register_, request_uri);

    std::string via = "SIP/2.0/WSS ";
    via += id.host;
    via += ";branch=";
    via += fields.branch;
    m.add(sip::header_id::via, via);

    std::string aor = "<sip:";
    aor += fields.auth_user;
    aor += '@';
    aor += fields.sipdomain;
    aor += '>';
    m.add(sip::header_id::to, aor);

    std::string from;
    if (!fields.display_name.empty()) {
        from = sip::quote(fields.display_name);
        from += ' ';
    }
    from += aor;
    from += ";tag=";
    from += id.from_tag;
    m.add(sip::header_id::from, from);

    m.add(sip::header_id::cseq, std::to_string(fields.cseq) + " REGISTER");
    m.add(sip::header_id::call_id, id.call_id);
    m.add(sip::header_id::max_forwards, "70");
    for (const auto& c : credentials) {
        m.add(c.id, c.value);
    }
    // RFC 3261 §10.2.1.1: the expiry is asked per binding, no Expires header (as SIP.js).
    m.add(sip::header_id::contact,
          "<" + id.contact_uri() + ">;expires=" + std::to_string(fields.expires));
    if (fields.expires != 0) {
        m.add(sip::header_id::allow, sdk_allow);  // SIP.js's de-REGISTER carries no Allow
    }
    m.add(sip::header_id::supported, sdk_supported);
    m.add(sip::header_id::user_agent, sdk_user_agent);
    m.add(sip::header_id::content_length, "0");
    return m;
}

}  // namespace ringstorm::phone
