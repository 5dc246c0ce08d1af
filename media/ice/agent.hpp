#pragma once
// A sans-I/O ICE agent (RFC 8445) for one audio stream with rtcp-mux: host candidates
// given by the owner, remote candidates from SDP, connectivity checks paced by Ta with
// STUN retransmissions, regular or aggressive nomination, role conflicts, and consent
// freshness (RFC 7675) once a pair is selected. It can also run as an ICE-lite agent that
// only answers checks (the embedded target's side).
//
// No sockets and no clock inside: the owner feeds datagrams (`on_packet`) and time
// (`on_timer` at `next_timeout()`), then drains what the agent wants sent
// (`poll_transmit`, encoded into the owner's buffer) and what happened (`poll_event`).
// Nothing is allocated per packet once pairs are formed.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/duration.hpp"
#include "media/ice/candidate.hpp"
#include "media/ice/stun_integrity.hpp"
#include "media/ice/stun_message.hpp"

namespace ringstorm::ice {

using namespace std::chrono_literals;

enum class state : std::uint8_t { new_, checking, connected, disconnected, failed };
std::string_view to_string(state s) noexcept;

// RFC 8445 §8.1.1 (regular); aggressive is RFC 5245's, which full peers still accept:
// every check carries USE-CANDIDATE and the first pair to succeed is used.
enum class nomination : std::uint8_t { regular, aggressive };

struct agent_config {
    role initial_role = role::controlling;  // a lite agent is always controlled
    bool lite = false;                      // RFC 8445 §2.5: answer checks, send none
    ice::nomination nomination = nomination::regular;
    std::string local_ufrag;        // RFC 8839 §5.4: 4..256 ice-chars
    std::string local_pwd;          // 22..256 ice-chars
    std::uint64_t tie_breaker = 0;  // RFC 8445 §7.1.1: random, from the owner
    std::uint64_t seed = 0;         // transaction ids and consent jitter
    // RFC 8445 §14.2: Ta, the pace of new checks (one stream, so no scaling by streams).
    core::duration ta = 50ms;
    // RFC 8489 §6.2.1 as RFC 8445 §14.3 sets it for checks: initial RTO, Rc sends in all,
    // then Rm*RTO of last wait before a transaction times out.
    core::duration rto = 500ms;
    unsigned max_transmissions = 7;  // Rc
    unsigned last_wait_factor = 16;  // Rm
    // Regular nomination: nominate the best valid pair once no better pair can still
    // succeed, or this long after the first pair became valid.
    core::duration nomination_wait = 1s;
    // RFC 7675 §5.1: a consent check every 5 s randomised to 0.8..1.2 of it; consent
    // expires after 30 s without an authenticated response.
    core::duration consent_interval = 5s;
    core::duration consent_timeout = 30s;
    // Reported as disconnected (not yet failed) after this long without a response: about
    // two missed consent checks, as browsers report it.
    core::duration disconnected_after = 10s;
    // Checking that has not connected by then fails (a lite agent waiting for a nominated
    // check, or a full agent whose pairs are still in flight).
    core::duration connect_timeout = 30s;
    std::size_t max_pairs = 100;  // RFC 8445 §6.1.2.5

    // Empty when the fields agree with each other, else what is wrong.
    std::string validate() const;
};

// The far side from its SDP (RFC 8839): credentials, lite flag and candidates.
struct remote_description {
    std::string ufrag;
    std::string pwd;
    bool lite = false;
    std::vector<sdp::candidate> candidates;
};

// A datagram the agent wants sent: from the local candidate `local`, to `to`, the first
// `size` bytes of the buffer given to poll_transmit.
struct transmit {
    std::size_t local = 0;
    transport_address to;
    std::size_t size = 0;
};

enum class event_kind : std::uint8_t { state_changed, selected_pair_changed, role_changed };
struct event {
    event_kind kind = event_kind::state_changed;
    ice::state state = state::new_;  // for state_changed
};

// What on_packet made of a datagram.
enum class packet_result : std::uint8_t {
    handled,   // a STUN message for this agent
    not_stun,  // not STUN (or malformed, or a bad FINGERPRINT): the owner's to demultiplex
    rejected,  // STUN for us that failed authentication or was out of place; answered or dropped
};

struct selected_pair {
    local_candidate local;
    remote_candidate remote;
    std::size_t local_index = 0;
};

// Counters for the owner's stats, each a plain field read after the fact.
struct agent_stats {
    std::uint64_t checks_sent = 0;          // first transmissions of connectivity checks
    std::uint64_t retransmissions = 0;      // repeated requests (RFC 8489 §6.2.1)
    std::uint64_t consent_checks_sent = 0;  // RFC 7675 checks on the selected pair
    std::uint64_t requests_received = 0;    // authenticated Binding requests answered
    std::uint64_t responses_received = 0;   // responses matched to a transaction
    std::uint64_t auth_failures = 0;        // requests or responses failing MESSAGE-INTEGRITY
    std::uint64_t role_conflicts = 0;       // 487s sent or received, and role switches
    std::uint64_t timeouts = 0;             // transactions that got no answer
    std::uint64_t encode_failures = 0;      // datagrams dropped: the owner's buffer too small
};

class agent {
public:
    // Throws std::invalid_argument when config.validate() complains (start-up only).
    explicit agent(agent_config config);

