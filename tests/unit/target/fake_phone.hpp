#pragma once
// A scripted web phone for the target's call tests, over a real WebSocket on loopback: it
// registers (digest), then answers the target's INVITEs the way a browser SDK does (100,
// 180, 200 with an SDP answer), answers re-INVITEs, BYE and CANCEL, and may hang up
// itself. It records every request of every call, so tests can say what the target did.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/sip/digest.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "engine/transport/ws_client.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"
#include "media/sdp/webrtc.hpp"
#include "tests/unit/target/target_support.hpp"
#include "tests/unit/transport/test_support.hpp"

namespace ringstorm::target::test {

namespace net = boost::asio;
using transport::test::inbox;
using transport::test::run;
using steady = std::chrono::steady_clock;

struct phone_script {
    bool answer = true;                          // false: ring until the target gives up
    std::chrono::milliseconds answer_after{20};  // from the 180 to the 200
    std::optional<std::chrono::milliseconds> hang_up_after;  // our BYE, from our 200
    // The direction written in the answer to a re-INVITE; nullopt: the RFC 3264 one.
    std::optional<sdp::direction> hold_answer;
};

// What the phone saw of one call.
struct seen_call {
    std::string call_id;
    std::vector<std::string> requests;  // methods received, in order
    std::string cancel_reason;          // Reason of the CANCEL, "" without
    std::string bye_reason;             // Reason of the target's BYE, "" without
    std::string ended_by;               // "" (not ended), "bye", "cancel", "phone_bye"
};

class fake_phone {
public:
    fake_phone(net::io_context& io, std::string user, std::string contact_host)
        : client_(io, {}),
          in_(io.get_executor()),
          user_(std::move(user)),
          host_(std::move(contact_host)) {}

    net::awaitable<bool> connect(transport::ws_url url) {
        auto connected = co_await client_.connect(url);
        if (!connected) {
            co_return false;
        }
        client_.start(in_.on_message(), in_.on_close());
        co_return true;
    }

    // REGISTER, 401, REGISTER with credentials: the final status (0: no answer).
    net::awaitable<int> register_() {
        register_spec spec;
        spec.user = user_;
        spec.call_id = "reg-" + host_;
        spec.contacts = {"<sip:" + user_ + "@" + host_ + ".invalid;transport=ws>"};
        sip::message first = parse_or_die(register_text(spec));
        client_.send(sip::serialize(first));
        auto challenge = co_await next_response();
        if (!challenge) {
            co_return 0;
        }
        sip::digest_client digest(user_, "secret");
        digest.on_challenge(*challenge, first);
        spec.cseq += 1;
        sip::message second = parse_or_die(register_text(spec));
        digest.authorize(second);
        client_.send(sip::serialize(second));
        auto ok = co_await next_response();
        co_return ok ? ok->status() : 0;
    }

    // Takes calls until `count` of them ended or `limit` passed.
    net::awaitable<void> take_calls(std::size_t count, phone_script script,
                                    std::chrono::milliseconds limit) {
        const auto end = steady::now() + limit;
        while (ended() < count && steady::now() < end) {
            auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_due(end) -
                                                                              steady::now());
            auto frame = co_await in_.next(std::max(wait, std::chrono::milliseconds(1)));
            if (frame) {
                on_frame(*frame, script);
            }
            run_due(script);
            if (!frame && !client_.is_open()) {
                co_return;
            }
        }
    }

    net::awaitable<bool> close() { co_return bool(co_await client_.close()); }
    void abort() { client_.abort(); }

    std::size_t ended() const {
        std::size_t n = 0;
        for (const auto& c : calls) {
            n += c.ended_by.empty() ? 0 : 1;
        }
        return n;
    }

    std::vector<seen_call> calls;

private:
    struct live {
        std::size_t index = 0;  // into calls
        sip::message invite;
        std::optional<steady::time_point> answer_at, bye_at;
    };

    net::awaitable<std::optional<sip::message>> next_response() {
        auto frame = co_await in_.next();
        if (!frame) {
            co_return std::nullopt;
        }
        auto m = sip::parse(*frame);
        co_return m ? std::optional<sip::message>(std::move(*m)) : std::nullopt;
    }

    steady::time_point next_due(steady::time_point end) const {
        steady::time_point due = end;
        for (const auto& [id, c] : live_) {
            for (const auto& t : {c.answer_at, c.bye_at}) {
                if (t && *t < due) {
                    due = *t;
                }
            }
        }
        return due;
    }

    std::string tag() const { return "tag" + host_; }
    std::string contact() const { return "<sip:" + user_ + "@" + host_ + ".invalid;transport=ws>"; }

    void reply(const sip::message& request, int status, const std::string& sdp = {}) {
        sip::message r = sip::make_response(request, status, {}, status == 100 ? "" : tag());
        if (status > 100 && status < 300 && request.method() == sip::method::invite) {
            r.add(sip::header_id::contact, contact());
        }
        if (!sdp.empty()) {
            r.set_body("application/sdp", sdp);
        }
        client_.send(sip::serialize(r));
    }

