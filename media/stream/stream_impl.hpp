#pragma once
// Inside media::stream (stream.hpp): its state and the functions of its parts, split by
// concern over stream.cpp (lifecycle, ICE, demultiplexing), stream_dtls.cpp (DTLS and SRTP
// set-up), stream_rtp.cpp (RTP out and in, echo), stream_rtcp.cpp (reports, RTT) and
// stream_checks.cpp (findings, tone windows, derived quality). Internal to the library.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "media/dtls/fingerprint.hpp"
#include "media/dtls/session.hpp"
#include "media/ice/agent.hpp"
#include "media/rtp/opus_live_encoder.hpp"
#include "media/rtp/receive_stats.hpp"
#include "media/rtp/rtp_header.hpp"
#include "media/srtp/session.hpp"
#include "media/stream/stream.hpp"
#include "media/stream/tone_sampler.hpp"

namespace ringstorm::media {

using namespace std::chrono_literals;

// RFC 3550 §6.2: at least 5 s between reports, the first after half of that.
inline constexpr core::duration rtcp_min_interval = 5s;
// After a state change (SRTP up, flow, mute, a new peer SSRC) what is in flight and in
// the peer's echo path still reflects the old state: tone windows are not judged during
// this long plus one RTT.
inline constexpr core::duration check_grace = 1s;
// media.hold_direction: what the peer sent before it saw our new direction is not its fault.
inline constexpr core::duration hold_grace = 200ms;
// A tone window that has not filled by then is abandoned (packets stopped or kept gapping).
inline constexpr core::duration window_timeout = 1s;
// Bad windows in a row before a tone check becomes a finding: one odd window (a loss
// burst, a talkspurt edge) is not enough.
inline constexpr unsigned bad_windows_needed = 2;
// Jitter-buffer delay assumed for the E-model's one-way delay (WebRTC's NetEq targets
// 40–80 ms), raised to 3× the measured jitter when that is larger.
inline constexpr core::duration assumed_jitter_buffer = 40ms;
// RTP packet buffer: 12-byte header, an Opus frame (≤ 1275 bytes, RFC 6716 §3.2.1), the
// largest SRTP tag (16) — and any RTCP compound we write.
inline constexpr std::size_t packet_buffer_size = 1500;
// Bytes of received Opus payload a tone window keeps (5 frames of ≈40–160 bytes).
inline constexpr std::size_t window_buffer_size = 1280;

// splitmix64: a few bytes of state for what the stream randomises (RTCP intervals,
// detection back-off, start values); mt19937_64 would cost 2.5 KB per call.
struct small_rng {
    std::uint64_t state = 0;
    std::uint64_t next() noexcept {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1).
    double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

struct stream::impl {
    impl(const stream_config& c, const stream_shared& s, ice::agent_config ac);

    stream_config cfg;
    stream_shared shared;
    stream_stats st;
    small_rng rng;
    bool started = false;
    bool stopped = false;
    core::time_point started_at{};

    // ---- ICE ----
    ice::agent agent;
    bool ice_connected = false;
    bool ice_dead = false;  // failed or timed out: nothing more is sent
    // agent.next_timeout(), kept after each call that feeds the agent (set_remote,
    // on_packet, on_timer: nothing else moves it), so a tick of an established call does
    // not walk the agent's pairs and transactions to learn that nothing is due.
    core::time_point ice_due = core::time_point::max();
    bool have_peer = false;
    stun::transport_address peer;  // where DTLS, RTP and RTCP go

    // ---- DTLS ----
    std::optional<dtls::fingerprint> remote_fingerprint;
    dtls_side our_dtls = dtls_side::client;
    std::optional<dtls::dtls_session> dtls;
    bool dtls_begun = false;
    bool dtls_over = false;            // connected (keys taken) or failed
    bool final_flight_sent = false;    // we are the client and sent our Finished flight
    bool server_waiting = false;       // server session made, ClientHello not yet seen
    core::time_point dtls_started{};   // client start() or the server's first datagram
    core::time_point dtls_deadline{};  // dtls_timeout from ICE selection

