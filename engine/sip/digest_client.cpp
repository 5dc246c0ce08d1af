// The answering side of digest authentication (RFC 3261 §22.2-22.3, RFC 7616 §3.4):
// choosing among offered challenges, deciding whether a 401/407 means "answer", "nonce
// expired" or "refused", and building credentials with a counting nc.

#include <algorithm>
#include <array>

#include "engine/sip/digest.hpp"
#include "engine/sip/digest_detail.hpp"
#include "engine/sip/message.hpp"

namespace ringstorm::sip {

using core::unexpected;

namespace {

constexpr std::size_t cnonce_bytes = 16;

}  // namespace

core::result<std::vector<digest_challenge>, auth_error> choose_challenges(
    std::span<const std::string_view> lines, std::optional<digest_algorithm> preferred) {
    std::vector<digest_challenge> best;  // one per realm, in order of first appearance
    std::optional<auth_error> first_error;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto parsed = parse_challenges(lines[i]);
        if (!parsed) {
            // Keep the first Digest-specific reason; "not Digest" only when nothing else.
            if (!first_error || (first_error->code == auth_errc::not_digest &&
                                 parsed.error().code != auth_errc::not_digest)) {
                first_error = parsed.error();
                first_error->line = i;
            }
            continue;
        }
        for (auto& c : *parsed) {
            auto same = std::find_if(best.begin(), best.end(),
                                     [&](const digest_challenge& b) { return b.realm == c.realm; });
            if (same == best.end()) {
                best.push_back(std::move(c));
            } else if (preferred && same->algorithm == *preferred) {
                continue;  // the preferred one is kept whatever follows
            } else if ((preferred && c.algorithm == *preferred) ||
                       strength(c.algorithm) > strength(same->algorithm)) {
                *same = std::move(c);
            }
        }
    }
    if (best.empty()) {
        return unexpected{first_error.value_or(
            auth_error{auth_errc::no_challenge, 0, 0, "no Digest challenge in the response"})};
    }
    return best;
}

std::vector<std::string_view> challenge_lines(const message& response, bool proxy) {
    return response.get_all(proxy ? header_id::proxy_authenticate : header_id::www_authenticate);
}

digest_client::digest_client(std::string username, std::string password, random_source random)
    : username_(std::move(username)), password_(std::move(password)), random_(std::move(random)) {}

challenge_outcome digest_client::on_challenge(bool proxy, std::span<const std::string_view> lines,
                                              std::span<const std::string_view> sent) {
    auto chosen = choose_challenges(lines, preferred_);
    if (!chosen) {
        return {challenge_action::unusable, {}, chosen.error()};
    }
    std::vector<offered> all;
    for (auto& c : *chosen) {
        all.push_back({std::move(c), proxy});
    }
    return evaluate(all, sent);
}

challenge_outcome digest_client::on_challenge(const message& response, const message& request) {
    std::vector<std::string_view> sent = request.get_all(header_id::authorization);
    for (auto v : request.get_all(header_id::proxy_authorization)) {
        sent.push_back(v);
    }
    std::vector<offered> all;
    std::optional<auth_error> first_error;
    for (bool proxy : {false, true}) {
        std::vector<std::string_view> lines = challenge_lines(response, proxy);
        if (lines.empty()) {
            continue;
        }
        auto chosen = choose_challenges(lines, preferred_);
        if (!chosen) {
            first_error = first_error.value_or(chosen.error());
            continue;
        }
        for (auto& c : *chosen) {
            all.push_back({std::move(c), proxy});
        }
    }
    if (all.empty()) {
        return {challenge_action::unusable,
                {},
                first_error.value_or(auth_error{auth_errc::no_challenge, 0, 0,
                                                "no WWW-Authenticate or Proxy-Authenticate"})};
    }
    return evaluate(all, sent);
}

