#pragma once
// What one call's media did, as a plain value the tab copies into its call episode and the
// worker folds into core::stats (summary.json "media", ringstorm_media_* metrics, the
// ice / dtls_handshake / media_first_packet latencies). Times are the stream's, measured
// on the engine's clock.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"

namespace ringstorm::media {

// A media check that failed, with its stable rule id (engine/contract/README.md lists them).
enum class media_rule : std::uint8_t {
    ice_failed,     // media.ice_failed: no pair nominated within ice_timeout, or ICE failed
    dtls_failed,    // media.dtls_failed: handshake error or timeout (fingerprint mismatch too)
    no_media,       // media.no_media: nothing received media_timeout after SRTP was up
    one_way_audio,  // media.one_way_audio: packets arrive but decode as silence while the peer
                    // sends
    wrong_audio,    // media.wrong_audio: we hear a tone that is not the peer's (cross-talk), or not
                    // our echo
    mute_not_silent,  // media.mute_not_silent: the echo of our muted stream is not silence
    hold_direction,   // media.hold_direction: media arrived while we were held (RFC 6337)
    before_dtls,      // media.before_dtls: SRTP/RTP arrived before DTLS completed
    srtp_auth,        // media.srtp_auth: SRTP/SRTCP authentication failures
};
std::string_view rule_id(media_rule r) noexcept;  // "media.ice_failed"…

struct media_finding {
    media_rule rule;
    core::time_point at;
    std::uint64_t count = 1;  // packets or events behind it
};

enum class heard : std::uint8_t { nothing, silence, expected_tone, other_tone, unclear };

struct stream_stats {
    // Phases (nullopt until reached); ice and first_packet are from start() (the answer is
    // known), dtls_handshake from the DTLS start.
    std::optional<core::duration> ice;             // start() → pair selected (ice step)
    std::optional<core::duration> dtls_handshake;  // DTLS start → connected
    std::optional<core::duration>
        first_packet;  // start() → first RTP decrypted (media_first_packet)
    bool srtp_up = false;
    std::uint64_t packets_sent = 0;      // RTP sent
    std::uint64_t packets_received = 0;  // RTP decrypted and accepted
    std::int64_t packets_lost = 0;       // RFC 3550 A.3 cumulative
    double loss_ratio = 0;
    double jitter_seconds = 0;  // A.8, last value
    double jitter_seconds_max = 0;
    std::optional<double> rtt_seconds;     // from the peer's RR LSR/DLSR, last value
    std::optional<double> mos;             // E-model over the call so far
    std::uint64_t srtp_auth_failures = 0;  // SRTP+SRTCP
    std::uint64_t rtcp_sent = 0;
    std::uint64_t rtcp_received = 0;
    // RTP-range datagrams that came before the peer could have had SRTP keys: before our
    // DTLS server side was connected, or (we are the client) before we sent our final
    // flight. Media after our final flight but before the server's Finished reached us is
    // legitimate (the server is up) and dropped without counting.
    std::uint64_t before_dtls = 0;
    std::uint64_t send_late_max_ns = 0;  // worst (now - due) of our ticks
    heard last_heard = heard::nothing;
    std::vector<media_finding> findings;  // at most one per rule
};

}  // namespace ringstorm::media
