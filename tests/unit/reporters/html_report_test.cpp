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

}  // namespace
}  // namespace ringstorm::reporters