challenge_outcome digest_client::evaluate(const std::vector<offered>& chosen,
                                          std::span<const std::string_view> sent) {
    // The realms the challenged request already answered. Unreadable values are not ours.
    std::vector<std::string> answered;
    for (auto v : sent) {
        if (auto cred = parse_credentials(v)) {
            answered.push_back(std::move(cred->realm));
        }
    }
    challenge_outcome out{challenge_action::answer, {}, {}};
    for (const auto& o : chosen) {
        const digest_challenge& c = o.challenge;
        bool was_answered = std::find(answered.begin(), answered.end(), c.realm) != answered.end();
        remember(c, o.proxy);
        if (!was_answered) {
            continue;
        }
        // RFC 7616 §3.3: stale=false (or absent) after our credentials means they were
        // wrong; stale=true means only the nonce was, and a retry is expected.
        if (!c.stale && out.action != challenge_action::refused) {
            out = {challenge_action::refused, c.realm, {}};
        } else if (c.stale && out.action == challenge_action::answer) {
            out = {challenge_action::answer_stale, c.realm, {}};
        }
    }
    if (out.realm.empty()) {
        out.realm = chosen.front().challenge.realm;
    }
    return out;
}

void digest_client::remember(const digest_challenge& c, bool proxy) {
    for (auto& s : realms_) {
        if (s.challenge.realm == c.realm) {
            // A new nonce restarts the count (RFC 7616 §3.4: nc counts uses of one nonce).
            if (s.challenge.nonce != c.nonce || s.challenge.algorithm != c.algorithm) {
                s.nc = 0;
                s.session_cnonce.clear();
            }
            s.challenge = c;
            s.proxy = proxy;
            return;
        }
    }
    realms_.push_back({c, proxy, 0, {}});
}

core::result<credential_header, auth_error> digest_client::answer(realm_state& s,
                                                                  const digest_request& request) {
    const digest_challenge& c = s.challenge;
    digest_credentials cred;
    cred.qop = !c.qop_offered ? digest_qop::none
               : c.qop_auth   ? digest_qop::auth  // RFC 7616 §3.4: auth when both are offered
                              : digest_qop::auth_int;
    if (cred.qop != digest_qop::none) {
        if (is_session(c.algorithm) && !s.session_cnonce.empty()) {
            cred.cnonce = s.session_cnonce;
        } else {
            std::array<std::uint8_t, cnonce_bytes> bytes{};
            if (!random_ || !random_(bytes)) {
                return unexpected{
                    auth_error{auth_errc::random_failure, 0, 0, "no random bytes for cnonce"}};
            }
            cred.cnonce = digest_detail::to_hex(bytes.data(), bytes.size());
            if (is_session(c.algorithm)) {
                s.session_cnonce = cred.cnonce;
            }
        }
        cred.nc = ++s.nc;
    }
    cred.realm = c.realm;
    cred.nonce = c.nonce;
    cred.uri = std::string(request.uri);
    cred.algorithm = c.algorithm;
    cred.opaque = c.opaque;
    cred.response = digest_response(c.algorithm, cred.qop, username_, c.realm, password_, c.nonce,
                                    cred.nc, cred.cnonce, request);
    if (c.userhash) {
        cred.username = hashed_username(c.algorithm, username_, c.realm);
        cred.userhash = true;
    } else {
        cred.username = username_;
    }
    return credential_header{s.proxy ? header_id::proxy_authorization : header_id::authorization,
                             format_credentials(cred)};
}

core::result<std::vector<credential_header>, auth_error> digest_client::authorize(
    const digest_request& request) {
    std::vector<credential_header> out;
    out.reserve(realms_.size());
    for (auto& s : realms_) {
        auto h = answer(s, request);
        if (!h) {
            return unexpected{h.error()};
        }
        out.push_back(std::move(*h));
    }
    return out;
}

core::result<std::size_t, auth_error> digest_client::authorize(message& request) {
    if (realms_.empty()) {
        return std::size_t{0};
    }
    // Copies: the views point into the request, which the edits below may reallocate.
    std::string method(request.method_text());
    std::string uri(request.request_uri());
    std::string body(request.body());
    auto headers = authorize(digest_request{method, uri, body});
    if (!headers) {
        return unexpected{headers.error()};
    }
    request.remove(header_id::authorization);
    request.remove(header_id::proxy_authorization);
    for (const auto& h : *headers) {
        request.add(h.id, h.value);
    }
    return headers->size();
}

std::uint32_t digest_client::nonce_count(std::string_view realm) const noexcept {
    for (const auto& s : realms_) {
        if (s.challenge.realm == realm) {
            return s.nc;
        }
    }
    return 0;
}

}  // namespace ringstorm::sip
