// JUnit XML: one testcase per verdict, counts that match, text escaped so CI parsers accept it.

#include "reporters/junit_xml.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include "reporters/xml_escape.hpp"

namespace ringstorm::reporters {
namespace {

// A small XML 1.0 well-formedness check: balanced tags, attribute values quoted, no raw '<'
// in attribute values or text, '&' only as an entity or character reference, no control
// characters. Returns "" or what is wrong.
std::string well_formed(const std::string& xml) {
    std::vector<std::string> open;
    auto entity_ok = [&](std::size_t i) {
        const std::size_t end = xml.find(';', i);
        if (end == std::string::npos) {
            return false;
        }
        const std::string e = xml.substr(i + 1, end - i - 1);
        return e == "amp" || e == "lt" || e == "gt" || e == "quot" || e == "apos" ||
               (e.size() > 1 && e[0] == '#');
    };
    for (std::size_t i = 0; i < xml.size(); ++i) {
        const char c = xml[i];
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            return "control character at " + std::to_string(i);
        }
        if (c == '&' && !entity_ok(i)) {
            return "raw & at " + std::to_string(i);
        }
        if (c != '<') {
            continue;
        }
        if (xml.compare(i, 5, "<?xml") == 0) {
            i = xml.find("?>", i) + 1;
            continue;
        }
        // A tag: scan to its '>' outside quoted values.
        std::size_t j = i + 1;
        char quote = 0;
        for (; j < xml.size() && (quote != 0 || xml[j] != '>'); ++j) {
            if (quote == 0 && (xml[j] == '"' || xml[j] == '\'')) {
                quote = xml[j];
            } else if (xml[j] == quote) {
                quote = 0;
            } else if (quote != 0 && xml[j] == '<') {
                return "raw < in an attribute at " + std::to_string(j);
            } else if (quote != 0 && xml[j] == '&' && !entity_ok(j)) {
                return "raw & in an attribute at " + std::to_string(j);
            }
        }
        if (j >= xml.size()) {
            return "unterminated tag at " + std::to_string(i);
        }
        const std::string tag = xml.substr(i + 1, j - i - 1);
        const bool closing = tag.front() == '/';
        const bool empty = tag.back() == '/';
        const std::string name = tag.substr(
            closing ? 1 : 0, tag.find_first_of(" /", closing ? 1 : 0) - (closing ? 1 : 0));
        if (closing) {
            if (open.empty() || open.back() != name) {
                return "</" + name + "> does not close the open element";
            }
            open.pop_back();
        } else if (!empty) {
            open.push_back(name);
        }
        i = j;
    }
    return open.empty() ? "" : "<" + open.back() + "> is never closed";
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

run_report failing_report() {
    run_report r;
    r.scenario = "load<&>\"test\"";
    r.contract = "documented";
    r.duration_seconds = 12.25;
    r.totals.phones_planned = 10;
    r.totals.phones_failed = 2;
    r.totals.contract_checked = 10;
    r.totals.contract_passed = 7;
    r.totals.contract_violations.add("register.refused", 2);
    r.totals.contract_violations.add("refresh.sequence");
    r.samples.push_back(contract_sample{"10001",
                                        "",
                                        "register.refused",
                                        {"sent_request", "registered"},
                                        {"sent_request", "terminated"},
                                        "failures/10001.txt",
                                        "403 <Forbidden> & \"gone\"\x01"});
    r.samples.push_back(contract_sample{"10002", "", "register.refused", {}, {}, "", ""});
    r.thresholds.push_back(threshold_result{"register.p99", "< 0.2", 0.35, false});
    r.thresholds.push_back(threshold_result{"contract.violations", "== 0", 3, false});
    r.thresholds.push_back(threshold_result{"calls.failed_ratio", "< 0.01",
                                            std::numeric_limits<double>::quiet_NaN(), false});
    r.thresholds.push_back(threshold_result{"phones.planned", ">= 10", 10, true});
    return r;
}

TEST(JunitXml, IsWellFormedWithEverythingEscaped) {
    const std::string xml = to_junit_xml(failing_report());
    EXPECT_EQ(well_formed(xml), "") << xml;
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
    EXPECT_NE(xml.find("name=\"ringstorm.load&lt;&amp;&gt;&quot;test&quot;\""), std::string::npos)
        << xml;
    EXPECT_NE(xml.find("403 &lt;Forbidden&gt; &amp; &quot;gone&quot;?"), std::string::npos) << xml;
}

TEST(JunitXml, OneTestcasePerThresholdRuleContractAndPhones) {
    const std::string xml = to_junit_xml(failing_report());
    // 4 thresholds + contract + 2 rules + phones.
    EXPECT_EQ(occurrences(xml, "<testcase "), 8u);
    EXPECT_NE(xml.find("tests=\"8\" failures=\"7\" errors=\"0\" skipped=\"0\" time=\"12.250\""),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("name=\"register.p99 &lt; 0.2\""), std::string::npos);
    EXPECT_NE(xml.find("message=\"register.p99 = 0.35; expected &lt; 0.2\""), std::string::npos)
        << xml;
    EXPECT_NE(xml.find("message=\"calls.failed_ratio has no data; expected &lt; 0.01\""),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("name=\"register.refused\""), std::string::npos);
    EXPECT_NE(xml.find("2 violation(s); e.g. phone 10001, 10002"), std::string::npos) << xml;
    EXPECT_NE(xml.find("name=\"refresh.sequence\""), std::string::npos);
    EXPECT_NE(xml.find("2 of 10 phone(s) failed"), std::string::npos) << xml;
    EXPECT_NE(xml.find("SIP ladder: failures/10001.txt"), std::string::npos) << xml;
    EXPECT_NE(xml.find("time=\"0.000\""), std::string::npos);
    EXPECT_NE(xml.find("timestamp=\""), std::string::npos);
}

TEST(JunitXml, APassingRunHasNoFailure) {
    run_report r;
    r.scenario = "ok";
    r.passed = true;
    r.totals.phones_planned = 5;
    r.totals.contract_checked = 5;
    r.totals.contract_passed = 5;
    r.thresholds.push_back(threshold_result{"register.p99", "< 0.2", 0.01, true});
    const std::string xml = to_junit_xml(r);
    EXPECT_EQ(well_formed(xml), "") << xml;
    EXPECT_EQ(occurrences(xml, "<testcase "), 3u);
    EXPECT_EQ(occurrences(xml, "<failure"), 0u);
    EXPECT_NE(xml.find("tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"0\""), std::string::npos);
    EXPECT_NE(xml.find("<testsuite name=\"ringstorm.ok\""), std::string::npos);
}

TEST(JunitXml, MediaFiguresInAPassingCaseOnlyWhenCallsCarriedMedia) {
    run_report r;
    r.scenario = "calls";
    r.passed = true;
    r.totals.contract_checked = 2;
    r.totals.contract_passed = 2;
    EXPECT_EQ(to_junit_xml(r).find("ringstorm.calls.media"), std::string::npos);

    r.totals.media_streams = 2;
    r.totals.media_packets_sent = 1000;
    r.totals.media_packets_received = 998;
    r.totals.media_packets_lost = 2;
    r.totals.media_jitter.record(std::chrono::microseconds(1500));
    r.totals.media_mos.record(4.25);
    const std::string xml = to_junit_xml(r);
    EXPECT_EQ(well_formed(xml), "") << xml;
    EXPECT_NE(xml.find("<testcase classname=\"ringstorm.calls.media\" name=\"media\" "
                       "time=\"0.000\">\n      <system-out>streams 2\n"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("RTP packets sent 1000, received 998, lost 2"), std::string::npos) << xml;
    EXPECT_NE(xml.find("loss_ratio 0.002\n"), std::string::npos) << xml;
    EXPECT_NE(xml.find("jitter_seconds_p99 0.0015"), std::string::npos) << xml;
    EXPECT_NE(xml.find("rtt_seconds_p50 no data"), std::string::npos) << xml;
    EXPECT_NE(xml.find("mos_mean 4.25"), std::string::npos) << xml;
    // Informational: media checks fail through the contract's media.* rules, not here.
    EXPECT_NE(xml.find("tests=\"3\" failures=\"0\""), std::string::npos) << xml;
}

TEST(JunitXml, NothingCheckedIsSkippedAndAnAbortIsAnError) {
    run_report r;
    r.scenario = "cut";
    r.aborted = true;
    r.abort_reason = "target unreachable: ws://127.0.0.1:1/";
    const std::string xml = to_junit_xml(r);
    EXPECT_EQ(well_formed(xml), "") << xml;
    EXPECT_NE(xml.find("tests=\"3\" failures=\"0\" errors=\"1\" skipped=\"1\""), std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<error message=\"the run was aborted: target unreachable"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<skipped message=\"no callback sequence was checked\""), std::string::npos);
}

TEST(XmlEscape, EntitiesReferencesAndForbiddenControls) {
    EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
    EXPECT_EQ(xml_escape("x\ty\nz\r"), "x&#9;y&#10;z&#13;");
    EXPECT_EQ(xml_escape("x\ty\nz\r<", xml_context::text), "x\ty\nz\r&lt;");
    EXPECT_EQ(xml_escape(std::string("\x01\x1f\0", 3)), "???");
    EXPECT_EQ(xml_escape("é"), "é");  // UTF-8 passes through
}

}  // namespace
}  // namespace ringstorm::reporters
