#pragma once
// The embedded target's registrar (RFC 3261 §10.3), sans-I/O: a parsed REGISTER, the
// connection it came on and the time go in; the response comes out as a value. One
// registrar per worker, each owning the AORs hashed to it; nothing here is shared or
// locked. Later components (the call originator) ask it for the bindings of an AOR and
// the connections they arrived on.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/result.hpp"
#include "engine/sip/digest.hpp"
#include "engine/sip/message.hpp"
#include "engine/target/account_book.hpp"
#include "engine/target/bindings.hpp"

namespace ringstorm::target {

struct registrar_config {
    std::string domain;           // realm of the challenges, and the AOR domain
    bool enforce_domain = false;  // other Request-URI / To domains get 404
    std::uint32_t min_expires = 60;
    std::uint32_t max_expires = 3600;
    std::uint32_t default_expires = 300;
    bool sha256 = true;  // offer SHA-256 before MD5 (RFC 8760 §2), else MD5 only
    // Nonce HMAC key: every worker's registrar must get the same one, so a nonce issued by
    // one worker verifies on another.
    std::string nonce_secret;
    std::chrono::seconds nonce_lifetime{300};

    // Empty when usable, else what is wrong ("min_expires 600 above max_expires 300").
    std::string validate() const;
};

// The instant a request is handled on both clocks: bindings expire on the steady clock,
// nonces and the Date header use the wall clock.
struct instant {
    core::time_point steady;
    core::wall_clock::time_point wall;

    static instant now() { return {core::clock::now(), core::wall_clock::now()}; }
};

// Counters of one registrar; every field counts REGISTER requests unless it says not.
struct registrar_stats {
    std::uint64_t registers = 0;           // handled
    std::uint64_t challenges = 0;          // answered 401
    std::uint64_t auth_failures = 0;       // answered 403 (wrong password, unknown user, other AOR)
    std::uint64_t registered = 0;          // 200 adding or refreshing at least one binding
    std::uint64_t unregistered = 0;        // 200 removing at least one binding
    std::uint64_t not_found = 0;           // answered 404 (domain or AOR not served)
    std::uint64_t interval_too_brief = 0;  // answered 423
    std::uint64_t bad_extension = 0;       // answered 420
    std::uint64_t bad_requests = 0;        // answered 400, 416 or 500 (out-of-order CSeq)
    std::uint64_t expired = 0;             // bindings (not requests) removed by sweep()
    std::uint64_t closed = 0;              // bindings removed because their connection closed
};

// A binding as seen by a caller: its AOR's contact and where it arrived.
struct binding_view {
    std::string contact;  // "<sip:…>;+sip.instance=…" as the 200 lists it, without expires
    std::uint32_t expires_in = 0;  // seconds left, rounded up
    connection_ref via;
};

// The canonical key of the AOR named by a To header value (RFC 3261 §10.3 step 5: URI
// parameters dropped, user unescaped, host lower-cased): "sip:alice@example.com".
// The error is the Reason phrase of the 400/404 it deserves.
core::result<std::string, std::string> aor_key(std::string_view to_value);

class registrar {
public:
    // `config` must validate() clean; `accounts` is shared by every worker's registrar.
    registrar(registrar_config config, std::shared_ptr<const account_book> accounts,
              sip::random_source random = sip::openssl_random());

    // RFC 3261 §10.3 steps 1-8 for one REGISTER (the caller checked it is a well-formed
    // request, see intake.hpp). Always returns the response to send back on `from`.
    sip::message on_register(const sip::message& request, connection_ref from, const instant& now);

    // Connection `connection_id` closed: its bindings go (their Contacts are unroutable).
    std::size_t connection_closed(std::uint64_t connection_id);
    // Removes the bindings expired at `now`; returns how many (run it on a timer).
    std::size_t sweep(core::time_point now);

    // The live bindings of an AOR key (see aor_key), in registration order.
    std::vector<binding_view> bindings_of(const std::string& aor, core::time_point now) const;
    std::size_t binding_count() const noexcept { return table_.size(); }
    std::size_t aor_count() const noexcept { return table_.aors(); }
    const registrar_stats& stats() const noexcept { return stats_; }
    const registrar_config& config() const noexcept { return config_; }

private:
    struct contact_change;
    // Step 3: nullopt when the credentials are good (`user` is then their user name), else
    // the 401/403/400 to send.
    std::optional<sip::message> authenticate(const sip::message& request, const instant& now,
                                             std::string& user);
    sip::message update(const sip::message& request, const std::string& aor, connection_ref from,
                        const instant& now);
    sip::message ok(const sip::message& request, const std::string& aor, const instant& now);
    sip::message fail(const sip::message& request, int status, std::string_view reason,
                      std::uint64_t& counter);

    registrar_config config_;
    std::shared_ptr<const account_book> accounts_;
    sip::digest_server digest_;
    binding_table table_;
    registrar_stats stats_;
};

}  // namespace ringstorm::target
