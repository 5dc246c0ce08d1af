// Cost of SRTP on the media hot path: protect and unprotect of one 20 ms Opus packet
// (12-byte RTP header + 160-byte payload) with 1 live session and with 2,000 (a worker's
// share at scale, visited round-robin so each packet finds its session cold in cache, as a
// shared socket's traffic does). Issue 5 target: <= 0.5 us per operation with 2,000 sessions;
// Debian's NSS-based libsrtp2 measured 1.7 us (17.5 us with 2,000 sessions).
//
// Only the libsrtp calls are timed: manual timing over a batch (one packet per session, or
// 256 of the single session), so building the plaintext or ciphertext batch is not counted.
// The clock is the thread's CPU time, not the wall clock: on a shared 2-core machine other
// processes' load would otherwise be billed to libsrtp. ns_per_pkt is the figure to quote;
// the label says which libsrtp build was measured.
//
// Reproduce (figures in benchmarks/RESULTS.md):
//   scripts/setup --no-build   # builds libsrtp with OpenSSL into build/deps/libsrtp
//   cmake --preset release && cmake --build build/release --target micro_bench
//   build/release/benchmarks/micro_bench --benchmark_filter=srtp
//       --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
// NSS comparison: configure another build dir with -DRINGSTORM_SRTP_PREFIX=/nonexistent.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "media/srtp/library.hpp"
#include "media/srtp/session.hpp"

namespace {

namespace srtp = ringstorm::srtp;

constexpr std::size_t header = 12;
constexpr std::size_t payload = 160;       // Opus at ~64 kbit/s, 20 ms
constexpr std::size_t slot = 256;          // bytes per packet slot: room for any trailer
constexpr std::size_t single_batch = 256;  // packets per timed batch with one session

srtp::srtp_profile profile_of(const benchmark::State& state) {
    return state.range(0) == 0 ? srtp::srtp_profile::aes_cm_128_hmac_sha1_80
                               : srtp::srtp_profile::aead_aes_128_gcm;
}

// Senders and receivers of `n` associations, each with its own keys and SSRC.
struct fleet {
    std::vector<srtp::srtp_session> senders;
    std::vector<srtp::srtp_session> receivers;
    std::vector<std::uint16_t> seq;

    fleet(srtp::srtp_profile profile, std::size_t n) : seq(n, 1) {
        std::vector<std::uint8_t> material(srtp::keying_material_length(profile));
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t b = 0; b < material.size(); ++b) {
                material[b] = static_cast<std::uint8_t>(i * 31 + b * 7 + (i >> 8));
            }
            const auto keys = srtp::split_keying_material(profile, material).value();
            senders.push_back(srtp::srtp_session::create(keys, srtp::dtls_role::client).value());
            receivers.push_back(srtp::srtp_session::create(keys, srtp::dtls_role::server).value());
        }
    }

    // Writes the next plaintext packet of association i into out (header + payload).
    void write_plain(std::size_t i, std::uint8_t* out) {
        const std::uint16_t s = seq[i]++;
        const std::uint32_t ts = 960u * s;
        const auto ssrc = static_cast<std::uint32_t>(0x10000 + i);
        out[0] = 0x80;
        out[1] = 111;
        out[2] = static_cast<std::uint8_t>(s >> 8);
        out[3] = static_cast<std::uint8_t>(s);
        for (int b = 0; b < 4; ++b) {
            out[4 + b] = static_cast<std::uint8_t>(ts >> (24 - 8 * b));
            out[8 + b] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * b));
        }
        for (std::size_t b = 0; b < payload; ++b) {
            out[header + b] = static_cast<std::uint8_t>(s + b);
        }
    }
};

// One timed batch visits sessions round-robin: with n == 1 it is single_batch packets of the
// same session, otherwise one packet for each of the n sessions.
std::size_t batch_size(std::size_t sessions) {
    return sessions == 1 ? single_batch : sessions;
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void report(benchmark::State& state, std::size_t packets, double seconds) {
    state.SetItemsProcessed(static_cast<std::int64_t>(packets));
    state.counters["ns_per_pkt"] =
        packets == 0 ? 0.0 : seconds * 1e9 / static_cast<double>(packets);
    state.SetLabel(std::string(srtp::backend()));
}

void bm_srtp_protect(benchmark::State& state) {
    const auto sessions = static_cast<std::size_t>(state.range(1));
    fleet f(profile_of(state), sessions);
    const std::size_t batch = batch_size(sessions);
    std::vector<std::uint8_t> buffers(batch * slot);
    std::size_t packets = 0;
    double seconds = 0;
    for (auto _ : state) {
        for (std::size_t k = 0; k < batch; ++k) {
            f.write_plain(k % sessions, &buffers[k * slot]);
        }
        const double start = thread_cpu_seconds();
        for (std::size_t k = 0; k < batch; ++k) {
            auto r =
                f.senders[k % sessions].protect_rtp({&buffers[k * slot], slot}, header + payload);
            if (!r) {
                state.SkipWithError(std::string(srtp::rule_id(r.error())).c_str());
                return;
            }
            benchmark::DoNotOptimize(*r);
        }
        const double took = thread_cpu_seconds() - start;
        state.SetIterationTime(took);
        seconds += took;
        packets += batch;
    }
    report(state, packets, seconds);
}

void bm_srtp_unprotect(benchmark::State& state) {
    const auto sessions = static_cast<std::size_t>(state.range(1));
    fleet f(profile_of(state), sessions);
    const std::size_t batch = batch_size(sessions);
    std::vector<std::uint8_t> buffers(batch * slot);
    std::vector<std::size_t> lengths(batch);
    std::size_t packets = 0;
    double seconds = 0;
    for (auto _ : state) {
        for (std::size_t k = 0; k < batch; ++k) {
            f.write_plain(k % sessions, &buffers[k * slot]);
            auto r =
                f.senders[k % sessions].protect_rtp({&buffers[k * slot], slot}, header + payload);
            if (!r) {
                state.SkipWithError(std::string(srtp::rule_id(r.error())).c_str());
                return;
            }
            lengths[k] = *r;
        }
        const double start = thread_cpu_seconds();
        for (std::size_t k = 0; k < batch; ++k) {
            auto r = f.receivers[k % sessions].unprotect_rtp({&buffers[k * slot], lengths[k]});
            if (!r) {
                state.SkipWithError(std::string(srtp::rule_id(r.error())).c_str());
                return;
            }
            benchmark::DoNotOptimize(*r);
        }
        const double took = thread_cpu_seconds() - start;
        state.SetIterationTime(took);
        seconds += took;
        packets += batch;
    }
    report(state, packets, seconds);
}

// Args: {profile (0 = AES_CM_128_HMAC_SHA1_80, 1 = AEAD_AES_128_GCM), live sessions}.
void srtp_args(benchmark::internal::Benchmark* b) {
    b->ArgNames({"gcm", "sessions"});
    for (int profile : {0, 1}) {
        for (int sessions : {1, 2000}) {
            b->Args({profile, sessions});
        }
    }
    b->UseManualTime();
}

BENCHMARK(bm_srtp_protect)->Apply(srtp_args);
BENCHMARK(bm_srtp_unprotect)->Apply(srtp_args);

}  // namespace
