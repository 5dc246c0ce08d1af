// The embedded target on loopback: web phones (ws_client + digest client) REGISTER over
// ws:// and wss:// (a self-signed certificate made on the fly), get 401 then 200 listing
// their binding; two tabs of one account are listed together; a closed tab's binding goes.
#include <gtest/gtest.h>

#include <thread>

#include "engine/sip/headers.hpp"
#include "engine/target/embedded_target.hpp"
#include "engine/transport/tls_context.hpp"
#include "engine/transport/ws_client.hpp"
#include "tests/unit/target/target_support.hpp"
#include "tests/unit/transport/test_support.hpp"

namespace ringstorm::target {
namespace {

namespace net = boost::asio;
using namespace test;
using transport::test::inbox;
using transport::test::run;

target_options options_for(const std::string& scheme, std::uint32_t threads) {
    target_options o;
    o.listen = scheme + "://127.0.0.1:0/ws";
    o.domain = "example.com";
    o.accounts = pattern_accounts();
    o.threads = threads;
    return o;
}

// One browser tab: a WebSocket and a digest client.
struct tab {
    tab(net::io_context& io, transport::tls_context* tls)
        : client(io, {}, tls), in(io.get_executor()) {}

    net::awaitable<std::string> connect(transport::ws_url url) {
        auto connected = co_await client.connect(url);
        if (!connected) {
            co_return connected.error().message();
        }
        client.start(in.on_message(), in.on_close());
        co_return "";
    }

    net::awaitable<std::optional<sip::message>> exchange(const sip::message& request) {
        client.send(sip::serialize(request));
        auto frame = co_await in.next();
        if (!frame) {
            co_return std::nullopt;
        }
        auto parsed = sip::parse(*frame);
        if (!parsed) {
            co_return std::nullopt;
        }
        co_return std::move(*parsed);
    }

    // REGISTER, 401, REGISTER with credentials; the statuses seen and the final response.
    net::awaitable<std::optional<sip::message>> register_(register_spec spec,
                                                          std::vector<int>& statuses) {
        sip::message first = parse_or_die(register_text(spec));
        auto challenge = co_await exchange(first);
        if (!challenge) {
            co_return std::nullopt;
        }
        statuses.push_back(challenge->status());
        sip::digest_client digest(spec.user, "secret");
        digest.on_challenge(*challenge, first);
        spec.cseq += 1;
        sip::message second = parse_or_die(register_text(spec));
        digest.authorize(second);
        auto ok = co_await exchange(second);
        if (ok) {
            statuses.push_back(ok->status());
        }
        co_return ok;
    }

    transport::ws_client client;
    inbox in;
};

void register_over(const std::string& scheme) {
    auto target = embedded_target::start(options_for(scheme, 2));
    ASSERT_TRUE(target) << target.error();
    EXPECT_EQ(scheme == "wss", !(*target)->generated_cert_pem().empty());
    std::optional<transport::tls_context> tls;
    if (scheme == "wss") {
        transport::client_tls_options o;
        o.ca_pem = (*target)->generated_cert_pem();
        auto made = transport::tls_context::client(o);
        ASSERT_TRUE(made) << made.error();
        tls.emplace(std::move(*made));
    }
    net::io_context io;
    tab phone(io, tls ? &*tls : nullptr);
    auto connected = run(io, phone.connect((*target)->url()));
    ASSERT_TRUE(connected);
    ASSERT_EQ(*connected, "");
    std::vector<int> statuses;
    auto ok = run(io, phone.register_({}, statuses));
    ASSERT_TRUE(ok && *ok);
    EXPECT_EQ(statuses, (std::vector<int>{401, 200}));
    EXPECT_EQ(contacts_of(**ok),
              std::vector<std::string>{"<sip:abc@df7jal23ls0d.invalid;transport=ws>;expires=300"});
    const target_stats s = (*target)->snapshot();
    EXPECT_EQ(s.registers, 2u);
    EXPECT_EQ(s.challenges, 1u);
    EXPECT_EQ(s.registered, 1u);
    EXPECT_EQ(s.bindings, 1u);
    EXPECT_EQ(s.connections_open, 1u);
    // The phone leaves first (stop()'s close handshake would wait on this test's idle
    // io_context), then the target stops and keeps its last counters.
    auto leave = [&]() -> net::awaitable<bool> { co_return bool(co_await phone.client.close()); };
    ASSERT_TRUE(run(io, leave()).value_or(false));
    (*target)->stop();
    EXPECT_EQ((*target)->snapshot().registered, 1u);  // kept after stop
}

TEST(embedded_target, registers_over_ws) {
    register_over("ws");
}

TEST(embedded_target, registers_over_wss_with_a_generated_certificate) {
    register_over("wss");
}

TEST(embedded_target, two_tabs_of_one_account_are_listed_and_a_closed_one_goes) {
    auto target = embedded_target::start(options_for("ws", 2));
    ASSERT_TRUE(target) << target.error();
    net::io_context io;
    tab first(io, nullptr);
    tab second(io, nullptr);
    ASSERT_EQ(run(io, first.connect((*target)->url())).value_or("timeout"), "");
    ASSERT_EQ(run(io, second.connect((*target)->url())).value_or("timeout"), "");
    std::vector<int> statuses;
    ASSERT_TRUE(run(io, first.register_({}, statuses)).value_or(std::nullopt));
    register_spec tab2;
    tab2.call_id = "call-tab2";
    tab2.contacts = {"<sip:tab2@zz.invalid;transport=ws>"};
    auto ok = run(io, second.register_(tab2, statuses)).value_or(std::nullopt);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status(), 200);
    EXPECT_EQ(contacts_of(*ok),
              (std::vector<std::string>{"<sip:abc@df7jal23ls0d.invalid;transport=ws>;expires=300",
                                        "<sip:tab2@zz.invalid;transport=ws>;expires=300"}));
    auto both = (*target)->bindings_of("sip:10001@example.com");
    ASSERT_EQ(both.size(), 2u);
    EXPECT_NE(both[0].via.id, both[1].via.id);

