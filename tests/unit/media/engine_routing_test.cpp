// The engine's receive and send paths on loopback: echo, routing by remote address and by
// STUN USERNAME, unroutable datagrams, shared and dedicated ports, closing, bind errors,
// IPv6, batching.

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine_harness.hpp"
#include "media/ice/stun_writer.hpp"

namespace ringstorm::media::test {
namespace {

// A STUN Binding request as an ICE check carries it (RFC 8445 §7.2.2).
std::vector<std::uint8_t> binding_request(std::string_view username) {
    std::vector<std::uint8_t> buf(256);
    stun::transaction_id tid{};
    tid[0] = 7;
    stun::writer w(buf, stun::message_class::request, stun::method::binding, tid);
    w.username(username).priority(1).ice_controlling(42).fingerprint();
    buf.resize(*w.finish());
    return buf;
}

TEST_F(engine_fixture, a_dedicated_port_echoes_back_to_the_sender) {
    const port_id p = open("127.0.0.1", port_kind::dedicated);
    recording_endpoint e;
    make_echo(e);
    engine.attach(p, e);
    udp_peer peer;
    ASSERT_TRUE(peer.ok());
    ASSERT_TRUE(peer.send_to(engine.local_address(p), "hello"));
    ASSERT_TRUE(run_until(io, [&] { return e.datagrams.size() == 1; }));
    EXPECT_EQ(e.datagrams[0].from, peer.address());
    EXPECT_EQ(e.datagrams[0].bytes, "hello");
    const auto back = peer.receive();
    ASSERT_TRUE(back);
    EXPECT_EQ(back->bytes, "hello");
    EXPECT_EQ(back->from, engine.local_address(p));
    EXPECT_EQ(engine.stats().datagrams_received, 1u);
    EXPECT_EQ(engine.stats().datagrams_sent, 1u);
    EXPECT_EQ(engine.stats().unroutable, 0u);
    EXPECT_EQ(engine.stats().endpoints, 1u);
    EXPECT_EQ(engine.stats().ports, 1u);
}

TEST_F(engine_fixture, a_shared_port_routes_by_the_address_each_endpoint_sent_to) {
    const port_id p = open();
    udp_peer peer_a;
    udp_peer peer_b;
    udp_peer stranger;
    recording_endpoint a;
    recording_endpoint b;
    // Each endpoint speaks first (as a controlling ICE agent does): that teaches the route.
    a.on_tick_hook = [&](datagram_sink& out) {
        if (a.ticks.size() == 1) {
            out.send(peer_a.address(), bytes_of("from a"));
        }
    };
    b.on_tick_hook = [&](datagram_sink& out) {
        if (b.ticks.size() == 1) {
            out.send(peer_b.address(), bytes_of("from b"));
        }
    };
    engine.attach(p, a);
    engine.attach(p, b);
    ASSERT_TRUE(run_until(io, [&] { return !a.ticks.empty() && !b.ticks.empty(); }));
    const auto greeting_a = peer_a.receive();
    const auto greeting_b = peer_b.receive();
    ASSERT_TRUE(greeting_a && greeting_b);
    EXPECT_EQ(greeting_a->bytes, "from a");
    EXPECT_EQ(greeting_b->bytes, "from b");

    peer_b.send_to(engine.local_address(p), "to b");
    peer_a.send_to(engine.local_address(p), "to a");
    stranger.send_to(engine.local_address(p), "to nobody");
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().datagrams_received == 3; }));
    ASSERT_EQ(a.datagrams.size(), 1u);
    ASSERT_EQ(b.datagrams.size(), 1u);
    EXPECT_EQ(a.datagrams[0].bytes, "to a");
    EXPECT_EQ(b.datagrams[0].bytes, "to b");
    EXPECT_EQ(engine.stats().unroutable, 1u);  // two endpoints: no dedicated fallback
}

TEST_F(engine_fixture, stun_is_routed_by_ufrag_and_then_the_address_is_known) {
    const port_id p = open();
    recording_endpoint a("ufA1");
    recording_endpoint b("ufB2");
    engine.attach(p, a);
    engine.attach(p, b);
    udp_peer peer;
    udp_peer stranger;
    peer.send_to(engine.local_address(p), binding_request("ufB2:peer"));
    ASSERT_TRUE(run_until(io, [&] { return b.datagrams.size() == 1; }));
    EXPECT_TRUE(a.datagrams.empty());
    // Not STUN, but from the address the check came from: learnt.
    peer.send_to(engine.local_address(p), "\x80rtp");
    ASSERT_TRUE(run_until(io, [&] { return b.datagrams.size() == 2; }));
    EXPECT_EQ(b.datagrams[1].bytes, "\x80rtp");
    // A check for a ufrag nobody has, and media from an unknown address: dropped.
    stranger.send_to(engine.local_address(p), binding_request("nope:peer"));
    stranger.send_to(engine.local_address(p), "\x80rtp");
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().unroutable == 2; }));
    EXPECT_TRUE(a.datagrams.empty());
    EXPECT_EQ(b.datagrams.size(), 2u);
}

