// RFC 3261 §10.3 "Processing REGISTER Requests", step by step; the contact updates of
// steps 6-7 live in registrar_update.cpp.
#include "engine/target/registrar.hpp"

#include <algorithm>

#include "engine/sip/headers.hpp"
#include "engine/sip/uri.hpp"
#include "engine/target/reply.hpp"
#include "engine/target/text.hpp"

namespace ringstorm::target {
namespace {

sip::digest_server_config digest_config(const registrar_config& c) {
    sip::digest_server_config d;
    d.realm = c.domain;
    d.secret = c.nonce_secret;
    d.nonce_lifetime = c.nonce_lifetime;
    d.algorithms = c.sha256 ? std::vector{sip::digest_algorithm::sha256, sip::digest_algorithm::md5}
                            : std::vector{sip::digest_algorithm::md5};
    return d;
}

// RFC 3261 §8.2.2.3: this registrar implements no option tags, so every tag a REGISTER
// requires is unsupported. (Proxy-Require is for proxies and is ignored, §20.29.)
std::string unsupported_options(const sip::message& request) {
    std::string out;
    for (std::string_view line : request.get_all(sip::header_id::require)) {
        for (std::string_view tag : sip::split_list(line)) {
            if (!out.empty()) {
                out += ", ";
            }
            out += tag;
        }
    }
    return out;
}

struct to_aor {
    std::string key;   // canonical AOR
    std::string user;  // unescaped user part
    std::string host;  // lower-cased
};

core::result<to_aor, std::pair<int, std::string>> read_aor(std::string_view to_value) {
    using failure = std::pair<int, std::string>;
    auto to = sip::parse_name_addr(to_value);
    if (!to) {
        return core::unexpected{failure{400, std::string("Bad To header: ") + to.error().reason}};
    }
    if (!to->uri.is_sip()) {
        return core::unexpected{failure{404, "To is not a SIP URI (RFC 3261 §10.3 step 5)"}};
    }
    auto user = sip::unescape(to->uri.user);
    if (!user) {
        return core::unexpected{failure{400, "Bad To header: malformed %-escape in the user"}};
    }
    if (user->empty()) {
        return core::unexpected{failure{404, "To has no user part (RFC 3261 §10.3 step 5)"}};
    }
    to_aor out;
    out.user = std::move(*user);
    out.host.reserve(to->uri.host.size());
    for (char c : to->uri.host) {
        out.host += ascii_lower(c);
    }
    // §10.3 step 5: parameters dropped, escapes resolved; sips: and sip: name one AOR.
    out.key = "sip:" + out.user + "@" + out.host;
    return out;
}

}  // namespace

std::string registrar_config::validate() const {
    if (domain.empty()) {
        return "registrar domain is empty";
    }
    if (min_expires > max_expires) {
        return "min_expires " + std::to_string(min_expires) + " is above max_expires " +
               std::to_string(max_expires);
    }
    if (default_expires == 0 || default_expires < min_expires || default_expires > max_expires) {
        return "default_expires " + std::to_string(default_expires) + " is outside min_expires " +
               std::to_string(min_expires) + " .. max_expires " + std::to_string(max_expires);
    }
    return digest_config(*this).validate();
}

core::result<std::string, std::string> aor_key(std::string_view to_value) {
    auto aor = read_aor(to_value);
    if (!aor) {
        return core::unexpected{aor.error().second};
    }
    return std::move(aor->key);
}

registrar::registrar(registrar_config config, std::shared_ptr<const account_book> accounts,
                     sip::random_source random)
    : config_(std::move(config)),
      accounts_(std::move(accounts)),
      digest_(digest_config(config_), std::move(random)) {}

sip::message registrar::fail(const sip::message& request, int status, std::string_view reason,
                             std::uint64_t& counter) {
    ++counter;
    return reply(request, status, reason);
}

sip::message registrar::on_register(const sip::message& request, connection_ref from,
                                    const instant& now) {
    ++stats_.registers;
    // Step 1: is the Request-URI's domain ours? A registrar that is not a proxy has no
    // one to forward to; §21.4.5 makes 404 the answer for a domain the server does not
    // handle.
    auto ruri = sip::parse_uri(request.request_uri());
    if (!ruri || !ruri->is_sip()) {
        return fail(request, 416, "Request-URI is not a SIP URI (RFC 3261 §8.2.2.1)",
                    stats_.bad_requests);
    }
    if (config_.enforce_domain && !iequals(ruri->host, config_.domain)) {
        return fail(request, 404, "Domain not served here (RFC 3261 §21.4.5)", stats_.not_found);
    }
    // Step 2: Require (§8.2.2.3).
    if (std::string tags = unsupported_options(request); !tags.empty()) {
        ++stats_.bad_extension;
        sip::message r = reply(request, 420);
        r.add(sip::header_id::unsupported, tags);
        return r;
    }
    // Step 3: authentication (§22).
    std::string user;
    if (auto refused = authenticate(request, now, user)) {
        return std::move(*refused);
    }
    // Step 4: may the authenticated user change this AOR's bindings? Step 5: the AOR.
    auto aor = read_aor(request.get(sip::header_id::to).value_or(""));
    if (!aor) {
        auto& counter = aor.error().first == 404 ? stats_.not_found : stats_.bad_requests;
        return fail(request, aor.error().first, aor.error().second, counter);
    }
    auto account = accounts_->find(user);
    if (!account || account->auth_user != aor->user) {
        return fail(request, 403,
                    "Credentials of " + user + " may not register " + aor->user +
                        " (RFC 3261 §10.3 step 4)",
                    stats_.auth_failures);
    }
    if (config_.enforce_domain && !iequals(aor->host, config_.domain)) {
        return fail(request, 404, "AOR domain not served here (RFC 3261 §10.3 step 5)",
                    stats_.not_found);
    }
    return update(request, aor->key, from, now);
}

std::optional<sip::message> registrar::authenticate(const sip::message& request, const instant& now,
                                                    std::string& user) {
    const sip::password_lookup lookup =
        [this](std::string_view user) -> std::optional<std::string> {
        if (auto a = accounts_->find(user)) {
            return std::move(a->secret);
        }
        return std::nullopt;
    };
    const sip::digest_verdict v = digest_.verify(request, false, lookup, now.wall);
    bool stale = false;
    switch (v.status) {
        case sip::digest_status::ok:
            user = v.username;
            return std::nullopt;
        case sip::digest_status::unknown_user:
        case sip::digest_status::bad_response:
            // §22.1: a request whose credentials fail is refused, not challenged again.
            return fail(request, 403,
                        v.status == sip::digest_status::unknown_user
                            ? "Forbidden: unknown user " + v.username
                            : "Forbidden: wrong password for " + v.username,
                        stats_.auth_failures);
        case sip::digest_status::malformed:
            return fail(request, 400, std::string("Bad Authorization header: ") + v.reason,
                        stats_.bad_requests);
        case sip::digest_status::uri_mismatch:
            // RFC 7616 §3.4.6: a digest-uri other than the Request-URI is a bad request.
            return fail(request, 400, "Authorization uri differs from the Request-URI",
                        stats_.bad_requests);
        case sip::digest_status::stale:
            stale = true;  // RFC 7616 §3.3: right password, old nonce
            break;
        case sip::digest_status::no_credentials:
        case sip::digest_status::bad_nonce:
        case sip::digest_status::wrong_realm:
        case sip::digest_status::unsupported_algorithm:
            break;  // challenge with what we accept
    }
    sip::message r = reply(request, 401);
    if (digest_.add_challenges(r, now.wall, stale) == 0) {
        return fail(request, 500, "Could not make a nonce (no randomness)", stats_.bad_requests);
    }
    ++stats_.challenges;
    return r;
}

std::vector<binding_view> registrar::bindings_of(const std::string& aor,
                                                 core::time_point now) const {
    std::vector<binding_view> out;
    const std::vector<binding>* list = table_.find(aor);
    if (list == nullptr) {
        return out;
    }
    for (const binding& b : *list) {
        if (b.expires_at <= now) {
            continue;
        }
        const auto left = std::chrono::ceil<std::chrono::seconds>(b.expires_at - now).count();
        out.push_back(binding_view{"<" + b.contact_uri + ">" + b.contact_params,
                                   static_cast<std::uint32_t>(left), b.via});
    }
    return out;
}

sip::message registrar::ok(const sip::message& request, const std::string& aor,
                           const instant& now) {
    // Step 8: every current binding with the expiry the registrar chose, and Date.
    sip::message r = reply(request, 200);
    for (const binding_view& b : bindings_of(aor, now.steady)) {
        r.add(sip::header_id::contact, b.contact + ";expires=" + std::to_string(b.expires_in));
    }
    r.add(sip::header_id::date, date_header(now.wall));
    return r;
}

std::size_t registrar::connection_closed(std::uint64_t connection_id) {
    const std::size_t n = table_.remove_connection(connection_id);
    stats_.closed += n;
    return n;
}

std::size_t registrar::sweep(core::time_point now) {
    const std::size_t n = table_.sweep(now);
    stats_.expired += n;
    return n;
}

}  // namespace ringstorm::target