    // Adds a host candidate (the owner's socket address); returns its index, which
    // transmit::local and on_packet's `local` refer to. Call before the first check.
    std::size_t add_local_candidate(const transport_address& address);
    const std::vector<local_candidate>& local_candidates() const noexcept { return local_; }
    // The host candidates as SDP lines for the offer or answer.
    std::vector<sdp::candidate> local_sdp_candidates() const;

    // The peer's credentials and candidates; starts checking. `now` starts the connect
    // timeout.
    void set_remote(const remote_description& remote, core::time_point now);
    // One more remote candidate (a trickled one); false when it is unusable.
    bool add_remote_candidate(const sdp::candidate& c);

    // A datagram that arrived on local candidate `local` from `from`.
    packet_result on_packet(const transport_address& from, std::span<const std::uint8_t> bytes,
                            core::time_point now, std::size_t local = 0);
    // Advances checks, retransmissions, nomination, consent and timeouts.
    void on_timer(core::time_point now);
    // When on_timer should next run; time_point::max() when nothing is scheduled.
    core::time_point next_timeout() const noexcept;

    // The next datagram to send, encoded into `buffer` (640 bytes fit any message).
    std::optional<transmit> poll_transmit(std::span<std::uint8_t> buffer);
    std::optional<event> poll_event();

    ice::state state() const noexcept { return state_; }
    ice::role role() const noexcept { return role_; }
    std::optional<selected_pair> selected() const;
    const std::vector<candidate_pair>& pairs() const noexcept { return pairs_; }
    const std::vector<remote_candidate>& remote_candidates() const noexcept { return remote_; }
    const agent_stats& stats() const noexcept { return stats_; }

private:
    enum class tx_kind : std::uint8_t { check, consent };
    struct transaction {
        stun::transaction_id tid{};
        std::size_t pair = 0;
        tx_kind kind = tx_kind::check;
        bool use_candidate = false;
        ice::role sent_as = role::controlling;
        unsigned sends = 0;
        core::duration rto{};
        core::time_point due{};
    };
    enum class out_kind : std::uint8_t { request, success, error };
    struct outgoing {
        out_kind kind = out_kind::request;
        std::size_t local = 0;
        transport_address to;
        stun::transaction_id tid{};
        // request: what to put in the check
        bool use_candidate = false;
        ice::role as_role = role::controlling;
        // error: the code and, for 420, the types not understood
        std::uint16_t error = 0;
        std::array<std::uint16_t, stun::message::max_unknown> unknown{};
        std::size_t unknown_count = 0;
        bool sign = true;  // errors to unauthenticated requests carry no MESSAGE-INTEGRITY
    };

    // agent.cpp and agent_receive.cpp: candidates, pairs, incoming requests and responses
    std::size_t add_remote(const remote_candidate& r);
    void pair_with_locals(std::size_t remote);
    std::optional<std::size_t> find_pair(std::size_t local, std::size_t remote) const noexcept;
    std::optional<std::size_t> find_remote(const transport_address& a) const noexcept;
    void recompute_priorities() noexcept;
    void handle_request(const stun::message& m, const transport_address& from, std::size_t local,
                        core::time_point now);
    void handle_response(const stun::message& m, const transport_address& from, std::size_t local,
                         core::time_point now);
    void on_check_success(std::size_t tx, core::time_point now);
    bool resolve_role_conflict(const stun::message& m);
    void answer_error(const stun::message& m, const transport_address& to, std::size_t local,
                      std::uint16_t code, bool sign);
    void set_role(ice::role r);
    void set_state(ice::state s);
    void nominate(std::size_t pair, core::time_point now);
    void update_selected();
    void trigger(std::size_t pair);

    // agent_checks.cpp: pacing, retransmissions, nomination and consent over time
    void start_check(std::size_t pair, tx_kind kind, core::time_point now);
    std::optional<std::size_t> next_pair_to_check();
    bool has_check_work() const noexcept;
    void run_retransmissions(core::time_point now);
    void maybe_nominate(core::time_point now);
    void check_list_failure();
    void run_consent(core::time_point now);
    core::duration jittered_consent_interval();
    stun::transaction_id new_tid();
    bool can_check() const noexcept;

    agent_config cfg_;
    ice::role role_;
    ice::state state_ = state::new_;
    stun::integrity_key local_key_;                  // answers and verifies requests to us
    std::optional<stun::integrity_key> remote_key_;  // signs our checks, verifies answers
    std::string remote_ufrag_;
    std::string check_username_;  // "<remote ufrag>:<local ufrag>" (RFC 8445 §7.2.2)
    bool remote_lite_ = false;
    bool remote_known_ = false;

    std::vector<local_candidate> local_;
    std::vector<remote_candidate> remote_;
    std::vector<candidate_pair> pairs_;
    std::vector<std::size_t> triggered_;  // FIFO of pair indexes (RFC 8445 §6.1.4.1)
    std::vector<transaction> transactions_;
    std::vector<outgoing> out_;
    std::size_t out_head_ = 0;
    std::vector<event> events_;
    std::size_t events_head_ = 0;

    std::optional<std::size_t> selected_;
    core::time_point started_{};
    core::time_point next_check_{};
    std::optional<core::time_point> first_valid_;
    core::time_point next_consent_{};
    core::time_point last_consent_{};  // last authenticated response (or, lite, request)
    std::size_t prflx_count_ = 0;
    std::mt19937_64 rng_;
    agent_stats stats_;
};

}  // namespace ringstorm::ice
