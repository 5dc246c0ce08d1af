#pragma once
// A tab against a tiny call target on loopback (transport::ws_server over ws://): the
// target answers REGISTER 200, then places calls on the phone's WebSocket and plays the
// far end of the dialog (ACK, BYE, CANCEL, answers to the phone's BYE, INFO, re-INVITE);
// a test may play another far end through call_target::intercept (a proxy for the calls
// the phone places), so the tests see what the app sees, what went on the wire, and the
// stats.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "engine/core/stats.hpp"
#include "engine/phone/tab.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "engine/sip/transaction.hpp"
#include "engine/transport/ws_server.hpp"
#include "tests/unit/phone/call_script.hpp"
#include "tests/unit/transport/test_support.hpp"

namespace ringstorm::phone::test {

namespace net = boost::asio;
using ev = std::vector<std::string_view>;
constexpr auto documented = scenario::contract_profile::documented;
constexpr auto sdk205 = scenario::contract_profile::exotel_web_sdk_2_0_5;

// The far end: a registrar without authentication, then the caller's side of each call.
struct call_target : transport::server_handler {
    void on_open(transport::connection& conn) override { conn_ = conn.shared_from_this(); }
    void on_message(transport::connection& conn, std::string frame) override {
        auto m = sip::parse(frame);
        if (!m) {
            return;
        }
        received.push_back(*m);
        if (m->is_response()) {
            return;
        }
        if (m->method() == sip::method::register_) {
            auto r = sip::make_response(*m, 200, {}, "reg");
            const auto contact = *m->get(sip::header_id::contact);
            r.add(sip::header_id::contact, contact);
            phone_uri = std::string(contact.substr(1, contact.find('>') - 1));
            conn.send(sip::serialize(r));
            return;
        }
        if (intercept && intercept(conn, *m)) {
            return;
        }
        if (!answer_requests || m->method() == sip::method::ack) {
            return;
        }
        auto r = sip::make_response(*m, 200, {}, "tgt1");
        if (m->method() == sip::method::invite) {
            // The phone's hold/unhold offer, answered as a well-behaved peer does
            // (RFC 3264 §6.1: sendonly -> recvonly).
            auto offer = sdp::parse(m->body());
            auto p = target_media();
            p.setup = sdp::setup_role::passive;
            auto answer = sdp::build_webrtc_audio_answer(*offer, p);
            r.set_body("application/sdp", sdp::serialize(*answer));
        }
        conn.send(sip::serialize(r));
    }
    void on_close(transport::connection&, const transport::failure&) override { ++closes; }

    void send(const sip::message& m) { conn_->send(sip::serialize(m)); }
    void drop() { conn_->abort(); }

    // A request of the call `call_id` from the target (From tag tgt1).
    sip::message request(sip::method method, std::string_view call_id, std::uint32_t cseq,
                         std::string_view branch, std::string_view to_tag = {}) {
        auto r = sip::message::request(method, phone_uri);
        r.add(sip::header_id::via,
              "SIP/2.0/WS target.example.com;branch=z9hG4bK" + std::string(branch));
        r.add(sip::header_id::max_forwards, "70");
        r.add(sip::header_id::from, "\"Bob Caller\" <sip:bob@example.com>;tag=tgt1");
        std::string to = "<sip:1001@example.com>";
        if (!to_tag.empty()) {
            to += ";tag=" + std::string(to_tag);
        }
        r.add(sip::header_id::to, to);
        r.add(sip::header_id::call_id, call_id);
        r.add(sip::header_id::cseq,
              std::to_string(cseq) + " " + std::string(sip::to_string(method)));
        r.add(sip::header_id::contact, "<sip:bob@target.example.com;transport=ws>");
        return r;
    }
    sip::message invite(std::string_view call_id, std::string_view branch = "inv1") {
        auto m = request(sip::method::invite, call_id, 1, branch);
        m.set_body("application/sdp", target_offer());
        return m;
    }

    // ---- what the phone sent ----
    std::vector<const sip::message*> responses(std::string_view call_id) const {
        std::vector<const sip::message*> out;
        for (const auto& m : received) {
            if (m.is_response() && sip::call_id(m) == call_id) {
                out.push_back(&m);
            }
        }
        return out;
    }
    std::vector<int> statuses(std::string_view call_id) const {
        std::vector<int> out;
        for (const auto* m : responses(call_id)) {
            out.push_back(m->status());
        }
        return out;
    }
    const sip::message* last_request(sip::method method) const {
        for (auto it = received.rbegin(); it != received.rend(); ++it) {
            if (it->is_request() && it->method() == method) {
                return &*it;
            }
        }
        return nullptr;
    }
    std::size_t count(sip::method method) const {
        return static_cast<std::size_t>(std::count_if(
            received.begin(), received.end(),
            [method](const sip::message& m) { return m.is_request() && m.method() == method; }));
    }

