#pragma once
// Scripts for the registration machine: inject wire and time, read back what it sent,
// which events it emitted and what else it asked of the driver. The "registrar" side is
// built from engine/sip (make_response, digest_server), so the answers are real SIP.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/phone/registration.hpp"
#include "engine/sip/digest.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"

namespace ringstorm::phone::test {

using namespace std::chrono_literals;

inline registration_config make_config(scenario::contract_profile profile) {
    registration_config c;
    c.profile = profile;
    c.account = {"1001", "alice", "s3cret", "Alice"};
    c.sipdomain = "example.com";
    return c;
}

inline sip::digest_server_config registrar_auth() {
    sip::digest_server_config c;
    c.realm = "example.com";
    c.secret = "registrar secret";
    c.algorithms = {sip::digest_algorithm::md5};
    return c;
}

class script {
public:
    explicit script(scenario::contract_profile profile, std::uint64_t seed = 7)
        : machine(make_config(profile), seed), auth(registrar_auth()) {}

    // Feeds a batch of actions into the logs.
    void take(registration_actions actions) {
        for (auto& a : actions) {
            all.push_back(a);
            if (a.type == action_type::send) {
                auto m = sip::parse(a.text);
                EXPECT_TRUE(m) << "the phone sent unparsable SIP:\n" << a.text;
                if (m) {
                    sent.push_back(std::move(*m));
                }
            }
        }
    }

    void do_register() { take(machine.do_register(now, now)); }
    void unregister() { take(machine.unregister(now, now)); }
    void connected() { take(machine.on_connected(3ms, 0ms, now)); }
    void frame(std::string_view text) { take(machine.on_frame(text, now)); }
    void reply(const sip::message& m) { frame(sip::serialize(m)); }
    void drop() {
        take(machine.on_closed(
            {transport::stage::ws_read, transport::errc::connection_lost, "", "ws://t"}, now));
    }
    void connect_failed() {
        take(machine.on_connect_failed(
            {transport::stage::tcp_connect, std::make_error_code(std::errc::connection_refused), "",
             "ws://t"},
            now));
    }
    // Moves time to the machine's next deadline and fires it.
    void advance_to_deadline() {
        auto d = machine.next_deadline();
        ASSERT_TRUE(d);
        now = *d;
        take(machine.on_timer(now));
    }
    void advance(std::chrono::milliseconds by) {
        now += by;
        take(machine.on_timer(now));
    }

    const sip::message& last_sent() const { return sent.back(); }

    // ---- the registrar's answers to the last REGISTER ----
    sip::message challenge(int status = 401) {
        auto r = sip::make_response(last_sent(), status, {}, "reg1");
        auth.add_challenges(r, sip::digest_clock::now());
        return r;
    }
    // 200 OK echoing the REGISTER's Contact with `contact_params` (";expires=300").
    sip::message ok(std::string_view contact_params = ";expires=300") {
        auto r = sip::make_response(last_sent(), 200, {}, "reg1");
        auto c = sip::parse_name_addr(*last_sent().get(sip::header_id::contact));
        r.add(sip::header_id::contact,
              "<" + std::string(c->uri_text) + ">" + std::string(contact_params));
        return r;
    }
    sip::message status(int code) { return sip::make_response(last_sent(), code, {}, "reg1"); }
    bool credentials_valid(const sip::message& request) {
        auto v = auth.verify(
            request, false,
            [](std::string_view user) -> std::optional<std::string> {
                if (user == "1001") {
                    return std::string("s3cret");
                }
                return std::nullopt;
            },
            sip::digest_clock::now());
        return v.ok();
    }

    // ---- what came out ----
    std::vector<std::string_view> events() const {
        std::vector<std::string_view> out;
        for (const auto& e : machine.history().events) {
            out.push_back(e.name);
        }
        return out;
    }
    // Event names of one episode.
    std::vector<std::string_view> events_of(std::size_t episode) const {
        const auto& h = machine.history();
        const auto& e = h.episodes.at(episode);
        std::vector<std::string_view> out;
        for (auto i = e.first_event; i < e.end_event; ++i) {
            out.push_back(h.events[i].name);
        }
        return out;
    }
    const episode& last_episode() const { return machine.history().episodes.back(); }
    std::size_t count(action_type t) const {
        return static_cast<std::size_t>(std::count_if(
            all.begin(), all.end(), [t](const registration_action& a) { return a.type == t; }));
    }
    bool has_result(core::registration_result r) const {
        return std::any_of(all.begin(), all.end(), [r](const registration_action& a) {
            return a.type == action_type::registration_result && a.result == r;
        });
    }
    bool has_error(std::string_view kind) const {
        return std::any_of(all.begin(), all.end(), [kind](const registration_action& a) {
            return a.type == action_type::protocol_error && a.error_kind == kind;
        });
    }
    // Index in `all` of the first action of type t after position `from`; npos when none.
    std::size_t find(action_type t, std::size_t from = 0) const {
        for (std::size_t i = from; i < all.size(); ++i) {
            if (all[i].type == t) {
                return i;
            }
        }
        return std::string::npos;
    }

    // Registers through one challenge; the usual start of a test.
    void register_through_challenge() {
        do_register();
        connected();
        reply(challenge());
        reply(ok());
        ASSERT_TRUE(machine.registered());
    }

    core::time_point now = core::clock::time_point{} + 1000s;
    registration machine;
    sip::digest_server auth;
    std::vector<registration_action> all;
    std::vector<sip::message> sent;
};

inline std::string contact_user_of(const sip::message& m) {
    auto c = sip::parse_name_addr(*m.get(sip::header_id::contact));
    return std::string(c->uri.user);
}

}  // namespace ringstorm::phone::test
