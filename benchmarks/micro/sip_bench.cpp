// SIP parse and serialize throughput for the messages a WebRTC phone exchanges most:
// REGISTER with credentials, an INVITE carrying a WebRTC SDP offer, a 200 OK to REGISTER.
// Reproduce: cmake --preset release -B build/rel && cmake --build build/rel --target micro_bench
//   build/rel/benchmarks/micro_bench --benchmark_filter=sip_ --benchmark_repetitions=5
//   --benchmark_report_aggregates_only=true
// Target (issue 2): >= 1,000,000 parses/s per core for a 600-900-byte message.

#include <benchmark/benchmark.h>

#include <string>

#include "engine/sip/parser.hpp"

namespace {

using namespace ringstorm::sip;

std::string crlf(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') {
            out += "\r\n";
        } else {
            out += c;
        }
    }
    return out;
}

const std::string register_text = crlf(
    "REGISTER sip:voice.example.com SIP/2.0\n"
    "Via: SIP/2.0/WSS q8d3lk2m9f0a.invalid;branch=z9hG4bK3718447\n"
    "Max-Forwards: 69\n"
    "To: <sip:agent1042@voice.example.com>\n"
    "From: \"Agent 1042\" <sip:agent1042@voice.example.com>;tag=b8v2kqj1c0\n"
    "Call-ID: 9fmc4t3r8u2k0p1s6a7d\n"
    "CSeq: 2 REGISTER\n"
    "Authorization: Digest algorithm=SHA-256, username=\"agent1042\", realm=\"voice.example.com\", "
    "nonce=\"Zk3Lc2A0bS1vY3JlZGVudGlhbHMtZm9yLXRlc3Q\", uri=\"sip:voice.example.com\", "
    "response=\"5b2f6b4cbd1f1b03d2a0c4e6a3e8d1f7c9b2a4e6d8f0a1c3e5b7d9f1a3c5e7b9\", qop=auth, "
    "cnonce=\"r4nd0mcn0nc3\", nc=00000001\n"
    "Contact: <sip:3kd9s0w2@q8d3lk2m9f0a.invalid;transport=ws>;+sip.ice;reg-id=1;"
    "+sip.instance=\"<urn:uuid:3c1f2b7e-8d4a-4f6b-9e0c-1a2b3c4d5e6f>\";expires=600\n"
    "Expires: 600\n"
    "Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\n"
    "Supported: path,gruu,outbound\n"
    "User-Agent: ringstorm-bench/0.1\n"
    "Content-Length: 0\n\n");

const std::string sdp = crlf(
    "v=0\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\n"
    "s=-\n"
    "t=0 0\n"
    "a=group:BUNDLE 0\n"
    "a=extmap-allow-mixed\n"
    "a=msid-semantic: WMS 7f2c1e4a\n"
    "m=audio 52110 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\n"
    "c=IN IP4 203.0.113.7\n"
    "a=rtcp:9 IN IP4 0.0.0.0\n"
    "a=candidate:1467250027 1 udp 2122260223 192.168.1.20 52110 typ host generation 0 network-id "
    "1\n"
    "a=candidate:842163049 1 udp 1686052607 203.0.113.7 52110 typ srflx raddr 192.168.1.20 rport "
    "52110 generation 0\n"
    "a=end-of-candidates\n"
    "a=ice-ufrag:Qx9t\n"
    "a=ice-pwd:4Vd9mZ2pL0sK8rT1yU3wX5aB\n"
    "a=ice-options:trickle\n"
    "a=fingerprint:sha-256 "
    "5E:0B:2D:7A:1C:44:9F:3E:88:B1:0D:6C:72:A5:E9:13:4F:C2:60:9D:3B:71:AE:05:D8:2F:94:16:6B:C7:E0:"
    "58\n"
    "a=setup:actpass\n"
    "a=mid:0\n"
    "a=sendrecv\n"
    "a=msid:7f2c1e4a 1b9d3c5e\n"
    "a=rtcp-mux\n"
    "a=rtpmap:111 opus/48000/2\n"
    "a=rtcp-fb:111 transport-cc\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\n"
    "a=rtpmap:63 red/48000/2\n"
    "a=rtpmap:9 G722/8000\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:13 CN/8000\n"
    "a=rtpmap:110 telephone-event/48000\n"
    "a=rtpmap:126 telephone-event/8000\n"
    "a=ssrc:2738104955 cname:c9Xk2LmQ0pR7sT4v\n");

