// A tab against a tiny registrar on loopback (transport::ws_server), over ws:// and
// wss://: the events the app sees, the stats, the close, and safe destruction.
#include <gtest/gtest.h>

#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "engine/core/stats.hpp"
#include "engine/phone/register_request.hpp"
#include "engine/phone/tab.hpp"
#include "engine/sip/digest.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "engine/transport/tls_context.hpp"
#include "engine/transport/ws_server.hpp"
#include "tests/unit/transport/test_support.hpp"

namespace ringstorm::phone {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using ev = std::vector<std::string_view>;

// Challenges every REGISTER without credentials, then answers 200 echoing its Contact.
struct registrar : transport::server_handler {
    registrar() : auth(config()) {}
    static sip::digest_server_config config() {
        sip::digest_server_config c;
        c.realm = "example.com";
        c.secret = "loopback";
        return c;
    }
    void on_open(transport::connection& conn) override { last = conn.shared_from_this(); }
    void on_message(transport::connection& conn, std::string frame) override {
        auto m = sip::parse(frame);
        if (!m || m->method() != sip::method::register_) {
            return;
        }
        ++registers;
        if (!m->get(sip::header_id::authorization)) {
            auto r = sip::make_response(*m, 401, {}, "reg");
            auth.add_challenges(r, sip::digest_clock::now());
            conn.send(sip::serialize(r));
            return;
        }
        const auto verdict = auth.verify(
            *m, false, [](std::string_view) { return std::optional<std::string>("pw"); },
            sip::digest_clock::now());
        auto r = sip::make_response(*m, verdict.ok() ? 200 : 403, {}, "reg");
        if (verdict.ok()) {
            r.add(sip::header_id::contact, *m->get(sip::header_id::contact));
        }
        conn.send(sip::serialize(r));
    }
    void on_close(transport::connection&, const transport::failure&) override { ++closes; }

    sip::digest_server auth;
    std::shared_ptr<transport::connection> last;
    int registers = 0;
    int closes = 0;
};

struct recorder : event_listener {
    void on_event(tab&, const recorded_event& e) override { names.push_back(e.name); }
    ev names;
};

// Runs io until `done` holds or 10 s pass.
template <class Pred>
bool run_until(net::io_context& io, Pred done, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    io.restart();
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(20ms);
    }
    return done();
}

struct fixture {
    explicit fixture(bool secure, scenario::contract_profile profile) : stats(new core::stats) {
        transport::tls_context* server_tls = nullptr;
        if (secure) {
            auto pem = transport::make_self_signed();
            EXPECT_TRUE(pem);
            server_ctx.emplace(
                transport::tls_context::server({"", "", pem->cert_pem, pem->key_pem}).value());
            client_ctx.emplace(transport::tls_context::client({false, "", pem->cert_pem}).value());
            server_tls = &*server_ctx;
        }
        server = std::make_unique<transport::ws_server>(io, transport::server_options{}, handler,
                                                        server_tls);
        auto port = server->listen();
        EXPECT_TRUE(port);
        server->start();
        const std::string url = std::string(secure ? "wss" : "ws") +
                                "://127.0.0.1:" + std::to_string(port ? *port : 1) + "/ws";
        env = std::make_unique<worker_env>(worker_env{io,
                                                      *stats,
                                                      profile,
                                                      *transport::parse_ws_url(url),
                                                      "example.com",
                                                      secure ? &*client_ctx : nullptr,
                                                      {},
                                                      {},
                                                      300,
                                                      8192,
                                                      32'000ms,
                                                      200ms,
                                                      {}});
    }
    std::unique_ptr<tab> make_tab() {
        auto t = std::make_unique<tab>(*env, scenario::account{"1001", "1001", "pw", ""}, 0, 0, 5);
        t->set_listener(&events);
        return t;
    }

    net::io_context io;
    std::unique_ptr<core::stats> stats;
    registrar handler;
    std::optional<transport::tls_context> server_ctx;
    std::optional<transport::tls_context> client_ctx;
    std::unique_ptr<transport::ws_server> server;
    std::unique_ptr<worker_env> env;
    recorder events;
};

void shutdown(fixture& f, tab& t) {
    bool done = false;
    net::co_spawn(f.io, t.shutdown(core::clock::now() + 2s),
                  [&](std::exception_ptr) { done = true; });
    EXPECT_TRUE(run_until(f.io, [&] { return done; }));
}

