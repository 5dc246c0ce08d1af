#include "engine/app/serve_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>
#include <tuple>
#include <utility>

#include <CLI/CLI.hpp>

#include "engine/app/metrics_endpoint.hpp"
#include "engine/app/signals.hpp"
#include "engine/app/target_metrics.hpp"
#include "engine/core/duration.hpp"
#include "engine/transport/fd_limit.hpp"

#include "engine/scenario/scenario.hpp"

namespace ringstorm::app {

namespace {

// The account source of `--accounts`/`--password` or `--accounts-csv`, checked by the
// same rules as a scenario's accounts section (so messages match).
core::result<scenario::account_source, std::string> serve_accounts(const serve_options& o) {
    using error = core::unexpected<std::string>;
    if (!o.accounts_csv.empty()) {
        std::ifstream f(o.accounts_csv, std::ios::binary);
        if (!f) {
            return error("cannot read accounts CSV '" + o.accounts_csv + "'");
        }
        std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        auto rows = scenario::parse_accounts_csv(text);
        if (!rows) {
            std::string all;
            for (const scenario::csv_error& e : rows.error()) {
                all += o.accounts_csv + ":" + std::to_string(e.line) + ":" +
                       std::to_string(e.column) + ": " + e.message + "\n";
            }
            return error(all);
        }
        return scenario::account_source(
            std::make_shared<const std::vector<scenario::account>>(std::move(*rows)),
            o.accounts_csv);
    }
    auto user = scenario::name_template::parse(o.accounts, true, true);
    if (!user) {
        return error("--accounts '" + o.accounts + "': " + user.error().message);
    }
    auto password = scenario::name_template::parse(o.password, false, false);
    if (!password) {
        return error("--password: " + password.error().message);
    }
    return scenario::account_source(std::move(*user), std::move(*password), 0);
}

core::result<std::chrono::milliseconds, std::string> option_duration(const char* name,
                                                                     const std::string& text) {
    auto d = core::parse_duration(text);
    if (!d) {
        return core::unexpected(std::string(name) + " " + text + ": " + d.error());
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

std::string ms_text(std::chrono::milliseconds d) {
    return core::format_duration(d);
}

void print_calls(const target::target_stats& s) {
    std::printf(
        "calls placed %llu, active %llu, answered %llu | completed %llu, cancelled %llu, "
        "rejected %llu, failed %llu | missed %llu | phone findings %llu\n",
        static_cast<unsigned long long>(s.calls_placed),
        static_cast<unsigned long long>(s.calls_active),
        static_cast<unsigned long long>(s.calls_answered),
        static_cast<unsigned long long>(s.calls_completed),
        static_cast<unsigned long long>(s.calls_cancelled),
        static_cast<unsigned long long>(s.calls_rejected),
        static_cast<unsigned long long>(s.calls_failed),
        static_cast<unsigned long long>(s.calls_missed),
        static_cast<unsigned long long>(s.call_findings));
}

void print_media(const target::target_stats& s) {
    std::printf(
        "media streams %llu (ports open %llu, no port %llu, unusable answers %llu) | SRTP up "
        "%llu, failed %llu | packets in %llu, out %llu, lost %llu | SRTP auth failures %llu | "
        "socket drops %llu\n",
        static_cast<unsigned long long>(s.media_streams),
        static_cast<unsigned long long>(s.media_ports),
        static_cast<unsigned long long>(s.media_port_failures),
        static_cast<unsigned long long>(s.media_unusable),
        static_cast<unsigned long long>(s.media_srtp_up),
        static_cast<unsigned long long>(s.media_failed),
        static_cast<unsigned long long>(s.media_packets_received),
        static_cast<unsigned long long>(s.media_packets_sent),
        static_cast<unsigned long long>(s.media_packets_lost),
        static_cast<unsigned long long>(s.media_srtp_auth_failures),
        static_cast<unsigned long long>(s.media_socket_drops));
}

// The findings of phones, for someone running serve against their own phone: each new
// one once on stderr, the first `limit` only (the count goes on in the calls line).
class finding_printer {
public:
    static constexpr std::size_t limit = 20;

    void print_new(const std::vector<std::string>& notes) {
        for (const std::string& note : notes) {
            if (printed_.size() == limit) {
                if (!capped_) {
                    capped_ = true;
                    std::fprintf(stderr,
                                 "ringstorm serve: further phone findings are only "
                                 "counted (see the calls line)\n");
                }
                return;
            }
            if (std::find(printed_.begin(), printed_.end(), note) == printed_.end()) {
                printed_.push_back(note);
                std::fprintf(stderr, "ringstorm serve: phone finding: %s\n", note.c_str());
            }
        }
    }

private:
    std::vector<std::string> printed_;
    bool capped_ = false;
};

}  // namespace

void add_call_options(CLI::App& serve, serve_options& o) {
    serve.add_option("--call-rate", o.call_rate,
                     "place calls to registered phones, R per second over the target");
    serve.add_option("--call-after", o.call_after,
                     "instead: call each registered user D after it registers and D after "
                     "each of its calls (e.g. 2s)");
    serve.add_option("--call-duration", o.call_duration,
                     "talk time of answered calls (default 40s)");
    serve.add_option("--call-mix", o.call_mix,
                     "behaviours and weights, e.g. answered_then_target_bye=3,"
                     "target_cancel_while_ringing=1 (also remote_hold_then_bye, no_ack, "
                     "phone_hangs_up)");
    serve.add_option("--call-spacing", o.call_spacing,
                     "fixed | poisson gaps between calls at --call-rate (default poisson)");
    serve.add_option("--call-cancel-after", o.call_cancel_after,
                     "target_cancel_while_ringing: CANCEL this long after the 180 (default 2s)");
    serve.add_option("--call-hold-after", o.call_hold_after,
                     "remote_hold_then_bye: hold this long after the answer (default 3s)");
    serve.add_option("--call-ring-timeout", o.call_ring_timeout,
                     "give up on an unanswered call after this (default 65s)");
    serve.add_flag("--no-fork", o.no_fork, "call one tab of a user, not every tab");
    serve.add_option("--media", o.media,
                     "echo | tone | none: the calls' media once DTLS-SRTP is up: the phone's "
                     "audio sent back, a tone of our own, or no ICE at all (default echo)");
    serve.add_option("--media-ip", o.media_ip,
                     "IP address media ports are bound on, one per call (default: the listen "
                     "address if it is an IP, else 127.0.0.1)");
}

core::result<target::media_options, std::string> serve_media_options(const serve_options& o,
                                                                     bool calling) {
    using error = core::unexpected<std::string>;
    target::media_options m;
    if (!calling) {
        for (auto [name, value] :
             {std::pair{"--media", &o.media}, std::pair{"--media-ip", &o.media_ip}}) {
            if (!value->empty()) {
                return error(std::string(name) + " needs --call-rate R or --call-after D");
            }
        }
        return m;
    }
    if (!o.media.empty()) {
        auto mode = target::media_mode_from_string(o.media);
        if (!mode) {
            return error("--media " + o.media +
                         ": echo (send the phone's audio back), tone (send a tone) or none");
        }
        m.mode = *mode;
    }
    if (!o.media_ip.empty()) {
        if (m.mode == target::media_mode::none) {
            return error("--media-ip has nothing to bind with --media none");
        }
        if (std::string why = target::check_media_ip(o.media_ip); !why.empty()) {
            return error(std::move(why));
        }
    }
    m.ip = o.media_ip;
    return m;
}

core::result<target::call_options, std::string> serve_call_options(const serve_options& o) {
    using error = core::unexpected<std::string>;
    target::call_options c;
    const bool by_rate = !o.call_rate.empty();
    const bool by_binding = !o.call_after.empty();
    if (by_rate && by_binding) {
        return error("--call-rate and --call-after are two ways to place calls: give one");
    }
    if (!by_rate && !by_binding) {
        for (auto [name, value] :
             {std::pair{"--call-duration", &o.call_duration}, std::pair{"--call-mix", &o.call_mix},
              std::pair{"--call-spacing", &o.call_spacing},
              std::pair{"--call-cancel-after", &o.call_cancel_after},
              std::pair{"--call-hold-after", &o.call_hold_after},
              std::pair{"--call-ring-timeout", &o.call_ring_timeout}}) {
            if (!value->empty()) {
                return error(std::string(name) + " needs --call-rate R or --call-after D");
            }
        }
        if (o.no_fork) {
            return error("--no-fork needs --call-rate R or --call-after D");
        }
        return c;  // no calls
    }
    if (by_rate) {
        char* end = nullptr;
        const double rate = std::strtod(o.call_rate.c_str(), &end);
        if (end == o.call_rate.c_str() || *end != '\0' || !std::isfinite(rate) || rate <= 0) {
            return error("--call-rate " + o.call_rate +
                         ": not a number of calls per second above 0");
        }
        c.how = target::call_options::mode::rate;
        c.schedule.rate = rate;
    } else {
        auto after = option_duration("--call-after", o.call_after);
        if (!after) {
            return error(after.error());
        }
        c.how = target::call_options::mode::each_binding;
        c.after = *after;
        if (!o.call_spacing.empty()) {
            return error("--call-spacing shapes --call-rate; with --call-after each call waits D");
        }
    }
    if (o.call_spacing == "fixed") {
        c.schedule.spacing = target::call_spacing::fixed;
    } else if (!o.call_spacing.empty() && o.call_spacing != "poisson") {
        return error("--call-spacing " + o.call_spacing + ": fixed or poisson");
    }
    for (auto [name, text, into] :
         {std::tuple{"--call-duration", &o.call_duration, &c.plan.talk_time},
          std::tuple{"--call-cancel-after", &o.call_cancel_after, &c.plan.cancel_after},
          std::tuple{"--call-hold-after", &o.call_hold_after, &c.plan.hold_after},
          std::tuple{"--call-ring-timeout", &o.call_ring_timeout, &c.plan.ring_timeout}}) {
        if (text->empty()) {
            continue;
        }
        auto d = option_duration(name, *text);
        if (!d) {
            return error(d.error());
        }
        *into = *d;
    }
    if (!o.call_mix.empty()) {
        auto mix = target::parse_call_mix(o.call_mix);
        if (!mix) {
            return error("--call-mix " + o.call_mix + ": " + mix.error());
        }
        c.schedule.mix = std::move(*mix);
    }
    c.fork = !o.no_fork;
    if (std::string why = c.validate(); !why.empty()) {
        // The plan names its fields; a serve user knows them as options.
        for (auto [field, option] : {std::pair{"talk_time", "--call-duration"},
                                     std::pair{"hold_after", "--call-hold-after"},
                                     std::pair{"cancel_after", "--call-cancel-after"},
                                     std::pair{"ring_timeout", "--call-ring-timeout"}}) {
            for (std::size_t at = why.find(field); at != std::string::npos;
                 at = why.find(field, at + std::strlen(option))) {
                why.replace(at, std::strlen(field), option);
            }
        }
        return error("call options: " + why);
    }
    return c;
}

int serve_command(const serve_options& o) {
    install_stop_signals();
    auto accounts = serve_accounts(o);
    if (!accounts) {
        std::fprintf(stderr, "ringstorm serve: %s\n", accounts.error().c_str());
        return 2;
    }
    auto calls = serve_call_options(o);
    if (!calls) {
        std::fprintf(stderr, "ringstorm serve: %s\n", calls.error().c_str());
        return 2;
    }
    auto media = serve_media_options(o, calls->how != target::call_options::mode::off);
    if (!media) {
        std::fprintf(stderr, "ringstorm serve: %s\n", media.error().c_str());
        return 2;
    }
    // Every phone connection holds a descriptor, and with media every live call one more
    // (its own UDP port): take what the hard limit allows.
    const auto fd_limits = transport::raise_fd_limit();
    target::target_options t;
    t.media = *media;
    t.listen = o.listen;
    t.cert_file = o.cert_file;
    t.key_file = o.key_file;
    t.domain = o.domain;
    t.accounts = std::move(*accounts);
    t.calls = std::move(*calls);
    const bool calling = t.calls.how != target::call_options::mode::off;
    t.max_expires = o.max_expires;
    t.min_expires = std::min(t.min_expires, o.max_expires);
    t.default_expires = std::min(t.default_expires, o.max_expires);
    t.threads = o.threads != 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    auto started = target::embedded_target::start(t);
    if (!started) {
        std::fprintf(stderr, "ringstorm serve: %s\n", started.error().c_str());
        return 3;
    }
    auto& target = **started;
    if (!o.write_cert.empty() && !target.generated_cert_pem().empty()) {
        std::ofstream(o.write_cert) << target.generated_cert_pem();
    }
    std::printf("ringstorm serve: listening on %s (domain %s, %u threads)\n",
                transport::to_string(target.url()).c_str(), target.domain().c_str(), t.threads);
    if (!target.generated_cert_pem().empty()) {
        std::printf("  self-signed certificate%s; phones need --ca with it or --insecure\n",
                    o.write_cert.empty() ? " (save it with --write-cert FILE)"
                                         : (" written to " + o.write_cert).c_str());
    }
    // snapshot() must not run on two threads at once: the scrape thread and this one.
    std::mutex snapshot_mutex;
    auto snapshot = [&] {
        std::lock_guard lock(snapshot_mutex);
        return target.snapshot();
    };
    std::unique_ptr<metrics_endpoint> endpoint;
    if (!o.prometheus.empty()) {
        auto started_endpoint = metrics_endpoint::start(
            o.prometheus, [&snapshot] { return target_families(snapshot()); });
        if (!started_endpoint) {
            std::fprintf(stderr, "ringstorm serve: %s\n", started_endpoint.error().c_str());
            target.stop();
            return 2;
        }
        endpoint = std::move(*started_endpoint);
        std::printf("  metrics on http://%s/metrics\n", o.prometheus.c_str());
    }
    if (calling) {
        std::string mix;
        for (const target::behaviour_weight& w : t.calls.schedule.mix) {
            mix += (mix.empty() ? "" : ",") + std::string(target::to_string(w.behaviour)) + "=" +
                   std::to_string(w.weight);
        }
        const std::string when =
            t.calls.how == target::call_options::mode::rate
                ? std::to_string(t.calls.schedule.rate) + " calls/s (" +
                      (t.calls.schedule.spacing == target::call_spacing::fixed ? "fixed"
                                                                               : "poisson") +
                      " spacing)"
                : "each user " + ms_text(t.calls.after) + " after it registers and after each call";
        std::printf("  calls: %s; mix %s; talk %s; %s\n", when.c_str(), mix.c_str(),
                    ms_text(t.calls.plan.talk_time).c_str(),
                    t.calls.fork ? "every tab of a user rings" : "one tab per call");
        std::printf(
            "  media: %s%s\n", std::string(target::to_string(t.media.mode)).c_str(),
            t.media.mode == target::media_mode::none
                ? " (offers carry no ICE: phones run no media)"
                : (", ICE-lite + DTLS-SRTP, one UDP port per call on " + target.media_address())
                      .c_str());
    }
    if (fd_limits) {
        const bool media_ports = calling && t.media.mode != target::media_mode::none;
        std::printf("  file descriptors: %llu (a phone connection takes one%s)\n",
                    static_cast<unsigned long long>(fd_limits->soft),
                    media_ports ? ", a live call one more for its media port" : "");
    }
    std::printf("  Ctrl-C stops\n");
    std::fflush(stdout);
    finding_printer findings;
    auto next = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto next_findings = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (stop_signals() == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (calling && std::chrono::steady_clock::now() >= next_findings) {
            next_findings += std::chrono::seconds(1);
            findings.print_new(target.call_notes());
        }
        if (!o.quiet && std::chrono::steady_clock::now() >= next) {
            next += std::chrono::seconds(10);
            target::target_stats s = snapshot();
            std::printf(
                "connections %llu open | REGISTER %llu, 401 %llu, 403 %llu, 2xx %llu, "
                "bindings %llu | 400 %llu, 405/501 %llu\n",
                static_cast<unsigned long long>(s.connections_open),
                static_cast<unsigned long long>(s.registers),
                static_cast<unsigned long long>(s.challenges),
                static_cast<unsigned long long>(s.auth_failures),
                static_cast<unsigned long long>(s.registered + s.unregistered),
                static_cast<unsigned long long>(s.bindings),
                static_cast<unsigned long long>(s.bad_requests),
                static_cast<unsigned long long>(s.unsupported));
            if (calling) {
                print_calls(s);
                if (t.media.mode != target::media_mode::none) {
                    print_media(s);
                }
            }
            std::fflush(stdout);
        }
    }
    std::printf("ringstorm serve: stopping\n");
    endpoint.reset();  // no scrape may reach a stopped target
    target.stop();
    if (calling) {
        findings.print_new(target.call_notes());
        const target::target_stats last = target.snapshot();  // kept after stop
        print_calls(last);
        if (t.media.mode != target::media_mode::none) {
            print_media(last);
        }
    }
    return 0;
}

}  // namespace ringstorm::app
