#pragma once
// Test doubles for the media engine: endpoints that record what the engine gives them
// (with hooks for the behaviour a test needs) and a plain UDP socket on loopback playing
// the far end. Independent of media/stream: the engine only knows media::endpoint.

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "engine/core/clock.hpp"
#include "engine/media/media_engine.hpp"
#include "engine/media/socket_address.hpp"
#include "media/stream/endpoint.hpp"

namespace ringstorm::media::test {

using namespace std::chrono_literals;

inline std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::string text_of(std::span<const std::uint8_t> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

struct received {
    stun::transport_address from;
    std::string bytes;
};

struct tick {
    core::time_point due;
    core::time_point now;
};

// Records datagrams and ticks; on_datagram_hook / on_tick_hook add behaviour (echo, send,
// detach…) and run after the recording.
class recording_endpoint final : public endpoint {
public:
    explicit recording_endpoint(std::string ufrag = "") : ufrag_(std::move(ufrag)) {}

    void on_datagram(const stun::transport_address& from, std::span<std::uint8_t> bytes,
                     core::time_point, datagram_sink& out) override {
        datagrams.push_back({from, text_of(bytes)});
        if (on_datagram_hook) {
            on_datagram_hook(from, bytes, out);
        }
    }
    void on_tick(core::time_point due, core::time_point now, datagram_sink& out) override {
        ticks.push_back({due, now});
        if (on_tick_hook) {
            on_tick_hook(out);
        }
    }
    std::string_view local_ufrag() const noexcept override { return ufrag_; }

    std::function<void(const stun::transport_address&, std::span<std::uint8_t>, datagram_sink&)>
        on_datagram_hook;
    std::function<void(datagram_sink&)> on_tick_hook;
    std::vector<received> datagrams;
    std::vector<tick> ticks;

private:
    std::string ufrag_;
};

// Sends back what it receives, to whoever sent it.
inline void make_echo(recording_endpoint& e) {
    e.on_datagram_hook = [](const stun::transport_address& from, std::span<std::uint8_t> bytes,
                            datagram_sink& out) { out.send(from, bytes); };
}

// The far end: a blocking UDP socket on loopback with a receive timeout.
class udp_peer {
public:
    explicit udp_peer(bool ipv6 = false) {
        fd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
        sockaddr_storage name{};
        const auto any = stun::parse_address(ipv6 ? "::1" : "127.0.0.1", 0);
        const socklen_t length = to_sockaddr(*any, name);
        ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&name), length) == 0;
        socklen_t got = sizeof name;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&name), &got);
        address_ = from_sockaddr(name).value_or(stun::transport_address{});
        timeval tv{0, 200'000};  // receive waits are short: the engine runs in between
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    udp_peer(const udp_peer&) = delete;
    udp_peer& operator=(const udp_peer&) = delete;
    ~udp_peer() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }

    bool ok() const { return ok_; }
    const stun::transport_address& address() const { return address_; }

    bool send_to(const stun::transport_address& to, std::span<const std::uint8_t> bytes) const {
        sockaddr_storage name{};
        const socklen_t length = to_sockaddr(to, name);
        return ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&name),
                        length) == static_cast<ssize_t>(bytes.size());
    }
    bool send_to(const stun::transport_address& to, std::string_view text) const {
        return send_to(to, bytes_of(text));
    }

    // One datagram (and its sender), or nullopt after the timeout.
    std::optional<received> receive(bool wait = true) const {
        char buf[2048];
        sockaddr_storage name{};
        socklen_t length = sizeof name;
        const ssize_t n = ::recvfrom(fd_, buf, sizeof buf, wait ? 0 : MSG_DONTWAIT,
                                     reinterpret_cast<sockaddr*>(&name), &length);
        if (n < 0) {
            return std::nullopt;
        }
        return received{from_sockaddr(name).value_or(stun::transport_address{}),
                        std::string(buf, static_cast<std::size_t>(n))};
    }

private:
    int fd_ = -1;
    bool ok_ = false;
    stun::transport_address address_;
};

// Runs `io` in small steps until `done()` or the deadline; true when done.
// An engine on its own io_context, with a port opener that fails the test on error.
// Shared unless a test says otherwise: most engine tests are about routing between the
// calls of one port.
struct engine_fixture : ::testing::Test {
    boost::asio::io_context io;
    media_engine engine{io};

    port_id open(const std::string& ip = "127.0.0.1", port_kind kind = port_kind::shared) {
        auto p = engine.open_port(ip, 0, kind);
        EXPECT_TRUE(p) << (p ? "" : p.error());
        return p ? *p : 0;
    }
};

inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      core::duration limit = 2s) {
    const auto deadline = core::clock::now() + limit;
    while (core::clock::now() < deadline) {
        if (done()) {
            return true;
        }
        io.run_for(2ms);
        if (io.stopped()) {
            io.restart();
        }
    }
    return done();
}

inline void run_for(boost::asio::io_context& io, core::duration d) {
    run_until(
        io, [] { return false; }, d);
}

}  // namespace ringstorm::media::test
