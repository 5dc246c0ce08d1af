#pragma once
// The inside of a tab (tab.hpp), shared by tab.cpp (the connection, the timer, the
// registration machine's actions, shutdown), tab_calls.cpp (frame routing, placing calls,
// the call machines' actions) and tab_commands.cpp (the app's call commands). Not for use outside
// engine/phone.
//
// Every Asio handler holds only a weak pointer to the state and an epoch number, so a
// handler that outlives the tab, or a connection the tab has moved on from, does nothing.

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "engine/phone/call.hpp"
#include "engine/phone/call_stream.hpp"
#include "engine/phone/outgoing_call.hpp"
#include "engine/phone/registration.hpp"
#include "engine/phone/tab.hpp"

namespace ringstorm::phone {

// A call's episode keeps at most this many findings: a target that floods a call with
// stray responses must not grow the timeline without bound (the stats count them all).
inline constexpr std::size_t max_findings_per_call = 32;

// One call of the tab whose machine still runs (live, or ended with timers left such as
// RFC 6026's Timer L): an incoming call (`call`, the SDK's role) or an outgoing one
// (`outgoing_call`, the caller role). Both take the same inputs and give call_actions, so
// the tab routes, times and performs them alike through the forwarders below. Destroyed
// once finished; its call_episode stays in the timeline.
struct live_call {
    std::unique_ptr<call> incoming;           // callee role; null for an outgoing call
    std::unique_ptr<outgoing_call> outgoing;  // caller role; null for an incoming call
    std::uint32_t episode = 0;                // index into timeline::calls
    // The call's real media (tab_media.cpp): planned when our SDP is made, running once
    // the far end's SDP is known; null when media is off or the far end offered no ICE.
    std::unique_ptr<call_stream> media;
    core::time_point invite_at{};             // the INVITE was read: invite_to_incoming's origin
    bool connected = false;                   // `connected` was emitted (calls_answered counted)
    bool active = false;                      // counted in stats.active_calls
    bool ended = false;                       // its end is in the episode and the stats

    // Applies `f` to whichever machine the call has.
    template <class F>
    decltype(auto) visit(F&& f) {
        return incoming ? f(*incoming) : f(*outgoing);
    }
    template <class F>
    decltype(auto) visit(F&& f) const {
        return incoming ? f(std::as_const(*incoming)) : f(std::as_const(*outgoing));
    }
    const call_record& record() const noexcept {
        return visit([](const auto& m) -> const call_record& { return m.record(); });
    }
    const std::string& call_id() const noexcept {
        return visit([](const auto& m) -> const std::string& { return m.call_id(); });
    }
    std::optional<core::time_point> next_deadline() const noexcept {
        return visit([](const auto& m) { return m.next_deadline(); });
    }
    bool finished() const noexcept {
        return visit([](const auto& m) { return m.finished(); });
    }
    bool busy() const noexcept {
        return visit([](const auto& m) { return m.busy(); });
    }
    // The app no longer has this call: its machine ended, or (an outgoing call) the app
    // hung up and only the CANCEL's outcome is awaited.
    bool ended_for_app() const noexcept {
        if (outgoing) {
            return outgoing->state() == outgoing_state::ended ||
                   outgoing->state() == outgoing_state::cancelling;
        }
        return incoming->record().state == call_state::ended;
    }
};

// The app commands on the current call (tab::answer ...).
enum class call_command : std::uint8_t { answer, reject, hangup, hold, unhold, mute, unmute, dtmf };

struct tab_state : std::enable_shared_from_this<tab_state> {
    tab_state(worker_env& e, tab& o, registration_config config, std::uint64_t p, std::uint32_t i,
              std::uint64_t seed);

    // ---- tab.cpp: the connection, the timer, the registration machine ----
    // Performs the registration machine's actions, then settle().
    void perform(registration_actions actions);
    void start_connect();
    void on_send_error(std::error_code ec);
    // The socket ended without our close: the calls first (their loss events), then the
    // registration machine.
    void on_ws_lost(const transport::failure& why, core::time_point now);
    // Sends one SIP text frame when the socket is open; a failed send cuts the socket.
    void send_frame(std::string text);
    // After every batch: finished calls go, the timer follows the earliest deadline, a
    // waiting shutdown() wakes when nothing is in flight any more.
    void settle();
    void rearm();
    void on_timer(core::time_point now);
    bool busy() const noexcept;  // the registration machine or a call has work in flight
    // Cuts everything at once: calls (media stopped, judged), timers, sockets. noexcept
    // because ~tab and tab::abort() call it and must finish; what it allocates (each call's
    // media record) is given up on bad_alloc instead of escaping (tab.cpp).
    void drop_all() noexcept;

