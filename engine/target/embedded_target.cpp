#include "engine/target/embedded_target.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <future>

#include "engine/media/worker_media.hpp"
#include "engine/sip/digest.hpp"
#include "engine/target/target_worker.hpp"
#include "engine/transport/tls_context.hpp"
#include "engine/transport/worker_pool.hpp"
#include "media/ice/transport_address.hpp"

namespace ringstorm::target {

namespace {

using start_error = core::unexpected<std::string>;

// parse_ws_url refuses port 0 (nobody can connect to it), but a listener may ask for
// "any free port": read it as port 1 and remember it was 0.
core::result<transport::ws_url, std::string> parse_listen(const std::string& text, bool& any_port) {
    any_port = false;
    std::string candidate = text;
    const std::size_t authority = text.find("://");
    const std::size_t path = authority == std::string::npos
                                 ? std::string::npos
                                 : text.find_first_of("/?", authority + 3);
    const std::size_t host_end = path == std::string::npos ? text.size() : path;
    if (host_end >= 2 && text.compare(host_end - 2, 2, ":0") == 0) {
        candidate.replace(host_end - 2, 2, ":1");
        any_port = true;
    }
    auto url = transport::parse_ws_url(candidate);
    if (!url) {
        return start_error{"--listen " + text + ": byte " + std::to_string(url.error().offset) +
                           ": " + url.error().reason};
    }
    if (any_port) {
        url->port = 0;
    }
    return std::move(*url);
}

// Where media ports are bound: --media-ip, else the listen address when it is a usable
// literal (a wildcard is no candidate a phone could send to), else loopback.
core::result<std::string, std::string> media_bind_address(const media_options& m,
                                                          const transport::ws_url& url) {
    if (!m.ip.empty()) {
        if (std::string why = check_media_ip(m.ip); !why.empty()) {
            return start_error{std::move(why)};
        }
        return m.ip;
    }
    if (url.is_ip() && check_media_ip(url.host).empty()) {
        return url.host;
    }
    return std::string("127.0.0.1");
}

bool is_wildcard(const stun::transport_address& a) {
    const std::string text = stun::ip_to_string(a);
    return text == "0.0.0.0" || text == "::";
}

std::string random_secret() {
    std::array<std::uint8_t, 32> bytes{};
    if (!sip::openssl_random()(bytes)) {
        return {};
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 0xF];
    }
    return out;
}

}  // namespace

std::string check_media_ip(const std::string& ip) {
    auto a = stun::parse_address(ip, 0);
    if (!a) {
        return "--media-ip " + ip + ": not an IPv4 or IPv6 address";
    }
    if (is_wildcard(*a)) {
        return "--media-ip " + ip +
               ": a wildcard is no address a phone can send to; give the host's own";
    }
    return {};
}

struct embedded_target::impl {
    explicit impl(std::size_t threads) : pool(threads) {}
    ~impl() { shutdown(); }

    // Each worker fills its own counters, handed over through its promise; a worker that
    // answers after the deadline writes only into its own slot, which nothing reads any
    // more, so no late write can race with this thread.
    target_stats gather() {
        target_stats total;
        for (std::size_t i = 0; i < workers.size(); ++i) {
            // The running total travels by value: the worker adds to its own copy.
            if (auto next = ask<target_stats>(i, [total](target_worker& w) {
                    target_stats t = total;
                    w.add_to(t);
                    return t;
                })) {
                total = *next;
            }
        }
        return total;
    }

    std::vector<std::string> gather_notes() {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < workers.size(); ++i) {
            auto notes =
                ask<std::vector<std::string>>(i, [](target_worker& w) { return w.call_notes(); });
            if (notes) {
                out.insert(out.end(), notes->begin(), notes->end());
            }
        }
        return out;
    }

    // Runs fn(worker) on worker i's thread and returns its value; nullopt when the worker
    // did not answer within 5 s (wedged or stopped).
    template <class T, class Fn>
    std::optional<T> ask(std::size_t i, Fn fn) {
        auto promise = std::make_shared<std::promise<T>>();
        auto future = promise->get_future();
        pool.post(i, [promise, w = workers[i].get(), fn]() { promise->set_value(fn(*w)); });
        if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
            return std::nullopt;
        }
        return future.get();
    }

    void shutdown() {
        if (stopped) {
            return;
        }
        stopped = true;
        // Every close handshake is bounded by close_timeout; a little more for the posts.
        std::vector<std::future<void>> done;
        for (std::size_t i = 0; i < workers.size(); ++i) {
            auto promise = std::make_shared<std::promise<void>>();
            done.push_back(promise->get_future());
            pool.post(i, [promise, w = workers[i].get()]() {
                w->stop([promise]() { promise->set_value(); });
            });
        }
        // Every close handshake is bounded by close_timeout; a little more for the posts.
        const auto deadline =
            std::chrono::steady_clock::now() + limits.close_timeout + std::chrono::seconds(2);
        for (auto& f : done) {
            (void)f.wait_until(deadline);
        }
        final_stats = gather();
        final_notes = gather_notes();
        pool.stop();
        pool.join();
    }

    transport::worker_pool pool;
    std::optional<transport::tls_context> tls;
    std::vector<std::unique_ptr<target_worker>> workers;
    transport::connection_limits limits;
    transport::ws_url url;
    std::string cert_pem;
    std::string domain;
    std::string media_ip;
    bool stopped = false;
    target_stats final_stats;
    std::vector<std::string> final_notes;
};

