#pragma once
// The registration of one SDK instance as a sans-I/O state machine: SDK calls, transport
// events and timer expiries go in with the current time; actions come out as values for
// the driver (tab.cpp) to perform with Asio. It decides what goes on the wire (REGISTER,
// the digest answer, refreshes, de-REGISTER, answers to the target's requests) and which
// RegisterEventCallBack events the app would see under each contract profile
// (sdk-callback-contract.md, "Expected sequences"), recording them into a timeline.
//
// Timers: the machine keeps its deadlines (Timer F of the REGISTER transaction, the
// refresh, the 2.0.5 retry) and reports the earliest through next_deadline(); the
// driver calls on_timer() once it has passed (the pattern of the sip transactions).

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/stats.hpp"
#include "engine/core/step.hpp"
#include "engine/phone/register_request.hpp"
#include "engine/phone/timeline.hpp"
#include "engine/scenario/accounts.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/sip/client_transaction.hpp"
#include "engine/sip/digest.hpp"
#include "engine/transport/error.hpp"

namespace ringstorm::phone {

struct registration_config {
    scenario::contract_profile profile = scenario::contract_profile::documented;
    scenario::account account;
    std::string sipdomain;
    std::uint32_t expires = 300;  // Contact ;expires= asked for
    // No final response in this long ends a REGISTER transaction: Timer F = 64·T1
    // (RFC 3261 §17.1.2.2); must be a positive multiple of 64 ms.
    std::chrono::milliseconds register_timeout{32'000};
    // The 2.0.5 SDK's pause before it re-registers after a failure or a dropped socket.
    std::chrono::milliseconds retry_interval{5'600};
    std::size_t ladder_limit_bytes = 8192;  // see timeline::ladder
};

// ---- actions ----
// One thing for the driver to do. A plain struct rather than a variant: few fields, and
// tests compare them directly.
enum class action_type : std::uint8_t {
    connect,              // open the WebSocket (the driver knows URL, TLS, source IP)
    send,                 // `text`: one SIP message = one text frame (RFC 7118 §5.1)
    close,                // close handshake with `close_code` (1000, RFC 6455 §7.4.1)
    emit,                 // `event` indexes history().events: tell the listener
    latency,              // record `latency` for `step`
    registration_result,  // count `result` (ringstorm_registrations_total)
    sip_count,            // count one SIP message (`direction`, `method`, `status`)
    protocol_error,       // count `error_kind` (ringstorm_protocol_errors_total)
};

struct registration_action {
    registration_action(action_type t = action_type::connect, std::string t_text = {})  // NOLINT
        : type(t), text(std::move(t_text)) {}

    action_type type = action_type::connect;
    std::string text;
    std::uint16_t close_code = 1000;
    std::uint32_t event = 0;
    core::step step = core::step::register_;
    std::chrono::nanoseconds latency{0};
    core::registration_result result = core::registration_result::ok;
    core::direction direction = core::direction::sent;
    core::sip_method method = core::sip_method::register_;
    core::status_class status = core::status_class::request;
    std::string_view error_kind;  // static text: "sip_parse", "stray_response", ...
};

inline registration_action emit_action(std::uint32_t event) {
    registration_action a{action_type::emit};
    a.event = event;
    return a;
}
inline registration_action latency_action(core::step step, std::chrono::nanoseconds value) {
    registration_action a{action_type::latency};
    a.step = step;
    a.latency = value;
    return a;
}
inline registration_action registration_result_action(core::registration_result result) {
    registration_action a{action_type::registration_result};
    a.result = result;
    return a;
}
inline registration_action sip_count_action(core::direction d, core::sip_method m,
                                            core::status_class c) {
    registration_action a{action_type::sip_count};
    a.direction = d;
    a.method = m;
    a.status = c;
    return a;
}
inline registration_action protocol_error_action(std::string_view kind) {
    registration_action a{action_type::protocol_error};
    a.error_kind = kind;
    return a;
}

using registration_actions = std::vector<registration_action>;

// The `method` label of a message: its method, or the CSeq method of a response.
core::sip_method stats_method_of(const sip::message& m);

// One WebSocket frame read by registration::read_frame: the ladder note and protocol errors
// it caused, and the message when it held one (none for keep-alives and unparsable frames).
struct inbound_frame {
    std::vector<registration_action> actions;
    std::optional<sip::message> message;
};

class registration {
public:
    // `seed` makes the Contact, Call-ID, tags, branches and cnonces reproducible.
    registration(registration_config config, std::uint64_t seed);

    // ---- SDK calls ----
    // DoRegister(). Ignored while a REGISTER is in flight (its outcome answers the call);
    // queued behind an in-flight de-REGISTER. `due`: when the script wanted it.
    registration_actions do_register(core::time_point due, core::time_point now);
    // UnRegister(). Queued behind an in-flight REGISTER; an episode `not_sent` when no
    // binding is believed in place.
    registration_actions unregister(core::time_point due, core::time_point now);

    // ---- transport ----
    // The connect asked by connect_action succeeded; durations feed ws_connect and
    // tls_handshake (zero tls for ws://).
    registration_actions on_connected(std::chrono::nanoseconds ws_connect,
                                      std::chrono::nanoseconds tls_handshake, core::time_point now);
    registration_actions on_connect_failed(const transport::failure& why, core::time_point now);
    // read_frame() then on_message(): a frame for the registration alone.
    registration_actions on_frame(std::string_view frame, core::time_point now);
    // Reads a frame once for whoever it belongs to (the tab routes call messages to its
    // calls): notes it on the ladder, parses it leniently like the SDK, counts what it
    // could not read (`sip_parse`, `sip_header_skipped`). Counts no SIP message.
    inbound_frame read_frame(std::string_view frame, core::time_point now);
    // A message read by read_frame that belongs to no call: counted, then a response to
    // our REGISTER or a request from the target (OPTIONS 200, BYE/CANCEL 481, ...).
    registration_actions on_message(sip::message m, core::time_point now);
    // Whether a request is addressed to this phone: a Request-URI with our Contact user,
    // our AOR user, or no user at all. Others are answered 404.
    bool addressed_to_me(const sip::message& request) const;
    // The socket ended without our close_action (the peer closed it or it broke).
    registration_actions on_closed(const transport::failure& why, core::time_point now);

    // ---- time ----
    std::optional<core::time_point> next_deadline() const noexcept;
    registration_actions on_timer(core::time_point now);

    // Orderly end: no more refreshes, retries or queued calls; an in-flight transaction
    // may still finish.
    void stop() noexcept;

    // ---- the tab's call records ----
    // The tab keeps its calls in the same timeline: their episodes (timeline::calls), call
    // and session events (after any register event the machine recorded before them).
    timeline& records() noexcept { return timeline_; }
    // One ladder entry (a call's message in or out), bounded like the machine's own.
    void note(std::string text, bool sent, core::time_point now);

    bool registered() const noexcept { return registered_; }
    bool busy() const noexcept { return current_ >= 0; }  // a connect or transaction in flight
    bool connected() const noexcept { return ws_ == ws_state::up; }
    const timeline& history() const noexcept { return timeline_; }
    const register_identity& identity() const noexcept { return identity_; }
    const registration_config& config() const noexcept { return config_; }

private:
    enum class ws_state : std::uint8_t { down, connecting, up };
    enum class queued : std::uint8_t { none, register_, unregister };
    using out_t = registration_actions;

    bool sdk_2_0_5() const noexcept {
        return config_.profile == scenario::contract_profile::exotel_web_sdk_2_0_5;
    }
    episode& current() { return timeline_.episodes[static_cast<std::size_t>(current_)]; }
    std::size_t open_episode(episode_kind kind, core::time_point due, core::time_point now);
    void emit(std::string_view name, core::time_point now, out_t& out);
    void end_episode(episode_outcome outcome, std::string detail, core::time_point now);
    void close_ws(core::time_point now, out_t& out);
    void renew_identity();

    void begin_attempt(core::time_point now, out_t& out);
    // The next REGISTER of this registration (new CSeq and branch, credentials when a
    // challenge is remembered); `deregister` asks expires=0.
    sip::message make_register(bool deregister);
    void send_register(core::time_point now, out_t& out);
    void count_sent(const sip::message& m, core::time_point now, out_t& out);
    void on_response(sip::message response, core::time_point now, out_t& out);
    void on_final(const sip::message& response, core::time_point now, out_t& out);
    void on_challenge(const sip::message& response, core::time_point now, out_t& out);
    void on_register_ok(const sip::message& response, core::time_point now, out_t& out);
    void succeed(std::chrono::seconds granted, core::time_point now, out_t& out);
    void fail(episode_outcome outcome, std::string detail, core::time_point now, out_t& out);
    void fail_2_0_5(episode_outcome outcome, core::time_point now, out_t& out);
    void finish_unregister(episode_outcome outcome, std::string detail, core::time_point now,
                           out_t& out);
    void unregister_2_0_5(core::time_point now, out_t& out);
    void after_episode(core::time_point now, out_t& out);
    void on_request(const sip::message& request, core::time_point now, out_t& out);
    void start_register(episode_kind kind, core::time_point due, core::time_point now, out_t& out);
    void start_unregister(core::time_point due, core::time_point now, out_t& out);

    registration_config config_;
    std::mt19937_64 rng_;
    sip::digest_client digest_;
    // SIP.js reuses the Authorization of its last authenticated REGISTER verbatim (same
    // nonce, nc and response) until a new challenge arrives; seen with the real SDK in
    // tests/interop. Registrars that refuse a replayed nc challenge it anew.
    std::vector<sip::credential_header> credentials_;
    bool fresh_challenge_ = false;  // a challenge arrived since credentials_ were built
    register_identity identity_;
    std::uint32_t next_cseq_ = first_register_cseq;
    timeline timeline_;
    std::size_t ladder_bytes_ = 0;

    ws_state ws_ = ws_state::down;
    bool registered_ = false;
    bool stopping_ = false;
    bool renew_identity_ = false;  // 2.0.5: the next registration starts a new UserAgent
    std::int32_t current_ = -1;    // episode in flight (connecting or in a transaction)
    std::optional<sip::client_non_invite_transaction> transaction_;
    queued queued_ = queued::none;
    core::time_point queued_due_{};
    std::optional<core::time_point> refresh_at_;
    std::optional<core::time_point> retry_at_;
};

}  // namespace ringstorm::phone