    // ---- tab_calls.cpp (command(): tab_commands.cpp) ----
    void on_frame(std::string_view frame, core::time_point now);
    void route(sip::message m, core::time_point now);
    void start_call(sip::message invite, core::time_point now);
    // tab::place_call: a new outgoing call (the caller role); "" or why not.
    std::string place_call(std::string_view to, core::time_point due);
    // Performs a call's actions for the call of `episode`; returns the kind of a refused
    // command (empty when none). Never keeps a reference to `calls` across the listener.
    std::string_view perform_call(std::uint32_t episode, call_actions actions, core::time_point now,
                                  const sip::message* cause);
    // Copies the machine's record into the call's episode, keeps its media in step
    // (sync_media); counts its end once.
    void sync(std::uint32_t episode, core::time_point now);
    void record_finding(std::uint32_t episode, std::string_view kind, std::string_view text,
                        const sip::message* cause, core::time_point now);
    live_call* find_call(std::uint32_t episode) noexcept;
    live_call* find_call(std::string_view call_id) noexcept;
    // The episode of the call the app's commands apply to: the latest call not ended for
    // the app (live_call::ended_for_app), incoming or outgoing; nullopt when none (a 2.0.5
    // zombie is `zombie`, not this).
    std::optional<std::uint32_t> current_episode() const noexcept;
    void emit_call_event(std::uint32_t episode, std::string_view name, core::time_point now);
    // The second INVITE during a call, per profile (refuse_second_invite): no episode.
    void refuse(const sip::message& invite, core::time_point now);
    // Every live call lost its socket (a drop, or the phone's own close): per profile.
    void calls_lost(core::time_point now);
    // Set while the registration machine closes the socket itself (action_type::close):
    // the calls on it end local_close, not transport_error.
    bool closing_own_socket = false;
    // shutdown(): the page unload ends the current call (BYE, or 480 while ringing).
    void unload_calls(core::time_point now);
    std::string command(call_command what, core::time_point due, char digit);
    call_config call_config_for();
    outgoing_call_config outgoing_config_for();

    // ---- tab_media.cpp: the calls' real media ----
    // A stream planned for a call whose SDP we are about to make (`ice` its ICE role),
    // with our media described into `params`; null when media is off or the shared port
    // cannot be opened (counted).
    std::unique_ptr<call_stream> plan_media(media::ice_mode ice, sdp::webrtc_audio_params& params);
    // After each batch of a call's actions: starts its stream once answered (callee: our
    // 200 went out; caller: the 2xx answer arrived), applies the negotiated direction and
    // the app's mute, and at the call's end stops it (end_media).
    void sync_media(live_call& c, core::time_point now);
    // Stops the call's stream, copies its figures into the episode and, when `judge`, its
    // findings as call findings (media.*). A call cut by the tab's drop is judged too:
    // what its stream found while it ran stays found.
    void end_media(live_call& c, core::time_point now, bool judge);
    // A media finding of the call's episode (bounded like the rest).
    void add_finding(std::uint32_t episode, std::string_view rule, std::string detail,
                     core::time_point at);
    // The local address of this tab's shared media port.
    const std::string& media_ip() const noexcept;
    bool app_sees_a_call() const noexcept;  // a call not ended for the app (zombie too)

    worker_env& env;
    tab* owner;  // null once the tab is destroyed
    event_listener* listener = nullptr;
    registration machine;
    std::uint64_t phone;
    std::uint32_t index;
    std::shared_ptr<transport::ws_client> client;
    std::shared_ptr<transport::ws_client> closing;  // kept until its close handshake is done
    std::uint64_t epoch = 0;  // bumped per connection; stale handlers compare and return
    boost::asio::steady_timer timer;
    std::optional<core::time_point> armed;
    std::uint64_t timer_generation = 0;
    boost::asio::steady_timer idle;  // wakes shutdown() when nothing is in flight any more
    bool aborted = false;
    bool stopping = false;  // shutdown() began: new INVITEs are refused (480)

    std::vector<live_call> calls;
    // exotel-web-sdk-2.0.5: the episode of a call lost with the WebSocket that the app
    // still believes in (no callback came); a later hangup() sends nothing and clears it.
    std::optional<std::uint32_t> zombie;
    std::mt19937_64 call_rng;  // seeds of the calls' machines and their media identities
    bool forked = false;       // set_forked(): new calls are marked forked
};

struct tab::impl {
    std::shared_ptr<tab_state> state;
};

// The contract rule id (calls-design.md) of a call machine's protocol error kind, and the
// RFC text a finding's detail starts with; an empty rule for kinds the contract judges
// from the call's episode instead (its end: no_ack, bad_offer, bad_invite,
// reinvite_timeout), which record no finding.
struct finding_rule {
    std::string_view rule;
    std::string_view detail;
};
finding_rule finding_for(std::string_view kind) noexcept;
// The rule text of a media finding (media::media_rule), with its RFC basis.
finding_rule media_finding_for(media::media_rule rule) noexcept;
// A far end's SDP that asks for ICE but lacks what DTLS-SRTP needs (no a=fingerprint, an
// answer's a=setup:actpass): no stream runs (tab_media.cpp).
inline constexpr std::string_view media_bad_sdp_rule = "media.bad_sdp";
inline constexpr std::string_view media_finding_bad_sdp_detail =
    "the far end's SDP asks for ICE but lacks what DTLS-SRTP needs (RFC 8842 §5, RFC 8122 §5)";

}  // namespace ringstorm::phone
