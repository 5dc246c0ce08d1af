#include "engine/app/target_metrics.hpp"

#include <cstdint>
#include <utility>

namespace ringstorm::app {

std::vector<prometheus::MetricFamily> target_families(const target::target_stats& s) {
    std::vector<prometheus::MetricFamily> out;
    auto add = [&out](const char* name, const char* help, prometheus::MetricType type, double v) {
        prometheus::MetricFamily f;
        f.name = name;
        f.help = help;
        f.type = type;
        prometheus::ClientMetric m;
        if (type == prometheus::MetricType::Counter) {
            m.counter.value = v;
        } else {
            m.gauge.value = v;
        }
        f.metric.push_back(std::move(m));
        out.push_back(std::move(f));
    };
    using prometheus::MetricType;
    auto d = [](std::uint64_t v) { return static_cast<double>(v); };
    add("ringstorm_target_connections", "WebSocket connections open", MetricType::Gauge,
        d(s.connections_open));
    add("ringstorm_target_connections_accepted_total", "Connections accepted", MetricType::Counter,
        d(s.connections_accepted));
    add("ringstorm_target_registers_total", "REGISTER requests received", MetricType::Counter,
        d(s.registers));
    add("ringstorm_target_challenges_total", "401 challenges sent", MetricType::Counter,
        d(s.challenges));
    add("ringstorm_target_auth_failures_total", "403 sent", MetricType::Counter,
        d(s.auth_failures));
    add("ringstorm_target_registered_total", "2xx adding or refreshing bindings",
        MetricType::Counter, d(s.registered));
    add("ringstorm_target_unregistered_total", "2xx removing bindings", MetricType::Counter,
        d(s.unregistered));
    add("ringstorm_target_bindings", "Bindings alive", MetricType::Gauge, d(s.bindings));
    add("ringstorm_target_bad_requests_total", "400 sent", MetricType::Counter, d(s.bad_requests));
    add("ringstorm_target_unsupported_total", "405 and 501 sent", MetricType::Counter,
        d(s.unsupported));
    add("ringstorm_target_calls_placed_total",
        "INVITEs sent to phones (a forked call: one per tab)", MetricType::Counter,
        d(s.calls_placed));
    add("ringstorm_target_calls_active", "Calls placed and not yet ended", MetricType::Gauge,
        d(s.calls_active));
    add("ringstorm_target_calls_answered_total", "Calls a phone answered 2xx", MetricType::Counter,
        d(s.calls_answered));
    add("ringstorm_target_calls_missed_total", "Calls due with no idle phone to call",
        MetricType::Counter, d(s.calls_missed));
    add("ringstorm_target_call_findings_total", "Protocol breaches by phones in calls",
        MetricType::Counter, d(s.call_findings));
    add("ringstorm_target_media_ports", "UDP media ports open (one per live call)",
        MetricType::Gauge, d(s.media_ports));
    add("ringstorm_target_media_port_failures_total", "Calls not placed: no media port",
        MetricType::Counter, d(s.media_port_failures));
    add("ringstorm_target_media_streams_total", "Media streams started by a phone's answer",
        MetricType::Counter, d(s.media_streams));
    add("ringstorm_target_media_unusable_answers_total", "Answers that could not start media",
        MetricType::Counter, d(s.media_unusable));
    add("ringstorm_target_media_srtp_up_total", "Streams whose ICE and DTLS-SRTP completed",
        MetricType::Counter, d(s.media_srtp_up));
    add("ringstorm_target_media_failed_total", "Streams that ended with ICE or DTLS failed",
        MetricType::Counter, d(s.media_failed));
    add("ringstorm_target_media_packets_lost_total", "RTP from phones lost (RFC 3550 A.3)",
        MetricType::Counter, d(s.media_packets_lost));
    add("ringstorm_target_media_srtp_auth_failures_total",
        "SRTP and SRTCP packets that failed authentication", MetricType::Counter,
        d(s.media_srtp_auth_failures));
    add("ringstorm_target_media_socket_drops_total",
        "Datagrams from phones dropped by serve's own full receive buffers (serve fell behind)",
        MetricType::Counter, d(s.media_socket_drops));
    // How calls ended, one series per result, so rates of each add up to the whole.
    prometheus::MetricFamily results;
    results.name = "ringstorm_target_calls_total";
    results.help = "Calls ended, by result";
    results.type = MetricType::Counter;
    for (auto [result, value] :
         {std::pair{"completed", s.calls_completed}, std::pair{"cancelled", s.calls_cancelled},
          std::pair{"rejected", s.calls_rejected}, std::pair{"failed", s.calls_failed}}) {
        prometheus::ClientMetric m;
        m.label.push_back({"result", result});
        m.counter.value = d(value);
        results.metric.push_back(std::move(m));
    }
    out.push_back(std::move(results));
    // RTP by direction, as the run's ringstorm_media_packets_total (interface.md).
    prometheus::MetricFamily packets;
    packets.name = "ringstorm_target_media_packets_total";
    packets.help = "RTP packets of the calls' media, by direction";
    packets.type = MetricType::Counter;
    for (auto [direction, value] : {std::pair{"sent", s.media_packets_sent},
                                    std::pair{"received", s.media_packets_received}}) {
        prometheus::ClientMetric m;
        m.label.push_back({"direction", direction});
        m.counter.value = d(value);
        packets.metric.push_back(std::move(m));
    }
    out.push_back(std::move(packets));
    return out;
}

}  // namespace ringstorm::app
