// DTLS-SRTP handshake cost (RFC 5764) over memory BIOs: one full handshake per iteration,
// client and server in this thread with shared per-worker contexts, ECDSA P-256 and X25519,
// keying material exported on both sides. The per-side counters (client_ms, server_ms) are
// the CPU time of only that side's calls, session creation included: what one end of a call
// costs a worker.
// Run:
//   build/release/benchmarks/micro_bench --benchmark_filter=Dtls
//       --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <benchmark/benchmark.h>

#include "media/dtls/context.hpp"
#include "media/dtls/identity.hpp"
#include "media/dtls/session.hpp"

namespace {

using namespace ringstorm::dtls;
// Per-side figures are this thread's CPU time: the machine is shared (other builds, the
// peer side), and wall time would charge one side for the scheduler's choices.
struct bench_clock {
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<bench_clock, duration>;
    static time_point now() noexcept {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
    }
};

template <class T>
T must(ringstorm::core::result<T, dtls_error> r) {
    if (!r) {
        std::fprintf(stderr, "dtls bench set-up: %s\n", r.error().to_string().c_str());
        std::abort();
    }
    return std::move(r).value();
}

// Hands `from`'s datagrams to `to`, timing `to`'s work into `spent`.
bool deliver(dtls_session& from, dtls_session& to, bench_clock::duration& spent) {
    const std::size_t n = from.outgoing_count();
    const auto t0 = bench_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
        to.on_datagram(from.outgoing(i));
    }
    spent += bench_clock::now() - t0;
    from.clear_outgoing();
    return n != 0;
}

void BM_DtlsHandshake(benchmark::State& state) {
    const auto client_id = must(dtls_identity::generate());
    const auto server_id = must(dtls_identity::generate());
    const context_options opt;  // defaults: both profiles, GCM first, MTU 1200
    const auto client_ctx = must(dtls_context::create(client_id, dtls_role::client, opt));
    const auto server_ctx = must(dtls_context::create(server_id, dtls_role::server, opt));
    bench_clock::duration client_time{};
    bench_clock::duration server_time{};
    for (auto _ : state) {
        auto t0 = bench_clock::now();
        auto client = must(dtls_session::create(client_ctx, server_id.sha256_fingerprint()));
        client.start();
        client_time += bench_clock::now() - t0;
        t0 = bench_clock::now();
        auto server = must(dtls_session::create(server_ctx, client_id.sha256_fingerprint()));
        server_time += bench_clock::now() - t0;
        for (int hops = 0; hops < 8; ++hops) {
            const bool a = deliver(client, server, server_time);
            const bool b = deliver(server, client, client_time);
            if (!a && !b) {
                break;
            }
        }
        if (client.state() != dtls_state::connected || server.state() != dtls_state::connected) {
            state.SkipWithError("handshake did not complete");
            break;
        }
        benchmark::DoNotOptimize(client.keys()->bytes.data());
    }
    auto ms = [](bench_clock::duration d) {
        return std::chrono::duration<double, std::milli>(d).count();
    };
    state.counters["client_ms"] =
        benchmark::Counter(ms(client_time), benchmark::Counter::kAvgIterations);
    state.counters["server_ms"] =
        benchmark::Counter(ms(server_time), benchmark::Counter::kAvgIterations);
    state.counters["handshakes_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DtlsHandshake)->Unit(benchmark::kMillisecond);

void BM_DtlsIdentityGenerate(benchmark::State& state) {
    for (auto _ : state) {
        auto id = must(dtls_identity::generate());
        benchmark::DoNotOptimize(id.sha256_fingerprint().bytes.data());
    }
}
BENCHMARK(BM_DtlsIdentityGenerate)->Unit(benchmark::kMicrosecond);

}  // namespace
