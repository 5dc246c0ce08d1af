#include "reporters/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/core/histogram.hpp"
#include "engine/core/step.hpp"
#include "reporters/xml_escape.hpp"

namespace ringstorm::reporters {

namespace {

constexpr std::string_view style = R"(<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ddd}
.meta{color:#666} .pass{background:#1a7f37;color:#fff} .fail{background:#cf222e;color:#fff}
.verdict{display:inline-block;padding:.2em .8em;border-radius:4px;font-weight:bold;font-size:1.2em}
table{border-collapse:collapse;margin:.5em 0} td,th{padding:.25em .8em;text-align:right;border-bottom:1px solid #eee}
th{background:#f6f8fa} td:first-child,th:first-child{text-align:left}
.bar{background:#54aeff;height:.7em;display:inline-block;vertical-align:middle}
.ok{color:#1a7f37} .bad{color:#cf222e;font-weight:bold} code{background:#f6f8fa;padding:0 .3em}
</style>)";

std::string num(double v, const char* fmt = "%.3f") {
    if (std::isnan(v)) {
        return "no data";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

std::string count(std::uint64_t v) {
    return std::to_string(v);
}

void row(std::string& out, std::initializer_list<std::string> cells, bool header = false) {
    out += "<tr>";
    for (const std::string& c : cells) {
        out += header ? "<th>" : "<td>";
        out += c;
        out += header ? "</th>" : "</td>";
    }
    out += "</tr>\n";
}

void latency_section(std::string& out, const core::stats& s) {
    out += "<h2>Latency (milliseconds, from when each action was due)</h2>\n<table>\n";
    row(out, {"step", "count", "min", "p50", "p90", "p99", "p99.9", "max", "p99 (scaled)"}, true);
    double widest = 0;
    for (core::step step : core::all_steps) {
        widest = std::max(widest, core::summarize(s.latency[core::index(step)]).p99);
    }
    bool any = false;
    for (core::step step : core::all_steps) {
        const core::histogram& h = s.latency[core::index(step)];
        if (h.count() == 0) {
            continue;
        }
        any = true;
        core::latency_summary l = core::summarize(h);
        int width = widest > 0 ? static_cast<int>(200.0 * l.p99 / widest) : 0;
        row(out, {"<code>" + std::string(core::to_string(step)) + "</code>", count(l.count),
                  num(l.min * 1e3, "%.2f"), num(l.p50 * 1e3, "%.2f"), num(l.p90 * 1e3, "%.2f"),
                  num(l.p99 * 1e3, "%.2f"), num(l.p999 * 1e3, "%.2f"), num(l.max * 1e3, "%.2f"),
                  "<span class=bar style=\"width:" + std::to_string(width) + "px\"></span>"});
    }
    if (!any) {
        row(out, {"no step was measured"});
    }
    out += "</table>\n";
}

// Only runs whose calls carried media get the table: a registration run has nothing to say.
void media_section(std::string& out, const core::stats& s) {
    if (s.media_streams == 0 && s.media_packets_sent == 0 && s.media_packets_received == 0) {
        return;
    }
    const std::uint64_t expected = s.media_packets_received + s.media_packets_lost;
    const double loss =
        expected == 0 ? std::nan("")
                      : static_cast<double>(s.media_packets_lost) / static_cast<double>(expected);
    auto ms_at = [](const core::histogram& h, double q) {
        return h.count() == 0 ? std::nan("")
                              : static_cast<double>(h.value_at_quantile(q).count()) * 1e-6;
    };
    out += "<h2>Media</h2>\n<table>\n";
    row(out, {"streams (SRTP up)", count(s.media_streams)});
    row(out, {"RTP packets sent", count(s.media_packets_sent)});
    row(out, {"RTP packets received", count(s.media_packets_received)});
    row(out, {"RTP packets lost", count(s.media_packets_lost)});
    row(out, {"loss", num(loss * 100, "%.3f %%")});
    row(out, {"jitter p50 / p99 (ms, per call)", num(ms_at(s.media_jitter, 0.5), "%.2f") + " / " +
                                                     num(ms_at(s.media_jitter, 0.99), "%.2f")});
    row(out, {"RTT p50 (ms, per call)", num(ms_at(s.media_rtt, 0.5), "%.2f")});
    row(out, {"MOS mean / min", s.media_mos.count() == 0 ? std::string("no data")
                                                         : num(s.media_mos.mean(), "%.2f") + " / " +
                                                               num(s.media_mos.min(), "%.2f")});
    row(out, {"SRTP auth failures",
              "<span class=" + std::string(s.media_srtp_auth_failures == 0 ? "ok" : "bad") + ">" +
                  count(s.media_srtp_auth_failures) + "</span>"});
    out += "</table>\n";
}

void contract_section(std::string& out, const run_report& r) {
    const core::stats& s = r.totals;
    out += "<h2>Contract (" + xml_escape(r.contract) + ")</h2>\n<p>" + count(s.contract_checked) +
           " checked, " + count(s.contract_passed) + " passed, <span class=" +
           (s.contract_violations.total() == 0 ? "ok" : "bad") + ">" +
           count(s.contract_violations.total()) + " violations</span></p>\n";
    if (!s.contract_violations.entries().empty()) {
        out += "<table>\n";
        row(out, {"rule", "violations"}, true);
        for (const auto& [rule, n] : s.contract_violations.entries()) {
            row(out, {"<code>" + xml_escape(rule) + "</code>", count(n)});
        }
        out += "</table>\n";
    }
    if (!r.samples.empty()) {
        out += "<table>\n";
        row(out, {"phone", "rule", "expected", "observed", "why", "SIP ladder"}, true);
        for (const contract_sample& c : r.samples) {
            auto join = [](const std::vector<std::string>& v) {
                std::string j;
                for (const std::string& e : v) {
                    j += (j.empty() ? "" : " → ") + xml_escape(e);
                }
                return j.empty() ? std::string("(none)") : j;
            };
            row(out, {xml_escape(c.phone), "<code>" + xml_escape(c.rule) + "</code>",
                      join(c.expected), join(c.observed), xml_escape(c.detail),
                      c.ladder.empty() ? "" : "<a href=\"" + xml_escape(c.ladder) + "\">ladder</a>"});
        }
        out += "</table>\n";
    }
}

}  // namespace

std::string to_html_report(const run_report& r) {
    const core::stats& s = r.totals;
    std::string verdict = r.aborted ? "ABORTED" : (r.passed ? "PASS" : "FAIL");
    std::string out = "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>ringstorm: " +
                      xml_escape(r.scenario) + " " + verdict + "</title>\n" + std::string(style) +
                      "</head><body>\n";
    out += "<h1>" + xml_escape(r.scenario) + " <span class=\"verdict " +
           (r.passed && !r.aborted ? "pass" : "fail") + "\">" + verdict + "</span></h1>\n";
    out += "<p class=meta>" + xml_escape(r.description) + "<br>target <code>" +
           xml_escape(r.target) + "</code> · contract <code>" + xml_escape(r.contract) +
           "</code> · started " + xml_escape(core::format_rfc3339(r.started_at)) + " · " +
           num(r.duration_seconds, "%.1f") + " s</p>\n";
    if (r.aborted) {
        out += "<p class=bad>The run was aborted: " + xml_escape(r.abort_reason) + "</p>\n";
    }
    if (!r.thresholds.empty()) {
        out += "<h2>Thresholds</h2>\n<table>\n";
        row(out, {"metric", "condition", "observed", "result"}, true);
        for (const threshold_result& t : r.thresholds) {
            row(out, {"<code>" + xml_escape(t.metric) + "</code>", xml_escape(t.condition),
                      num(t.value, "%.6g"),
                      t.passed ? "<span class=ok>pass</span>" : "<span class=bad>FAIL</span>"});
        }
        out += "</table>\n";
    }
    out += "<h2>Phones and registrations</h2>\n<table>\n";
    row(out, {"phones planned", count(s.phones_planned)});
    row(out, {"phones started", count(s.phones_started)});
    row(out, {"phones registered", count(s.phones_registered)});
    row(out, {"phones failed", count(s.phones_failed)});
    for (std::size_t i = 0; i < core::registration_result_count; ++i) {
        row(out, {"REGISTER " + std::string(core::to_string(static_cast<core::registration_result>(i))),
                  count(s.registrations[i])});
    }
    out += "</table>\n";
    latency_section(out, s);
    media_section(out, s);
    contract_section(out, r);
    out += "<h2>Protocol errors</h2>\n";
    if (s.protocol_errors.entries().empty()) {
        out += "<p class=ok>none</p>\n";
    } else {
        out += "<table>\n";
        row(out, {"kind", "count"}, true);
        for (const auto& [kind, n] : s.protocol_errors.entries()) {
            row(out, {"<code>" + xml_escape(kind) + "</code>", count(n)});
        }
        out += "</table>\n";
    }
    out += "<p class=meta>ringstorm.summary/1 figures are in summary.json next to this file.</p>\n";
    out += "</body></html>\n";
    return out;
}

}  // namespace ringstorm::reporters
