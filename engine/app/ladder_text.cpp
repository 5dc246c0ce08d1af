#include "engine/app/ladder_text.hpp"

#include <cstdio>

namespace ringstorm::app {

namespace {

std::string stamp(const core::run_clock& clock, core::time_point t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%10.6f", clock.seconds(t));
    return buf;
}

// One line per call (how it ended), then its findings.
void append_calls(std::string& out, const phone::timeline& history, const core::run_clock& clock) {
    for (std::size_t i = 0; i < history.calls.size(); ++i) {
        const phone::call_episode& c = history.calls[i];
        out += "  " + stamp(clock, c.started) + "  call " + std::to_string(i) + " " +
               (c.role == phone::call_role::callee ? "in" : "out") + " " + c.call_id + " -> " +
               (c.ended ? std::string(phone::to_string(c.end)) : std::string("live"));
        if (c.final_status != 0) {
            out += " (" + std::to_string(c.final_status) + ")";
        }
        if (c.forked) {
            out += ", forked";
        }
        if (c.completed_elsewhere) {
            out += ", completed elsewhere";
        }
        out += "\n";
        for (const phone::call_finding& f : c.findings) {
            out +=
                "  " + stamp(clock, f.at) + "    " + std::string(f.rule) + ": " + f.detail + "\n";
        }
    }
}

}  // namespace

std::string render_ladder(std::string_view name, std::string_view reason,
                          const phone::timeline& history, const core::run_clock& clock) {
    std::string out;
    out += "phone ";
    out += name;
    out += "\nfailed: ";
    out += reason;
    out += "\n\ncallbacks (seconds since the run started):\n";
    for (const phone::recorded_event& e : history.events) {
        out += "  " + stamp(clock, e.at) + "  " + std::string(scenario::to_string(e.callback)) +
               "  " + std::string(e.name);
        if (e.call != phone::no_call) {
            out += "  (call " + std::to_string(e.call) + ")";
        }
        out += "\n";
    }
    out += "\nepisodes:\n";
    for (const phone::episode& ep : history.episodes) {
        out += "  " + stamp(clock, ep.due) + "  " + std::string(phone::to_string(ep.kind)) +
               " -> " + std::string(phone::to_string(ep.outcome));
        if (ep.final_status != 0) {
            out += " (" + std::to_string(ep.final_status) + ")";
        }
        if (!ep.detail.empty()) {
            out += ": " + ep.detail;
        }
        out += "\n";
    }
    if (!history.calls.empty()) {
        out += "\ncalls:\n";
        append_calls(out, history, clock);
    }
    out += "\nSIP ladder";
    if (history.ladder_dropped > 0) {
        out += " (the " + std::to_string(history.ladder_dropped) + " oldest entries were dropped)";
    }
    out += ":\n";
    for (const phone::ladder_entry& l : history.ladder) {
        out += "\n" + stamp(clock, l.at) + (l.sent ? "  phone -> target\n" : "  target -> phone\n");
        out += l.text;
        if (!l.text.empty() && l.text.back() != '\n') {
            out += "\n";
        }
    }
    return out;
}

}  // namespace ringstorm::app
