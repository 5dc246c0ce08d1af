#pragma once
// One virtual SDK instance (`ExotelWebClient` in one browser tab): its WebSocket to the
// target and its registration, driven by SDK calls (`do_register`, `unregister`) and by
// the wire, emitting RegisterEventCallBack events into its timeline per contract profile
// (sdk-callback-contract.md, "wire behaviour"). Owned by one worker; every call runs on
// that worker's thread. The protocol decisions live in the sans-I/O `registration`
// machine (registration.hpp); this class only performs its actions with Asio.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "engine/core/clock.hpp"
#include "engine/core/stats.hpp"
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

    // Orderly end of the tab: lets an in-flight transaction finish (bounded by
    // `deadline`), stops refreshes and retries, closes the WebSocket with a handshake.
    // Does not unregister (the script's wind-down does that).
    boost::asio::awaitable<void> shutdown(core::time_point deadline);
    // Drops everything at once (second Ctrl-C).
    void abort() noexcept;

    bool registered() const noexcept;  // a binding is believed to be in place
    bool busy() const noexcept;        // a transaction or connect is in flight
    const timeline& history() const noexcept;
    const scenario::account& account() const noexcept;
    std::uint64_t phone() const noexcept;
    std::uint32_t index() const noexcept;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace ringstorm::phone