    // ---- SRTP and what we send ----
    std::optional<srtp::srtp_session> srtp;
    bool peer_proved_keys = false;  // an SRTP/SRTCP packet of the peer authenticated
    core::time_point srtp_up_at{};
    flow fl;
    core::time_point flow_changed{};
    bool muted = false;
    core::time_point mute_changed{};
    std::shared_ptr<const rtp::opus_tone_clip> clip;  // opus_source::replay
    // opus_source::live only: our own encoder (≈47 KB with libopus' state), never made for
    // replay, echo or none.
    std::unique_ptr<rtp::opus_live_encoder> live;
    std::uint32_t ssrc = 0;
    std::uint16_t seq = 0;
    std::uint32_t ts_base = 0;
    std::uint64_t frames = 0;       // media clock ticks since SRTP up (sent or not)
    std::uint32_t last_ts = 0;      // timestamp of the last packet we sent
    bool talkspurt_start = true;    // the next packet carries the marker bit
    std::uint32_t octets_sent = 0;  // payload octets, for the SR
    bool sent_since_report = false;
    // Echo: the peer's sequence/timestamp mapped onto ours by a fixed offset per peer
    // SSRC, so the far end measures round-trip loss and jitter on the echo.
    bool echo_mapped = false;
    std::uint16_t echo_seq_offset = 0;
    std::uint32_t echo_ts_offset = 0;

    // ---- what we receive ----
    bool have_peer_ssrc = false;
    std::uint32_t peer_ssrc = 0;
    rtp::receive_stats rs{48000};
    std::int64_t lost_base = 0;  // cumulative loss of earlier peer SSRCs
    std::int64_t expected_base = 0;
    std::int64_t lost_nodup_base = 0;
    core::time_point ssrc_changed{};
    core::time_point last_rx{};
    bool no_media_open = false;  // a no_media gap is running (counted once)
    core::time_point expect_since{};
    std::uint64_t hold_packets = 0;
    core::time_point next_rtcp{};
    core::time_point next_quality{};

    // ---- tone windows ----
    std::unique_ptr<tone_sampler> own_sampler;  // when the worker gives none
    bool collecting = false;
    core::time_point window_started{};
    core::time_point next_detect{};
    std::size_t window_count = 0;
    std::size_t window_used = 0;
    std::uint16_t window_last_seq = 0;
    std::array<std::uint16_t, tone_sampler::window_frames + 1> window_offsets{};
    std::array<std::uint8_t, window_buffer_size> window{};
    unsigned bad_one_way = 0;
    unsigned bad_wrong = 0;
    unsigned bad_mute = 0;

    alignas(8) std::array<std::uint8_t, packet_buffer_size> tx{};

    // stream.cpp
    void drain_ice(core::time_point now, datagram_sink& out);
    void on_stun(const stun::transport_address& from, std::span<std::uint8_t> bytes,
                 core::time_point now, datagram_sink& out);
    void on_ice_selected(core::time_point now, datagram_sink& out);
    void fail_ice(core::time_point now);
    void send(std::span<const std::uint8_t> bytes, datagram_sink& out);

    // stream_dtls.cpp
    void begin_dtls(core::time_point now, datagram_sink& out);
    void on_dtls(const stun::transport_address& from, std::span<const std::uint8_t> bytes,
                 core::time_point now, datagram_sink& out);
    void dtls_tick(core::time_point now, datagram_sink& out);
    void flush_dtls(datagram_sink& out);
    void after_dtls_input(core::time_point now, datagram_sink& out);
    void fail_dtls(core::time_point now);
    void on_peer_authenticated();
    bool peer_may_have_keys() const noexcept;

    // stream_rtp.cpp
    void send_tone(core::time_point now, datagram_sink& out);
    // One tone (or silence) packet of ours into `room`: the clip's frame, or a frame of
    // the live encoder. Bytes written (header + payload).
    core::result<std::size_t, rtp::errc> write_replay_packet(const rtp::rtp_header& h,
                                                             std::span<std::uint8_t> room) noexcept;
    core::result<std::size_t, rtp::errc> write_live_packet(const rtp::rtp_header& h,
                                                           std::span<std::uint8_t> room) noexcept;
    void on_rtp(std::span<std::uint8_t> bytes, core::time_point now, datagram_sink& out);
    void echo(const rtp::rtp_packet_view& in, datagram_sink& out);
    void track_source(std::uint32_t source, core::time_point now);
    bool protect_and_send(std::size_t length, datagram_sink& out);

    // stream_rtcp.cpp
    void on_rtcp(std::span<std::uint8_t> bytes, core::time_point now);
    void send_rtcp(core::time_point now, datagram_sink& out, bool bye);
    core::duration rtcp_interval(bool initial) noexcept;

    // stream_checks.cpp
    void add_finding(media_rule rule, core::time_point at, std::uint64_t count = 1);
    bool has_finding(media_rule rule) const noexcept;
    void check_tick(core::time_point now);
    void update_quality();
    void on_window_packet(const rtp::rtp_packet_view& p, core::time_point now);
    void judge_window(const rtp::tone_verdict& v, core::time_point now);
    bool expecting_media() const noexcept;
    core::duration rtt_or_zero() const noexcept;
    tone_sampler* sampler();
};

}  // namespace ringstorm::media
