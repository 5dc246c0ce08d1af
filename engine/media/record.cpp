#include "engine/media/record.hpp"

#include <algorithm>
#include <cmath>

namespace ringstorm::media {
namespace {

// Adds the growth of a monotonic counter since `folded` (a stream's counter never falls,
// but a clamp keeps a confused caller from wrapping the totals).
void grow(std::uint64_t& total, std::uint64_t current, std::uint64_t& folded) noexcept {
    if (current > folded) {
        total += current - folded;
        folded = current;
    }
}

// Seconds from the stream (jitter, RTT) as histogram nanoseconds; false for values that
// are no measurement (NaN, infinite).
bool to_ns(double seconds, std::int64_t& ns) noexcept {
    if (!std::isfinite(seconds)) {
        return false;
    }
    // Clamped before conversion: the histogram clamps at 1 h anyway, and a double beyond
    // int64 would be undefined to convert.
    ns = std::llround(std::clamp(seconds, 0.0, 3600.0) * 1e9);
    return true;
}

void fold_counters(core::stats& s, const stream_stats& m, media_progress& p) noexcept {
    grow(s.media_packets_sent, m.packets_sent, p.packets_sent);
    grow(s.media_packets_received, m.packets_received, p.packets_received);
    grow(s.media_packets_lost,
         static_cast<std::uint64_t>(std::max<std::int64_t>(m.packets_lost, 0)), p.packets_lost);
    grow(s.media_srtp_auth_failures, m.srtp_auth_failures, p.srtp_auth_failures);
}

}  // namespace

void record_media_live(core::stats& s, const stream_stats& m, media_progress& progress) noexcept {
    if (progress.finished) {
        return;
    }
    if (!progress.active) {
        progress.active = true;
        ++s.media_streams_active;
    }
    fold_counters(s, m, progress);
}

void record_media(core::stats& s, const stream_stats& m, media_progress& progress) noexcept {
    if (progress.finished) {
        return;
    }
    progress.finished = true;
    fold_counters(s, m, progress);
    if (progress.active) {
        progress.active = false;
        --s.media_streams_active;
    }
    if (m.srtp_up) {
        ++s.media_streams;
    }
    if (m.ice) {
        s.record(core::step::ice, *m.ice);
    }
    if (m.dtls_handshake) {
        s.record(core::step::dtls_handshake, *m.dtls_handshake);
    }
    if (m.first_packet) {
        s.record(core::step::media_first_packet, *m.first_packet);
    }
    std::int64_t ns = 0;
    // A.8 jitter needs two transit times: with fewer packets its 0 is no measurement.
    if (m.packets_received >= 2 && to_ns(m.jitter_seconds, ns)) {
        s.media_jitter.record_ns(ns);
    }
    if (m.rtt_seconds && to_ns(*m.rtt_seconds, ns)) {
        s.media_rtt.record_ns(ns);
    }
    if (m.mos) {
        s.media_mos.record(*m.mos);
    }
}

void record_media(core::stats& s, const stream_stats& m) noexcept {
    media_progress progress;
    record_media(s, m, progress);
}

}  // namespace ringstorm::media
