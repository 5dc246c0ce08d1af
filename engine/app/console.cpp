#include "engine/app/console.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "engine/core/histogram.hpp"
#include "engine/core/step.hpp"

namespace ringstorm::app {

namespace {

std::string ms(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%9.2f", seconds * 1e3);
    return buf;
}

// "%.2f ms" of a per-call quantile, "n/a" without samples.
std::string quantile_ms(const core::histogram& h, double q) {
    if (h.count() == 0) {
        return "n/a";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f ms",
                  static_cast<double>(h.value_at_quantile(q).count()) * 1e-6);
    return buf;
}

}  // namespace

std::string media_line(const core::stats& s) {
    if (s.media_streams == 0 && s.media_packets_sent == 0 && s.media_packets_received == 0) {
        return {};
    }
    const std::uint64_t expected = s.media_packets_received + s.media_packets_lost;
    char loss[32] = "n/a";
    if (expected > 0) {
        std::snprintf(
            loss, sizeof loss, "%.3f %%",
            100.0 * static_cast<double>(s.media_packets_lost) / static_cast<double>(expected));
    }
    char mos[16] = "n/a";
    if (s.media_mos.count() > 0) {
        std::snprintf(mos, sizeof mos, "%.2f", s.media_mos.mean());
    }
    char line[400];
    std::snprintf(line, sizeof line,
                  "media          streams %llu, RTP sent %llu / received %llu, loss %s, "
                  "jitter p99 %s, RTT p50 %s, MOS mean %s, SRTP auth failures %llu, "
                  "send lateness p99 %s",
                  static_cast<unsigned long long>(s.media_streams),
                  static_cast<unsigned long long>(s.media_packets_sent),
                  static_cast<unsigned long long>(s.media_packets_received), loss,
                  quantile_ms(s.media_jitter, 0.99).c_str(), quantile_ms(s.media_rtt, 0.5).c_str(),
                  mos, static_cast<unsigned long long>(s.media_srtp_auth_failures),
                  quantile_ms(s.media_send_lateness, 0.99).c_str());
    std::string out = line;
    if (s.media_socket_drops > 0) {
        // Said where the loss is read: this much of it is ours, not the target's.
        out += ", OVERLOADED: our own sockets dropped " + std::to_string(s.media_socket_drops) +
               " datagrams (run fewer calls per process)";
    }
    return out;
}

console::console(std::FILE* out, bool quiet)
    : out_(out), quiet_(quiet), tty_(isatty(fileno(out)) != 0) {}

void console::progress(double seconds, const worker_progress& p, bool ending) {
    if (quiet_) {
        return;
    }
    double dt = seconds - last_seconds_;
    double rate = dt > 0 ? static_cast<double>(p.registrations_ok - last_ok_) / dt : 0;
    last_seconds_ = seconds;
    last_ok_ = p.registrations_ok;
    if (!tty_ && seconds - last_plain_ < 5.0 && !ending) {
        return;
    }
    last_plain_ = seconds;
    // Calls appear once a phone has been offered one (registration-only runs stay as they were).
    char calls[96] = "";
    if (p.calls_offered > 0) {
        std::snprintf(calls, sizeof calls, "  |  calls %lld up, %llu offered, %llu completed",
                      static_cast<long long>(p.active_calls),
                      static_cast<unsigned long long>(p.calls_offered),
                      static_cast<unsigned long long>(p.calls_completed));
    }
    // Media appears while streams run: packets received is what shows audio flowing.
    char media[80] = "";
    if (p.media_streams_active > 0) {
        std::snprintf(media, sizeof media, "  |  media %lld up, %llu pkts in",
                      static_cast<long long>(p.media_streams_active),
                      static_cast<unsigned long long>(p.media_packets_received));
    }
    char line[432];
    std::snprintf(line, sizeof line,
                  "%7.1fs  phones %llu/%llu started, %llu live, %llu registered, %llu failed"
                  "  |  REGISTER ok %llu (%.0f/s), failed %llu%s%s  |  violations %llu%s",
                  seconds, static_cast<unsigned long long>(p.started),
                  static_cast<unsigned long long>(p.planned), static_cast<unsigned long long>(p.live),
                  static_cast<unsigned long long>(p.registered),
                  static_cast<unsigned long long>(p.failed),
                  static_cast<unsigned long long>(p.registrations_ok), rate,
                  static_cast<unsigned long long>(p.registrations_failed), calls, media,
                  static_cast<unsigned long long>(p.violations), ending ? "  (winding down)" : "");
    if (tty_) {
        std::fprintf(out_, "\r\033[K%s", line);
        line_open_ = true;
    } else {
        std::fprintf(out_, "%s\n", line);
    }
    std::fflush(out_);
}

void console::break_line() {
    if (line_open_) {
        std::fputc('\n', out_);
        line_open_ = false;
    }
}

void console::message(const std::string& line) {
    if (quiet_) {
        return;
    }
    break_line();
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
}

void console::summary(const reporters::run_report& r, const std::string& files) {
    break_line();
    const core::stats& s = r.totals;
    if (!quiet_) {
        std::fprintf(out_, "\n%s (%s) -> %s, %.1f s\n", r.scenario.c_str(), r.contract.c_str(),
                     r.target.c_str(), r.duration_seconds);
        std::fprintf(out_, "phones         planned %llu, registered %llu, failed %llu\n",
                     static_cast<unsigned long long>(s.phones_planned),
                     static_cast<unsigned long long>(s.phones_registered),
                     static_cast<unsigned long long>(s.phones_failed));
        std::fprintf(out_, "registrations  ok %llu, failed %llu",
                     static_cast<unsigned long long>(s.registration_count(core::registration_result::ok)),
                     static_cast<unsigned long long>(s.registrations_failed()));
        for (std::size_t i = 1; i < core::registration_result_count; ++i) {
            if (s.registrations[i] > 0) {
                std::fprintf(out_, " (%s %llu)",
                             std::string(to_string(static_cast<core::registration_result>(i))).c_str(),
                             static_cast<unsigned long long>(s.registrations[i]));
            }
        }
        if (s.calls_offered > 0) {
            std::fprintf(out_, "\ncalls          offered %llu, answered %llu, completed %llu, failed %llu",
                         static_cast<unsigned long long>(s.calls_offered),
                         static_cast<unsigned long long>(s.calls_answered),
                         static_cast<unsigned long long>(s.calls_completed),
                         static_cast<unsigned long long>(s.calls_failed));
        }
        if (std::string media = media_line(s); !media.empty()) {
            std::fprintf(out_, "\n%s", media.c_str());
        }
        std::fprintf(
            out_,
            "\n\nlatency (ms)           count       p50       p90       p99      p999       max\n");
        for (core::step step : core::all_steps) {
            const core::histogram& h = s.latency[core::index(step)];
            if (h.count() == 0) {
                continue;
            }
            core::latency_summary l = core::summarize(h);
            std::fprintf(out_, "  %-18s %9llu %s %s %s %s %s\n", std::string(to_string(step)).c_str(),
                         static_cast<unsigned long long>(l.count), ms(l.p50).c_str(),
                         ms(l.p90).c_str(), ms(l.p99).c_str(), ms(l.p999).c_str(), ms(l.max).c_str());
        }
        std::fprintf(out_, "\ncontract       %llu checked, %llu passed, %llu violations\n",
                     static_cast<unsigned long long>(s.contract_checked),
                     static_cast<unsigned long long>(s.contract_passed),
                     static_cast<unsigned long long>(s.contract_violations.total()));
        for (const auto& [rule, n] : s.contract_violations.entries()) {
            std::fprintf(out_, "  %-30s %llu\n", rule.c_str(), static_cast<unsigned long long>(n));
        }
        if (s.protocol_errors.total() > 0) {
            std::fprintf(out_, "protocol errors %llu\n",
                         static_cast<unsigned long long>(s.protocol_errors.total()));
            for (const auto& [kind, n] : s.protocol_errors.entries()) {
                std::fprintf(out_, "  %-30s %llu\n", kind.c_str(), static_cast<unsigned long long>(n));
            }
        }
        if (!r.thresholds.empty()) {
            std::fprintf(out_, "thresholds\n");
            for (const reporters::threshold_result& t : r.thresholds) {
                std::fprintf(out_, "  %s  %s %s  (observed %s)\n", t.passed ? "pass" : "FAIL",
                             t.metric.c_str(), t.condition.c_str(),
                             std::isnan(t.value) ? "no data" : std::to_string(t.value).c_str());
            }
        }
        for (const reporters::contract_sample& c : r.samples) {
            std::fprintf(out_, "example        %s: %s%s%s\n", c.phone.c_str(), c.rule.c_str(),
                         c.detail.empty() ? "" : ": ", c.detail.c_str());
        }
        bool judged = std::any_of(r.thresholds.begin(), r.thresholds.end(), [](const auto& t) {
            return t.metric.rfind("phones.failed", 0) == 0;
        });
        if (s.phones_failed > 0 && !judged) {
            std::fprintf(out_,
                         "note           %llu phones failed their script (an expect not met, or "
                         "never registered); the verdict counts thresholds and the contract only: "
                         "add `phones.failed == 0` to the thresholds to fail on it\n",
                         static_cast<unsigned long long>(s.phones_failed));
        }
        if (!files.empty()) {
            std::fprintf(out_, "reports        %s\n", files.c_str());
        }
    }
    std::fprintf(out_, "verdict: %s%s\n", r.aborted ? "ABORTED" : (r.passed ? "PASS" : "FAIL"),
                 r.aborted && !r.abort_reason.empty() ? (" (" + r.abort_reason + ")").c_str() : "");
    std::fflush(out_);
}

}  // namespace ringstorm::app
