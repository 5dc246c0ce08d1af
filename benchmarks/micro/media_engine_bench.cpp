// The media engine's own cost per datagram through loopback: copy into the send batch,
// sendmmsg, the kernel's loopback, epoll wake-up, recvmmsg, route lookup and dispatch to
// the endpoint (which does nothing else here: SRTP and Opus are measured apart).
//
//  MediaEngineOneWay/batch: one shared port to another, `batch` datagrams per round, one
//    endpoint: the best case of batching on both sides.
//  MediaEngineCallsEcho/calls: the ownership model of a real run on one core. A phone worker's
//    shared port with `calls` endpoints, each routed by its remote address, sends one
//    172-byte datagram per call (one Opus frame over SRTP) to `serve`'s dedicated port for
//    that call, which echoes it; the echo is demultiplexed back to its endpoint. Both
//    engines run on this thread, so the figure per datagram covers a send and a receive
//    on each side once (a call-packet in + out is two of them).
// Run:
//   build/release/benchmarks/micro_bench --benchmark_filter=MediaEngine
//       --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>

#include "engine/media/media_engine.hpp"
#include "media/ice/stun_writer.hpp"
#include "media/stream/endpoint.hpp"

namespace {

using namespace ringstorm;
using media::datagram_sink;

constexpr std::size_t rtp_size = 172;  // 12 RTP + ~150 Opus at 32 kbit/s + 10 SRTP tag

class counting_endpoint final : public media::endpoint {
public:
    counting_endpoint(std::string ufrag, std::uint64_t& counter, bool echo)
        : ufrag_(std::move(ufrag)), counter_(counter), echo_(echo) {}

    void on_datagram(const stun::transport_address& from, std::span<std::uint8_t> bytes,
                     core::time_point, datagram_sink& out) override {
        ++counter_;
        if (echo_) {
            out.send(from, bytes);
        }
    }
    void on_tick(core::time_point, core::time_point, datagram_sink&) override {}
    std::string_view local_ufrag() const noexcept override { return ufrag_; }

private:
    std::string ufrag_;
    std::uint64_t& counter_;
    bool echo_;
};

// Polls until `counter` reaches `target`; false if the datagrams stopped coming (a kernel
// buffer overflowed), which the benchmark reports as an error.
bool poll_until(boost::asio::io_context& io, const std::uint64_t& counter, std::uint64_t target) {
    int idle = 0;
    while (counter < target) {
        if (io.poll() == 0 && ++idle > 100'000) {
            return false;
        }
        if (io.stopped()) {
            io.restart();
        }
    }
    return true;
}

std::vector<std::uint8_t> binding_request(std::string_view username) {
    std::vector<std::uint8_t> buf(256);
    stun::writer w(buf, stun::message_class::request, stun::method::binding,
                   stun::transaction_id{});
    w.username(username).fingerprint();
    buf.resize(*w.finish());
    return buf;
}

void MediaEngineOneWay(benchmark::State& state) {
    const auto batch = static_cast<std::size_t>(state.range(0));
    boost::asio::io_context io;
    media::media_engine engine(io);
    const auto from = *engine.open_port("127.0.0.1");
    const auto to = *engine.open_port("127.0.0.1");
    std::uint64_t received = 0;
    counting_endpoint sink_end("rcv1", received, false);
    engine.attach(to, sink_end);
    const auto to_address = engine.local_address(to);
    const std::array<std::uint8_t, rtp_size> payload{0x80, 111};
    for (auto _ : state) {
        for (std::size_t i = 0; i < batch; ++i) {
            engine.sink(from).send(to_address, payload);
        }
        if (!poll_until(io, received, received + batch)) {
            state.SkipWithError("datagrams lost on loopback");
            break;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(received));
    const auto& s = engine.stats();
    state.counters["rx_per_call"] =
        static_cast<double>(s.datagrams_received) / static_cast<double>(s.receive_calls);
    state.counters["tx_per_call"] =
        static_cast<double>(s.datagrams_sent) / static_cast<double>(s.send_calls);
}
BENCHMARK(MediaEngineOneWay)->Arg(1)->Arg(16)->Arg(64);

void MediaEngineCallsEcho(benchmark::State& state) {
    const auto calls = static_cast<std::size_t>(state.range(0));
    boost::asio::io_context io;
    media::media_engine phone(io);
    media::media_engine serve(io);
    const auto shared = *phone.open_port("127.0.0.1");
    const auto shared_address = phone.local_address(shared);
    std::uint64_t at_phone = 0;
    std::uint64_t at_serve = 0;
    std::vector<std::unique_ptr<counting_endpoint>> phones;
    std::vector<std::unique_ptr<counting_endpoint>> echoes;
    std::vector<stun::transport_address> serve_addresses;
    for (std::size_t i = 0; i < calls; ++i) {
        const std::string ufrag = "p" + std::to_string(i);
        phones.push_back(std::make_unique<counting_endpoint>(ufrag, at_phone, false));
        phone.attach(shared, *phones.back());
        const auto port = *serve.open_port("127.0.0.1");
        echoes.push_back(
            std::make_unique<counting_endpoint>("s" + std::to_string(i), at_serve, true));
        serve.attach(port, *echoes.back());
        serve_addresses.push_back(serve.local_address(port));
        // The serve side's ICE check teaches the phone's port this call's remote address.
        serve.sink(port).send(shared_address, binding_request(ufrag + ":s" + std::to_string(i)));
    }
    if (!poll_until(io, at_phone, calls)) {
        state.SkipWithError("setup checks lost");
        return;
    }
    at_phone = 0;
    const std::array<std::uint8_t, rtp_size> payload{0x80, 111};
    for (auto _ : state) {
        const std::uint64_t target = at_phone + calls;
        for (std::size_t i = 0; i < calls; ++i) {
            phone.sink(shared).send(serve_addresses[i], payload);
        }
        if (!poll_until(io, at_phone, target)) {
            state.SkipWithError("datagrams lost on loopback");
            break;
        }
    }
    if (phone.stats().unroutable != 0) {
        state.SkipWithError("echoes not routed to their call");
    }
    // Each call-packet crosses two engines: out of the phone, into and out of serve, back in.
    state.SetItemsProcessed(static_cast<std::int64_t>(2 * at_phone));
    state.counters["phone_rx_per_call"] = static_cast<double>(phone.stats().datagrams_received) /
                                          static_cast<double>(phone.stats().receive_calls);
}
BENCHMARK(MediaEngineCallsEcho)->Arg(1)->Arg(100)->Arg(1000);

}  // namespace