TEST_F(engine_fixture, detach_forgets_routes_and_ufrag) {
    const port_id p = open();
    recording_endpoint a("ufA1");
    recording_endpoint b("ufB2");
    recording_endpoint c("ufC3");
    engine.attach(p, a);
    engine.attach(p, b);
    engine.attach(p, c);
    udp_peer peer;
    peer.send_to(engine.local_address(p), binding_request("ufB2:peer"));
    ASSERT_TRUE(run_until(io, [&] { return b.datagrams.size() == 1; }));
    engine.detach(b);
    EXPECT_EQ(engine.stats().endpoints, 2u);
    peer.send_to(engine.local_address(p), "\x80rtp");
    peer.send_to(engine.local_address(p), binding_request("ufB2:peer"));
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().unroutable == 2; }));
    EXPECT_EQ(b.datagrams.size(), 1u);
    EXPECT_TRUE(a.datagrams.empty());
    EXPECT_TRUE(c.datagrams.empty());
}

TEST_F(engine_fixture, learnt_routes_are_capped_per_endpoint_oldest_first) {
    const port_id p = open();
    std::vector<std::unique_ptr<udp_peer>> peers;
    for (int i = 0; i < 12; ++i) {
        peers.push_back(std::make_unique<udp_peer>());
    }
    recording_endpoint a;
    recording_endpoint other;
    a.on_tick_hook = [&](datagram_sink& out) {
        if (a.ticks.size() == 1) {
            for (auto& peer : peers) {
                out.send(peer->address(), bytes_of("probe"));
            }
        }
    };
    engine.attach(p, a);
    engine.attach(p, other);
    ASSERT_TRUE(run_until(io, [&] { return !a.ticks.empty(); }));
    for (auto& peer : peers) {
        peer->send_to(engine.local_address(p), "reply");
    }
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().datagrams_received == 12; }));
    // 12 addresses, at most 8 remembered: the 4 oldest were evicted.
    EXPECT_EQ(a.datagrams.size(), 8u);
    EXPECT_EQ(engine.stats().unroutable, 4u);
    for (const auto& d : a.datagrams) {
        EXPECT_NE(d.from, peers[0]->address());
        EXPECT_NE(d.from, peers[3]->address());
    }
}

TEST_F(engine_fixture, the_first_endpoint_to_use_an_address_keeps_it) {
    const port_id p = open();
    udp_peer peer;
    recording_endpoint a;
    recording_endpoint b;
    auto greet = [&](recording_endpoint& e) {
        e.on_tick_hook = [&](datagram_sink& out) {
            if (e.ticks.size() == 1) {
                out.send(peer.address(), bytes_of("hi"));
            }
        };
    };
    greet(a);
    greet(b);
    engine.attach(p, a);
    engine.attach(p, b);
    ASSERT_TRUE(run_until(io, [&] { return !a.ticks.empty() && !b.ticks.empty(); }));
    peer.send_to(engine.local_address(p), "reply");
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().datagrams_received == 1; }));
    EXPECT_EQ(a.datagrams.size(), 1u);  // a was attached first, so ticked first
    EXPECT_TRUE(b.datagrams.empty());
}

TEST_F(engine_fixture, many_calls_on_one_shared_port_each_hear_only_their_peer) {
    constexpr int calls = 100;
    const port_id p = open();
    std::vector<std::unique_ptr<udp_peer>> peers;
    std::vector<std::unique_ptr<recording_endpoint>> endpoints;
    for (int i = 0; i < calls; ++i) {
        peers.push_back(std::make_unique<udp_peer>());
        endpoints.push_back(std::make_unique<recording_endpoint>());
        auto& e = *endpoints.back();
        const auto to = peers.back()->address();
        e.on_tick_hook = [&e, to](datagram_sink& out) {
            if (e.ticks.size() == 1) {
                out.send(to, bytes_of("call"));
            }
        };
        engine.attach(p, e);
    }
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().datagrams_sent == calls; }));
    for (int i = 0; i < calls; ++i) {
        ASSERT_TRUE(peers[i]->receive());
        peers[i]->send_to(engine.local_address(p), std::to_string(i));
    }
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().datagrams_received == calls; }));
    for (int i = 0; i < calls; ++i) {
        ASSERT_EQ(endpoints[i]->datagrams.size(), 1u) << i;
        EXPECT_EQ(endpoints[i]->datagrams[0].bytes, std::to_string(i));
    }
    EXPECT_EQ(engine.stats().unroutable, 0u);
}

