#pragma once
// SIP digest authentication (RFC 3261 §22, with the algorithms of RFC 7616 and RFC 8760):
// parsing and formatting of challenges and credentials, the response computation, a
// client that answers 401/407 challenges and a server that issues stateless nonces and
// verifies credentials. Sans-I/O: time and randomness are injected, nothing reads a clock.
//
// Everything works on header values (std::string_view) so it stands apart from the
// message model; the few helpers that take a sip::message only pick header lines.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.hpp"
#include "engine/sip/header_id.hpp"

namespace ringstorm::sip {

class message;

// ---------------------------------------------------------------------------------------
// Algorithms and errors

// RFC 7616 §3.2 / RFC 8760 §2: the hash and whether the session variant is used.
enum class digest_algorithm : std::uint8_t {
    md5,
    md5_sess,
    sha256,
    sha256_sess,
    sha512_256,
    sha512_256_sess,
};

// Wire spelling: "MD5", "SHA-256-sess", "SHA-512-256"…
std::string_view to_string(digest_algorithm a) noexcept;
// Case-insensitive; nullopt for an algorithm this code does not implement.
std::optional<digest_algorithm> digest_algorithm_from(std::string_view text) noexcept;
bool is_session(digest_algorithm a) noexcept;
// Higher is stronger: SHA-512-256 > SHA-256 > MD5; a -sess variant ranks with its hash.
int strength(digest_algorithm a) noexcept;

enum class digest_qop : std::uint8_t {
    none,  // RFC 2069 compatibility: no qop, nc or cnonce (RFC 3261 §22.4)
    auth,
    auth_int,  // the entity body is hashed into A2
};
std::string_view to_string(digest_qop q) noexcept;  // "", "auth", "auth-int"

enum class auth_errc : std::uint8_t {
    malformed = 1,          // the auth-param syntax is broken (offset says where)
    not_digest,             // another scheme (Basic, Bearer…)
    missing_param,          // realm, nonce, username, uri or response absent
    duplicate_param,        // RFC 7235 §2.1: a parameter occurs once per challenge
    unsupported_algorithm,  // an algorithm this code does not implement
    unsupported_qop,        // qop offered, but neither auth nor auth-int
    no_challenge,           // a response with no usable challenge at all
    random_failure,         // the random source could not produce a cnonce
};

// A located error: `offset` counts bytes from the start of the header value, `line` is
// the index of the header line among those handed over (0 for a single value).
struct auth_error {
    auth_errc code = auth_errc::malformed;
    std::size_t offset = 0;
    std::size_t line = 0;
    const char* reason = "";  // static text, e.g. "unterminated quoted string"