const std::string invite_text =
    crlf(
        "INVITE sip:+919876543210@voice.example.com SIP/2.0\n"
        "Via: SIP/2.0/WSS q8d3lk2m9f0a.invalid;branch=z9hG4bK9044521\n"
        "Max-Forwards: 69\n"
        "To: <sip:+919876543210@voice.example.com>\n"
        "From: \"Agent 1042\" <sip:agent1042@voice.example.com>;tag=n3u8d1k0qe\n"
        "Call-ID: 4hq8z1w7c2m5v0b3x6n9\n"
        "CSeq: 8421 INVITE\n"
        "Proxy-Authorization: Digest algorithm=MD5, username=\"agent1042\", "
        "realm=\"voice.example.com\", "
        "nonce=\"Zk3Lc2A0bS1vY3JlZGVudGlhbHM\", uri=\"sip:+919876543210@voice.example.com\", "
        "response=\"0a4f113eb6a2f9c8d7e6b5a4c3d2e1f0\", qop=auth, cnonce=\"k2j3h4g5\", "
        "nc=00000001\n"
        "Contact: <sip:3kd9s0w2@q8d3lk2m9f0a.invalid;transport=ws;ob>\n"
        "Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\n"
        "Supported: outbound,timer\n"
        "Session-Expires: 1800\n"
        "User-Agent: ringstorm-bench/0.1\n"
        "X-Campaign-Id: 5512\n"
        "Content-Type: application/sdp\n"
        "Content-Length: " +
        std::to_string(sdp.size()) + "\n\n") +
    sdp;

const std::string ok_text = crlf(
    "SIP/2.0 200 OK\n"
    "Via: SIP/2.0/WSS "
    "q8d3lk2m9f0a.invalid;branch=z9hG4bK3718447;received=198.51.100.23;rport=50312\n"
    "To: <sip:agent1042@voice.example.com>;tag=37GkEhwl6\n"
    "From: \"Agent 1042\" <sip:agent1042@voice.example.com>;tag=b8v2kqj1c0\n"
    "Call-ID: 9fmc4t3r8u2k0p1s6a7d\n"
    "CSeq: 2 REGISTER\n"
    "Contact: <sip:3kd9s0w2@q8d3lk2m9f0a.invalid;transport=ws>;expires=600;+sip.ice;reg-id=1;"
    "+sip.instance=\"<urn:uuid:3c1f2b7e-8d4a-4f6b-9e0c-1a2b3c4d5e6f>\"\n"
    "Path: <sip:edge1.voice.example.com;lr;ob>\n"
    "Date: Tue, 04 Jun 2024 10:21:07 GMT\n"
    "Server: voice-edge/5.7\n"
    "Content-Length: 0\n\n");

void parse_bench(benchmark::State& state, const std::string& text) {
    for (auto _ : state) {
        auto r = parse(text);
        if (!r) {
            state.SkipWithError(r.error().to_string().c_str());
            break;
        }
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["msg_bytes"] = static_cast<double>(text.size());
}

void serialize_bench(benchmark::State& state, const std::string& text) {
    auto m = parse(text);
    if (!m) {
        state.SkipWithError(m.error().to_string().c_str());
        return;
    }
    std::string out;
    for (auto _ : state) {
        out.clear();
        serialize(*m, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}

void stream_bench(benchmark::State& state, const std::string& text) {
    stream_parser p;
    message m;
    parse_error e;
    for (auto _ : state) {
        p.feed(text);
        if (p.next(m, e) != stream_parser::status::ready) {
            state.SkipWithError(e.to_string().c_str());
            break;
        }
        benchmark::DoNotOptimize(m);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void sip_parse_register(benchmark::State& s) {
    parse_bench(s, register_text);
}
void sip_parse_invite_webrtc(benchmark::State& s) {
    parse_bench(s, invite_text);
}
void sip_parse_200_ok_register(benchmark::State& s) {
    parse_bench(s, ok_text);
}
void sip_serialize_register(benchmark::State& s) {
    serialize_bench(s, register_text);
}
void sip_serialize_invite_webrtc(benchmark::State& s) {
    serialize_bench(s, invite_text);
}
void sip_serialize_200_ok_register(benchmark::State& s) {
    serialize_bench(s, ok_text);
}
void sip_stream_parse_invite_webrtc(benchmark::State& s) {
    stream_bench(s, invite_text);
}

}  // namespace

BENCHMARK(sip_parse_register);
BENCHMARK(sip_parse_invite_webrtc);
BENCHMARK(sip_parse_200_ok_register);
BENCHMARK(sip_serialize_register);
BENCHMARK(sip_serialize_invite_webrtc);
BENCHMARK(sip_serialize_200_ok_register);
BENCHMARK(sip_stream_parse_invite_webrtc);