    // The first tab goes away: its binding is removed once the target sees the close.
    auto close_first = [&]() -> net::awaitable<bool> {
        co_return bool(co_await first.client.close());
    };
    ASSERT_TRUE(run(io, close_first()).value_or(false));
    std::size_t left = 2;
    for (int i = 0; i < 100 && left != 1; ++i) {
        std::this_thread::sleep_for(20ms);
        left = (*target)->bindings_of("sip:10001@example.com").size();
    }
    EXPECT_EQ(left, 1u);
    EXPECT_EQ((*target)->snapshot().closed_bindings, 1u);
}

TEST(embedded_target, answers_options_and_refuses_invite) {
    auto target = embedded_target::start(options_for("ws", 1));
    ASSERT_TRUE(target) << target.error();
    net::io_context io;
    tab phone(io, nullptr);
    ASSERT_EQ(run(io, phone.connect((*target)->url())).value_or("timeout"), "");
    std::string text = register_text({});
    for (auto [method, status] : {std::pair{"OPTIONS", 200}, std::pair{"INVITE", 405}}) {
        std::string request = text;
        request.replace(0, 8, method);
        request.replace(request.find("1 REGISTER"), 10, std::string("1 ") + method);
        auto answer = run(io, phone.exchange(parse_or_die(request))).value_or(std::nullopt);
        ASSERT_TRUE(answer) << method;
        EXPECT_EQ(answer->status(), status) << method;
    }
    EXPECT_EQ((*target)->snapshot().unsupported, 1u);
}

TEST(embedded_target, bad_options_are_refused_with_a_reason) {
    target_options o = options_for("ws", 1);
    o.listen = "http://127.0.0.1:0/";
    auto bad_scheme = embedded_target::start(o);
    ASSERT_FALSE(bad_scheme);
    EXPECT_NE(bad_scheme.error().find("--listen"), std::string::npos);
    o = options_for("wss", 1);
    o.cert_file = "/nonexistent.pem";
    auto half = embedded_target::start(o);
    ASSERT_FALSE(half);
    EXPECT_NE(half.error().find("--key"), std::string::npos);
    o = options_for("ws", 1);
    o.min_expires = 7200;
    EXPECT_FALSE(embedded_target::start(o));
}

TEST(embedded_target, media_ip_must_be_an_address_a_phone_can_send_to) {
    EXPECT_EQ(check_media_ip("192.0.2.7"), "");
    EXPECT_EQ(check_media_ip("::1"), "");
    EXPECT_EQ(check_media_ip("media.example.com"),
              "--media-ip media.example.com: not an IPv4 or IPv6 address");
    for (const char* wildcard : {"0.0.0.0", "::", "0:0::0"}) {
        EXPECT_EQ(check_media_ip(wildcard),
                  std::string("--media-ip ") + wildcard +
                      ": a wildcard is no address a phone can send to; give the host's own");
    }
    // start() holds any caller to it, not only serve's option parsing.
    target_options o = options_for("ws", 1);
    o.calls.how = call_options::mode::each_binding;
    o.media.ip = "0.0.0.0";
    auto started = embedded_target::start(o);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error(), check_media_ip("0.0.0.0"));
}

}  // namespace
}  // namespace ringstorm::target
