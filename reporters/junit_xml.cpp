#include "reporters/junit_xml.hpp"

#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/histogram.hpp"
#include "reporters/xml_escape.hpp"

namespace ringstorm::reporters {
namespace {

// How many sample phones a rule's testcase names in its message.
constexpr std::size_t phones_in_message = 5;

enum class outcome : std::uint8_t { passed, failed, error, skipped };

struct testcase {
    std::string classname;
    std::string name;
    outcome result = outcome::passed;
    std::string message;  // failure/error/skipped message attribute
    std::string body;     // failure/error text (multi-line detail)
    std::string output;   // <system-out>: figures for people, whatever the result
};

testcase make_case(std::string classname, std::string name, outcome result = outcome::passed,
                   std::string message = {}) {
    return testcase{std::move(classname), std::move(name), result, std::move(message), {}, {}};
}

std::string number(double v) {
    if (std::isnan(v)) {
        return "no data";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string seconds(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", std::isfinite(v) && v > 0 ? v : 0.0);
    return buf;
}

std::string join(const std::vector<std::string>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        out += i == 0 ? "" : ", ";
        out += v[i];
    }
    return out + "]";
}

testcase threshold_case(const std::string& suite, const threshold_result& t) {
    testcase c = make_case(suite + ".thresholds", t.metric + " " + t.condition);
    if (!t.passed) {
        c.result = outcome::failed;
        c.message = std::isnan(t.value)
                        ? t.metric + " has no data; expected " + t.condition
                        : t.metric + " = " + number(t.value) + "; expected " + t.condition;
    }
    return c;
}

testcase contract_case(const std::string& suite, const run_report& r) {
    const core::stats& s = r.totals;
    testcase c = make_case(suite + ".contract", "contract");
    const std::uint64_t violations = s.contract_violations.total();
    if (violations > 0) {
        c.result = outcome::failed;
        c.message = std::to_string(violations) + " violation(s) of the " + r.contract +
                    " contract; " + std::to_string(s.contract_passed) + " of " +
                    std::to_string(s.contract_checked) + " checked passed";
        for (const auto& [rule, n] : s.contract_violations.entries()) {
            c.body += rule + ": " + std::to_string(n) + "\n";
        }
    } else if (s.contract_checked == 0) {
        c.result = outcome::skipped;
        c.message = "no callback sequence was checked";
    }
    return c;
}

testcase rule_case(const std::string& suite, const run_report& r, const std::string& rule,
                   std::uint64_t count) {
    testcase c = make_case(suite + ".contract", rule, outcome::failed);
    std::vector<const contract_sample*> samples;
    for (const contract_sample& sample : r.samples) {
        if (sample.rule == rule) {
            samples.push_back(&sample);
        }
    }
    c.message = std::to_string(count) + " violation(s)";
    for (std::size_t i = 0; i < samples.size() && i < phones_in_message; ++i) {
        c.message += i == 0 ? "; e.g. phone " : ", ";
        c.message += samples[i]->phone;
    }
    for (const contract_sample* sample : samples) {
        c.body += "phone " + sample->phone;
        if (!sample->call_id.empty()) {
            c.body += " call " + sample->call_id;
        }
        c.body +=
            ": expected " + join(sample->expected) + ", observed " + join(sample->observed) + "\n";
        if (!sample->detail.empty()) {
            c.body += "  " + sample->detail + "\n";
        }
        if (!sample->ladder.empty()) {
            c.body += "  SIP ladder: " + sample->ladder + "\n";
        }
    }
    return c;
}

testcase phones_case(const std::string& suite, const core::stats& s) {
    testcase c = make_case(suite + ".phones", "phones");
    if (s.phones_failed > 0) {
        c.result = outcome::failed;
        c.message = std::to_string(s.phones_failed) + " of " + std::to_string(s.phones_planned) +
                    " phone(s) failed";
    }
    return c;
}

// The media figures of a run whose calls carried media. Media checks fail through the
// contract (rule ids media.*, one testcase each), so this case passes and carries the
// figures in <system-out>, where CI pages show them next to the verdicts.
std::optional<testcase> media_case(const std::string& suite, const core::stats& s) {
    if (s.media_streams == 0 && s.media_packets_sent == 0 && s.media_packets_received == 0) {
        return std::nullopt;
    }
    testcase c = make_case(suite + ".media", "media");
    const std::uint64_t expected = s.media_packets_received + s.media_packets_lost;
    auto seconds_at = [](const core::histogram& h, double q) {
        return h.count() == 0 ? std::nan("")
                              : static_cast<double>(h.value_at_quantile(q).count()) * 1e-9;
    };
    c.output = "streams " + std::to_string(s.media_streams) + "\nRTP packets sent " +
               std::to_string(s.media_packets_sent) + ", received " +
               std::to_string(s.media_packets_received) + ", lost " +
               std::to_string(s.media_packets_lost) + "\nloss_ratio " +
               number(expected == 0 ? std::nan("")
                                    : static_cast<double>(s.media_packets_lost) /
                                          static_cast<double>(expected)) +
               "\njitter_seconds_p99 " + number(seconds_at(s.media_jitter, 0.99)) +
               "\nrtt_seconds_p50 " + number(seconds_at(s.media_rtt, 0.5)) + "\nmos_mean " +
               number(s.media_mos.count() == 0 ? std::nan("") : s.media_mos.mean()) +
               "\nsrtp_auth_failures " + std::to_string(s.media_srtp_auth_failures) + "\n";
    return c;
}

std::vector<testcase> testcases(const run_report& r) {
    const std::string suite = "ringstorm." + r.scenario;
    std::vector<testcase> out;
    if (r.aborted) {
        out.push_back(make_case(suite + ".run", "run", outcome::error,
                                "the run was aborted: " + r.abort_reason));
    }
    for (const threshold_result& t : r.thresholds) {
        out.push_back(threshold_case(suite, t));
    }
    out.push_back(contract_case(suite, r));
    for (const auto& [rule, n] : r.totals.contract_violations.entries()) {
        out.push_back(rule_case(suite, r, rule, n));
    }
    out.push_back(phones_case(suite, r.totals));
    if (auto media = media_case(suite, r.totals)) {
        out.push_back(std::move(*media));
    }
    return out;
}

std::size_t count_of(const std::vector<testcase>& cases, outcome o) {
    std::size_t n = 0;
    for (const testcase& c : cases) {
        n += c.result == o ? 1 : 0;
    }
    return n;
}

void write_case(std::string& out, const testcase& c) {
    out += "    <testcase classname=\"" + xml_escape(c.classname) + "\" name=\"" +
           xml_escape(c.name) + "\" time=\"0.000\"";
    if (c.result == outcome::passed && c.output.empty()) {
        out += "/>\n";
        return;
    }
    out += ">\n";
    if (c.result != outcome::passed) {
        constexpr std::string_view tags[] = {"", "failure", "error", "skipped"};
        const std::string_view tag = tags[static_cast<std::size_t>(c.result)];
        out += "      <";
        out += tag;
        out += " message=\"" + xml_escape(c.message) + "\"";
        if (c.result != outcome::skipped) {
            out += " type=\"";
            out += tag;
            out += "\"";
        }
        if (c.body.empty()) {
            out += "/>\n";
        } else {
            out += ">" + xml_escape(c.body, xml_context::text) + "</";
            out += tag;
            out += ">\n";
        }
    }
    // JUnit's schema puts <system-out> after the result element.
    if (!c.output.empty()) {
        out += "      <system-out>" + xml_escape(c.output, xml_context::text) + "</system-out>\n";
    }
    out += "    </testcase>\n";
}

}  // namespace

std::string to_junit_xml(const run_report& r) {
    const std::vector<testcase> cases = testcases(r);
    const std::string counts = " tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
                               std::to_string(count_of(cases, outcome::failed)) + "\" errors=\"" +
                               std::to_string(count_of(cases, outcome::error)) + "\" skipped=\"" +
                               std::to_string(count_of(cases, outcome::skipped)) + "\" time=\"" +
                               seconds(r.duration_seconds) + "\"";
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites name=\"ringstorm\"" + counts + ">\n";
    out += "  <testsuite name=\"" + xml_escape("ringstorm." + r.scenario) + "\"" + counts +
           " timestamp=\"" + xml_escape(core::format_rfc3339(r.started_at)) + "\">\n";
    for (const testcase& c : cases) {
        write_case(out, c);
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

}  // namespace ringstorm::reporters