TEST_F(engine_fixture, many_dedicated_ports_stay_apart_with_one_peer_address) {
    constexpr int calls = 50;
    std::vector<port_id> ports;
    std::vector<std::unique_ptr<recording_endpoint>> endpoints;
    for (int i = 0; i < calls; ++i) {
        ports.push_back(open("127.0.0.1", port_kind::dedicated));
        endpoints.push_back(std::make_unique<recording_endpoint>());
        make_echo(*endpoints.back());
        engine.attach(ports.back(), *endpoints.back());
    }
    udp_peer peer;  // one phone worker: every call from the same address
    for (int i = 0; i < calls; ++i) {
        peer.send_to(engine.local_address(ports[i]), std::to_string(i));
    }
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().datagrams_sent == calls; }));
    for (int i = 0; i < calls; ++i) {
        ASSERT_EQ(endpoints[i]->datagrams.size(), 1u);
        EXPECT_EQ(endpoints[i]->datagrams[0].bytes, std::to_string(i));
    }
    int echoed = 0;
    while (auto r = peer.receive()) {
        ++echoed;
        if (echoed == calls) {
            break;
        }
    }
    EXPECT_EQ(echoed, calls);
    EXPECT_EQ(engine.stats().ports, static_cast<std::size_t>(calls));
}

TEST_F(engine_fixture, close_port_detaches_its_endpoints_even_from_a_callback) {
    const port_id p1 = open("127.0.0.1", port_kind::dedicated);
    const port_id p2 = open("127.0.0.1", port_kind::dedicated);
    recording_endpoint a;
    recording_endpoint b;
    recording_endpoint c;
    engine.attach(p1, a);
    engine.attach(p1, b);
    engine.attach(p2, c);
    // c closes its own port when it hears anything, then tries to answer on it.
    c.on_datagram_hook = [&](const stun::transport_address& from, std::span<std::uint8_t>,
                             datagram_sink& out) {
        engine.close_port(p2);
        EXPECT_FALSE(out.send(from, bytes_of("too late")));
    };
    const auto addr2 = engine.local_address(p2);
    udp_peer peer;
    peer.send_to(addr2, "x");
    peer.send_to(addr2, "y");  // same batch: must not reach c after the close
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().ports == 1; }));
    EXPECT_EQ(c.datagrams.size(), 1u);
    EXPECT_EQ(engine.stats().endpoints, 2u);
    engine.close_port(p1);
    const std::size_t ticked = a.ticks.size();
    EXPECT_EQ(engine.stats().endpoints, 0u);
    EXPECT_EQ(engine.stats().ports, 0u);
    EXPECT_EQ(engine.local_address(p1), stun::transport_address{});
    EXPECT_FALSE(engine.sink(p1).send(peer.address(), bytes_of("closed")));
    run_for(io, 30ms);                  // aborted waits complete harmlessly
    EXPECT_EQ(a.ticks.size(), ticked);  // detached: no longer ticked
    EXPECT_FALSE(peer.receive(false));
}

TEST_F(engine_fixture, bind_errors_name_the_address_and_the_reason) {
    const port_id p = open();
    const auto taken = engine.local_address(p);
    const auto clash = engine.open_port("127.0.0.1", taken.port);
    ASSERT_FALSE(clash);
    EXPECT_EQ(clash.error(),
              "media: bind 127.0.0.1:" + std::to_string(taken.port) + ": Address already in use");
    const auto name = engine.open_port("localhost");
    ASSERT_FALSE(name);
    EXPECT_EQ(name.error(), "media: bind localhost:0: not an IP address literal");
    if (::geteuid() != 0) {
        const auto low = engine.open_port("127.0.0.1", 5);
        ASSERT_FALSE(low);
        EXPECT_EQ(low.error(), "media: bind 127.0.0.1:5: Permission denied");
    }
    const auto foreign = engine.open_port("192.0.2.1");  // TEST-NET-1: not ours
    ASSERT_FALSE(foreign);
    EXPECT_EQ(foreign.error(), "media: bind 192.0.2.1:0: Cannot assign requested address");
    EXPECT_EQ(engine.stats().ports, 1u);
}

TEST_F(engine_fixture, running_out_of_descriptors_says_so_and_what_to_do) {
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    // The lowest free descriptor tells how many are open; allow three more.
    const int probe = ::dup(0);
    ASSERT_GE(probe, 0);
    ::close(probe);
    rlimit tight = saved;
    tight.rlim_cur = static_cast<rlim_t>(probe + 3);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
    std::string error;
    for (int i = 0; i < 10 && error.empty(); ++i) {
        auto p = engine.open_port("127.0.0.1");
        if (!p) {
            error = p.error();
        }
    }
    ::setrlimit(RLIMIT_NOFILE, &saved);
    EXPECT_EQ(
        error.rfind("media: socket 127.0.0.1:0: Too many open files (each media port is one file "
                    "descriptor: raise `ulimit -n`",
                    0),
        0u)
        << error;
    EXPECT_EQ(engine.stats().ports, 3u);
}

