#pragma once
// Folding one call's media figures (media::stream_stats) into its worker's core::stats,
// which summary.json "media", the ringstorm_media_* metrics and the latencies ice,
// dtls_handshake and media_first_packet are built from. Lives here, not in core, because
// core must not know media types; runs on the worker's thread like every stats update.
//
// Two moments:
// - During the call, record_media_live(stats, stream.stats(), progress) adds what the
//   counters (packets sent/received/lost, SRTP auth failures) grew by since the previous
//   call for this stream, so the console and /metrics show media moving during a 60 s
//   call instead of jumping at its end. Call it once when the stream starts (it then
//   counts in media_streams_active) and then periodically — about once a second is what
//   the readers need (the console line and a scrape happen once a second at most); every
//   20 ms tick would only cost a few additions more. `progress` is the call's own memo of
//   what has been folded; keep it next to the stream.
// - At the call's end, record_media(stats, stream.stats(), progress) once: the remaining
//   counter growth, one sample per distribution (jitter, RTT, MOS), the three latencies
//   when the stream reached them, media_streams when SRTP came up, and the stream leaves
//   media_streams_active. The two-argument overload is for a call that made no live
//   update (tests, short calls): it folds everything at once. A stream that had a live
//   update must get its record_media, also when the run ends under it (the tab's end path),
//   or the active gauge stays up in the final figures.
//
// What a distribution sample is: the stream's final A.8 jitter (its smoothed value over
// the last ≈16 packets, what RTCP reports; streams with fewer than two RTP packets
// received have no jitter and give no sample), its last RTT, its MOS over the whole call.
// One sample per call, so p99 of jitter is "99 % of calls ended with at most this
// jitter", independent of call lengths and of how often live updates run.
//
// Lost packets: RFC 3550 A.3's cumulative lost can fall when late packets arrive after a
// live update counted them lost. Counters never go back (Prometheus counters must not), so
// the totals keep the highest value any update saw; without live updates they are the
// final values exactly.

#include <cstdint>

#include "engine/core/stats.hpp"
#include "media/stream/stream_stats.hpp"

namespace ringstorm::media {

// What of one stream's counters is already in the worker's stats (one per call).
struct media_progress {
    std::uint64_t packets_sent = 0;
    std::uint64_t packets_received = 0;
    std::uint64_t packets_lost = 0;  // the highest non-negative A.3 value folded
    std::uint64_t srtp_auth_failures = 0;
    bool active = false;    // counted in stats::media_streams_active
    bool finished = false;  // record_media ran: later calls change nothing
};

// Adds the growth of m's counters since `progress` to `s` and marks the stream active.
// Cheap (a few comparisons and additions); no-op after record_media.
void record_media_live(core::stats& s, const stream_stats& m, media_progress& progress) noexcept;

// The call's end: folds the rest of m into `s` (see the header comment); later calls with
// the same `progress` are no-ops, so a call cannot be counted twice.
void record_media(core::stats& s, const stream_stats& m, media_progress& progress) noexcept;

// For a stream that had no live update: everything at once.
void record_media(core::stats& s, const stream_stats& m) noexcept;

}  // namespace ringstorm::media
