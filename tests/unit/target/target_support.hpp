#pragma once
// Shared by the target tests: accounts, REGISTER requests as a web phone writes them, and
// a registrar driven through the digest exchange with an injected clock.

#include <string>
#include <vector>

#include "engine/scenario/accounts.hpp"
#include "engine/sip/digest.hpp"
#include "engine/sip/parser.hpp"
#include "engine/target/registrar.hpp"

namespace ringstorm::target::test {

using namespace std::chrono_literals;

// Users 10001, 10002… with password "secret".
inline scenario::account_source pattern_accounts() {
    return scenario::account_source(*scenario::name_template::parse("1{n:04}", true, true),
                                    *scenario::name_template::parse("secret", false, false), 1);
}

inline registrar_config test_config() {
    registrar_config c;
    c.domain = "example.com";
    c.enforce_domain = true;
    c.min_expires = 60;
    c.max_expires = 3600;
    c.default_expires = 300;
    c.nonce_secret = "0123456789abcdef0123456789abcdef";
    c.nonce_lifetime = 300s;
    return c;
}

struct register_spec {
    std::string user = "10001";
    std::string domain = "example.com";
    std::vector<std::string> contacts = {"<sip:abc@df7jal23ls0d.invalid;transport=ws>"};
    std::string call_id = "call-1";
    std::uint32_t cseq = 1;
    std::string expires;  // "" = no Expires header
    std::string extra;    // more header lines, each ending in \r\n
};

inline std::string register_text(const register_spec& s) {
    std::string t = "REGISTER sip:" + s.domain + " SIP/2.0\r\n";
    t += "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK" + s.call_id +
         std::to_string(s.cseq) + "\r\n";
    t += "Max-Forwards: 69\r\n";
    t += "To: <sip:" + s.user + "@" + s.domain + ">\r\n";
    t += "From: <sip:" + s.user + "@" + s.domain + ">;tag=ft" + s.call_id + "\r\n";
    t += "Call-ID: " + s.call_id + "\r\n";
    t += "CSeq: " + std::to_string(s.cseq) + " REGISTER\r\n";
    for (const auto& c : s.contacts) {
        t += "Contact: " + c + "\r\n";
    }
    if (!s.expires.empty()) {
        t += "Expires: " + s.expires + "\r\n";
    }
    t += s.extra;
    t += "Content-Length: 0\r\n\r\n";
    return t;
}

inline sip::message parse_or_die(const std::string& text) {
    auto m = sip::parse(text);
    if (!m) {
        throw std::runtime_error("test message does not parse: " + m.error().to_string());
    }
    return std::move(*m);
}

// A registrar with a clock the test moves.
struct registrar_rig {
    registrar reg{test_config(), std::make_shared<const account_book>(pattern_accounts())};
    instant now{core::time_point{} + 1000s, core::wall_clock::now()};
    connection_ref conn{0, 1};

    void advance(std::chrono::seconds d) {
        now.steady += d;
        now.wall += d;
    }

    sip::message send(const sip::message& request) { return reg.on_register(request, conn, now); }

    // The REGISTER, its 401, then the REGISTER again with credentials of `user`/`password`
    // (CSeq + 1); returns the final response.
    sip::message register_with(register_spec spec, const std::string& user = "",
                               const std::string& password = "secret") {
        sip::message first = parse_or_die(register_text(spec));
        sip::message challenge = send(first);
        if (challenge.status() != 401) {
            return challenge;
        }
        sip::digest_client client(user.empty() ? spec.user : user, password);
        client.on_challenge(challenge, first);
        spec.cseq += 1;
        sip::message second = parse_or_die(register_text(spec));
        client.authorize(second);
        return send(second);
    }
};

inline std::vector<std::string> contacts_of(const sip::message& m) {
    std::vector<std::string> out;
    for (auto v : m.get_all(sip::header_id::contact)) {
        out.emplace_back(v);
    }
    return out;
}

}  // namespace ringstorm::target::test
