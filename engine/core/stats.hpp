#pragma once
// Per-worker run statistics. Each worker owns one `stats` and updates it from its own
// thread only: no locks, no atomics. Reports and live scrapes ask every worker for a
// copy and merge the copies into a snapshot (seastar's per-shard metrics); nothing ever
// reads a worker's stats from another thread.
//
// The object is large (one histogram per step and per media figure, ≈150 KB): workers
// keep it on the heap.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/histogram.hpp"
#include "engine/core/mos_histogram.hpp"
#include "engine/core/step.hpp"

namespace ringstorm::core {

// Direction of a SIP message as seen from the phones.
enum class direction : std::uint8_t { sent, received };
inline constexpr std::size_t direction_count = 2;
std::string_view to_string(direction d) noexcept;  // "sent", "received"

// SIP methods for the `method` label. A local list on purpose: stats sit below every
// protocol layer, so they map method tokens themselves instead of depending on sip/.
enum class sip_method : std::uint8_t {
    register_,
    invite,
    ack,
    bye,
    cancel,
    options,
    info,
    update,
    prack,
    subscribe,
    notify,
    refer,
    message,
    publish,
    other,  // any extension method: one label value keeps the cardinality bounded
};
inline constexpr std::size_t sip_method_count = 15;
// The wire token ("REGISTER"), "other" for sip_method::other.
std::string_view to_string(sip_method m) noexcept;
// Case-sensitive like the tokens themselves (RFC 3261 §7.1); unlisted tokens are other.
sip_method sip_method_from_token(std::string_view token) noexcept;

// Status class of a message: requests have none, responses go by their first digit
// (RFC 3261 §7.2).
enum class status_class : std::uint8_t { request, s1xx, s2xx, s3xx, s4xx, s5xx, s6xx };
inline constexpr std::size_t status_class_count = 7;
std::string_view to_string(status_class c) noexcept;  // "request", "1xx" … "6xx"
// The class of a response status; codes outside 100..699 count as request (none).
status_class status_class_of(int status) noexcept;

// How a registration attempt ended, for ringstorm_registrations_total{result}.
enum class registration_result : std::uint8_t {
    ok,               // final 2xx that lists our binding
    auth_failed,      // 403, or 401/407 again after our credentials
    rejected,         // any other final non-2xx, or a 2xx without our binding
    timeout,          // no final response in time (Timer F, RFC 3261 §17.1.2.2)
    transport_error,  // connect, TLS or WebSocket failure, or the socket dropped
};
inline constexpr std::size_t registration_result_count = 5;
std::string_view to_string(registration_result r) noexcept;

// Counts keyed by a short name (protocol error kinds, contract rule ids). Kinds are few,
// so a sorted vector beats a map: a lookup is a short binary search, only a new name
// allocates, and iteration comes out sorted for reports.
class named_counters {
public:
    void add(std::string_view name, std::uint64_t n = 1);
    std::uint64_t get(std::string_view name) const noexcept;
    std::uint64_t total() const noexcept;
    void merge(const named_counters& other);
    // (name, count) pairs sorted by name.
    const std::vector<std::pair<std::string, std::uint64_t>>& entries() const noexcept {
        return entries_;
    }

private:
    std::vector<std::pair<std::string, std::uint64_t>> entries_;
};

struct stats {
    // Latency of every step, indexed by index(step); samples are measured from the
    // moment the action was due.
    std::array<histogram, step_count> latency;

    // ---- phones ----
    std::uint64_t phones_planned = 0;     // phones this worker was given by the schedule
    std::uint64_t phones_started = 0;     // phones whose script has begun
    std::uint64_t phones_registered = 0;  // phones that reached a first registration
    std::uint64_t phones_failed = 0;      // phones whose verdict is a failure

    // Registration attempts by outcome, indexed by registration_result (refreshes too).
    std::array<std::uint64_t, registration_result_count> registrations{};

    // ---- calls ----
    std::uint64_t calls_offered = 0;    // incoming calls the phones were offered
    std::uint64_t calls_answered = 0;   // calls the phones answered and got connected
    std::uint64_t calls_completed = 0;  // calls that ended with a clean BYE exchange
    std::uint64_t calls_failed = 0;     // calls that ended in an error or timeout
    std::int64_t active_calls = 0;      // calls up now (a gauge; sums across workers)