    // "line 0, byte 17: unterminated quoted string"
    std::string to_string() const;
};

// ---------------------------------------------------------------------------------------
// Challenges (WWW-Authenticate, Proxy-Authenticate) — RFC 3261 §25.1 challenge, RFC 7616 §3.3

struct digest_challenge {
    std::string realm;
    std::string nonce;
    std::optional<std::string> opaque;                   // echoed verbatim in the credentials
    digest_algorithm algorithm = digest_algorithm::md5;  // absent means MD5 (RFC 7616 §3.3)
    bool qop_offered = false;  // false: answer RFC 2069 style, without qop/nc/cnonce
    bool qop_auth = false;
    bool qop_auth_int = false;
    bool stale = false;               // the nonce expired, the credentials were fine
    bool userhash = false;            // RFC 7616 §3.4.4: the server accepts a hashed username
    std::vector<std::string> domain;  // protection space URIs, as listed
    std::size_t offset = 0;           // where the challenge starts in its header value
};

// Parses one header value, which may hold several challenges (RFC 7235 §4.1 allows a
// list); every supported Digest challenge in it is returned, in order. Other schemes and
// Digest challenges with an unknown algorithm or qop are skipped; when nothing usable
// remains the error says why. A syntax error anywhere fails the whole value.
core::result<std::vector<digest_challenge>, auth_error> parse_challenges(std::string_view value);

// Parses exactly one Digest challenge (the value must hold exactly one).
core::result<digest_challenge, auth_error> parse_challenge(std::string_view value);

// Picks the strongest supported challenge for each realm across every header line of a
// response (a line may carry several challenges). Lines that do not parse, other schemes
// and unknown algorithms are skipped; when nothing usable remains, the first error met
// (with its line index) or auth_errc::no_challenge is returned. Ties go to the challenge
// offered first (RFC 7616 §3.7: the server lists its preference first).
// With `preferred`, a realm's challenge with that algorithm wins over stronger ones (a
// client modelling one that only speaks MD5, such as SIP.js 0.20, answers MD5 when offered).
core::result<std::vector<digest_challenge>, auth_error> choose_challenges(
    std::span<const std::string_view> lines,
    std::optional<digest_algorithm> preferred = std::nullopt);

// Every WWW-Authenticate (proxy = false) or Proxy-Authenticate (proxy = true) line of a
// response. Both kinds can arrive together: a forking proxy aggregates the challenges of
// 401s and 407s into one response (RFC 3261 §16.7 step 6).
std::vector<std::string_view> challenge_lines(const message& response, bool proxy);

// Formats a challenge as a header value: `Digest realm="…", nonce="…", …`.
std::string format_challenge(const digest_challenge& c);

// ---------------------------------------------------------------------------------------
// Credentials (Authorization, Proxy-Authorization) — RFC 3261 §25.1 credentials, RFC 7616 §3.4

struct digest_credentials {
    std::string username;  // the hashed username when userhash is set
    std::string realm;
    std::string nonce;
    std::string uri;       // digest-uri: the Request-URI (RFC 3261 §22.4)
    std::string response;  // lower-case hex
    std::optional<std::string> opaque;
    std::optional<digest_algorithm> algorithm;  // absent means MD5
    digest_qop qop = digest_qop::none;
    std::string cnonce;    // empty when qop is none
    std::uint32_t nc = 0;  // 0 when qop is none
    bool userhash = false;
};

// Parses an Authorization/Proxy-Authorization value. Requires username, realm, nonce,
// uri and response; when qop is present, cnonce and an 8-hex-digit nc too.
core::result<digest_credentials, auth_error> parse_credentials(std::string_view value);

// Formats credentials as a header value: `Digest username="…", realm="…", …`.
std::string format_credentials(const digest_credentials& c);

// What a request contributes to the response value.
struct digest_request {
    std::string_view method;  // "REGISTER", "INVITE"…, as on the request line
    std::string_view uri;     // the Request-URI, verbatim
    std::string_view body;    // hashed only for qop=auth-int
};

// RFC 7616 §3.4.1-3.4.3 (RFC 2069 form when qop is none): the lower-case hex response.
// `username` is the real (unhashed) name; `cnonce` and `nc` are ignored when qop is none.
std::string digest_response(digest_algorithm algorithm, digest_qop qop, std::string_view username,
                            std::string_view realm, std::string_view password,
                            std::string_view nonce, std::uint32_t nc, std::string_view cnonce,
                            const digest_request& request);

// RFC 7616 §3.4.4: H(username ":" realm) in lower-case hex.
std::string hashed_username(digest_algorithm algorithm, std::string_view username,
                            std::string_view realm);

// Fills `out` with random bytes; false when no randomness could be had.
using random_source = std::function<bool(std::span<std::uint8_t> out)>;
// OpenSSL's RAND_bytes.
random_source openssl_random();

// ---------------------------------------------------------------------------------------
// Client side

enum class challenge_action : std::uint8_t {
    answer,        // a new challenge: resend the request with credentials
    answer_stale,  // RFC 7616 §3.3 stale=true: the nonce expired; resend, not a failure
    refused,       // the request carried our credentials and came back with stale=false:
                   // the username or password is wrong; record a failure, do not resend
    unusable,      // no supported Digest challenge; `error` says why
};

struct challenge_outcome {
    challenge_action action = challenge_action::unusable;
    std::string realm;  // the realm that decided the action (the refused one, if any)
    auth_error error;   // set when action is unusable
};

// One credential header to put on a request.
struct credential_header {
    header_id id = header_id::authorization;  // or proxy_authorization, for 407 realms
    std::string value;
};

// Answers challenges for one account. Remembers the last challenge per realm and the nc
// counter of its nonce, so successive requests on one nonce count 00000001, 00000002…
// (RFC 7616 §3.4). A refused challenge is still remembered, so a caller that decides to
// try again (new password) can. ACK and CANCEL cannot be challenged (RFC 3261 §22.1):
// copy the INVITE's credential lines onto them rather than calling authorize().
// Owned by one phone; not thread-safe.
class digest_client {
public:
    digest_client(std::string username, std::string password,
                  random_source random = openssl_random());

    // Takes in the challenge lines of a 401 (proxy = false) or 407 (proxy = true).
    // `sent` holds the credential values the challenged request carried (its
    // Authorization and Proxy-Authorization lines); it is how a refusal is told apart
    // from a first challenge (RFC 7616 §3.3 stale).
    challenge_outcome on_challenge(bool proxy, std::span<const std::string_view> lines,
                                   std::span<const std::string_view> sent = {});
    // Same, reading both challenge headers from the response and `sent` from the request
    // it answers.
    challenge_outcome on_challenge(const message& response, const message& request);

    // Credentials for every realm remembered, one header each. Each call uses the next nc
    // of its nonce and a fresh cnonce (a -sess nonce keeps its first cnonce, as its
    // session key depends on it). Empty when no challenge was taken in.
    core::result<std::vector<credential_header>, auth_error> authorize(
        const digest_request& request);
    // Same, replacing the request's Authorization/Proxy-Authorization lines.
    core::result<std::size_t, auth_error> authorize(message& request);

    // Answer this algorithm when a realm offers it, else the strongest offered.
    void prefer(digest_algorithm algorithm) noexcept { preferred_ = algorithm; }

