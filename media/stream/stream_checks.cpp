// The stream's media checks (stream_stats.hpp's media_rule), its sampled tone windows and
// the quality figures derived from receive statistics (loss ratio, E-model MOS).

#include <algorithm>
#include <cmath>

#include "media/rtp/emodel.hpp"
#include "media/rtp/opus_tone.hpp"
#include "media/stream/stream_impl.hpp"

namespace ringstorm::media {

void stream::impl::add_finding(media_rule rule, core::time_point at, std::uint64_t count) {
    for (media_finding& f : st.findings) {
        if (f.rule == rule) {
            f.count += count;
            return;
        }
    }
    st.findings.push_back(media_finding{rule, at, count});
}

bool stream::impl::has_finding(media_rule rule) const noexcept {
    return std::any_of(st.findings.begin(), st.findings.end(),
                       [rule](const media_finding& f) { return f.rule == rule; });
}

core::duration stream::impl::rtt_or_zero() const noexcept {
    if (!st.rtt_seconds) {
        return core::duration::zero();
    }
    return std::chrono::duration_cast<core::duration>(
        std::chrono::duration<double>(*st.rtt_seconds));
}

bool stream::impl::expecting_media() const noexcept {
    // An echo gives back only what we send: nothing to expect while we do not.
    const bool echo_silent = cfg.peer_echoes && (!fl.send || cfg.mode == send_mode::none);
    return fl.receive && !echo_silent;
}

tone_sampler* stream::impl::sampler() {
    if (shared.sampler != nullptr) {
        return shared.sampler;
    }
    if (!own_sampler) {
        tone_sampler_options o;
        o.windows_per_second = 1e9;  // one stream alone: no budget to share
        own_sampler = tone_sampler::create(o);
    }
    return own_sampler.get();
}

void stream::impl::check_tick(core::time_point now) {
    if (!ice_connected && !ice_dead && now - started_at >= cfg.ice_timeout) {
        fail_ice(now);
    }
    if (!srtp || ice_dead) {
        return;
    }
    if (expecting_media() && !no_media_open) {
        const core::time_point since = std::max({srtp_up_at, expect_since, last_rx});
        if (now - since >= cfg.media_timeout) {
            no_media_open = true;  // one count per silent gap; a packet closes it
            add_finding(media_rule::no_media, now);
        }
    }
    if (now >= next_quality) {
        update_quality();
        next_quality = now + 1s;
    }
    if (cfg.detect_every_ms == 0) {
        return;
    }
    const auto every = std::chrono::milliseconds(cfg.detect_every_ms);
    if (collecting && now - window_started >= window_timeout) {
        collecting = false;  // packets stopped or kept gapping: nothing heard this time
        st.last_heard = heard::nothing;
        next_detect = now + every;
    }
    if (!collecting && now >= next_detect) {
        tone_sampler* s = sampler();
        if (s == nullptr) {
            next_detect = core::time_point::max();
        } else if (s->try_acquire(now)) {
            collecting = true;
            window_started = now;
            window_count = 0;
            window_used = 0;
        } else {
            // The worker's budget is spent: try again at a random point of the next period
            // so refused streams do not all come back on the same tick.
            next_detect =
                now + std::chrono::duration_cast<core::duration>(every * rng.unit()) + 20ms;
        }
    }
}

void stream::impl::on_window_packet(const rtp::rtp_packet_view& p, core::time_point now) {
    const std::size_t size = p.payload.size();
    const bool gap =
        window_count > 0 && p.header.sequence != static_cast<std::uint16_t>(window_last_seq + 1);
    if (gap || window_used + size > window.size()) {
        window_count = 0;  // consecutive frames only: start the window again here
        window_used = 0;
    }
    if (size == 0 || size > window.size()) {
        return;
    }
    window_offsets[window_count] = static_cast<std::uint16_t>(window_used);
    std::copy(p.payload.begin(), p.payload.end(),
              window.begin() + static_cast<std::ptrdiff_t>(window_used));
    window_used += size;
    ++window_count;
    window_offsets[window_count] = static_cast<std::uint16_t>(window_used);
    window_last_seq = p.header.sequence;
    if (window_count < tone_sampler::window_frames) {
        return;
    }
    std::array<std::span<const std::uint8_t>, tone_sampler::window_frames> frames;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        frames[i] = std::span<const std::uint8_t>(window.data() + window_offsets[i],
                                                  window_offsets[i + 1] - window_offsets[i]);
    }
    collecting = false;
    next_detect = now + std::chrono::milliseconds(cfg.detect_every_ms);
    judge_window(sampler()->analyse(frames), now);
}