core::result<std::unique_ptr<embedded_target>, std::string> embedded_target::start(
    const target_options& options) {
    bool any_port = false;
    auto url = parse_listen(options.listen, any_port);
    if (!url) {
        return start_error{url.error()};
    }
    if (!url->is_ip() && url->host != "localhost") {
        return start_error{"--listen " + options.listen +
                           ": the host must be an IP address (or localhost) to listen on"};
    }
    if (options.cert_file.empty() != options.key_file.empty()) {
        return start_error{"--cert and --key go together: give both or neither"};
    }
    if (!url->secure && !options.cert_file.empty()) {
        return start_error{"--cert/--key need a wss:// --listen URL, not " + options.listen};
    }
    auto self = std::make_unique<impl>(options.threads);
    self->url = *url;
    self->domain = options.domain.empty() ? url->host : options.domain;

    registrar_config config;
    config.domain = self->domain;
    config.enforce_domain = !options.domain.empty();
    config.min_expires = options.min_expires;
    config.max_expires = options.max_expires;
    config.default_expires = options.default_expires;
    config.sha256 = options.sha256;
    config.nonce_secret = random_secret();
    if (std::string why = config.validate(); !why.empty()) {
        return start_error{"embedded target: " + why};
    }

    transport::tls_context* tls = nullptr;
    if (url->secure) {
        transport::server_tls_options tls_options{options.cert_file, options.key_file, {}, {}};
        if (options.cert_file.empty()) {
            std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
            if (std::find(names.begin(), names.end(), url->host) == names.end()) {
                names.push_back(url->host);
            }
            auto pair = transport::make_self_signed(transport::key_type::ec_p256, names);
            if (!pair) {
                return start_error{"self-signed certificate: " + pair.error()};
            }
            self->cert_pem = pair->cert_pem;
            tls_options.cert_pem = std::move(pair->cert_pem);
            tls_options.key_pem = std::move(pair->key_pem);
        }
        auto context = transport::tls_context::server(tls_options);
        if (!context) {
            return start_error{"TLS: " + context.error()};
        }
        self->tls.emplace(std::move(*context));
        tls = &*self->tls;
    }

    if (std::string why = options.calls.validate(); !why.empty()) {
        return start_error{"calls: " + why};
    }
    caller_identity who;
    std::uint64_t call_seed = 0;
    if (options.calls.how != call_options::mode::off) {
        auto made = make_caller_identity();
        if (!made) {
            return start_error{"calls: " + made.error()};
        }
        who = std::move(*made);
        // Call-IDs and tags must differ between runs and processes (a phone may meet two
        // targets); the schedule's seed still replays the arrivals.
        std::array<std::uint8_t, 8> bytes{};
        if (!sip::openssl_random()(bytes)) {
            return start_error{"calls: no randomness for Call-IDs"};
        }
        for (std::uint8_t b : bytes) {
            call_seed = (call_seed << 8U) | b;
        }
    }

    auto accounts = std::make_shared<const account_book>(options.accounts);
    transport::server_options server;
    server.address = url->host == "localhost" ? "127.0.0.1" : url->host;
    server.port = url->port;
    server.reuse_port = self->pool.size() > 1;
    server.limits = self->limits;
    const bool with_media =
        options.calls.how != call_options::mode::off && options.media.mode != media_mode::none;
    std::string media_ip;
    if (with_media) {
        auto ip = media_bind_address(options.media, *url);
        if (!ip) {
            return start_error{ip.error()};
        }
        media_ip = std::move(*ip);
        self->media_ip = media_ip;
    }
    // Workers are made and their listeners bound before the pool runs, so nothing races.
    for (std::size_t i = 0; i < self->pool.size(); ++i) {
        std::unique_ptr<media::worker_media> media;
        if (with_media) {
            auto made = media::worker_media::create(self->pool.context(i));
            if (!made) {
                return start_error{made.error()};
            }
            media = std::move(*made);
        }
        self->workers.push_back(std::make_unique<target_worker>(
            static_cast<std::uint32_t>(i), self->pool, self->workers, config, accounts,
            intake_config{}, options.calls, who, call_seed + 0xD1B54A32D192ED03ULL * (i + 1),
            std::move(media), options.media.mode, media_ip));
    }
    for (auto& worker : self->workers) {
        auto port = worker->listen(server, tls);
        if (!port) {
            self->stopped = true;  // nothing runs yet: no handshake to wait for
            return start_error{"listen " + server.address + ":" + std::to_string(server.port) +
                               ": " + port.error().message()};
        }
        server.port = *port;  // port 0: the others join the port the first one got
    }
    self->url.port = server.port;
    for (auto& worker : self->workers) {
        worker->start();
    }
    self->pool.start();
    return std::unique_ptr<embedded_target>(new embedded_target(std::move(self)));
}

embedded_target::embedded_target(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

embedded_target::~embedded_target() {
    stop();
}

const transport::ws_url& embedded_target::url() const noexcept {
    return impl_->url;
}

const std::string& embedded_target::generated_cert_pem() const noexcept {
    return impl_->cert_pem;
}

const std::string& embedded_target::domain() const noexcept {
    return impl_->domain;
}

const std::string& embedded_target::media_address() const noexcept {
    return impl_->media_ip;
}

target_stats embedded_target::snapshot() {
    return impl_->stopped ? impl_->final_stats : impl_->gather();
}

std::vector<binding_view> embedded_target::bindings_of(const std::string& aor) {
    if (impl_->stopped || impl_->workers.empty()) {
        return {};
    }
    auto found = impl_->ask<std::vector<binding_view>>(
        owner_of(aor, impl_->workers.size()), [aor](target_worker& w) {
            return w.registrar_shard().bindings_of(aor, core::clock::now());
        });
    return found.value_or(std::vector<binding_view>{});
}

std::vector<std::string> embedded_target::call_notes() {
    return impl_->stopped ? impl_->final_notes : impl_->gather_notes();
}

void embedded_target::stop() {
    if (impl_) {
        impl_->shutdown();
    }
}

}  // namespace ringstorm::target
