// RTP/RTCP hot paths per packet: RTP header write + parse (with a one-byte audio-level
// extension, as WebRTC sends), a receive_stats update, and an RTCP RR (one block) + SDES
// compound built and parsed. Run:
//   build/release/benchmarks/micro_bench --benchmark_filter=Rtp
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <array>
#include <chrono>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "media/rtp/header_extension.hpp"
#include "media/rtp/receive_stats.hpp"
#include "media/rtp/rtcp.hpp"
#include "media/rtp/rtp_header.hpp"

namespace {

using namespace ringstorm::rtp;

void BM_RtpHeaderWriteParse(benchmark::State& state) {
    std::array<std::uint8_t, 1500> buf{};
    std::array<std::uint8_t, 80> payload{};  // a typical 20 ms Opus frame at 32 kbit/s
    std::array<std::uint8_t, 8> ext{};
    const std::array<std::uint8_t, 1> level{0x85};
    const std::array<extension_element, 1> elements{{{1, level}}};
    const std::size_t ext_size = *write_extension_elements(extension_form::one_byte, elements, ext);
    rtp_header h;
    h.payload_type = 111;
    h.ssrc = 0x12345678;
    h.extension = true;
    h.extension_profile = one_byte_profile;
    for (auto _ : state) {
        ++h.sequence;
        h.timestamp += 960;
        auto n = write_rtp_packet(h, std::span(ext).first(ext_size), payload, 0, buf);
        auto v = parse_rtp(std::span(buf).first(*n));
        auto found = find_extension(v->header.extension_profile, v->extension_data, 1);
        benchmark::DoNotOptimize(found);
        benchmark::DoNotOptimize(v->payload.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtpHeaderWriteParse);

void BM_RtpReceiveStatsUpdate(benchmark::State& state) {
    receive_stats stats;
    std::uint16_t seq = 0;
    std::uint32_t ts = 0;
    std::chrono::nanoseconds arrival{0};
    for (auto _ : state) {
        // Every 50th packet is lost and every 97th arrives late by one, to exercise the window.
        ++seq;
        if (seq % 50 == 0) {
            ++seq;
        }
        ts += 960;
        arrival += std::chrono::microseconds(20000 + (seq % 7) * 100);
        benchmark::DoNotOptimize(stats.on_packet(
            seq % 97 == 0 ? static_cast<std::uint16_t>(seq - 1) : seq, ts, arrival));
    }
    benchmark::DoNotOptimize(stats.jitter_units());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtpReceiveStatsUpdate);

void BM_RtcpReceiverReportBuildParse(benchmark::State& state) {
    std::array<std::uint8_t, 256> buf{};
    report_block block;
    block.ssrc = 0xCAFEBABE;
    block.cumulative_lost = 12;
    block.extended_highest_seq = 0x00012345;
    block.jitter = 240;
    block.lsr = 0xB7052000;
    block.dlsr = 0x00054000;
    std::uint32_t received_jitter = 0;
    for (auto _ : state) {
        rtcp_writer w(buf);
        ++block.extended_highest_seq;
        w.receiver_report(0x11111111, std::span(&block, 1));
        w.sdes_cname(0x11111111, "ringstorm-7f3a9c21");
        auto compound = parse_rtcp(w.bytes());
        while (auto packet = compound->next()) {
            if (packet->type == rtcp_rr) {
                received_jitter += decode_receiver_report(*packet)->blocks[0].jitter;
            }
        }
        benchmark::DoNotOptimize(received_jitter);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtcpReceiverReportBuildParse);

}  // namespace
