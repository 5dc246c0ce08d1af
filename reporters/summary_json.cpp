#include "reporters/summary_json.hpp"

#include <cmath>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/histogram.hpp"
#include "engine/core/step.hpp"

namespace ringstorm::reporters {
namespace {

using json = nlohmann::ordered_json;

// The schema has numbers only; "fields that do not apply yet are zero".
double finite(double v) {
    return std::isfinite(v) ? v : 0.0;
}

json counters(const core::named_counters& c) {
    json out = json::object();
    for (const auto& [name, count] : c.entries()) {
        out[name] = count;
    }
    return out;
}

json strings(const std::vector<std::string>& v) {
    json out = json::array();
    for (const std::string& s : v) {
        out.push_back(s);
    }
    return out;
}

json contract_section(const run_report& r) {
    const core::stats& s = r.totals;
    json samples = json::array();
    for (const contract_sample& c : r.samples) {
        samples.push_back(json{{"phone", c.phone},
                               {"call_id", c.call_id},
                               {"rule", c.rule},
                               {"expected", strings(c.expected)},
                               {"observed", strings(c.observed)},
                               {"ladder", c.ladder},
                               {"detail", c.detail}});
    }
    return json{{"checked", s.contract_checked},
                {"passed", s.contract_passed},
                {"violations", s.contract_violations.total()},
                {"by_rule", counters(s.contract_violations)},
                {"samples", std::move(samples)}};
}

json latency_section(const core::stats& s) {
    json out = json::object();
    for (core::step step : core::all_steps) {
        const core::latency_summary l = core::summarize(s.latency[core::index(step)]);
        out[std::string(core::to_string(step))] =
            json{{"count", l.count},     {"min", finite(l.min)}, {"p50", finite(l.p50)},
                 {"p90", finite(l.p90)}, {"p99", finite(l.p99)}, {"p999", finite(l.p999)},
                 {"max", finite(l.max)}};
    }
    return out;
}

json media_section(const core::stats& s) {
    const std::uint64_t expected = s.media_packets_received + s.media_packets_lost;
    const double loss =
        expected == 0 ? 0.0
                      : static_cast<double>(s.media_packets_lost) / static_cast<double>(expected);
    // Jitter, RTT and MOS are over calls (one sample each); without a sample they are 0
    // like every figure that does not apply (the schema has numbers only), and the
    // extension counts below tell a measured 0 from none.
    auto seconds_at = [](const core::histogram& h, double q) {
        return h.count() == 0 ? 0.0 : static_cast<double>(h.value_at_quantile(q).count()) * 1e-9;
    };
    return json{{"streams", s.media_streams},
                {"packets_sent", s.media_packets_sent},
                {"packets_received", s.media_packets_received},
                {"packets_lost", s.media_packets_lost},
                {"loss_ratio", loss},
                {"jitter_seconds_p99", seconds_at(s.media_jitter, 0.99)},
                {"rtt_seconds_p50", seconds_at(s.media_rtt, 0.50)},
                {"mos_mean", s.media_mos.mean()},
                {"srtp_auth_failures", s.media_srtp_auth_failures},
                // Extensions (after the schema's members).
                {"jitter_samples", s.media_jitter.count()},
                {"jitter_seconds_p50", seconds_at(s.media_jitter, 0.50)},
                {"jitter_seconds_max", seconds_at(s.media_jitter, 1.0)},
                {"rtt_samples", s.media_rtt.count()},
                {"rtt_seconds_p99", seconds_at(s.media_rtt, 0.99)},
                {"mos_samples", s.media_mos.count()},
                {"mos_min", s.media_mos.min()},
                // The media engine's own figures (per pacing tick, all workers): how late
                // each tick's packets left, and what the engine skipped or dropped.
                {"send_lateness_seconds_p99", seconds_at(s.media_send_lateness, 0.99)},
                {"send_lateness_seconds_max", seconds_at(s.media_send_lateness, 1.0)},
                {"ticks_skipped", s.media_ticks_skipped},
                {"unroutable", s.media_unroutable},
                {"send_errors", s.media_send_errors},
                {"receive_errors", s.media_receive_errors},
                // Datagrams our own full socket buffers dropped: the part of packets_lost
                // that is Ringstorm's overload, not the target's or the network's.
                {"socket_drops", s.media_socket_drops}};
}

json thresholds_section(const std::vector<threshold_result>& thresholds) {
    json out = json::array();
    for (const threshold_result& t : thresholds) {
        // A NaN value (no data) is written 0; `passed` is what says it failed.
        out.push_back(json{{"metric", t.metric},
                           {"condition", t.condition},
                           {"value", finite(t.value)},
                           {"passed", t.passed && std::isfinite(t.value)}});
    }
    return out;
}

// Names and texts come from the wire and CSV files: bytes that are not UTF-8 become U+FFFD
// instead of throwing.
std::string dump(const json& value) {
    return value.dump(2, ' ', false, json::error_handler_t::replace);
}

// `{ "key": value, ... }` indented like json::dump(2), duplicate keys kept in order.
std::string write_object(const std::vector<std::pair<std::string_view, json>>& members) {
    std::string out = "{";
    const char* separator = "\n  ";
    for (const auto& [key, value] : members) {
        out += separator;
        out += dump(json(std::string(key)));
        out += ": ";
        // Nested lines move two spaces right; a dumped string never holds a raw newline.
        for (char c : dump(value)) {
            out += c;
            if (c == '\n') {
                out += "  ";
            }
        }
        separator = ",\n  ";
    }
    out += "\n}\n";
    return out;
}

}  // namespace

std::string to_summary_json(const run_report& r) {
    const core::stats& s = r.totals;
    // interface.md names two top-level members "contract": the profile (a string) and the
    // contract section (an object). An object type cannot hold both, so the members are a
    // list written by hand; readers that keep the last duplicate (Python, jq, JavaScript,
    // nlohmann) see the section, and the profile is repeated as "contract_profile".
    const std::vector<std::pair<std::string_view, json>> members{
        {"schema", summary_schema},
        {"scenario", r.scenario},
        {"contract", r.contract},
        {"target", r.target},
        {"started_at", core::format_rfc3339(r.started_at)},
        {"duration_seconds", finite(r.duration_seconds)},
        {"verdict", r.passed ? "pass" : "fail"},
        {"phones", json{{"planned", s.phones_planned},
                        {"registered", s.phones_registered},
                        {"failed", s.phones_failed}}},
        {"calls", json{{"offered", s.calls_offered},
                       {"answered", s.calls_answered},
                       {"completed", s.calls_completed},
                       {"failed", s.calls_failed}}},
        {"contract", contract_section(r)},
        {"latency_seconds", latency_section(s)},
        {"media", media_section(s)},
        {"protocol_errors",
         json{{"total", s.protocol_errors.total()}, {"by_kind", counters(s.protocol_errors)}}},
        {"thresholds", thresholds_section(r.thresholds)},
        // Extensions after the schema's members (compatible: readers ignore unknown keys).
        {"contract_profile", r.contract},
        {"aborted", r.aborted},
        {"abort_reason", r.abort_reason},
    };
    return write_object(members);
}

}  // namespace ringstorm::reporters
