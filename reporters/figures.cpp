#include "reporters/figures.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "engine/core/histogram.hpp"
#include "engine/core/step.hpp"

namespace ringstorm::reporters {
namespace {

constexpr double no_data = std::numeric_limits<double>::quiet_NaN();

double ratio(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? no_data : static_cast<double>(part) / static_cast<double>(whole);
}

// A quantile of a per-call distribution (jitter, RTT), in seconds; NaN without samples.
double quantile_seconds(const core::histogram& h, double q) {
    if (h.count() == 0) {
        return no_data;
    }
    return static_cast<double>(h.value_at_quantile(q).count()) * 1e-9;
}

struct counter_figure {
    std::string_view name;
    double (*value)(const core::stats&);
};

double as_double(std::uint64_t n) {
    return static_cast<double>(n);
}

// The named figures of threshold.cpp's table other than latencies. Failure ratios are over
// attempts: phones planned, REGISTERs sent, calls offered; loss is over expected packets
// (received + lost). Jitter, RTT and MOS are over calls (one sample each, see
// engine/media/record.hpp); NaN when no call measured them. Send lateness is over the media
// engines' pacing ticks (engine/media/record_engine.hpp); NaN when no engine ticked.
constexpr std::array<counter_figure, 26> counters{{
    {"phones.planned", [](const core::stats& s) { return as_double(s.phones_planned); }},
    {"phones.registered", [](const core::stats& s) { return as_double(s.phones_registered); }},
    {"phones.failed", [](const core::stats& s) { return as_double(s.phones_failed); }},
    {"phones.failed_ratio",
     [](const core::stats& s) { return ratio(s.phones_failed, s.phones_planned); }},
    {"registrations.total", [](const core::stats& s) { return as_double(s.registrations_total()); }},
    {"registrations.failed",
     [](const core::stats& s) { return as_double(s.registrations_failed()); }},
    {"registrations.failed_ratio",
     [](const core::stats& s) { return ratio(s.registrations_failed(), s.registrations_total()); }},
    {"calls.offered", [](const core::stats& s) { return as_double(s.calls_offered); }},
    {"calls.answered", [](const core::stats& s) { return as_double(s.calls_answered); }},
    {"calls.completed", [](const core::stats& s) { return as_double(s.calls_completed); }},
    {"calls.failed", [](const core::stats& s) { return as_double(s.calls_failed); }},
    {"calls.failed_ratio",
     [](const core::stats& s) { return ratio(s.calls_failed, s.calls_offered); }},
    {"contract.checked", [](const core::stats& s) { return as_double(s.contract_checked); }},
    {"contract.passed", [](const core::stats& s) { return as_double(s.contract_passed); }},
    {"contract.violations",
     [](const core::stats& s) { return as_double(s.contract_violations.total()); }},
    {"protocol_errors.total",
     [](const core::stats& s) { return as_double(s.protocol_errors.total()); }},
    {"media.streams", [](const core::stats& s) { return as_double(s.media_streams); }},
    {"media.packets_sent", [](const core::stats& s) { return as_double(s.media_packets_sent); }},
    {"media.packets_received",
     [](const core::stats& s) { return as_double(s.media_packets_received); }},
    {"media.packets_lost", [](const core::stats& s) { return as_double(s.media_packets_lost); }},
    {"media.loss_ratio",
     [](const core::stats& s) {
         return ratio(s.media_packets_lost, s.media_packets_received + s.media_packets_lost);
     }},
    {"media.jitter_seconds_p99",
     [](const core::stats& s) { return quantile_seconds(s.media_jitter, 0.99); }},
    {"media.rtt_seconds_p50",
     [](const core::stats& s) { return quantile_seconds(s.media_rtt, 0.50); }},
    {"media.mos_mean",
     [](const core::stats& s) { return s.media_mos.count() == 0 ? no_data : s.media_mos.mean(); }},
    {"media.srtp_auth_failures",
     [](const core::stats& s) { return as_double(s.media_srtp_auth_failures); }},
    {"media.send_lateness_seconds_p99",
     [](const core::stats& s) { return quantile_seconds(s.media_send_lateness, 0.99); }},
}};

// `<step>.<stat>`; nullopt when the name is not a latency figure. `count` of a step with no
// samples is 0 (a real count); every other statistic of it is NaN.
std::optional<double> latency_figure(std::string_view metric, const core::stats& s) {
    const std::size_t dot = metric.rfind('.');
    if (dot == std::string_view::npos) {
        return std::nullopt;
    }
    auto step = core::step_from_string(metric.substr(0, dot));
    if (!step) {
        return std::nullopt;
    }
    const std::string_view stat = metric.substr(dot + 1);
    const core::latency_summary sum = core::summarize(s.latency[core::index(*step)]);
    if (stat == "count") {
        return static_cast<double>(sum.count);
    }
    const std::array<std::pair<std::string_view, double>, 6> stats{{
        {"min", sum.min},
        {"p50", sum.p50},
        {"p90", sum.p90},
        {"p99", sum.p99},
        {"p999", sum.p999},
        {"max", sum.max},
    }};
    for (const auto& [name, value] : stats) {
        if (name == stat) {
            return sum.count == 0 ? no_data : value;
        }
    }
    return std::nullopt;
}

}  // namespace

core::result<double, std::string> figure(std::string_view metric, const run_report& report) {
    for (const counter_figure& c : counters) {
        if (c.name == metric) {
            return c.value(report.totals);
        }
    }
    if (auto latency = latency_figure(metric, report.totals)) {
        return *latency;
    }
    return core::unexpected{"unknown metric '" + std::string(metric) +
                            "' (scenario::threshold_metrics() lists the known ones)"};
}

std::vector<threshold_result> evaluate_thresholds(
    const std::vector<scenario::threshold>& thresholds, const run_report& report) {
    std::vector<threshold_result> out;
    out.reserve(thresholds.size());
    for (const scenario::threshold& t : thresholds) {
        auto value = figure(t.metric, report);
        const double observed = value ? *value : no_data;
        out.push_back(threshold_result{t.metric, t.condition, observed, t.passes(observed)});
    }
    return out;
}

}  // namespace ringstorm::reporters
