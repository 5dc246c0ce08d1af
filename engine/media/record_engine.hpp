#pragma once
// Copying a worker's media engine figures (media::engine_stats) into that worker's
// core::stats, where summary.json "media" (send_lateness_seconds_p99, ticks_skipped,
// unroutable, send_errors, receive_errors), the threshold figure
// media.send_lateness_seconds_p99 and the metrics ringstorm_media_send_lateness_seconds,
// ringstorm_media_ticks_skipped_total, _unroutable_total, _send_errors_total and
// _receive_errors_total read them.
// A sibling of record.hpp (one call's stream figures); kept apart because the engine's
// figures are the worker's, not a call's.
//
// The engine's counters and histogram only grow and a worker has one engine, so the copy
// replaces the worker's previous one instead of adding a delta: call it as often as
// wanted (once a second for live scrapes, once more when the worker ends) and the worker's
// stats always hold exactly what its engine has counted. Merging workers' stats then adds
// the engines together. Runs on the worker's thread like every stats update.

#include "engine/core/stats.hpp"
#include "engine/media/media_engine.hpp"

namespace ringstorm::media {

// Sets s's engine figures (media_send_lateness, media_ticks_skipped, media_unroutable,
// media_send_errors, media_receive_errors) to e's. A copy of one fixed-size histogram
// (≈8.6 KB) and four counters; no allocation.
void record_engine(core::stats& s, const engine_stats& e) noexcept;

}  // namespace ringstorm::media
