// report.html: verdict first, measured steps listed, contract samples linked to their
// ladders, and every piece of run text escaped.
#include "reporters/html_report.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace ringstorm::reporters {
namespace {

TEST(html_report, shows_the_verdict_steps_and_samples_with_text_escaped) {
    run_report r;
    r.scenario = "soak<script>";
    r.contract = "documented";
    r.target = "wss://sbc.example.com:8443/ws?a=1&b=2";
    r.passed = false;
    r.totals.record(core::step::register_, std::chrono::milliseconds(12));
    r.totals.contract_violations.add("register.refused");
    contract_sample c;
    c.phone = "10001";
    c.rule = "register.refused";
    c.expected = {"sent_request", "registered"};
    c.observed = {"sent_request", "terminated"};
    c.detail = "403 \"Forbidden\" & more";
    c.ladder = "failures/10001.txt";
    r.samples.push_back(c);
    r.thresholds.push_back({"register.p99", "< 0.2", 0.012, true});

    std::string html = to_html_report(r);
    EXPECT_NE(html.find("FAIL</span></h1>"), std::string::npos);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_NE(html.find("soak&lt;script&gt;"), std::string::npos);
    EXPECT_NE(html.find("a=1&amp;b=2"), std::string::npos);
    EXPECT_NE(html.find("403 &quot;Forbidden&quot; &amp; more"), std::string::npos);
    EXPECT_NE(html.find("<a href=\"failures/10001.txt\">ladder</a>"), std::string::npos);
    EXPECT_NE(html.find("<code>register</code>"), std::string::npos);      // a measured step
    EXPECT_EQ(html.find("<code>ws_connect</code>"), std::string::npos);    // not measured
    EXPECT_NE(html.find("sent_request → terminated"), std::string::npos);
}

TEST(html_report, media_table_only_when_calls_carried_media) {
    run_report r;
    r.scenario = "calls";
    EXPECT_EQ(to_html_report(r).find("<h2>Media</h2>"), std::string::npos);

    r.totals.media_streams = 3;
    r.totals.media_packets_sent = 1500;
    r.totals.media_packets_received = 1485;
    r.totals.media_packets_lost = 15;
    r.totals.media_srtp_auth_failures = 2;
    r.totals.media_jitter.record(std::chrono::milliseconds(4));
    r.totals.media_mos.record(4.1);
    r.totals.media_mos.record(3.9);
    const std::string html = to_html_report(r);
    EXPECT_NE(html.find("<h2>Media</h2>"), std::string::npos);
    EXPECT_NE(html.find("<tr><td>streams (SRTP up)</td><td>3</td></tr>"), std::string::npos)
        << html;
    EXPECT_NE(html.find("<tr><td>loss</td><td>1.000 %</td></tr>"), std::string::npos) << html;
    EXPECT_NE(html.find("<td>4.00 / 4.00</td>"), std::string::npos) << html;  // jitter p50 / p99
    EXPECT_NE(html.find("<tr><td>RTT p50 (ms, per call)</td><td>no data</td></tr>"),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("<td>4.00 / 3.90</td>"), std::string::npos) << html;  // MOS mean / min
    EXPECT_NE(html.find("<span class=bad>2</span>"), std::string::npos) << html;
}

}  // namespace
}  // namespace ringstorm::reporters
