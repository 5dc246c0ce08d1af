// The challenging side of digest authentication (RFC 3261 §22.1, §22.3; RFC 7616 §3.3,
// §3.4.6): stateless nonces that any worker with the secret can verify, and the checks a
// registrar or proxy makes on Authorization / Proxy-Authorization.

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "engine/sip/digest.hpp"
#include "engine/sip/digest_detail.hpp"
#include "engine/sip/message.hpp"

namespace ringstorm::sip {

namespace {

constexpr std::size_t stamp_hex = 16;  // 64-bit seconds since the epoch
constexpr std::size_t salt_bytes = 8;  // makes nonces of one second distinct
constexpr std::size_t mac_bytes = 16;  // HMAC-SHA-256 truncated: 128 bits are plenty
constexpr std::size_t nonce_size = stamp_hex + 2 * salt_bytes + 2 * mac_bytes;
// A nonce stamped ahead of our clock by more than this is treated as expired (a worker
// whose clock runs ahead, or ours stepped back) so the client fetches a fresh one.
constexpr std::int64_t future_tolerance_s = 60;

std::int64_t epoch_seconds(digest_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool is_lower_hex(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::uint64_t read_hex64(std::string_view s) noexcept {
    std::uint64_t v = 0;
    for (char c : s) {
        v = (v << 4) | static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
}

digest_verdict verdict(digest_status s, const char* why, std::string username = {}) {
    return digest_verdict{s, std::move(username), why, 0};
}

}  // namespace

std::string_view to_string(digest_status s) noexcept {
    switch (s) {
        case digest_status::ok:
            return "ok";
        case digest_status::stale:
            return "stale";
        case digest_status::bad_response:
            return "bad_response";
        case digest_status::unknown_user:
            return "unknown_user";
        case digest_status::bad_nonce:
            return "bad_nonce";
        case digest_status::wrong_realm:
            return "wrong_realm";
        case digest_status::uri_mismatch:
            return "uri_mismatch";
        case digest_status::unsupported_algorithm:
            return "unsupported_algorithm";
        case digest_status::malformed:
            return "malformed";
        case digest_status::no_credentials:
            return "no_credentials";
    }
    return "unknown";
}

std::string digest_server_config::validate() const {
    if (realm.empty()) {
        return "digest realm is empty";
    }
    if (secret.size() < 16) {
        return "digest nonce secret is shorter than 16 bytes";
    }
    if (nonce_lifetime <= std::chrono::seconds::zero()) {
        return "digest nonce lifetime must be positive";
    }
    if (algorithms.empty()) {
        return "no digest algorithm to offer";
    }
    for (std::size_t i = 0; i < algorithms.size(); ++i) {
        // A -sess key binds the first cnonce of a nonce, which a stateless server
        // cannot remember.
        if (is_session(algorithms[i])) {
            return "session (-sess) digest algorithms cannot be offered by a stateless server";
        }
        if (std::find(algorithms.begin(), algorithms.begin() + static_cast<std::ptrdiff_t>(i),
                      algorithms[i]) != algorithms.begin() + static_cast<std::ptrdiff_t>(i)) {
            return "digest algorithm listed twice";
        }
    }
    return {};
}

digest_server::digest_server(digest_server_config config, random_source random)
    : config_(std::move(config)), random_(std::move(random)) {
    opaque_ = config_.opaque.empty() ? nonce_mac("opaque") : config_.opaque;
}

std::string digest_server::nonce_mac(std::string_view stamp_and_salt) const {
    // The realm is part of the MAC so a nonce of one realm is useless in another.
    std::string data(stamp_and_salt);
    data += ':';
    data += config_.realm;
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), config_.secret.data(), static_cast<int>(config_.secret.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data(),
             &len) == nullptr ||
        len < mac_bytes) {
        return {};
    }
    return digest_detail::to_hex(md.data(), mac_bytes);
}

std::string digest_server::make_nonce(digest_clock::time_point now) const {
    std::array<std::uint8_t, salt_bytes> salt{};
    if (!random_ || !random_(salt)) {
        return {};
    }
    char stamp[stamp_hex + 1];
    std::snprintf(stamp, sizeof stamp, "%016llx",
                  static_cast<unsigned long long>(std::max<std::int64_t>(0, epoch_seconds(now))));
    std::string nonce = stamp + digest_detail::to_hex(salt.data(), salt.size());
    std::string mac = nonce_mac(nonce);
    if (mac.empty()) {
        return {};
    }
    return nonce + mac;
}

digest_server::nonce_check digest_server::check_nonce(std::string_view nonce,
                                                      digest_clock::time_point now) const {
    if (nonce.size() != nonce_size || !is_lower_hex(nonce)) {
        return nonce_check::forged;
    }
    std::string_view body = nonce.substr(0, stamp_hex + 2 * salt_bytes);
    std::string expected = nonce_mac(body);
    if (expected.empty() ||
        !digest_detail::constant_time_equal(expected, nonce.substr(body.size()))) {
        return nonce_check::forged;
    }
    std::uint64_t stamp = read_hex64(nonce.substr(0, stamp_hex));
    std::int64_t now_s = epoch_seconds(now);
    if (stamp > static_cast<std::uint64_t>(std::max<std::int64_t>(0, now_s + future_tolerance_s))) {
        return nonce_check::expired;
    }
    if (now_s - static_cast<std::int64_t>(stamp) > config_.nonce_lifetime.count()) {
        return nonce_check::expired;
    }
    return nonce_check::fresh;
}

std::vector<std::string> digest_server::challenges(digest_clock::time_point now, bool stale) const {
    std::string nonce = make_nonce(now);
    if (nonce.empty()) {
        return {};
    }
    std::vector<std::string> out;
    for (digest_algorithm a : config_.algorithms) {
        digest_challenge c;
        c.realm = config_.realm;
        c.nonce = nonce;
        c.opaque = opaque_;
        c.algorithm = a;
        c.qop_offered = config_.offer_qop;
        c.qop_auth = config_.offer_qop;
        c.stale = stale;
        out.push_back(format_challenge(c));
    }
    return out;
}

std::size_t digest_server::add_challenges(message& response, digest_clock::time_point now,
                                          bool stale) const {
    // RFC 3261 §22.1 (401, registrars and UAS) and §22.3 (407, proxies).
    header_id id =
        response.status() == 407 ? header_id::proxy_authenticate : header_id::www_authenticate;
    std::vector<std::string> values = challenges(now, stale);
    for (const auto& v : values) {
        response.add(id, v);
    }
    return values.size();
}

digest_verdict digest_server::verify(std::string_view credentials, const digest_request& request,
                                     const password_lookup& lookup,
                                     digest_clock::time_point now) const {
    auto cred = parse_credentials(credentials);
    if (!cred) {
        auto s = cred.error().code == auth_errc::unsupported_algorithm
                     ? digest_status::unsupported_algorithm
                     : digest_status::malformed;
        return digest_verdict{s, {}, cred.error().reason, cred.error().offset};
    }
    const std::string& user = cred->username;
    if (cred->realm != config_.realm) {
        return verdict(digest_status::wrong_realm, "credentials for another realm", user);
    }
    digest_algorithm alg = cred->algorithm.value_or(digest_algorithm::md5);
    if (std::find(config_.algorithms.begin(), config_.algorithms.end(), alg) ==
        config_.algorithms.end()) {
        return verdict(digest_status::unsupported_algorithm, "algorithm not offered", user);
    }
    if (cred->userhash) {
        return verdict(digest_status::malformed, "userhash was not offered", user);
    }
    nonce_check nonce = check_nonce(cred->nonce, now);
    if (nonce == nonce_check::forged) {
        return verdict(digest_status::bad_nonce, "nonce was not issued by this server", user);
    }
    if (config_.offer_qop && cred->qop != digest_qop::auth) {
        return verdict(digest_status::malformed, "qop=auth offered but not used", user);
    }
    if (!config_.offer_qop && cred->qop != digest_qop::none) {
        return verdict(digest_status::malformed, "qop used but not offered", user);
    }
    if (!cred->opaque || *cred->opaque != opaque_) {
        return verdict(digest_status::malformed, "opaque not echoed", user);
    }
    if (cred->uri != request.uri) {
        return verdict(digest_status::uri_mismatch, "digest uri differs from the Request-URI",
                       user);
    }
    std::optional<std::string> password = lookup ? lookup(user) : std::nullopt;
    if (!password) {
        return verdict(digest_status::unknown_user, "unknown user", user);
    }
    std::string expected = digest_response(alg, cred->qop, user, config_.realm, *password,
                                           cred->nonce, cred->nc, cred->cnonce, request);
    if (expected.empty() || !digest_detail::constant_time_equal(expected, cred->response)) {
        return verdict(digest_status::bad_response, "response does not match", user);
    }
    // RFC 7616 §3.3: stale only when the digest itself was right for that nonce.
    if (nonce == nonce_check::expired) {
        return verdict(digest_status::stale, "nonce expired", user);
    }
    return verdict(digest_status::ok, "", user);
}

digest_verdict digest_server::verify(const message& request, bool proxy,
                                     const password_lookup& lookup,
                                     digest_clock::time_point now) const {
    std::vector<std::string_view> lines =
        request.get_all(proxy ? header_id::proxy_authorization : header_id::authorization);
    if (lines.empty()) {
        return verdict(digest_status::no_credentials, "request carries no credentials");
    }
    // RFC 3261 §22.3: a request may carry credentials for several realms; ours decide.
    std::string_view chosen = lines.front();
    for (auto v : lines) {
        auto cred = parse_credentials(v);
        if (cred && cred->realm == config_.realm) {
            chosen = v;
            break;
        }
    }
    return verify(chosen,
                  digest_request{request.method_text(), request.request_uri(), request.body()},
                  lookup, now);
}

}  // namespace ringstorm::sip