    // SIP messages by direction, method and status class:
    // sip_messages[direction][method][status_class].
    std::array<std::array<std::array<std::uint64_t, status_class_count>, sip_method_count>,
               direction_count>
        sip_messages{};

    // Protocol errors (unparsable message, unexpected response, garbage frame…) by kind.
    named_counters protocol_errors;

    // ---- contract ----
    std::uint64_t contract_checked = 0;  // phones or calls whose callbacks were checked
    std::uint64_t contract_passed = 0;   // of which matched the contract
    named_counters contract_violations;  // violations by rule id

    // ---- media ----
    // Folded from each call's media::stream_stats by engine/media/record.hpp: counters
    // grow during a call (live updates) and at its end; the distributions take one sample
    // per call at its end. The latencies ice, dtls_handshake and media_first_packet are in
    // `latency`. Media findings are not counted here: they become call findings judged by
    // the contract (contract_violations, rule ids media.*).
    std::uint64_t media_streams = 0;           // calls whose SRTP came up (keys from DTLS)
    std::int64_t media_streams_active = 0;     // streams running now (a gauge; sums across workers)
    std::uint64_t media_packets_sent = 0;      // RTP packets sent
    std::uint64_t media_packets_received = 0;  // RTP packets received and decrypted
    std::uint64_t media_packets_lost = 0;      // RFC 3550 A.3 cumulative lost, never decreasing
    std::uint64_t media_srtp_auth_failures = 0;  // SRTP/SRTCP packets whose auth tag failed
    // Per call that received at least two RTP packets: its final RFC 3550 A.8 interarrival
    // jitter (the smoothed value RTCP reports), in nanoseconds like every histogram here.
    histogram media_jitter;
    // Per call with an RTCP round trip (RFC 3550 §6.4.1 LSR/DLSR): its last RTT.
    histogram media_rtt;
    // Per call with an estimate: its E-model MOS over the whole call.
    mos_histogram media_mos;
    // The worker's media engine itself (engine/media/record_engine.hpp copies them in):
    // per pacing tick, from its due time until its datagrams were handed to the kernel
    // (the engine's own send-time jitter), and what the engine dropped or skipped.
    histogram media_send_lateness;
    std::uint64_t media_ticks_skipped = 0;   // pacing ticks skipped after a stall > 20 ms
    std::uint64_t media_unroutable = 0;      // datagrams no call's stream claimed
    std::uint64_t media_send_errors = 0;     // datagrams not sent (refused, buffer full, oversize)
    std::uint64_t media_receive_errors = 0;  // receive failures and truncated datagrams
    std::uint64_t media_socket_drops = 0;    // dropped by our own full receive buffers

    // Records one latency sample of step s.
    void record(step s, std::chrono::nanoseconds d) noexcept { latency[index(s)].record(d); }
    // Counts one SIP message; for responses, m is the CSeq method.
    void count_sip(direction d, sip_method m, status_class c) noexcept {
        ++sip_messages[static_cast<std::size_t>(d)][static_cast<std::size_t>(m)]
                      [static_cast<std::size_t>(c)];
    }
    std::uint64_t sip_count(direction d, sip_method m, status_class c) const noexcept {
        return sip_messages[static_cast<std::size_t>(d)][static_cast<std::size_t>(m)]
                           [static_cast<std::size_t>(c)];
    }
    void count_registration(registration_result r) noexcept {
        ++registrations[static_cast<std::size_t>(r)];
    }
    std::uint64_t registration_count(registration_result r) const noexcept {
        return registrations[static_cast<std::size_t>(r)];
    }
    // Every registration attempt, and those whose outcome was not ok.
    std::uint64_t registrations_total() const noexcept;
    std::uint64_t registrations_failed() const noexcept {
        return registrations_total() - registration_count(registration_result::ok);
    }

    // Adds every counter and histogram of other into this snapshot.
    void merge(const stats& other);
};

}  // namespace ringstorm::core
