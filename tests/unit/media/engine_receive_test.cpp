// The engine's receive path where sockets and endpoints come and go under it: a port closed
// by another port's endpoint while both are readable, datagrams the kernel drops from a
// full receive buffer counted as the process's own (SO_RXQ_OVFL), and the measure of a
// receive queue filling up that lets a drain take longer turns.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "engine/media/udp_batch.hpp"
#include "engine_harness.hpp"

namespace ringstorm::media::test {
namespace {

TEST_F(engine_fixture, a_port_closed_while_its_socket_is_ready_gets_no_stale_event) {
    // Both sockets are readable in one turn; whichever is drained first closes the other
    // and opens a new port, which may get the closed socket's fd number. The event already
    // taken for the closed port must reach nobody: not its endpoint, not the new port's.
    const port_id p1 = open("127.0.0.1", port_kind::dedicated);
    const port_id p2 = open("127.0.0.1", port_kind::dedicated);
    recording_endpoint a;
    recording_endpoint b;
    recording_endpoint fresh;
    engine.attach(p1, a);
    engine.attach(p2, b);
    port_id reopened = 0;
    const auto close_the_other = [&](port_id other) {
        return [&, other](const stun::transport_address&, std::span<std::uint8_t>, datagram_sink&) {
            if (reopened == 0) {
                engine.close_port(other);
                reopened = open("127.0.0.1", port_kind::dedicated);
                engine.attach(reopened, fresh);
            }
        };
    };
    a.on_datagram_hook = close_the_other(p2);
    b.on_datagram_hook = close_the_other(p1);
    udp_peer peer;
    peer.send_to(engine.local_address(p1), "one");
    peer.send_to(engine.local_address(p2), "two");
    run_for(io, 30ms);
    EXPECT_EQ(a.datagrams.size() + b.datagrams.size(), 1u);  // the closed one heard nothing
    EXPECT_TRUE(fresh.datagrams.empty());
    EXPECT_EQ(engine.stats().ports, 2u);
    EXPECT_EQ(engine.stats().unroutable, 0u);
    // The new port works.
    peer.send_to(engine.local_address(reopened), "three");
    ASSERT_TRUE(run_until(io, [&] { return fresh.datagrams.size() == 1; }));
    EXPECT_EQ(fresh.datagrams[0].bytes, "three");
}

TEST(engine_receive, a_full_receive_buffer_is_counted_as_our_own_drops) {
    // A tiny receive buffer and a burst while the engine is not running: the kernel keeps
    // what fits and drops the rest. Every datagram is either received or counted as our
    // drop (SO_RXQ_OVFL), so a stream's loss can be told from this process's overload.
    boost::asio::io_context io;
    engine_options options;
    options.socket_buffer_bytes = 4096;  // the kernel doubles it; a few datagrams fit
    media_engine engine{io, options};
    auto p = engine.open_port("127.0.0.1", 0, port_kind::dedicated);
    ASSERT_TRUE(p) << p.error();
    recording_endpoint e;
    engine.attach(*p, e);
    udp_peer peer;
    constexpr int burst = 400;
    const std::string payload(200, 'd');
    for (int i = 0; i < burst; ++i) {
        peer.send_to(engine.local_address(*p), payload);
    }
    run_for(io, 50ms);
    // More arrives after the drops: the stamp rides on datagrams received from now on.
    peer.send_to(engine.local_address(*p), "after");
    ASSERT_TRUE(
        run_until(io, [&] { return !e.datagrams.empty() && e.datagrams.back().bytes == "after"; }));
    const auto& s = engine.stats();
    EXPECT_GT(s.socket_drops, 0u);
    EXPECT_LT(s.datagrams_received, static_cast<std::uint64_t>(burst));
    EXPECT_EQ(s.datagrams_received + s.socket_drops, static_cast<std::uint64_t>(burst) + 1);
    EXPECT_EQ(s.receive_errors, 0u);
}

TEST(engine_receive, a_receive_queue_a_quarter_full_is_filling) {
    // What lets a drain take longer turns: a socket's queue measured against its buffer.
    // A socket nobody reads, fed until it holds a quarter of its (default) buffer.
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_storage self{};
    auto& in = reinterpret_cast<sockaddr_in&>(self);
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&in), sizeof in), 0);
    socklen_t length = sizeof self;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&self), &length), 0);
    const auto address = from_sockaddr(self);
    ASSERT_TRUE(address);
    EXPECT_FALSE(receive_queue_filling(fd));
    udp_peer peer;
    const std::string payload(1000, 'q');
    int sent = 0;
    while (sent < 500 && !receive_queue_filling(fd)) {
        peer.send_to(*address, payload);
        ++sent;
    }
    EXPECT_TRUE(receive_queue_filling(fd));
    EXPECT_GT(sent, 1);  // one datagram is not a quarter of any buffer
    ::close(fd);
    EXPECT_TRUE(receive_queue_filling(fd));  // not a socket any more: cannot tell, assume so
}

}  // namespace
}  // namespace ringstorm::media::test
