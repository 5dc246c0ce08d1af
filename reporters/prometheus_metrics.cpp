#include "reporters/prometheus_metrics.hpp"

#include <array>
#include <limits>
#include <span>

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include "engine/core/histogram.hpp"
#include "engine/core/step.hpp"

namespace ringstorm::reporters {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

struct family_builder {
    MetricFamily family;
    std::string scenario;

    family_builder(std::string name, std::string help, MetricType type, std::string_view sc)
        : scenario(sc) {
        family.name = std::move(name);
        family.help = std::move(help);
        family.type = type;
    }

    ClientMetric& add(std::initializer_list<std::pair<const char*, std::string_view>> labels) {
        ClientMetric m;
        m.label.push_back({"scenario", scenario});
        for (const auto& [name, value] : labels) {
            m.label.push_back({name, std::string(value)});
        }
        family.metric.push_back(std::move(m));
        return family.metric.back();
    }
    void counter(std::initializer_list<std::pair<const char*, std::string_view>> labels, double v) {
        add(labels).counter.value = v;
    }
    void gauge(std::initializer_list<std::pair<const char*, std::string_view>> labels, double v) {
        add(labels).gauge.value = v;
    }
};

// A family of one counter with no label but `scenario`.
MetricFamily single_counter(std::string name, std::string help, std::string_view scenario,
                            std::uint64_t value) {
    family_builder f(std::move(name), std::move(help), MetricType::Counter, scenario);
    f.counter({}, static_cast<double>(value));
    return std::move(f.family);
}

// Interarrival jitter bounds (seconds): 0.5 ms (a clean LAN) to 200 ms (beyond any
// jitter buffer), dense around 10–50 ms where voice quality starts to suffer.
constexpr std::array<double, 11> jitter_le_seconds{
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2,
};
// RTT bounds (seconds): loopback to a satellite hop; ITU-T G.114 puts the limit of
// acceptable one-way delay at 150 ms (300 ms RTT).
constexpr std::array<double, 11> rtt_le_seconds{
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5,
};
// Send lateness bounds (seconds): 50 µs (an idle worker) to 20 ms (a whole pacing period,
// beyond which ticks are skipped), dense around the 1–2 ms a 1 ms tick grid should hold.
constexpr std::array<double, 11> lateness_le_seconds{
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0015, 0.002, 0.005, 0.01, 0.015, 0.02,
};
// MOS bounds: 1 to 4.5 (the E-model's ceiling) in 0.25 steps, on mos_histogram's exact grid.
constexpr std::array<double, 15> mos_le{
    1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 3.25, 3.5, 3.75, 4.0, 4.25, 4.5,
};

void fill_buckets(ClientMetric& m, std::span<const double> le,
                  const std::vector<std::uint64_t>& cumulative, std::uint64_t count, double sum) {
    for (std::size_t i = 0; i < le.size(); ++i) {
        m.histogram.bucket.push_back({cumulative[i], le[i]});
    }
    m.histogram.bucket.push_back({count, std::numeric_limits<double>::infinity()});
    m.histogram.sample_count = count;
    m.histogram.sample_sum = sum;
}

void histogram_metric(ClientMetric& m, const core::histogram& h,
                      std::span<const double> le = core::default_le_seconds) {
    fill_buckets(m, le, h.cumulative_counts(le), h.count(), h.sum_seconds());
}

}  // namespace

