#include "engine/app/serve_command.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "engine/app/metrics_endpoint.hpp"
#include "engine/app/signals.hpp"

#include <prometheus/metric_family.h>
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
            std::make_shared<const std::vector<scenario::account>>(std::move(*rows)), o.accounts_csv);
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

// The target's counters as `ringstorm_target_*` families (counters end in _total; the
// open connections and live bindings are gauges).
std::vector<prometheus::MetricFamily> target_families(const target::target_stats& s) {
    std::vector<prometheus::MetricFamily> out;
    auto add = [&out](const char* name, const char* help, prometheus::MetricType type, double v) {
        prometheus::MetricFamily f;
        f.name = name;
        f.help = help;
        f.type = type;
        prometheus::ClientMetric m;
        if (type == prometheus::MetricType::Counter) {
            m.counter.value = v;
        } else {
            m.gauge.value = v;
        }
        f.metric.push_back(std::move(m));
        out.push_back(std::move(f));
    };
    using prometheus::MetricType;
    auto d = [](std::uint64_t v) { return static_cast<double>(v); };
    add("ringstorm_target_connections", "WebSocket connections open", MetricType::Gauge,
        d(s.connections_open));
    add("ringstorm_target_connections_accepted_total", "Connections accepted", MetricType::Counter,
        d(s.connections_accepted));
    add("ringstorm_target_registers_total", "REGISTER requests received", MetricType::Counter,
        d(s.registers));
    add("ringstorm_target_challenges_total", "401 challenges sent", MetricType::Counter,
        d(s.challenges));
    add("ringstorm_target_auth_failures_total", "403 sent", MetricType::Counter, d(s.auth_failures));
    add("ringstorm_target_registered_total", "2xx adding or refreshing bindings", MetricType::Counter,
        d(s.registered));
    add("ringstorm_target_unregistered_total", "2xx removing bindings", MetricType::Counter,
        d(s.unregistered));
    add("ringstorm_target_bindings", "Bindings alive", MetricType::Gauge, d(s.bindings));
    add("ringstorm_target_bad_requests_total", "400 sent", MetricType::Counter, d(s.bad_requests));
    add("ringstorm_target_unsupported_total", "405 and 501 sent", MetricType::Counter,
        d(s.unsupported));
    return out;
}

}  // namespace

int serve_command(const serve_options& o) {
    install_stop_signals();
    auto accounts = serve_accounts(o);
    if (!accounts) {
        std::fprintf(stderr, "ringstorm serve: %s\n", accounts.error().c_str());
        return 2;
    }
    target::target_options t;
    t.listen = o.listen;
    t.cert_file = o.cert_file;
    t.key_file = o.key_file;
    t.domain = o.domain;
    t.accounts = std::move(*accounts);
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
    std::printf("  Ctrl-C stops\n");
    std::fflush(stdout);
    auto next = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (stop_signals() == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!o.quiet && std::chrono::steady_clock::now() >= next) {
            next += std::chrono::seconds(10);
            target::target_stats s = snapshot();
            std::printf("connections %llu open | REGISTER %llu, 401 %llu, 403 %llu, 2xx %llu, "
                        "bindings %llu | 400 %llu, 405/501 %llu\n",
                        static_cast<unsigned long long>(s.connections_open),
                        static_cast<unsigned long long>(s.registers),
                        static_cast<unsigned long long>(s.challenges),
                        static_cast<unsigned long long>(s.auth_failures),
                        static_cast<unsigned long long>(s.registered + s.unregistered),
                        static_cast<unsigned long long>(s.bindings),
                        static_cast<unsigned long long>(s.bad_requests),
                        static_cast<unsigned long long>(s.unsupported));
            std::fflush(stdout);
        }
    }
    std::printf("ringstorm serve: stopping\n");
    endpoint.reset();  // no scrape may reach a stopped target
    target.stop();
    return 0;
}

}  // namespace ringstorm::app
