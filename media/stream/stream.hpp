#pragma once
// One call's real media, sans-I/O: ICE (media/ice) on the engine's socket, DTLS-SRTP
// (media/dtls, media/srtp) once a pair is selected, then Opus over SRTP both ways
// (media/rtp): our tone, pre-encoded or encoded live (or encoded silence when muted, or an
// echo of what we receive), RTCP SR/RR with rtcp-mux, receive statistics, sampled tone
// detection, and the media checks with their rule ids. The engine (engine/media) feeds it
// datagrams and 20 ms ticks through media::endpoint.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "media/rtp/opus_live_encoder.hpp"
#include "media/sdp/attributes.hpp"
#include "media/stream/endpoint.hpp"
#include "media/stream/stream_stats.hpp"

namespace ringstorm::dtls {
class dtls_context;
}
namespace ringstorm::rtp {
class opus_tone_clip;
}
namespace ringstorm::media {
class tone_sampler;
}

namespace ringstorm::media {

enum class ice_mode : std::uint8_t { controlling, controlled, lite };
enum class dtls_side : std::uint8_t { client, server };  // a=setup active / passive
// What we send once SRTP is up: our tone (a phone, `serve --media tone`), an echo of the
// peer's packets re-protected with our keys (`serve --media echo`), or nothing.
enum class send_mode : std::uint8_t { tone, echo, none };
// Where the Opus frames of send_mode::tone come from: the worker's clip of our tone,
// encoded once and replayed (no encoding per call: the cheap default), or an encoder of our
// own that makes and encodes our tone every 20 ms as a browser's sender does (real
// CPU-shaped load; ≈47 KB of libopus state per call, see media/rtp/opus_live_encoder.hpp).
// Either way the far end hears the same tone, at the same timestamps and sequence.
enum class opus_source : std::uint8_t { replay, live };
// RFC 3264 direction from our side: do we send, do we expect to receive.
struct flow {
    bool send = true;
    bool receive = true;
};

// What one worker shares between its streams (owned by the worker, outlives them).
struct stream_shared {
    dtls::dtls_context* dtls_client = nullptr;  // SSL_CTX for a=setup:active
    dtls::dtls_context* dtls_server = nullptr;  // for a=setup:passive
    std::string local_fingerprint;              // "sha-256 AB:CD:..." of the worker's identity
    // The tone clips a worker's streams send, indexed by grid slot (0..54, the slot of
    // rtp::frequency_for_call(tone_index)); the stream resizes it to 55 and encodes a null
    // entry on first use. Required for send_mode::tone.
    std::vector<std::shared_ptr<const rtp::opus_tone_clip>>* tones = nullptr;
    // The worker's decoder for sampled tone detection, with its budget of windows per
    // second (media/stream/tone_sampler.hpp). Null: each stream that detects makes its own
    // (≈18 KB, unbudgeted) — fine for tests and a few calls, not for thousands.
    tone_sampler* sampler = nullptr;
};

struct stream_config {
    ice_mode ice = ice_mode::controlled;
    std::string local_ufrag;  // ours, also in our SDP (RFC 8839: 4+ ice-chars)
    std::string local_pwd;    // 22+ ice-chars
    std::uint64_t tie_breaker = 0;
    std::uint64_t seed = 0;                 // transaction ids, SSRC, sequence start
    stun::transport_address local_address;  // our host candidate (the engine's port)
    send_mode mode = send_mode::tone;
    std::uint64_t tone_index = 0;  // which grid tone we send (rtp::frequency_for_call)
    opus_source opus = opus_source::replay;
    // libopus complexity (0..10) of the live encoder; unused by replay. Default: what
    // WebRTC uses on desktop.
    int opus_complexity = rtp::webrtc_opus_complexity;
    std::uint8_t opus_pt = 111;  // negotiated payload type
    std::uint32_t ssrc = 0;      // ours (also a=ssrc in our SDP)
    // Decode a window of received frames every this many ms to tell tone, silence or
    // another call's tone (0 = never decode; tone checks then report nothing).
    std::uint32_t detect_every_ms = 1000;
    // What the peer should send us, for the tone checks: its tone_index when it is a
    // Ringstorm tone sender (media.wrong_audio on another tone, media.one_way_audio on
    // silence). nullopt: any grid tone is fine and silence is not judged.
    std::optional<std::uint64_t> expected_tone;
    // The peer echoes what we send (`serve --media echo`, rtpengine's echo): we expect to hear
    // our own tone back while we send it unmuted, and silence after set_muted(true)
    // (media.mute_not_silent otherwise). Overrides expected_tone.
    bool peer_echoes = false;
    // Bounds after which the stream gives up with a finding (media.ice_failed, …).
    core::duration ice_timeout = std::chrono::seconds(10);
    core::duration dtls_timeout = std::chrono::seconds(10);
    // No media received for this long after SRTP is up while we expect to receive:
    // media.no_media.
    core::duration media_timeout = std::chrono::seconds(5);
};

// The far end as its SDP says (offer or answer).
struct remote_media {
    std::string ufrag;
    std::string pwd;
    bool ice_lite = false;
    std::vector<sdp::candidate>
        candidates;           // as the SDP lists them (the agent skips what it cannot use)
    std::string fingerprint;  // "sha-256 AB:CD:..." (hash name, space, hex)
    dtls_side our_dtls = dtls_side::client;  // the role the answer fixed for us
};

class stream final : public endpoint {
public:
    // Located error text when the config cannot run (bad ufrag, no DTLS context…).
    static std::unique_ptr<stream> create(const stream_config& config, const stream_shared& shared,
                                          std::string& error);
    ~stream() override;

    // The answer (or offer) of the far end is known: ICE starts (checks at the next tick,
    // or waiting for the peer's checks when we are lite/controlled), DTLS follows.
    void start(const remote_media& remote, core::time_point now);
    // The negotiated direction changed (hold, unhold, re-INVITE answered): what we send
    // and what we expect. The hold check (media.hold_direction) judges what arrives while
    // we do not expect to receive, after a grace of one RTT + 200 ms.
    void set_flow(flow f, core::time_point now);
    // mute(): we keep sending, encoded silence instead of the tone (a disabled track).
    void set_muted(bool muted, core::time_point now);
    // The call ended: an RTCP BYE goes out now through `out` (the owner detaches or closes
    // the port right after), checks are finalised, nothing more is sent. stats() stays
    // readable.
    void stop(core::time_point now, datagram_sink& out);

    const stream_stats& stats() const noexcept;
    // Our host candidate, credentials and fingerprint for our SDP.
    const stream_config& config() const noexcept;

    void on_datagram(const stun::transport_address& from, std::span<std::uint8_t> bytes,
                     core::time_point now, datagram_sink& out) override;
    void on_tick(core::time_point due, core::time_point now, datagram_sink& out) override;
    std::string_view local_ufrag() const noexcept override;

    struct impl;

private:
    explicit stream(std::unique_ptr<impl> i);
    std::unique_ptr<impl> impl_;
};

}  // namespace ringstorm::media