TEST_F(engine_fixture, ipv6_loopback_works_like_ipv4) {
    auto p = engine.open_port("::1");
    if (!p) {
        GTEST_SKIP() << "no IPv6 loopback here: " << p.error();
    }
    EXPECT_EQ(engine.local_address(*p).family, stun::address_family::ipv6);
    EXPECT_NE(engine.local_address(*p).port, 0);
    recording_endpoint e;
    make_echo(e);
    engine.attach(*p, e);
    udp_peer peer(true);
    ASSERT_TRUE(peer.ok());
    peer.send_to(engine.local_address(*p), "six");
    ASSERT_TRUE(run_until(io, [&] { return e.datagrams.size() == 1; }));
    EXPECT_EQ(e.datagrams[0].from, peer.address());
    const auto back = peer.receive();
    ASSERT_TRUE(back);
    EXPECT_EQ(back->bytes, "six");
}

TEST_F(engine_fixture, a_burst_is_received_in_batches) {
    const port_id p = open("127.0.0.1", port_kind::dedicated);
    recording_endpoint e;
    engine.attach(p, e);
    udp_peer peer;
    constexpr int burst = 300;
    // The engine is not running while the burst arrives: it all waits in the socket.
    for (int i = 0; i < burst; ++i) {
        peer.send_to(engine.local_address(p), "b" + std::to_string(i));
    }
    ASSERT_TRUE(run_until(io, [&] { return e.datagrams.size() == burst; }));
    const auto& s = engine.stats();
    EXPECT_EQ(s.datagrams_received, static_cast<std::uint64_t>(burst));
    EXPECT_LE(s.receive_calls, 8u);  // 300 / 64 → 5 full or short batches, plus slack
    EXPECT_GT(s.datagrams_received / s.receive_calls, 30u);
    EXPECT_EQ(e.datagrams.front().bytes, "b0");
    EXPECT_EQ(e.datagrams.back().bytes, "b" + std::to_string(burst - 1));
}

TEST_F(engine_fixture, sends_of_one_tick_go_out_in_batches) {
    const port_id p = open();
    udp_peer peer;
    recording_endpoint e;
    constexpr int count = 150;
    e.on_tick_hook = [&](datagram_sink& out) {
        if (e.ticks.size() == 1) {
            for (int i = 0; i < count; ++i) {
                EXPECT_TRUE(out.send(peer.address(), bytes_of("s" + std::to_string(i))));
            }
        }
    };
    engine.attach(p, e);
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().datagrams_sent == count; }));
    EXPECT_EQ(engine.stats().send_calls, 3u);  // 64 + 64 + 22
    for (int i = 0; i < count; ++i) {
        const auto r = peer.receive();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->bytes, "s" + std::to_string(i));
    }
}

TEST_F(engine_fixture, sink_outside_a_callback_is_flushed_without_teaching_routes) {
    const port_id p = open();
    recording_endpoint a;
    recording_endpoint b;
    engine.attach(p, a);
    engine.attach(p, b);
    udp_peer peer;
    EXPECT_TRUE(engine.sink(p).send(peer.address(), bytes_of("bye")));
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().datagrams_sent == 1; }));
    EXPECT_EQ(peer.receive()->bytes, "bye");
    peer.send_to(engine.local_address(p), "answer");
    ASSERT_TRUE(run_until(io, [&] { return engine.stats().unroutable == 1; }));
}

TEST(media_engine_limits, oversized_and_truncated_datagrams_are_counted_not_crashed_on) {
    boost::asio::io_context io;
    engine_options options;
    options.max_datagram = 100;
    media_engine engine(io, options);
    const port_id p = *engine.open_port("127.0.0.1");
    recording_endpoint e;
    engine.attach(p, e);
    udp_peer peer;
    const std::string big(200, 'x');
    EXPECT_FALSE(engine.sink(p).send(peer.address(), bytes_of(big)));
    EXPECT_EQ(engine.stats().send_errors, 1u);
    peer.send_to(engine.local_address(p), big);
    peer.send_to(engine.local_address(p), "small");
    ASSERT_TRUE(run_until(io, [&] { return e.datagrams.size() == 1; }));
    EXPECT_EQ(e.datagrams[0].bytes, "small");
    EXPECT_EQ(engine.stats().receive_errors, 1u);
}

TEST(media_engine_limits, options_are_validated) {
    engine_options options;
    EXPECT_EQ(options.validate(), "");
    options.batch = 0;
    EXPECT_EQ(options.validate(), "batch 0 is not in 1..1024");
    boost::asio::io_context io;
    EXPECT_THROW(media_engine(io, options), std::invalid_argument);
}

}  // namespace
}  // namespace ringstorm::media::test
