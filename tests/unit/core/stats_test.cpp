#include "engine/core/stats.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

using namespace std::chrono_literals;
using namespace ringstorm::core;

namespace {

// A worker's stats after some activity; `k` varies the figures between workers.
std::unique_ptr<stats> busy_worker(std::uint64_t k) {
    auto s = std::make_unique<stats>();
    s->phones_planned = 10 * k;
    s->phones_started = 9 * k;
    s->phones_registered = 8 * k;
    s->phones_failed = k;
    for (std::uint64_t i = 0; i < 100 * k; ++i) {
        s->record(step::register_, std::chrono::milliseconds(10 + i));
    }
    s->record(step::ws_connect, std::chrono::microseconds(300 * k));
    s->count_registration(registration_result::ok);
    for (std::uint64_t i = 0; i < k; ++i) {
        s->count_registration(registration_result::auth_failed);
    }
    s->calls_offered = 5 * k;
    s->calls_answered = 4 * k;
    s->calls_completed = 3 * k;
    s->calls_failed = k;
    s->active_calls = static_cast<std::int64_t>(k);
    s->count_sip(direction::sent, sip_method::register_, status_class::request);
    s->count_sip(direction::received, sip_method::register_, status_class::s4xx);
    s->count_sip(direction::received, sip_method::register_, status_class::s2xx);
    s->protocol_errors.add("garbage_frame", k);
    s->protocol_errors.add(k % 2 == 0 ? "timer_f" : "bad_via");
    s->contract_checked = 7 * k;
    s->contract_passed = 6 * k;
    s->contract_violations.add("register.sent_request_once", k);
    s->media_streams = k;
    s->media_packets_sent = 1000 * k;
    s->media_packets_received = 990 * k;
    s->media_packets_lost = 10 * k;
    s->media_srtp_auth_failures = k;
    s->media_streams_active = static_cast<std::int64_t>(k);
    for (std::uint64_t i = 0; i < k; ++i) {
        s->media_jitter.record(std::chrono::microseconds(500 * (i + 1)));
        s->media_rtt.record(std::chrono::milliseconds(2 * k));
        s->media_mos.record(4.0 + 0.1 * static_cast<double>(k));
    }
    s->media_send_lateness.record(std::chrono::microseconds(100 * k));
    s->media_ticks_skipped = 40 * k;
    s->media_unroutable = 5 * k;
    s->media_send_errors = 2 * k;
    s->media_receive_errors = k;
    s->media_socket_drops = 4 * k;
    return s;
}

}  // namespace

TEST(stats, label_values_are_stable) {
    EXPECT_EQ(to_string(direction::sent), "sent");
    EXPECT_EQ(to_string(direction::received), "received");
    EXPECT_EQ(to_string(sip_method::register_), "REGISTER");
    EXPECT_EQ(to_string(sip_method::publish), "PUBLISH");
    EXPECT_EQ(to_string(sip_method::other), "other");
    EXPECT_EQ(to_string(status_class::request), "request");
    EXPECT_EQ(to_string(status_class::s4xx), "4xx");
    EXPECT_EQ(to_string(registration_result::auth_failed), "auth_failed");
    EXPECT_EQ(to_string(registration_result::transport_error), "transport_error");
}

TEST(stats, method_tokens_map_both_ways_and_unknown_is_other) {
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i + 1 < sip_method_count; ++i) {
        auto m = static_cast<sip_method>(i);
        EXPECT_EQ(sip_method_from_token(to_string(m)), m);
        EXPECT_TRUE(seen.insert(to_string(m)).second);
    }
    EXPECT_EQ(sip_method_from_token("INVITE"), sip_method::invite);
    EXPECT_EQ(sip_method_from_token("invite"), sip_method::other);  // tokens are case-sensitive
    EXPECT_EQ(sip_method_from_token("FOO"), sip_method::other);
    EXPECT_EQ(sip_method_from_token("other"), sip_method::other);
    EXPECT_EQ(sip_method_from_token(""), sip_method::other);
}

TEST(stats, status_classes_follow_the_first_digit) {
    EXPECT_EQ(status_class_of(100), status_class::s1xx);
    EXPECT_EQ(status_class_of(180), status_class::s1xx);
    EXPECT_EQ(status_class_of(200), status_class::s2xx);
    EXPECT_EQ(status_class_of(302), status_class::s3xx);
    EXPECT_EQ(status_class_of(401), status_class::s4xx);
    EXPECT_EQ(status_class_of(503), status_class::s5xx);
    EXPECT_EQ(status_class_of(603), status_class::s6xx);
    EXPECT_EQ(status_class_of(699), status_class::s6xx);
    EXPECT_EQ(status_class_of(0), status_class::request);
    EXPECT_EQ(status_class_of(99), status_class::request);
    EXPECT_EQ(status_class_of(700), status_class::request);
}

TEST(stats, named_counters_sort_and_sum) {
    named_counters c;
    EXPECT_EQ(c.get("x"), 0u);
    c.add("timer_f");
    c.add("bad_via", 3);
    c.add("timer_f", 2);
    c.add("ambiguous_200");
    EXPECT_EQ(c.get("timer_f"), 3u);
    EXPECT_EQ(c.get("bad_via"), 3u);
    EXPECT_EQ(c.get("timer"), 0u);
    EXPECT_EQ(c.total(), 7u);
    ASSERT_EQ(c.entries().size(), 3u);
    EXPECT_EQ(c.entries()[0].first, "ambiguous_200");
    EXPECT_EQ(c.entries()[1].first, "bad_via");
    EXPECT_EQ(c.entries()[2].first, "timer_f");
}

