#pragma once
// Shared pieces of the transaction and dialog test scripts: messages built with the
// builder API, a fake clock the script advances by hand, and a one-line rendering of
// an action list ("send INVITE; deliver 180; terminated") that the scripts compare.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sip/message.hpp"
#include "engine/sip/response.hpp"
#include "engine/sip/timers.hpp"
#include "engine/sip/transaction.hpp"

namespace ringstorm::sip::test {

using namespace std::chrono_literals;

// A clock owned by the script: it only moves when the script says so.
struct script_clock {
    time_point now = time_point{} + std::chrono::hours(1);

    void advance(duration d) { now += d; }
    // Milliseconds from `start` to `now`, for readable expectations.
    long long since(time_point start) const {
        return std::chrono::duration_cast<duration>(now - start).count();
    }
};

inline std::string describe(const action_list& actions) {
    std::string out;
    for (const action& a : actions) {
        if (!out.empty()) {
            out += "; ";
        }
        out += to_string(a.kind);
        if (a.kind == action_kind::send || a.kind == action_kind::deliver) {
            out += ' ';
            out += a.msg.is_request() ? std::string(a.msg.method_text())
                                      : std::to_string(a.msg.status());
        } else if (a.kind == action_kind::timeout) {
            out += ' ';
            out += to_string(a.timer);
        }
    }
    return out;
}

// A request as a WebSocket phone sends it (RFC 7118 Via transport WSS).
inline message make_test_request(std::string_view method_token,
                                 std::string_view branch = "z9hG4bKclient1", unsigned cseq = 1) {
    message m = message::request(method_token, "sip:bob@example.com");
    m.add(header_id::via, "SIP/2.0/WSS df7jal23ls0d.invalid;branch=" + std::string(branch));
    m.add(header_id::max_forwards, "70");
    m.add(header_id::from, "\"Alice\" <sip:alice@example.com>;tag=a73kszlfl");
    m.add(header_id::to, "<sip:bob@example.com>");
    m.add(header_id::call_id, "3848276298220188511@atlanta.example.com");
    m.add(header_id::cseq, std::to_string(cseq) + " " + std::string(method_token));
    m.add(header_id::contact, "<sip:alice@df7jal23ls0d.invalid;transport=ws>");
    m.add(header_id::content_length, "0");
    return m;
}

// The response a UAS would send to `request`, with a To tag on everything but 100.
inline message make_test_response(const message& request, int status,
                                  std::string_view to_tag = "b8sk2") {
    message r = make_response(request, status, {}, status == 100 ? std::string_view{} : to_tag);
    if (status > 100 && status < 300) {
        r.add(header_id::contact, "<sip:bob@192.0.2.4:5060;transport=ws>");
    }
    return r;
}

// Runs the machine's timers until it stops asking for one, recording when each send
// happened (ms since start) and what the final timer produced.
template <class Machine>
std::vector<long long> run_timers(Machine& t, script_clock& clock, time_point start,
                                  std::string& last) {
    std::vector<long long> sends;
    while (auto deadline = t.next_deadline()) {
        clock.now = *deadline;
        action_list out = t.on_timer(clock.now);
        if (out.size() == 1 && out[0].kind == action_kind::send) {
            sends.push_back(clock.since(start));
        } else {
            last = describe(out);
        }
    }
    return sends;
}

}  // namespace ringstorm::sip::test
