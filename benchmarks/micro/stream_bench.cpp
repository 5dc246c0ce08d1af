// Cost of one call's media in media::stream once ICE and DTLS are done: a tick that sends a
// tone packet (RTP write + SRTP protect) and its delivery to the peer stream (demux, SRTP
// unprotect, RTP parse, receive statistics, checks), for 1 and 1,000 connected pairs
// visited round-robin (cold caches, as a worker's share at scale). Also the tone-window
// cost that bounds sampled detection: one window (decoder reset + 5 Opus decodes at 8 kHz +
// Goertzel over the 55 grid tones), and a tick amortising detection every second. And what
// live Opus encoding (media.encode: live) adds: one frame at complexity 9, 5 and 0 (and 9
// with libopus left to code the tone as music), and the pair period with both sides live.
//
// CPU time of the thread. ns per iteration = one packet out of one stream and into the other
// (ticks of both streams of a pair are counted: each iteration is one 20 ms period of one
// pair, so per call-packet in+out it is half of that).
//
// Reproduce: cmake --build build/release --target micro_bench &&
//   build/release/benchmarks/micro_bench --benchmark_filter=Stream

#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "media/dtls/context.hpp"
#include "media/dtls/identity.hpp"
#include "media/rtp/opus_live_encoder.hpp"
#include "media/rtp/opus_tone.hpp"
#include "media/stream/stream.hpp"
#include "media/stream/tone_sampler.hpp"

namespace {

using namespace std::chrono_literals;
namespace media = ringstorm::media;
namespace dtls = ringstorm::dtls;
namespace stun = ringstorm::stun;
namespace core = ringstorm::core;

struct worker {
    dtls::dtls_identity id = dtls::dtls_identity::generate().value();
    dtls::dtls_context client = dtls::dtls_context::create(id, dtls::dtls_role::client).value();
    dtls::dtls_context server = dtls::dtls_context::create(id, dtls::dtls_role::server).value();
    std::vector<std::shared_ptr<const ringstorm::rtp::opus_tone_clip>> tones;
    std::unique_ptr<media::tone_sampler> sampler = media::tone_sampler::create();
    media::stream_shared shared;
    worker() {
        shared.dtls_client = &client;
        shared.dtls_server = &server;
        shared.local_fingerprint = id.sdp_fingerprint();
        shared.tones = &tones;
        shared.sampler = sampler.get();
    }
};

// Datagrams queued by a stream, delivered to the other one by pump(): no allocation once
// the slots exist.
struct queue_sink final : media::datagram_sink {
    struct slot {
        std::array<std::uint8_t, 1500> bytes;
        std::size_t size;
    };
    std::vector<slot> slots = std::vector<slot>(16);
    std::size_t used = 0;
    bool send(const stun::transport_address&, std::span<const std::uint8_t> b) override {
        if (used == slots.size() || b.size() > slots[used].bytes.size()) {
            return false;
        }
        std::copy(b.begin(), b.end(), slots[used].bytes.begin());
        slots[used++].size = b.size();
        return true;
    }
};

struct pair {
    stun::transport_address a_addr;
    stun::transport_address b_addr;
    std::unique_ptr<media::stream> a;
    std::unique_ptr<media::stream> b;
    queue_sink a_out;
    queue_sink b_out;