std::vector<MetricFamily> metric_families(const core::stats& s, std::string_view scenario,
                                          std::uint64_t live_phones) {
    std::vector<MetricFamily> out;

    family_builder phones("ringstorm_phones",
                          "Phones by state (planned, started, live, registered, failed)",
                          MetricType::Gauge, scenario);
    phones.gauge({{"state", "planned"}}, static_cast<double>(s.phones_planned));
    phones.gauge({{"state", "started"}}, static_cast<double>(s.phones_started));
    phones.gauge({{"state", "live"}}, static_cast<double>(live_phones));
    phones.gauge({{"state", "registered"}}, static_cast<double>(s.phones_registered));
    phones.gauge({{"state", "failed"}}, static_cast<double>(s.phones_failed));
    out.push_back(std::move(phones.family));

    family_builder regs("ringstorm_registrations_total",
                        "REGISTER attempts (initial, refresh, recovery) by outcome",
                        MetricType::Counter, scenario);
    for (std::size_t i = 0; i < core::registration_result_count; ++i) {
        regs.counter({{"result", core::to_string(static_cast<core::registration_result>(i))}},
                     static_cast<double>(s.registrations[i]));
    }
    out.push_back(std::move(regs.family));

    family_builder calls("ringstorm_calls_total", "Calls by outcome", MetricType::Counter,
                         scenario);
    calls.counter({{"result", "offered"}}, static_cast<double>(s.calls_offered));
    calls.counter({{"result", "answered"}}, static_cast<double>(s.calls_answered));
    calls.counter({{"result", "completed"}}, static_cast<double>(s.calls_completed));
    calls.counter({{"result", "failed"}}, static_cast<double>(s.calls_failed));
    out.push_back(std::move(calls.family));

    family_builder active("ringstorm_active_calls", "Calls up now", MetricType::Gauge, scenario);
    active.gauge({}, static_cast<double>(s.active_calls));
    out.push_back(std::move(active.family));

    family_builder steps("ringstorm_step_duration_seconds",
                         "Latency of each step, from when its action was due",
                         MetricType::Histogram, scenario);
    for (core::step step : core::all_steps) {
        histogram_metric(steps.add({{"step", core::to_string(step)}}),
                         s.latency[core::index(step)]);
    }
    out.push_back(std::move(steps.family));

    family_builder violations("ringstorm_contract_violations_total",
                              "SDK callback contract violations by rule", MetricType::Counter,
                              scenario);
    for (const auto& [rule, n] : s.contract_violations.entries()) {
        violations.counter({{"rule", rule}}, static_cast<double>(n));
    }
    out.push_back(std::move(violations.family));

    family_builder sip("ringstorm_sip_messages_total", "SIP messages seen by the phones",
                       MetricType::Counter, scenario);
    for (std::size_t d = 0; d < core::direction_count; ++d) {
        for (std::size_t m = 0; m < core::sip_method_count; ++m) {
            for (std::size_t c = 0; c < core::status_class_count; ++c) {
                std::uint64_t n = s.sip_messages[d][m][c];
                if (n == 0) {
                    continue;  // only series that happened: the full cross product is 210
                }
                sip.counter({{"direction", core::to_string(static_cast<core::direction>(d))},
                             {"method", core::to_string(static_cast<core::sip_method>(m))},
                             {"status_class", core::to_string(static_cast<core::status_class>(c))}},
                            static_cast<double>(n));
            }
        }
    }
    out.push_back(std::move(sip.family));

    family_builder packets("ringstorm_media_packets_total", "RTP packets", MetricType::Counter,
                           scenario);
    packets.counter({{"direction", "sent"}}, static_cast<double>(s.media_packets_sent));
    packets.counter({{"direction", "received"}}, static_cast<double>(s.media_packets_received));
    out.push_back(std::move(packets.family));

    out.push_back(single_counter("ringstorm_media_packets_lost_total",
                                 "RTP packets lost (sequence gaps)", scenario,
                                 s.media_packets_lost));

    family_builder jitter("ringstorm_media_jitter_seconds",
                          "Interarrival jitter (RFC 3550 A.8) of each call at its end",
                          MetricType::Histogram, scenario);
    histogram_metric(jitter.add({}), s.media_jitter, jitter_le_seconds);
    out.push_back(std::move(jitter.family));

    family_builder mos("ringstorm_media_mos", "E-model MOS estimate (ITU-T G.107) of each call",
                       MetricType::Histogram, scenario);
    fill_buckets(mos.add({}), mos_le, s.media_mos.cumulative_counts(mos_le), s.media_mos.count(),
                 s.media_mos.sum());
    out.push_back(std::move(mos.family));

    family_builder rtt("ringstorm_media_rtt_seconds",
                       "Round-trip time from RTCP (RFC 3550 6.4.1) of each call, last value",
                       MetricType::Histogram, scenario);
    histogram_metric(rtt.add({}), s.media_rtt, rtt_le_seconds);
    out.push_back(std::move(rtt.family));

    out.push_back(single_counter("ringstorm_media_streams_total", "Calls whose SRTP came up",
                                 scenario, s.media_streams));

    family_builder active_streams("ringstorm_media_active_streams", "Media streams running now",
                                  MetricType::Gauge, scenario);
    active_streams.gauge({}, static_cast<double>(s.media_streams_active));
    out.push_back(std::move(active_streams.family));

    out.push_back(single_counter("ringstorm_media_srtp_auth_failures_total",
                                 "SRTP/SRTCP packets whose authentication failed", scenario,
                                 s.media_srtp_auth_failures));

    family_builder lateness("ringstorm_media_send_lateness_seconds",
                            "Per media pacing tick: from its due time until its packets were sent",
                            MetricType::Histogram, scenario);
    histogram_metric(lateness.add({}), s.media_send_lateness, lateness_le_seconds);
    out.push_back(std::move(lateness.family));

    // The media engines' own counters (engine/media/record_engine.hpp), as in summary.json.
    out.push_back(
        single_counter("ringstorm_media_ticks_skipped_total",
                       "Media pacing ticks skipped after a worker stall of more than 20 ms",
                       scenario, s.media_ticks_skipped));
    out.push_back(single_counter("ringstorm_media_unroutable_total",
                                 "Media datagrams received that no call's stream claimed", scenario,
                                 s.media_unroutable));
    out.push_back(single_counter("ringstorm_media_send_errors_total",
                                 "Media datagrams not sent: refused by the kernel, send buffer "
                                 "full, or larger than a datagram",
                                 scenario, s.media_send_errors));
    out.push_back(single_counter("ringstorm_media_receive_errors_total",
                                 "Media receive failures and truncated datagrams (dropped)",
                                 scenario, s.media_receive_errors));
    out.push_back(single_counter("ringstorm_media_socket_drops_total",
                                 "Media datagrams dropped by Ringstorm's own full receive buffers "
                                 "(it fell behind: that loss is not the target's)",
                                 scenario, s.media_socket_drops));

    family_builder errors("ringstorm_protocol_errors_total", "Protocol errors by kind",
                          MetricType::Counter, scenario);
    for (const auto& [kind, n] : s.protocol_errors.entries()) {
        errors.counter({{"kind", kind}}, static_cast<double>(n));
    }
    out.push_back(std::move(errors.family));
    return out;
}

std::string prometheus_text(const std::vector<MetricFamily>& families) {
    return prometheus::TextSerializer{}.Serialize(families);
}

}  // namespace ringstorm::reporters
