// SDP parse and serialize of a typical Chrome WebRTC audio offer (~1.7 KB, 3 candidates,
// 8 codecs, extmaps, ssrc lines). Run:
//   build/release/benchmarks/micro_bench --benchmark_filter=Sdp
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"

namespace {

constexpr std::string_view chrome_offer =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS 5e2b0a0c-2f1d-4a1e-9d3b-7c1f3a6b8e21\r\n"
    "m=audio 54512 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
    "c=IN IP4 203.0.113.45\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=candidate:3077231862 1 udp 2113937151 3fd2d5d2-2b9c-4fa6-a36b-1b3c9b6a4b6f.local 54512 typ "
    "host generation 0 network-cost 999\r\n"
    "a=candidate:842163049 1 udp 1677729535 203.0.113.45 54512 typ srflx raddr 0.0.0.0 rport 0 "
    "generation 0 network-cost 999\r\n"
    "a=candidate:1467250027 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active generation 0 "
    "network-id 1 network-cost 10\r\n"
    "a=ice-ufrag:Qx7v\r\n"
    "a=ice-pwd:kR3m9P0qZl2sWc8yBn4tHd1F\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "2D:71:16:42:B7:26:B0:44:01:62:7C:A9:FB:AC:32:F5:C8:53:0F:B1:90:3C:C4:DB:02:25:87:17:92:1A:48:"
    "81\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=sendrecv\r\n"
    "a=msid:5e2b0a0c-2f1d-4a1e-9d3b-7c1f3a6b8e21 9b1c6a2e-7f44-4d3c-a1e8-2c5d0f9e7b13\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtcp-fb:111 transport-cc\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:63 red/48000/2\r\n"
    "a=fmtp:63 111/111\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:13 CN/8000\r\n"
    "a=rtpmap:110 telephone-event/48000\r\n"
    "a=rtpmap:126 telephone-event/8000\r\n"
    "a=ssrc:3735928559 cname:4TOk42mSjXCkVIa6\r\n"
    "a=ssrc:3735928559 msid:5e2b0a0c-2f1d-4a1e-9d3b-7c1f3a6b8e21 "
    "9b1c6a2e-7f44-4d3c-a1e8-2c5d0f9e7b13\r\n";

void BM_SdpParseChromeOffer(benchmark::State& state) {
    for (auto _ : state) {
        auto sd = ringstorm::sdp::parse(chrome_offer);
        benchmark::DoNotOptimize(sd);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(chrome_offer.size()));
}
BENCHMARK(BM_SdpParseChromeOffer);

void BM_SdpSerializeChromeOffer(benchmark::State& state) {
    const auto sd = ringstorm::sdp::parse(chrome_offer);
    if (!sd) {
        state.SkipWithError("chrome offer does not parse");
        return;
    }
    std::string out;
    for (auto _ : state) {
        out.clear();
        ringstorm::sdp::serialize(*sd, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(chrome_offer.size()));
}
BENCHMARK(BM_SdpSerializeChromeOffer);

void BM_SdpSerializeChromeOfferFresh(benchmark::State& state) {
    const auto sd = ringstorm::sdp::parse(chrome_offer);
    if (!sd) {
        state.SkipWithError("chrome offer does not parse");
        return;
    }
    for (auto _ : state) {
        std::string out = ringstorm::sdp::serialize(*sd);
        benchmark::DoNotOptimize(out.data());
    }
}
BENCHMARK(BM_SdpSerializeChromeOfferFresh);

}  // namespace