    // Forgets every challenge (a new registration binding, a changed password).
    void reset() noexcept { realms_.clear(); }
    bool has_challenge() const noexcept { return !realms_.empty(); }
    // nc of the last credentials built for this realm (0 when none yet).
    std::uint32_t nonce_count(std::string_view realm) const noexcept;

private:
    struct realm_state {
        digest_challenge challenge;
        bool proxy = false;
        std::uint32_t nc = 0;
        std::string session_cnonce;  // -sess only: fixed for the life of the nonce
    };

    struct offered {
        digest_challenge challenge;
        bool proxy = false;
    };
    challenge_outcome evaluate(const std::vector<offered>& chosen,
                               std::span<const std::string_view> sent);
    void remember(const digest_challenge& c, bool proxy);
    core::result<credential_header, auth_error> answer(realm_state& s,
                                                       const digest_request& request);

    std::string username_;
    std::string password_;
    random_source random_;
    std::optional<digest_algorithm> preferred_;
    std::vector<realm_state> realms_;  // few entries: a registrar, perhaps a proxy
};

// ---------------------------------------------------------------------------------------
// Server side

using digest_clock = std::chrono::system_clock;  // wall time, so nonces outlive a process

struct digest_server_config {
    std::string realm;
    // HMAC key for nonces; every worker given the same secret verifies every nonce.
    std::string secret;
    std::chrono::seconds nonce_lifetime{300};
    // Offered in this order, one challenge each (RFC 8760 §2: strongest first).
    std::vector<digest_algorithm> algorithms{digest_algorithm::sha256, digest_algorithm::md5};
    // qop="auth" on challenges, and credentials must then use it with nc and cnonce
    // (RFC 7616 §3.4). When false, challenges carry no qop and only RFC 2069-form
    // answers are accepted (RFC 3261 §22.4 compatibility).
    bool offer_qop = true;
    // Sent as opaque and required back; empty means one derived from the secret.
    std::string opaque;

    // Empty on success, else what is wrong ("realm is empty"…).
    std::string validate() const;
};

enum class digest_status : std::uint8_t {
    ok,
    stale,                  // right password, expired nonce: challenge again with stale=true
    bad_response,           // wrong password (or wrong method/uri hashed in)
    unknown_user,           // the lookup knows no such user
    bad_nonce,              // not a nonce of ours (tampered, another secret)
    wrong_realm,            // credentials for another realm
    uri_mismatch,           // digest-uri differs from the Request-URI (RFC 7616 §3.4.6: 400)
    unsupported_algorithm,  // an algorithm we did not offer
    malformed,              // syntax, missing parameters, qop/nc/cnonce absent when required
    no_credentials,         // the request carries none: challenge it (not a failure)
};
std::string_view to_string(digest_status s) noexcept;

struct digest_verdict {
    digest_status status = digest_status::malformed;
    std::string username;     // as sent, when it could be read
    const char* reason = "";  // static text for logs
    std::size_t offset = 0;   // for malformed: where in the header value

    bool ok() const noexcept { return status == digest_status::ok; }
};

// username → password; nullopt for an unknown user.
using password_lookup = std::function<std::optional<std::string>(std::string_view username)>;

// Issues challenges and verifies credentials without per-client state. A nonce is
// hex(timestamp) hex(salt) hex(HMAC-SHA-256(secret, timestamp:salt:realm)[0..16]), so any
// worker holding the secret can check it. Because nothing is stored, a nonce can be
// replayed within its lifetime: nc replay protection is deliberately out of scope.
class digest_server {
public:
    // `config` must validate() clean.
    explicit digest_server(digest_server_config config, random_source random = openssl_random());

    const digest_server_config& config() const noexcept { return config_; }

    // A fresh nonce stamped with `now`; empty when the random source fails.
    std::string make_nonce(digest_clock::time_point now) const;
    // One header value per configured algorithm, all with the same fresh nonce; empty
    // when the random source fails.
    std::vector<std::string> challenges(digest_clock::time_point now, bool stale = false) const;
    // Adds them to a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) response;
    // returns how many were added.
    std::size_t add_challenges(message& response, digest_clock::time_point now,
                               bool stale = false) const;

    // Checks one Authorization/Proxy-Authorization value for a request.
    digest_verdict verify(std::string_view credentials, const digest_request& request,
                          const password_lookup& lookup, digest_clock::time_point now) const;
    // Same, reading the request line and the first credentials for our realm from the
    // request (Proxy-Authorization when proxy is set). No credentials: malformed.
    digest_verdict verify(const message& request, bool proxy, const password_lookup& lookup,
                          digest_clock::time_point now) const;

private:
    enum class nonce_check : std::uint8_t { fresh, expired, forged };
    nonce_check check_nonce(std::string_view nonce, digest_clock::time_point now) const;
    std::string nonce_mac(std::string_view stamp_and_salt) const;

    digest_server_config config_;
    random_source random_;
    std::string opaque_;  // config.opaque, or one derived from the secret and realm
};

}  // namespace ringstorm::sip