namespace {

// Counts a bad window; a finding once `needed` came in a row, one more count per window after.
void count_bad(stream::impl& s, unsigned& run, media_rule rule, core::time_point now) {
    ++run;
    if (run == bad_windows_needed) {
        s.add_finding(rule, now, bad_windows_needed);
    } else if (run > bad_windows_needed) {
        s.add_finding(rule, now, 1);
    }
}

}  // namespace

void stream::impl::judge_window(const rtp::tone_verdict& v, core::time_point now) {
    std::optional<double> expected;
    if (cfg.peer_echoes) {
        expected = rtp::frequency_for_call(cfg.tone_index);
    } else if (cfg.expected_tone) {
        expected = rtp::frequency_for_call(*cfg.expected_tone);
    }
    heard h = heard::unclear;
    switch (v.what) {
        case rtp::tone_verdict::kind::nothing:
            h = heard::nothing;
            break;
        case rtp::tone_verdict::kind::silence:
            h = heard::silence;
            break;
        case rtp::tone_verdict::kind::unclear:
            h = heard::unclear;
            break;
        case rtp::tone_verdict::kind::tone:
            h = !expected || std::abs(v.frequency_hz - *expected) < 1.0 ? heard::expected_tone
                                                                        : heard::other_tone;
            break;
    }
    st.last_heard = h;
    const core::time_point settled =
        std::max({srtp_up_at, flow_changed, mute_changed, ssrc_changed}) + check_grace +
        rtt_or_zero();
    if (window_started < settled || !fl.receive) {
        return;  // what is in flight still reflects the old state
    }
    if (cfg.peer_echoes) {
        if (!fl.send || cfg.mode != send_mode::tone) {
            return;  // we send nothing to be echoed
        }
        if (muted) {
            // Our encoded silence must come back as silence.
            if (h == heard::expected_tone || h == heard::other_tone || h == heard::unclear) {
                count_bad(*this, bad_mute, media_rule::mute_not_silent, now);
            } else {
                bad_mute = 0;
            }
            return;
        }
    } else if (!cfg.expected_tone) {
        return;  // an unknown peer: any tone is fine, silence may be its mute
    }
    switch (h) {
        case heard::silence:
            bad_wrong = 0;
            count_bad(*this, bad_one_way, media_rule::one_way_audio, now);
            break;
        case heard::other_tone:
            bad_one_way = 0;
            count_bad(*this, bad_wrong, media_rule::wrong_audio, now);
            break;
        default:
            bad_one_way = 0;
            bad_wrong = 0;
            break;
    }
}

void stream::impl::update_quality() {
    const std::int64_t expected = expected_base + rs.expected();
    const std::int64_t lost =
        lost_nodup_base +
        std::max<std::int64_t>(
            0, rs.expected() - static_cast<std::int64_t>(rs.received() - rs.duplicates()));
    st.loss_ratio = expected > 0 ? static_cast<double>(lost) / static_cast<double>(expected) : 0.0;
    st.packets_lost = lost_base + rs.cumulative_lost();
    if (st.packets_received == 0) {
        return;
    }
    const auto jitter = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(3.0 * st.jitter_seconds));
    rtp::emodel_input in;
    in.loss_ratio = st.loss_ratio;
    in.burst_ratio = rtp::burst_ratio(rs.mean_loss_burst(), st.loss_ratio);
    in.one_way_delay =
        rtp::one_way_delay(std::chrono::duration_cast<std::chrono::nanoseconds>(rtt_or_zero()),
                           std::max<std::chrono::nanoseconds>(assumed_jitter_buffer, jitter));
    st.mos = rtp::estimate_mos(in).mos;
}

}  // namespace ringstorm::media
