#pragma once
// Scripts for the outgoing call machine: the test plays the proxy and the callee (real SIP
// built with make_response and media/sdp: 407 challenges from a digest_server, answers
// with Record-Route like Kamailio's, the callee's in-dialog requests), injects it with
// the time, and reads back what the phone sent and which events it emitted.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/phone/outgoing_call.hpp"
#include "engine/sip/digest.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"

namespace ringstorm::phone::test {

inline constexpr std::string_view callee_aor = "sip:bob@example.com";
inline constexpr std::string_view callee_contact = "sip:bob7@callee.invalid;transport=ws";
inline constexpr std::string_view proxy_route = "<sip:127.0.0.1:8443;transport=ws;lr>";

using namespace std::chrono_literals;

// A sha-256 fingerprint: 32 hex pairs joined by ':' (RFC 8122 §5).
inline std::string fingerprint_for_test(unsigned byte) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (int i = 0; i < 32; ++i) {
        if (i > 0) {
            out += ':';
        }
        out += hex[(byte >> 4) & 0xF];
        out += hex[byte & 0xF];
    }
    return out;
}

// The callee's media identity, for its answers and re-offers.
inline sdp::webrtc_audio_params callee_media(sdp::direction d = sdp::direction::sendrecv) {
    sdp::webrtc_audio_params p;
    p.ice_ufrag = "calu";
    p.ice_pwd = "calleepasswordcallee00";
    p.fingerprint = fingerprint_for_test(0xCC);
    p.direction = d;
    return p;
}

inline outgoing_call_config make_caller_config(scenario::contract_profile profile) {
    outgoing_call_config c;
    c.call.profile = profile;
    c.call.contact_uri = "sip:k3j4@phone.invalid;transport=ws";
    c.call.user = "alice";
    c.call.via_sent_by = "SIP/2.0/WSS phone.invalid";
    c.call.media.ice_ufrag = "phnu";
    c.call.media.ice_pwd = "phonepasswordphone0000";
    c.call.media.fingerprint = fingerprint_for_test(0x11);
    c.from_uri = "sip:alice@example.com";
    c.display_name = "Alice";
    c.password = "secret";
    return c;
}

inline sip::digest_server make_proxy_auth() {
    sip::digest_server_config c;
    c.realm = "example.com";
    c.secret = "proxy-secret";
    return sip::digest_server(c);
}

class caller_script {
public:
    explicit caller_script(scenario::contract_profile profile)
        : machine(std::string(callee_aor), make_caller_config(profile), 7) {}

    void take(call_actions actions) {
        for (auto& a : actions) {
            if (a.type == call_action_type::send) {
                auto m = sip::parse(a.text);
                EXPECT_TRUE(m) << "the phone sent unparsable SIP:\n" << a.text;
                if (m) {
                    sent.push_back(std::move(*m));
                }
            }
            all.push_back(std::move(a));
        }
    }
    void start() { take(machine.start(now, now)); }
    void in(const sip::message& m) { take(machine.on_message(m, now)); }
    void run_for(std::chrono::milliseconds by) {
        const auto until = now + by;
        while (auto d = machine.next_deadline()) {
            if (*d > until) {
                break;
            }
            now = *d;
            take(machine.on_timer(now));
        }
        now = until;
    }