    std::string answer_to(const sip::message& offer_request, std::optional<sdp::direction> force) {
        auto offer = sdp::parse(offer_request.body());
        if (!offer) {
            return {};
        }
        sdp::webrtc_audio_params p;
        p.ice_ufrag = "phon";
        p.ice_pwd = "phonepasswordphonepassw";
        p.fingerprint = std::string(95, 'A');
        for (std::size_t i = 2; i < p.fingerprint.size(); i += 3) {
            p.fingerprint[i] = ':';
        }
        auto answer = sdp::build_webrtc_audio_answer(*offer, p);
        if (!answer) {
            return {};
        }
        if (force) {
            sdp::set_direction(answer->media.at(0).attributes, *force);
        }
        return sdp::serialize(*answer);
    }

    void on_frame(const std::string& frame, const phone_script& script) {
        auto m = sip::parse(frame);
        if (!m || m->is_response()) {
            if (m && m->status() == 200 && sip::cseq_of(*m) &&
                sip::cseq_of(*m)->method == sip::method::bye) {
                end(std::string(sip::call_id(*m)), "phone_bye");
            }
            return;
        }
        const std::string call_id(sip::call_id(*m));
        auto it = live_.find(call_id);
        if (m->method() == sip::method::invite && sip::to_tag(*m).empty()) {
            calls.push_back(seen_call{call_id, {"INVITE"}, {}, {}, {}});
            live l{calls.size() - 1, *m, {}, {}};
            reply(*m, 100);
            reply(*m, 180);
            if (script.answer) {
                l.answer_at = steady::now() + script.answer_after;
            }
            live_[call_id] = std::move(l);
            return;
        }
        if (it == live_.end()) {
            if (m->method() != sip::method::ack) {
                reply(*m, 481);
            }
            return;
        }
        live& l = it->second;
        seen_call& seen = calls[l.index];
        seen.requests.emplace_back(m->method_text());
        switch (m->method()) {
            case sip::method::invite:
                reply(*m, 200, answer_to(*m, script.hold_answer));
                break;
            case sip::method::bye:
                seen.bye_reason = std::string(m->get("Reason").value_or(""));
                reply(*m, 200);
                end(call_id, "bye");
                break;
            case sip::method::cancel:
                seen.cancel_reason = std::string(m->get("Reason").value_or(""));
                reply(*m, 200);
                reply(l.invite, 487);
                end(call_id, "cancel");
                break;
            case sip::method::ack:
                break;
            default:
                reply(*m, 200);
        }
    }

    void run_due(const phone_script& script) {
        const auto now = steady::now();
        for (auto& [id, l] : live_) {
            if (l.answer_at && *l.answer_at <= now) {
                l.answer_at.reset();
                reply(l.invite, 200, answer_to(l.invite, std::nullopt));
                if (script.hang_up_after) {
                    l.bye_at = now + *script.hang_up_after;
                }
            }
            if (l.bye_at && *l.bye_at <= now) {
                l.bye_at.reset();
                client_.send(bye_for(l.invite));
            }
        }
    }

    std::string bye_for(const sip::message& invite) {
        auto target = sip::parse_name_addr(invite.get(sip::header_id::contact).value_or(""));
        std::string t =
            "BYE " + std::string(target ? target->uri_text : "sip:x@x") + " SIP/2.0\r\n";
        t += "Via: SIP/2.0/WSS " + host_ + ".invalid;branch=z9hG4bKbye" + host_ + "\r\n";
        t += "Max-Forwards: 70\r\n";
        t += "From: <sip:" + user_ + "@example.com>;tag=" + tag() + "\r\n";
        t += "To: " + std::string(invite.get(sip::header_id::from).value_or("")) + "\r\n";
        t += "Call-ID: " + std::string(sip::call_id(invite)) + "\r\n";
        t += "CSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n";
        return t;
    }

    void end(const std::string& call_id, const char* how) {
        auto it = live_.find(call_id);
        if (it == live_.end()) {
            return;
        }
        calls[it->second.index].ended_by = how;
        live_.erase(it);
    }

    transport::ws_client client_;
    inbox in_;
    std::string user_;
    std::string host_;
    std::map<std::string, live> live_;
};

// Runs every task on `io` until all finish or `limit` passes; false on timeout.
inline bool run_all(net::io_context& io, std::vector<net::awaitable<void>> tasks,
                    std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    std::size_t left = tasks.size();
    std::exception_ptr error;
    for (auto& task : tasks) {
        net::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
            error = e ? e : error;
            --left;
        });
    }
    const auto deadline = steady::now() + limit;
    io.restart();
    while (left > 0 && steady::now() < deadline) {
        io.run_one_for(std::chrono::milliseconds(50));
    }
    if (error) {
        std::rethrow_exception(error);
    }
    return left == 0;
}

}  // namespace ringstorm::target::test
