#pragma once
// The embedded target behind `ringstorm serve` and behind `ringstorm run` without a
// target: WS/WSS listeners (one per worker, SO_REUSEPORT), a registrar with digest
// authentication and in-memory bindings (several per AOR: multi-tab), and correct answers
// to everything else. It owns its worker threads, so a run can start it next to the
// phones in the same process.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/result.hpp"
#include "engine/scenario/accounts.hpp"
#include "engine/target/call_media.hpp"
#include "engine/target/originator_schedule.hpp"
#include "engine/target/registrar.hpp"
#include "engine/transport/url.hpp"

namespace ringstorm::target {

// The calls the target places to registered phones (`serve --call-rate`, a scenario's
// `target.calls`).
struct call_options {
    enum class mode : unsigned char {
        off,
        // `schedule.rate` calls per second over the whole target to users (AORs) drawn at
        // random (one already in a call from us is skipped, and a due call with nobody
        // idle is counted in calls_missed): `serve --call-rate`.
        rate,
        // Every registered AOR is called `after` after it registers, and again `after`
        // after each of its calls ended, while it stays registered: a scenario whose
        // phones loop wait_call / answer / hangup gets exactly one call at a time.
        each_binding,
    };
    mode how = mode::off;
    call_schedule_config schedule;  // rate, spacing, seed, behaviour mix (both modes)
    call_duration after{1'000};     // each_binding: the pause before each call
    // talk_time, cancel_after, hold_after, ring_timeout; plan.behaviour is not used: each
    // call's behaviour is drawn from schedule.mix.
    call_plan plan;
    // An AOR with several bindings (browser tabs) is called on all of them at once; the
    // first 2xx wins and the others get CANCEL with `Reason: SIP;cause=200;text="Call
    // completed elsewhere"` (sdk-callback-contract.md, "Multi-tab"). false: one binding.
    bool fork = true;

    // Empty when usable, else what is wrong.
    std::string validate() const;
};

// Empty when `ip` (media_options::ip, `serve --media-ip`) is an address a phone can send
// media to: an IPv4 or IPv6 literal other than a wildcard (no host candidate can say
// "anywhere"). Else what is wrong, naming `--media-ip` and the value. `serve` checks it while
// parsing (exit 2) and start() again for any other caller.
std::string check_media_ip(const std::string& ip);

struct target_options {
    std::string listen = "wss://127.0.0.1:0/ws";  // ws:// or wss://; port 0 = a free port
    std::string cert_file, key_file;    // wss: both or neither; neither = a self-signed cert
    std::string domain;                 // the registrar's domain (realm); "" = the listen host
    scenario::account_source accounts;  // who may register (pattern or CSV)
    std::uint32_t threads = 1;          // worker threads (listeners)
    std::uint32_t min_expires = 60;     // shorter asks get 423 Interval Too Brief (§10.3 7)
    std::uint32_t max_expires = 3600;   // longer asks are lowered to this
    std::uint32_t default_expires = 300;
    bool sha256 = true;  // challenge with SHA-256 as well as MD5 (RFC 8760)
    call_options calls;  // incoming calls to registered phones; off by default
    // The media of those calls (one UDP port per call while it lasts; none without calls).
    media_options media;
};

// Counters of the whole target (merged over its workers).
struct target_stats {
    std::uint64_t connections_open = 0;
    std::uint64_t connections_accepted = 0;
    std::uint64_t registers = 0;      // REGISTER requests received
    std::uint64_t challenges = 0;     // 401 sent
    std::uint64_t auth_failures = 0;  // 403 sent (wrong password, unknown user)
    std::uint64_t registered = 0;     // 2xx to a REGISTER adding or refreshing a binding
    std::uint64_t unregistered = 0;   // 2xx removing bindings
    std::uint64_t bindings = 0;       // bindings alive now
    std::uint64_t bad_requests = 0;   // 400 sent (also 416, 483, 505, 500 out-of-order)
    std::uint64_t unsupported = 0;    // 405/501 sent
    // Added with the implementation:
    std::uint64_t requests = 0;            // SIP requests received (malformed ones too)
    std::uint64_t options = 0;             // OPTIONS answered 200
    std::uint64_t acks = 0;                // ACKs absorbed (never answered)
    std::uint64_t not_found = 0;           // 404 to REGISTER (domain or AOR not served)
    std::uint64_t interval_too_brief = 0;  // 423 sent
    std::uint64_t bad_extension = 0;       // 420 sent
    std::uint64_t no_transaction = 0;      // 481 to a BYE/CANCEL matching nothing
    std::uint64_t stray_responses = 0;     // responses from clients matching nothing, dropped
    std::uint64_t dropped = 0;             // undecodable frames that could not be answered
    std::uint64_t expired = 0;             // bindings removed by the expiry sweep
    std::uint64_t closed_bindings = 0;     // bindings removed because their connection closed
    std::uint64_t aors = 0;                // AORs with at least one binding now
    std::uint64_t send_failures = 0;       // responses that could not be queued
    // Calls placed by the originator (call_options), by outcome (call_outcome).
    std::uint64_t calls_placed = 0;
    std::uint64_t calls_active = 0;     // placed and not yet finished (a gauge)
    std::uint64_t calls_answered = 0;   // a 2xx arrived
    std::uint64_t calls_completed = 0;  // outcome completed
    std::uint64_t calls_cancelled = 0;  // outcome cancelled (target CANCEL, fork losers)
    std::uint64_t calls_rejected = 0;   // outcome rejected (3xx-6xx from the phone)
    std::uint64_t calls_failed = 0;     // outcome failed (no answer, transport, bad 2xx)
    std::uint64_t calls_missed = 0;     // due but skipped (max_burst, nobody to call)
    std::uint64_t call_findings = 0;    // breaches by phones (finding_kind), all kinds
    // The calls' media (media_options; all zero with --media none). A forked call has one
    // stream, whichever tab answers.
    std::uint64_t media_ports = 0;               // ports open now, one per live call (a gauge)
    std::uint64_t media_port_failures = 0;       // calls not placed: no port could be opened
    std::uint64_t media_streams = 0;             // streams started by a phone's usable answer
    std::uint64_t media_unusable = 0;            // answers that could not start media (no ICE…)
    std::uint64_t media_srtp_up = 0;             // streams whose ICE and DTLS-SRTP completed
    std::uint64_t media_failed = 0;              // streams that ended with ICE or DTLS failed
    std::uint64_t media_packets_sent = 0;        // RTP sent to phones (echoed or our tone)
    std::uint64_t media_packets_received = 0;    // RTP from phones, decrypted and accepted
    std::uint64_t media_packets_lost = 0;        // RFC 3550 A.3, over ended and live streams
    std::uint64_t media_srtp_auth_failures = 0;  // SRTP/SRTCP that failed authentication
    // Datagrams from phones the kernel dropped because one of our media sockets had a full
    // receive buffer (SO_RXQ_OVFL): serve fell behind, so phones see that loss as ours.
    std::uint64_t media_socket_drops = 0;
};

class embedded_target {
public:
    // Builds TLS (making a self-signed certificate when needed), binds and starts
    // listening. The error names what failed ("listen 127.0.0.1:5060: address in use").
    static core::result<std::unique_ptr<embedded_target>, std::string> start(
        const target_options& options);
    embedded_target(const embedded_target&) = delete;
    embedded_target& operator=(const embedded_target&) = delete;
    ~embedded_target();  // stop() if the owner did not

    // The URL phones connect to, with the port actually bound.
    const transport::ws_url& url() const noexcept;
    // PEM of the certificate in use when it was made on the fly (clients trust it via
    // client_tls_options::ca_pem); empty with --cert/--key or ws://.
    const std::string& generated_cert_pem() const noexcept;
    const std::string& domain() const noexcept;
    // The address the calls' media ports are bound on; empty without call media.
    const std::string& media_address() const noexcept;
    // A consistent snapshot, gathered from every worker (call from any one thread).
    target_stats snapshot();
    // The live bindings of an AOR ("sip:alice@example.com", see aor_key), asked of the
    // worker that owns it (post + wait; not from a target worker's thread). Empty after
    // stop().
    std::vector<binding_view> bindings_of(const std::string& aor);
    // What phones did wrong in the target's calls, word for word: the first few findings
    // of each worker (the rest are only counted in target_stats::call_findings), plus any
    // AOR that could not be called. Asked of every worker (post + wait, as snapshot()).
    std::vector<std::string> call_notes();
    // Closes every connection with a handshake (bounded), then stops the workers.
    void stop();

    struct impl;

private:
    explicit embedded_target(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> impl_;
};

}  // namespace ringstorm::target