    // ---- the proxy's and the callee's side ----
    // The last request of `method` the phone sent.
    const sip::message& last(sip::method method) const {
        for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
            if (it->is_request() && it->method() == method) {
                return *it;
            }
        }
        ADD_FAILURE() << "the phone sent no " << sip::to_string(method);
        static const sip::message none;
        return none;
    }
    // The callee's (or the proxy's) answer to `request`: its To tag, and for a 1xx/2xx to
    // an INVITE the callee's Contact and the proxy's Record-Route.
    sip::message reply(const sip::message& request, int status, std::string_view body = {}) const {
        auto r = sip::make_response(request, status, {}, status == 100 ? "" : callee_tag);
        const bool invite = request.method() == sip::method::invite;
        if (invite && status > 100 && status < 300) {
            for (const auto& rr : record_route) {
                r.add(sip::header_id::record_route, rr);
            }
            r.add(sip::header_id::contact, "<" + std::string(callee_contact) + ">");
        }
        if (!body.empty()) {
            r.set_body("application/sdp", body);
        }
        return r;
    }
    // A 407 (or 401) with the proxy's challenges (RFC 3261 §22.3), issued now in wall time.
    sip::message challenge(const sip::message& request, int status = 407) const {
        auto r = sip::make_response(request, status, {}, "proxytag");
        EXPECT_GT(auth.add_challenges(r, sip::digest_clock::now()), 0U);
        return r;
    }
    // The callee's SDP answer to the phone's last offer (in `offer_carrier`).
    static std::string answer_to(const sip::message& offer_carrier,
                                 sdp::direction wish = sdp::direction::sendrecv) {
        auto offer = sdp::parse(offer_carrier.body());
        EXPECT_TRUE(offer) << offer_carrier.body();
        auto p = callee_media(wish);
        auto a = sdp::build_webrtc_audio_answer(*offer, p);
        EXPECT_TRUE(a);
        return sdp::serialize(*a);
    }
    // 180, then the 200 with an answer: the usual connected call.
    void connect() {
        start();
        const auto invite = last(sip::method::invite);
        in(reply(invite, 180));
        in(reply(invite, 200, answer_to(invite)));
        ASSERT_EQ(machine.state(), outgoing_state::connected);
    }
    // A request of the callee within the dialog (it is the UAS; our From tag is its To tag).
    sip::message request(sip::method m, std::uint32_t cseq, std::string_view branch) const {
        const auto& invite = last(sip::method::invite);
        auto r = sip::message::request(m, "sip:k3j4@phone.invalid;transport=ws");
        r.add(sip::header_id::via,
              "SIP/2.0/WSS 127.0.0.1:8443;branch=z9hG4bKproxy" + std::string(branch));
        r.add(sip::header_id::via,
              "SIP/2.0/WSS callee.invalid;branch=z9hG4bK" + std::string(branch));
        r.add(sip::header_id::max_forwards, "69");
        r.add(sip::header_id::from, "<" + std::string(callee_aor) + ">;tag=" + callee_tag);
        r.add(sip::header_id::to, std::string(*invite.get(sip::header_id::from)));
        r.add(sip::header_id::call_id, std::string(sip::call_id(invite)));
        r.add(sip::header_id::cseq, std::to_string(cseq) + " " + std::string(sip::to_string(m)));
        r.add(sip::header_id::contact, "<" + std::string(callee_contact) + ">");
        return r;
    }

    // ---- what came out ----
    std::vector<std::string_view> events() const {
        std::vector<std::string_view> out;
        for (const auto& e : machine.record().events) {
            out.push_back(e.name);
        }
        return out;
    }
    std::size_t sent_count(sip::method m) const {
        return static_cast<std::size_t>(std::count_if(sent.begin(), sent.end(), [m](const auto& s) {
            return s.is_request() && s.method() == m;
        }));
    }
    bool has(call_action_type t, std::string_view kind) const {
        return std::any_of(all.begin(), all.end(), [&](const call_action& a) {
            return a.type == t && a.error_kind == kind;
        });
    }
    bool has_latency(core::step s) const {
        return std::any_of(all.begin(), all.end(), [s](const call_action& a) {
            return a.type == call_action_type::latency && a.step == s;
        });
    }
    std::chrono::nanoseconds latency_of(core::step s) const {
        for (const auto& a : all) {
            if (a.type == call_action_type::latency && a.step == s) {
                return a.latency;
            }
        }
        return std::chrono::nanoseconds{-1};
    }

    core::time_point now = core::clock::time_point{} + 1000s;
    outgoing_call machine;
    sip::digest_server auth = make_proxy_auth();
    std::string callee_tag = "callee1";
    std::vector<std::string> record_route{std::string(proxy_route)};
    std::vector<call_action> all;
    std::vector<sip::message> sent;
};

}  // namespace ringstorm::phone::test