void register_and_unregister_documented(bool secure) {
    fixture f{secure, scenario::contract_profile::documented};
    auto t = f.make_tab();
    t->do_register(core::clock::now());
    ASSERT_TRUE(run_until(f.io, [&] { return f.events.names.size() >= 2; }));
    EXPECT_EQ(f.events.names, (ev{"sent_request", "registered"}));
    EXPECT_TRUE(t->registered());
    const auto& s = *f.stats;
    EXPECT_EQ(s.registration_count(core::registration_result::ok), 1u);
    EXPECT_EQ(s.latency[core::index(core::step::register_)].count(), 1u);
    EXPECT_EQ(s.latency[core::index(core::step::ws_connect)].count(), 1u);
    EXPECT_EQ(s.latency[core::index(core::step::tls_handshake)].count(), secure ? 1u : 0u);
    using core::direction;
    using core::sip_method;
    using core::status_class;
    EXPECT_EQ(s.sip_count(direction::sent, sip_method::register_, status_class::request), 2u);
    EXPECT_EQ(s.sip_count(direction::received, sip_method::register_, status_class::s4xx), 1u);
    EXPECT_EQ(s.sip_count(direction::received, sip_method::register_, status_class::s2xx), 1u);
    EXPECT_EQ(s.protocol_errors.total(), 0u);

    t->unregister(core::clock::now());
    ASSERT_TRUE(run_until(f.io, [&] { return f.events.names.size() >= 4; }));
    EXPECT_EQ(f.events.names, (ev{"sent_request", "registered", "sent_request", "unregistered"}));
    EXPECT_EQ(s.latency[core::index(core::step::unregister)].count(), 1u);
    EXPECT_EQ(t->history().episodes.back().outcome, episode_outcome::ok);
    shutdown(f, *t);
    EXPECT_TRUE(run_until(f.io, [&] { return f.handler.closes == 1; }));
}

TEST(tab_loopback, documented_over_ws) {
    register_and_unregister_documented(false);
}

TEST(tab_loopback, documented_over_wss) {
    register_and_unregister_documented(true);
}

TEST(tab_loopback, sdk205_over_wss_closes_after_unregister) {
    fixture f{true, scenario::contract_profile::exotel_web_sdk_2_0_5};
    auto t = f.make_tab();
    t->do_register(core::clock::now());
    ASSERT_TRUE(run_until(f.io, [&] { return f.events.names.size() >= 3; }));
    EXPECT_EQ(f.events.names, (ev{"sent_request", "sent_request", "registered"}));
    t->unregister(core::clock::now());
    EXPECT_EQ(f.events.names, (ev{"sent_request", "sent_request", "registered", "registered",
                                  "sent_request", "unregistered"}));
    // The phone closed its socket (1000) right after the de-REGISTER.
    EXPECT_TRUE(run_until(f.io, [&] { return f.handler.closes == 1; }));
    EXPECT_EQ(f.handler.registers, 3);
}

TEST(tab_loopback, target_drop_terminates_a_documented_tab) {
    fixture f{false, scenario::contract_profile::documented};
    auto t = f.make_tab();
    t->do_register(core::clock::now());
    ASSERT_TRUE(run_until(f.io, [&] { return t->registered(); }));
    f.handler.last->close_detached();
    ASSERT_TRUE(run_until(f.io, [&] { return f.events.names.size() >= 3; }));
    EXPECT_EQ(f.events.names.back(), "terminated");
    EXPECT_FALSE(t->registered());
}

TEST(tab_loopback, target_drop_makes_a_sdk205_tab_reregister) {
    fixture f{false, scenario::contract_profile::exotel_web_sdk_2_0_5};
    auto t = f.make_tab();
    t->do_register(core::clock::now());
    ASSERT_TRUE(run_until(f.io, [&] { return t->registered(); }));
    f.handler.last->close_detached();
    // unregistered, then (retry_interval later) a new registration on a new socket.
    ASSERT_TRUE(run_until(f.io, [&] { return f.events.names.size() >= 7; }));
    EXPECT_EQ(f.events.names, (ev{"sent_request", "sent_request", "registered", "unregistered",
                                  "sent_request", "sent_request", "registered"}));
    EXPECT_EQ(f.server->stats().upgraded, 2u);
    t->abort();
}

TEST(tab_loopback, unreachable_target_and_destruction_midway_are_safe) {
    fixture f{false, scenario::contract_profile::exotel_web_sdk_2_0_5};
    f.server->abort();  // nothing listens any more
    auto t = f.make_tab();
    t->do_register(core::clock::now());
    ASSERT_TRUE(run_until(f.io, [&] { return f.events.names.size() >= 2; }));
    EXPECT_EQ(f.events.names, (ev{"unregistered", "unregistered"}));  // the loop retries
    EXPECT_GE(f.stats->registration_count(core::registration_result::transport_error), 2u);
    // Destroyed with a retry armed or a connect in flight: nothing fires afterwards.
    t.reset();
    run_until(
        f.io, [] { return false; }, 500ms);  // would crash under ASan if a handler misbehaved
    SUCCEED();
}

}  // namespace
}  // namespace ringstorm::phone