TEST(stats, merge_adds_every_field) {
    auto a = busy_worker(1);
    auto b = busy_worker(2);
    auto snapshot = std::make_unique<stats>();
    snapshot->merge(*a);
    snapshot->merge(*b);
    const stats& s = *snapshot;
    EXPECT_EQ(s.phones_planned, 30u);
    EXPECT_EQ(s.phones_started, 27u);
    EXPECT_EQ(s.phones_registered, 24u);
    EXPECT_EQ(s.phones_failed, 3u);
    EXPECT_EQ(s.registration_count(registration_result::ok), 2u);
    EXPECT_EQ(s.registration_count(registration_result::auth_failed), 3u);
    EXPECT_EQ(s.registration_count(registration_result::timeout), 0u);
    EXPECT_EQ(s.calls_offered, 15u);
    EXPECT_EQ(s.calls_answered, 12u);
    EXPECT_EQ(s.calls_completed, 9u);
    EXPECT_EQ(s.calls_failed, 3u);
    EXPECT_EQ(s.active_calls, 3);
    EXPECT_EQ(s.sip_count(direction::sent, sip_method::register_, status_class::request), 2u);
    EXPECT_EQ(s.sip_count(direction::received, sip_method::register_, status_class::s4xx), 2u);
    EXPECT_EQ(s.sip_count(direction::received, sip_method::register_, status_class::s2xx), 2u);
    EXPECT_EQ(s.sip_count(direction::sent, sip_method::invite, status_class::request), 0u);
    EXPECT_EQ(s.protocol_errors.get("garbage_frame"), 3u);
    EXPECT_EQ(s.protocol_errors.get("timer_f"), 1u);
    EXPECT_EQ(s.protocol_errors.get("bad_via"), 1u);
    EXPECT_EQ(s.protocol_errors.total(), 5u);
    EXPECT_EQ(s.contract_checked, 21u);
    EXPECT_EQ(s.contract_passed, 18u);
    EXPECT_EQ(s.contract_violations.get("register.sent_request_once"), 3u);
    EXPECT_EQ(s.media_streams, 3u);
    EXPECT_EQ(s.media_packets_sent, 3000u);
    EXPECT_EQ(s.media_packets_received, 2970u);
    EXPECT_EQ(s.media_packets_lost, 30u);
    EXPECT_EQ(s.media_srtp_auth_failures, 3u);
    EXPECT_EQ(s.media_streams_active, 3);
    // Worker 1: jitter 0.5 ms; worker 2: 0.5 and 1 ms.
    EXPECT_EQ(s.media_jitter.count(), 3u);
    EXPECT_EQ(s.media_jitter.min(), 500us);
    EXPECT_EQ(s.media_jitter.max(), 1ms);
    EXPECT_EQ(s.media_rtt.count(), 3u);
    // 2 ms once, 4 ms twice: the median is 4 ms within the histogram's 1/128.
    EXPECT_NEAR(static_cast<double>(s.media_rtt.value_at_quantile(0.5).count()), 4e6, 4e6 / 128);
    EXPECT_EQ(s.media_mos.count(), 3u);
    EXPECT_NEAR(s.media_mos.mean(), (4.1 + 4.2 + 4.2) / 3, 1e-12);
    // The media engines: one lateness sample per worker here, counters summed.
    EXPECT_EQ(s.media_send_lateness.count(), 2u);
    EXPECT_EQ(s.media_send_lateness.min(), 100us);
    EXPECT_EQ(s.media_send_lateness.max(), 200us);
    EXPECT_EQ(s.media_ticks_skipped, 120u);
    EXPECT_EQ(s.media_unroutable, 15u);
    EXPECT_EQ(s.media_send_errors, 6u);
    EXPECT_EQ(s.media_receive_errors, 3u);
    EXPECT_EQ(s.media_socket_drops, 12u);

    const histogram& reg = s.latency[index(step::register_)];
    EXPECT_EQ(reg.count(), 300u);
    EXPECT_EQ(reg.min(), 10ms);
    EXPECT_EQ(reg.max(), 209ms);
    EXPECT_EQ(s.latency[index(step::ws_connect)].count(), 2u);
    EXPECT_EQ(s.latency[index(step::ws_connect)].max(), 600us);
    EXPECT_EQ(s.latency[index(step::bye)].count(), 0u);
}

TEST(stats, merge_into_a_snapshot_leaves_the_worker_alone) {
    auto worker = busy_worker(3);
    auto snapshot = std::make_unique<stats>();
    snapshot->merge(*worker);
    snapshot->merge(*worker);
    EXPECT_EQ(worker->phones_planned, 30u);
    EXPECT_EQ(worker->latency[index(step::register_)].count(), 300u);
    EXPECT_EQ(snapshot->phones_planned, 60u);
    EXPECT_EQ(snapshot->latency[index(step::register_)].count(), 600u);
    EXPECT_EQ(snapshot->latency[index(step::register_)].value_at_quantile(0.5),
              worker->latency[index(step::register_)].value_at_quantile(0.5));
}
