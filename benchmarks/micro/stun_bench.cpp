// STUN codec costs on the ICE hot path: building a connectivity check (USERNAME,
// PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT), checking
// one that arrived, and what an ICE-lite target does per check (decode, verify, answer).
// Run:
//   build/release/benchmarks/micro_bench --benchmark_filter=Stun
//       --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

#include <array>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "media/ice/stun_integrity.hpp"
#include "media/ice/stun_message.hpp"
#include "media/ice/stun_writer.hpp"

namespace {

using namespace ringstorm::stun;

constexpr transaction_id tid = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};
// Chrome-sized credentials: 4-character ufrags, a 24-character password.
constexpr std::string_view username = "Qx7v:a9Zk";
constexpr std::string_view password = "kR3m9P0qZl2sWc8yBn4tHd1F";

std::size_t encode_check(std::span<std::uint8_t> buf, const integrity_key& key) {
    writer w(buf, message_class::request, method::binding, tid);
    w.username(username)
        .priority(1853824767)
        .ice_controlling(0x0123456789abcdef)
        .use_candidate()
        .message_integrity(key)
        .fingerprint();
    return *w.finish();
}

void StunEncodeBindingRequest(benchmark::State& state) {
    const integrity_key key(password);
    std::array<std::uint8_t, 256> buf{};
    for (auto _ : state) {
        benchmark::DoNotOptimize(encode_check(buf, key));
        benchmark::ClobberMemory();
    }
}
BENCHMARK(StunEncodeBindingRequest);

void StunDecodeVerifyBindingRequest(benchmark::State& state) {
    const integrity_key key(password);
    std::array<std::uint8_t, 256> buf{};
    const std::size_t size = encode_check(buf, key);
    const std::span<const std::uint8_t> bytes(buf.data(), size);
    for (auto _ : state) {
        auto m = decode(bytes);
        const bool ok = m && verify_fingerprint(*m) && verify_integrity(*m, key);
        benchmark::DoNotOptimize(ok);
        if (!ok) {
            state.SkipWithError("verification failed");
        }
    }
}
BENCHMARK(StunDecodeVerifyBindingRequest);

void StunAnswerCheck(benchmark::State& state) {
    const integrity_key key(password);
    std::array<std::uint8_t, 256> in{};
    std::array<std::uint8_t, 256> out{};
    const std::size_t size = encode_check(in, key);
    const std::span<const std::uint8_t> bytes(in.data(), size);
    const transport_address from = *parse_address("203.0.113.7", 54512);
    for (auto _ : state) {
        auto m = decode(bytes);
        if (!m || !verify_fingerprint(*m) || !verify_integrity(*m, key)) {
            state.SkipWithError("verification failed");
            break;
        }
        benchmark::DoNotOptimize(*encode_binding_success(out, m->tid, from, key));
        benchmark::ClobberMemory();
    }
}
BENCHMARK(StunAnswerCheck);

}  // namespace