    std::shared_ptr<transport::connection> conn_;
    std::string phone_uri;
    bool answer_requests = true;  // 200 to the phone's BYE, INFO and re-INVITE
    // Sees the phone's requests (REGISTER aside) before the answers above and returns true
    // when it answered them: a test's own far end (the proxy of the caller-role tests).
    std::function<bool(transport::connection&, const sip::message&)> intercept;
    std::vector<sip::message> received;
    int closes = 0;
};

struct event_recorder : event_listener {
    void on_event(tab&, const recorded_event& e) override { events.push_back(e); }
    // Names of one callback kind, in order.
    ev names(scenario::callback_kind kind) const {
        ev out;
        for (const auto& e : events) {
            if (e.callback == kind) {
                out.push_back(e.name);
            }
        }
        return out;
    }
    ev calls() const { return names(scenario::callback_kind::call_event); }
    std::vector<recorded_event> events;
};

// Runs io until `done` holds or `limit` passes.
template <class Pred>
bool run_until(net::io_context& io, Pred done, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    io.restart();
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(20ms);
    }
    return done();
}

struct call_fixture {
    explicit call_fixture(scenario::contract_profile profile) : stats(new core::stats) {
        server = std::make_unique<transport::ws_server>(io, transport::server_options{}, target);
        auto port = server->listen();
        EXPECT_TRUE(port);
        server->start();
        const std::string url = "ws://127.0.0.1:" + std::to_string(port ? *port : 1) + "/ws";
        env = std::make_unique<worker_env>(worker_env{io,
                                                      *stats,
                                                      profile,
                                                      *transport::parse_ws_url(url),
                                                      "example.com",
                                                      nullptr,
                                                      {},
                                                      {},
                                                      300,
                                                      64 * 1024,
                                                      32'000ms,
                                                      200ms,
                                                      {}});
        phone = std::make_unique<tab>(*env, scenario::account{"1001", "1001", "pw", ""}, 0, 0, 5);
        phone->set_listener(&recorder);
    }

    bool wait(auto done, std::chrono::milliseconds limit = 10s) {
        return run_until(io, done, limit);
    }
    // Registers the tab and rings it with the call `call_id`.
    bool ring(std::string_view call_id = "call-1@target") {
        phone->do_register(core::clock::now());
        if (!wait([&] { return phone->registered(); })) {
            return false;
        }
        target.send(target.invite(call_id));
        // `incoming` and the 180 that preceded it on the wire.
        return wait([&] {
            const auto sent = target.statuses(call_id);
            return !recorder.calls().empty() &&
                   std::find(sent.begin(), sent.end(), 180) != sent.end();
        });
    }
    // The phone's To tag for the call (from its 180 or final response).
    std::string phone_tag(std::string_view call_id = "call-1@target") const {
        for (const auto* r : target.responses(call_id)) {
            if (!sip::to_tag(*r).empty()) {
                return std::string(sip::to_tag(*r));
            }
        }
        return {};
    }
    // Rings, answers and acknowledges: a connected call.
    bool connect(std::string_view call_id = "call-1@target") {
        if (!ring(call_id) || !phone->answer(core::clock::now()).empty()) {
            return false;
        }
        if (!wait([&] {
                return !target.statuses(call_id).empty() && target.statuses(call_id).back() == 200;
            })) {
            return false;
        }
        target.send(target.request(sip::method::ack, call_id, 1, "ack1", phone_tag(call_id)));
        return wait([&] {
            return recorder.calls() == ev{"incoming", "connected"} && phone->current_call() &&
                   phone->current_call()->acked;
        });
    }
    void shutdown() {
        bool done = false;
        net::co_spawn(io, phone->shutdown(core::clock::now() + 2s),
                      [&](std::exception_ptr) { done = true; });
        EXPECT_TRUE(wait([&] { return done; }));
    }
    std::uint64_t latencies(core::step s) const { return stats->latency[core::index(s)].count(); }
    const call_episode& episode(std::size_t i = 0) const { return phone->history().calls.at(i); }

    net::io_context io;
    std::unique_ptr<core::stats> stats;
    call_target target;
    std::unique_ptr<transport::ws_server> server;
    std::unique_ptr<worker_env> env;
    event_recorder recorder;
    std::unique_ptr<tab> phone;
};

}  // namespace ringstorm::phone::test
