#include "engine/app/run_target.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace ringstorm::app {

namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

// One connect to the target before any phone starts: a target that does not accept TCP
// connections means the run cannot start (exit 3). TLS and upgrade failures do not stop
// the run: they are what a platform team needs to see in each phone's record.
std::optional<transport::failure> probe_target(const transport::ws_url& url,
                                               transport::tls_context* tls,
                                               const transport::client_options& options) {
    net::io_context io;
    transport::client_options probe = options;
    probe.connect_timeout = std::min<std::chrono::milliseconds>(options.connect_timeout, 5s);
    transport::ws_client client(io, probe, tls);
    std::optional<transport::failure> failed;
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            auto connected = co_await client.connect(url);
            if (!connected) {
                failed = connected.error();
                co_return;
            }
            co_await client.close();
        },
        net::detached);
    io.run();
    if (failed && (failed->stage == transport::stage::resolve ||
                   failed->stage == transport::stage::tcp_connect)) {
        return failed;
    }
    return std::nullopt;
}

std::chrono::milliseconds millis(core::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

target::call_behaviour behaviour_of(scenario::target_call_behaviour b) {
    // The scenario's names are the target's (both spell engine/target's call_behaviour).
    return target::call_behaviour_from_string(scenario::to_string(b))
        .value_or(target::call_behaviour::answered_then_target_bye);
}

}  // namespace

target::media_mode to_media_mode(scenario::target_media_mode m) {
    // The scenario spells serve's names (scenario.hpp), so the text maps one to one.
    return target::media_mode_from_string(scenario::to_string(m))
        .value_or(target::media_mode::echo);
}

target::call_options to_call_options(const scenario::target_calls_config& calls,
                                     std::uint64_t seed) {
    target::call_options o;
    o.how = calls.how == scenario::target_calls_config::mode::rate
                ? target::call_options::mode::rate
                : target::call_options::mode::each_binding;
    o.schedule.rate = calls.how == scenario::target_calls_config::mode::rate ? calls.rate : 0;
    o.schedule.spacing =
        calls.poisson ? target::call_spacing::poisson : target::call_spacing::fixed;
    o.schedule.seed = seed;
    o.schedule.mix.clear();
    for (const scenario::target_call_weight& w : calls.mix) {
        o.schedule.mix.push_back({behaviour_of(w.behaviour), w.weight});
    }
    o.after = millis(calls.after);
    o.plan.behaviour = o.schedule.mix.empty() ? o.plan.behaviour : o.schedule.mix.front().behaviour;
    o.plan.talk_time = millis(calls.talk_time);
    o.plan.cancel_after = millis(calls.cancel_after);
    o.plan.hold_after = millis(calls.hold_after);
    o.plan.ring_timeout = millis(calls.ring_timeout);
    o.fork = calls.fork;
    return o;
}

core::result<run_target, target_error> open_target(const scenario::scenario& s,
                                                   const transport::client_options& client,
                                                   std::uint64_t seed) {
    using error = core::unexpected<target_error>;
    run_target t;
    t.sipdomain = s.target.sipdomain;
    transport::client_tls_options tls_options{
        .insecure = s.target.insecure, .ca_file = s.target.ca, .ca_pem = {}};
    if (!s.target.url) {
        target::target_options o;
        o.listen = "wss://127.0.0.1:0/ws";
        o.accounts = s.accounts.source;
        o.domain = t.sipdomain.empty() ? "127.0.0.1" : t.sipdomain;
        if (s.target.calls) {
            o.calls = to_call_options(*s.target.calls, seed);
            if (std::string why = o.calls.validate(); !why.empty()) {
                return error(target_error{true, "target.calls: " + why});
            }
        }
        // On loopback with the phones: media ports on 127.0.0.1, where the phones are.
        o.media.mode = to_media_mode(s.target.media);
        o.media.ip = "127.0.0.1";
        auto started = target::embedded_target::start(o);
        if (!started) {
            return error(target_error{false, "embedded target: " + started.error()});
        }
        t.embedded = std::move(*started);
        t.url = t.embedded->url();
        t.sipdomain = t.embedded->domain();
        tls_options.ca_pem = t.embedded->generated_cert_pem();  // trust only what it made
    } else {
        auto parsed = transport::parse_ws_url(s.target.url->text);
        if (!parsed) {
            return error(target_error{true, std::string("target: ") + parsed.error().reason});
        }
        t.url = *parsed;
        if (t.sipdomain.empty()) {
            t.sipdomain = t.url.host;
        }
    }
    if (t.url.secure) {
        auto made = transport::tls_context::client(tls_options);
        if (!made) {
            return error(target_error{true, "TLS: " + made.error()});
        }
        t.tls.emplace(std::move(*made));
    }
    if (auto unreachable = probe_target(t.url, t.tls_context(), client)) {
        return error(target_error{false, "target unreachable: " + unreachable->message()});
    }
    return t;
}

}  // namespace ringstorm::app
