#pragma once
// The owner side of the target's calls, one per worker, sans-I/O: it decides when to
// call which of the AORs this worker owns (call_options: at a rate, or each AOR `after`
// its registration and after each of its calls), holds the calls (fork_group) until they
// end, counts them, and keeps the first findings for a person to read.
//
// It never touches a connection: what it wants done comes out as router_items, in order,
// for the worker glue to carry to each connection's worker (routes first, so the
// phone's answer to an INVITE already finds its way back here).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/target/call_media.hpp"
#include "engine/target/embedded_target.hpp"
#include "engine/target/fork_group.hpp"
#include "engine/target/originator_schedule.hpp"
#include "engine/target/registrar.hpp"

namespace ringstorm::target {

struct router_item {
    enum class kind : unsigned char {
        route_add,     // frames of `call_id` on `via` go to this router's worker from now on
        send,          // send `text` on `via`; a failure comes back as on_send_failed()
        route_remove,  // the call is over: undo a route_add
    };
    kind what = kind::send;
    connection_ref via;
    std::string call_id;
    std::string text;
};
using router_output = std::vector<router_item>;

// One worker's call counters; a forked call counts each leg (each INVITE sent).
struct call_counters {
    std::uint64_t placed = 0;     // legs started (INVITEs sent)
    std::uint64_t ended = 0;      // legs ended (the four outcomes below)
    std::uint64_t answered = 0;   // legs whose 2xx arrived
    std::uint64_t completed = 0;  // outcome completed
    std::uint64_t cancelled = 0;  // outcome cancelled (the behaviour's CANCEL, fork losers)
    std::uint64_t rejected = 0;   // outcome rejected (3xx-6xx)
    std::uint64_t failed = 0;     // outcome failed (no answer, transport, unusable 2xx)
    std::uint64_t missed = 0;     // calls due with nobody idle to call, or past max_burst
    std::uint64_t findings = 0;   // breaches by phones, all kinds
    std::uint64_t stray = 0;      // responses with a call's Call-ID matching no leg
    std::uint64_t media_port_failures = 0;  // calls not placed: call_media::open failed
    std::uint64_t media_unusable = 0;       // winning answers that could not start media
};

class call_router {
public:
    // Findings kept word for word (the rest are only counted).
    static constexpr std::size_t max_notes = 16;

    // `options` must validate() clean; `registrar` is this worker's shard and outlives
    // the router; `seed` makes this worker's Call-IDs, tags and picks (give each worker
    // its own); `schedule_seed` its arrivals.
    // `media` (null: offers without media) opens and runs each call's stream; it outlives
    // the router.
    call_router(call_options options, caller_identity who, const registrar& registrar,
                std::uint64_t seed, std::uint64_t schedule_seed, core::time_point now,
                call_media* media = nullptr);

    // A REGISTER for `aor` (owned here) was answered 2xx: an AOR that now has bindings
    // and is neither in a call nor waiting for one becomes callable.
    void on_registered(const std::string& aor, core::time_point now, router_output& out);
    // A frame of call `call_id` that arrived on `from`.
    void on_frame(const std::string& call_id, std::string_view frame, connection_ref from,
                  core::time_point now, router_output& out);
    // Due calls, each_binding calls and the calls' own deadlines (call once
    // next_deadline() has passed; early calls do nothing harmful).
    void on_timer(core::time_point now, router_output& out);
    // Connection `connection_id` closed: the legs on it fail (RFC 7118 §5.2: it was the
    // only way to the phone).
    void on_connection_closed(std::uint64_t connection_id, core::time_point now,
                              router_output& out);
    // A send for `call_id` on `via` failed (queue full or already closed).
    void on_send_failed(const std::string& call_id, connection_ref via, core::time_point now,
                        router_output& out);
    // Rate mode: this worker places `share` (0..1) of the target's rate.
    void set_share(double share, core::time_point now);

    std::optional<core::time_point> next_deadline() const;
    const call_counters& counters() const noexcept { return counters_; }
    std::size_t live_calls() const noexcept { return calls_.size(); }
    bool in_call(const std::string& aor) const { return busy_.count(aor) != 0; }
    // The first max_notes findings (and AORs that could not be called), for a person:
    // "sip:10001@example.com call 3f…@ringstorm.invalid: hold_answer_direction: …"
    const std::vector<std::string>& notes() const noexcept { return notes_; }
    void add_to(target_stats& out) const;

private:
    struct live_call {
        fork_group group;
        std::optional<core::time_point> due;  // its entry in deadlines_
        std::optional<media_id> media;        // its stream, while its port is open
        bool media_started = false;
    };

    bool place(const std::string& aor, call_behaviour behaviour, core::time_point now,
               router_output& out);
    bool place_any(call_behaviour behaviour, core::time_point now, router_output& out);
    void apply(const std::string& call_id, group_actions actions, core::time_point now,
               router_output& out);
    void end_call(const std::string& call_id, core::time_point now, router_output& out);
    // The media part of a group's actions.
    void apply_media(live_call& call, const std::string& call_id, const group_actions& actions,
                     core::time_point now);
    // The AOR is free again (registered, or its call ended): call it when the mode says.
    void offer(const std::string& aor, core::time_point now);
    void make_callable(const std::string& aor);
    void drop_callable(const std::string& aor);
    std::uint64_t next_random() noexcept;
    void note(std::string text);

    call_options options_;
    caller_identity who_;
    const registrar& registrar_;
    call_media* media_;
    call_schedule schedule_;
    std::uint64_t rng_;
    std::uint64_t weight_total_ = 0;
    std::unordered_map<std::string, live_call> calls_;                           // by Call-ID
    std::set<std::pair<core::time_point, std::string>> deadlines_;               // calls' timers
    std::unordered_map<std::uint64_t, std::vector<std::string>> by_connection_;  // Call-IDs
    std::unordered_set<std::string> busy_;  // AORs in a call from us
    // Rate mode: idle AORs with bindings (maybe stale: checked when picked), for a
    // uniform pick in O(1).
    std::vector<std::string> callable_;
    std::unordered_map<std::string, std::size_t> callable_at_;
    // each_binding mode: when each waiting AOR is called next.
    std::unordered_map<std::string, core::time_point> waiting_;
    std::set<std::pair<core::time_point, std::string>> waiting_due_;
    call_counters counters_;
    std::vector<std::string> notes_;
};

}  // namespace ringstorm::target