    void pump(core::time_point now) {
        for (int round = 0; round < 8 && (a_out.used > 0 || b_out.used > 0); ++round) {
            queue_sink from_a;
            std::swap(from_a.slots, a_out.slots);
            std::swap(from_a.used, a_out.used);
            queue_sink from_b;
            std::swap(from_b.slots, b_out.slots);
            std::swap(from_b.used, b_out.used);
            for (std::size_t i = 0; i < from_a.used; ++i) {
                b->on_datagram(a_addr, {from_a.slots[i].bytes.data(), from_a.slots[i].size}, now,
                               b_out);
            }
            for (std::size_t i = 0; i < from_b.used; ++i) {
                a->on_datagram(b_addr, {from_b.slots[i].bytes.data(), from_b.slots[i].size}, now,
                               a_out);
            }
            // Give the buffers back (their slots keep their capacity).
            if (a_out.used == 0) {
                std::swap(from_a.slots, a_out.slots);
            }
            if (b_out.used == 0) {
                std::swap(from_b.slots, b_out.slots);
            }
        }
    }
};

media::stream_config config(media::ice_mode ice, std::uint32_t i, bool a_side,
                            std::uint32_t detect_ms, media::opus_source opus) {
    media::stream_config c;
    c.opus = opus;
    c.ice = ice;
    c.local_ufrag = (a_side ? "a" : "b") + std::to_string(1000 + i);
    c.local_pwd = c.local_ufrag + "-password-0123456789abc";
    c.tie_breaker = i * 2 + (a_side ? 1 : 0);
    c.seed = i * 7 + (a_side ? 3 : 5);
    c.local_address = *stun::parse_address(a_side ? "10.0.0.1" : "10.0.0.2",
                                           static_cast<std::uint16_t>(20000 + i));
    c.tone_index = i;
    c.ssrc = 1000 + i * 2 + (a_side ? 1 : 0);
    c.detect_every_ms = detect_ms;
    c.expected_tone = i;
    return c;
}

media::remote_media describe(const media::stream& s, bool lite, const worker& w,
                             media::dtls_side role) {
    media::remote_media r;
    r.ufrag = s.config().local_ufrag;
    r.pwd = s.config().local_pwd;
    r.ice_lite = lite;
    ringstorm::sdp::candidate c;
    c.foundation = "1";
    c.priority = 2130706431;
    c.address = stun::ip_to_string(s.config().local_address);
    c.port = s.config().local_address.port;
    r.candidates.push_back(c);
    r.fingerprint = w.shared.local_fingerprint;
    r.our_dtls = role;
    return r;
}

worker& worker_a() {
    static worker w;
    return w;
}
worker& worker_b() {
    static worker w;
    return w;
}

// `n` pairs (phone-like controlling client vs lite server, both sending tones), connected.
std::vector<std::unique_ptr<pair>> connect(std::size_t n, std::uint32_t detect_ms,
                                           media::opus_source opus, core::time_point& now) {
    std::vector<std::unique_ptr<pair>> pairs;
    std::string error;
    for (std::size_t i = 0; i < n; ++i) {
        auto p = std::make_unique<pair>();
        const auto idx = static_cast<std::uint32_t>(i);
        auto ca = config(media::ice_mode::controlling, idx, true, detect_ms, opus);
        auto cb = config(media::ice_mode::lite, idx, false, detect_ms, opus);
        p->a_addr = ca.local_address;
        p->b_addr = cb.local_address;
        p->a = media::stream::create(ca, worker_a().shared, error);
        p->b = media::stream::create(cb, worker_b().shared, error);
        if (!p->a || !p->b) {
            throw std::runtime_error(error);
        }
        p->b->start(describe(*p->a, false, worker_a(), media::dtls_side::server), now);
        p->a->start(describe(*p->b, true, worker_b(), media::dtls_side::client), now);
        pairs.push_back(std::move(p));
    }
    for (int t = 0; t < 100; ++t) {
        now += 20ms;
        for (auto& p : pairs) {
            p->a->on_tick(now, now, p->a_out);
            p->b->on_tick(now, now, p->b_out);
            p->pump(now);
        }
    }
    for (auto& p : pairs) {
        if (!p->a->stats().srtp_up || !p->b->stats().srtp_up) {
            throw std::runtime_error("pair did not connect");
        }
    }
    return pairs;
}

void run_pairs(benchmark::State& state, std::uint32_t detect_ms,
               media::opus_source opus = media::opus_source::replay) {
    core::time_point now = core::time_point{} + 1000s;
    auto pairs = connect(static_cast<std::size_t>(state.range(0)), detect_ms, opus, now);
    std::size_t next = 0;
    for (auto _ : state) {
        pair& p = *pairs[next];
        if (++next == pairs.size()) {
            next = 0;
            now += 20ms;  // every pair once per 20 ms period
        }
        p.a->on_tick(now, now, p.a_out);
        p.b->on_tick(now, now, p.b_out);
        p.pump(now);
    }
    std::uint64_t received = 0;
    for (auto& p : pairs) {
        received += p->a->stats().packets_received + p->b->stats().packets_received;
    }
    state.counters["packets_received"] = static_cast<double>(received);
    state.counters["windows"] = static_cast<double>(worker_a().sampler->windows_analysed() +
                                                    worker_b().sampler->windows_analysed());
    state.SetLabel("iteration = one 20 ms period of a pair: 2 packets out, 2 in");
}

void BM_StreamPairPeriod(benchmark::State& state) {
    run_pairs(state, 0);
}
BENCHMARK(BM_StreamPairPeriod)->Arg(1)->Arg(1000)->MeasureProcessCPUTime()->UseRealTime();

// Detection every second on both sides, within the worker's default budget.
void BM_StreamPairPeriodDetecting(benchmark::State& state) {
    run_pairs(state, 1000);
}
BENCHMARK(BM_StreamPairPeriodDetecting)->Arg(1)->MeasureProcessCPUTime()->UseRealTime();

// Both streams of each pair encode their tone live (WebRTC's complexity 9): the same
// period as BM_StreamPairPeriod plus two live encodes.
void BM_StreamPairPeriodLiveOpus(benchmark::State& state) {
    run_pairs(state, 0, media::opus_source::live);
}
BENCHMARK(BM_StreamPairPeriodLiveOpus)->Arg(1)->Arg(100)->MeasureProcessCPUTime()->UseRealTime();

// One live-encoded 20 ms frame (tone generation + opus_encode_float at 32 kb/s) at the
// complexity of the first argument (9 is WebRTC's desktop default, 0 the cheapest); the
// second is code_as_speech (1, what streams use; 0 lets libopus code the tone as music).
void BM_StreamLiveOpusFrame(benchmark::State& state) {
    auto made =
        ringstorm::rtp::opus_live_encoder::create({.frequency_hz = 1350,
                                                   .complexity = static_cast<int>(state.range(0)),
                                                   .code_as_speech = state.range(1) != 0});
    if (!made) {
        state.SkipWithError("libopus refused the encoder");
        return;
    }
    auto& enc = **made;
    std::array<std::uint8_t, ringstorm::rtp::opus_max_frame_bytes> out{};
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto n = enc.encode_next(false, out);
        bytes += n ? *n : 0;
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["bytes_per_frame"] =
        static_cast<double>(bytes) / static_cast<double>(state.iterations());
    state.SetLabel("one 20 ms frame: 960-sample tone + libopus encode, 32 kb/s VOIP mono");
}
BENCHMARK(BM_StreamLiveOpusFrame)
    ->Args({9, 1})
    ->Args({5, 1})
    ->Args({0, 1})
    ->Args({9, 0})
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void BM_StreamToneWindow(benchmark::State& state) {
    auto sampler = media::tone_sampler::create();
    ringstorm::rtp::tone_clip_options o;
    o.frequency_hz = 1350;
    auto clip = ringstorm::rtp::opus_tone_clip::encode(o).value();
    std::array<std::span<const std::uint8_t>, media::tone_sampler::window_frames> frames;
    std::uint64_t first = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < frames.size(); ++i) {
            frames[i] = clip.frame(first + i);
        }
        ++first;
        benchmark::DoNotOptimize(sampler->analyse(frames));
    }
    state.SetLabel("one window: reset + 5 decodes at 8 kHz + 55-tone Goertzel on 4 frames");
}
BENCHMARK(BM_StreamToneWindow)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
