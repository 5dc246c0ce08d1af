#pragma once
// One virtual SDK instance (`ExotelWebClient` in one browser tab): its WebSocket to the
// target, its registration and its calls, driven by SDK calls (`do_register`,
// `unregister`, `answer`, `hangup`...) and by the wire, emitting RegisterEventCallBack and
// CallListenerCallback events into its timeline per contract profile
// (sdk-callback-contract.md). Owned by one worker; every call runs on that worker's
// thread. The protocol decisions live in the sans-I/O machines (`registration`,
// registration.hpp; one `call` per incoming call, call.hpp; one `outgoing_call` per call
// the tab places, outgoing_call.hpp); this class routes each frame to one of them by
// Call-ID and performs their actions with Asio.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "engine/core/clock.hpp"
#include "engine/core/stats.hpp"
#include "engine/phone/phone_media.hpp"
#include "engine/phone/timeline.hpp"
#include "engine/scenario/accounts.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/transport/ws_client.hpp"

namespace boost::asio {
class io_context;
}

namespace ringstorm::phone {

class tab;

// Told of every event a tab records, as it is recorded (the app writes --events lines and
// wakes the phone's script).
class event_listener {
public:
    virtual ~event_listener() = default;
    virtual void on_event(tab& from, const recorded_event& event) = 0;
    // A call episode ended (timeline::calls[call].ended is set). Told even when the end
    // gives the app no callback (documented: an un-ACKed 2xx; 2.0.5: a lost WebSocket).
    virtual void on_call_ended(tab& /*from*/, std::uint32_t /*call*/) {}
};

// What every tab of one worker shares. Owned by the worker; outlives its tabs.
struct worker_env {
    boost::asio::io_context& io;
    core::stats& stats;  // this worker's stats (latency, registrations, SIP counts, errors)
    scenario::contract_profile profile = scenario::contract_profile::documented;
    transport::ws_url url;                  // where the phones connect
    std::string sipdomain;                  // AOR domain and REGISTER Request-URI host
    transport::tls_context* tls = nullptr;  // client context for wss://; null for ws://
    transport::client_options client;       // deadlines and limits of each connection
    std::vector<std::string> source_ips;    // --source-ips: tab k binds source_ips[k % size]
    std::uint32_t expires = 300;            // Contact ;expires= asked for (the SDK's 300)
    std::size_t ladder_limit_bytes = 8192;  // per tab, see timeline::ladder
    // No final response to a REGISTER in this long fails it: Timer F = 64·T1 (RFC 3261
    // §17.1.2.2); a positive multiple of 64 ms. Tests shorten it.
    std::chrono::milliseconds register_timeout{32'000};
    // exotel-web-sdk-2.0.5: the pause before re-registering after a failure or a drop.
    std::chrono::milliseconds retry_interval{5'600};
    // The calls' real media (README.md, "Media"); media.worker null: no media.
    phone_media media{};
};

class tab {
public:
    // `phone` is the phone's number (0-based, schedule order), `index` the tab number
    // within the phone (0 = the parent tab). `seed` makes the random Contact, Call-ID and
    // tags reproducible per tab.
    tab(worker_env& env, scenario::account account, std::uint64_t phone, std::uint32_t index,
        std::uint64_t seed);
    tab(const tab&) = delete;
    tab& operator=(const tab&) = delete;
    ~tab();  // drops the connection without a handshake; pending timers are cancelled

    void set_listener(event_listener* listener) noexcept;

    // DoRegister(): connect if needed, then REGISTER (answering a digest challenge).
    // Returns at once, like the SDK; the outcome arrives as events. `due` is when the
    // script wanted it (latencies are measured from it). A refresh at 80 % of the granted
    // expiry follows by itself until unregister().
    void do_register(core::time_point due);
    // UnRegister(): de-REGISTER (expires=0) per profile; does nothing (episode not_sent)
    // when not registered.
    void unregister(core::time_point due);

    // Orderly end of the tab, like a page unload: a live call is ended (BYE when
    // established, 480 while ringing; callEnded), new INVITEs get 480, refreshes and
    // retries stop; the in-flight REGISTER and our BYE may finish (bounded by `deadline`),
    // then the WebSocket is closed with a handshake. Does not unregister (the script's
    // wind-down does that).
    boost::asio::awaitable<void> shutdown(core::time_point deadline);
    // Drops everything at once (second Ctrl-C).
    void abort() noexcept;

    // ---- calls (CallListenerCallback; sdk-callback-contract.md "incoming INVITE"…) ----
    // The app's commands on the tab's current call (getCall()): the latest call that has
    // not ended. Each returns "" when performed, else why it does not apply now ("no call",
    // "not ringing", "not connected", "offer pending", "bad digit", "call lost with the
    // WebSocket", "tab closed"), which the script reports. `due` is when the script wanted
    // it: latencies (answer_to_connected, answer_to_ack, hold, unhold, bye) are measured
    // from it. A 2.0.5 call lost with the WebSocket stays current for the app (a zombie:
    // no callback came); hangup() then sends nothing, returns "" and drops it.
    std::string answer(core::time_point due);
    std::string reject(core::time_point due);  // 486 Busy Here
    std::string hangup(core::time_point due);  // BYE when established, 480 while ringing
    std::string hold(core::time_point due);    // re-INVITE a=sendonly
    std::string unhold(core::time_point due);  // re-INVITE a=sendrecv
    std::string mute();                        // local media state only, no signalling
    std::string unmute();
    std::string dtmf(char digit, core::time_point due);  // INFO application/dtmf-relay
    // Caller role (not an SDK call: Ringstorm's caller phones, for proxies such as
    // Kamailio; outgoing_call.hpp): INVITE `to` (a SIP URI, or a user at the tab's
    // sipdomain) with a WebRTC offer, answering a 407 with the tab's credentials. The call
    // becomes the current call: hangup() CANCELs it while unanswered (callEnded at once)
    // and BYEs it once connected; hold, unhold, dtmf, mute apply as to an incoming call;
    // answer() and reject() say "not an incoming call"; an INVITE arriving meanwhile is a
    // second INVITE (refused per profile). Refused with a reason when the tab already has
    // a call, has no open WebSocket, is closing, or `to` is no callee.
    std::string place_call(std::string_view to, core::time_point due);

    // The user has other tabs open (multi-tab): calls arriving from now on ring on all of
    // them, and their episodes say so (call_episode::forked).
    void set_forked(bool forked) noexcept;

    // A tab of the same user posted on the BroadcastChannel (multi-tab): records the
    // SessionCallback event `name` ("incoming", "connected", "callEnded", "re-register")
    // at `at` in this tab's timeline (recorded_event::call is no_call: the call is the
    // other tab's) and tells the listener. `name` must be static text, like every
    // recorded_event name (a sibling's event name, or a literal).
    void session_event(std::string_view name, core::time_point at);

    // The current call's episode (history().calls): the latest call not ended for the
    // app, which is also a 2.0.5 zombie (its episode already says transport_error);
    // nullptr when there is none.
    const call_episode* current_call() const noexcept;
    bool in_call() const noexcept;  // current_call() != nullptr

    bool registered() const noexcept;  // a binding is believed to be in place
    bool busy() const noexcept;        // a REGISTER transaction or connect is in flight
    const timeline& history() const noexcept;
    const scenario::account& account() const noexcept;
    std::uint64_t phone() const noexcept;
    std::uint32_t index() const noexcept;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace ringstorm::phone
