#pragma once
// Scripts for the call machine: the "target" side builds real SIP (INVITE with a WebRTC
// offer from media/sdp, ACK, BYE, CANCEL, re-INVITE, responses via make_response), injects
// it with the time, and reads back what the phone sent and which events it emitted.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/phone/call.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"

namespace ringstorm::phone::test {

using namespace std::chrono_literals;

// A sha-256 fingerprint: 32 hex pairs joined by ':' (RFC 8122 §5).
inline std::string fingerprint_of(unsigned byte) {
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

inline sdp::webrtc_audio_params target_media(sdp::direction d = sdp::direction::sendrecv) {
    sdp::webrtc_audio_params p;
    p.ice_ufrag = "tgtu";
    p.ice_pwd = "targetpasswordtarget00";
    p.fingerprint = fingerprint_of(0xAA);
    p.direction = d;
    return p;
}

inline std::string target_offer(sdp::direction d = sdp::direction::sendrecv) {
    return sdp::serialize(sdp::build_webrtc_audio(target_media(d)));
}

inline sip::message target_invite(std::string_view body) {
    auto m = sip::message::request(sip::method::invite, "sip:k3j4@phone.invalid;transport=ws");
    m.add(sip::header_id::via, "SIP/2.0/WSS target.example.com;branch=z9hG4bKinvite1");
    m.add(sip::header_id::max_forwards, "70");
    m.add(sip::header_id::from, "\"Bob Caller\" <sip:bob@example.com>;tag=tgt1");
    m.add(sip::header_id::to, "<sip:alice@example.com>");
    m.add(sip::header_id::call_id, "call-1@target");
    m.add(sip::header_id::cseq, "1 INVITE");
    m.add(sip::header_id::contact, "<sip:bob@target.example.com;transport=ws>");
    m.add("X-Exotel-CallSid", "CS-42");
    m.add("X-Exotel-LegSid", "LEG-7");
    if (!body.empty()) {
        m.set_body("application/sdp", body);
    }
    return m;
}

inline call_config make_call_config(scenario::contract_profile profile) {
    call_config c;
    c.profile = profile;
    c.contact_uri = "sip:k3j4@phone.invalid;transport=ws";
    c.user = "alice";
    c.via_sent_by = "SIP/2.0/WSS phone.invalid";
    c.media.ice_ufrag = "phnu";
    c.media.ice_pwd = "phonepasswordphone0000";
    c.media.fingerprint = fingerprint_of(0x11);
    return c;
}

class call_script {
public:
    explicit call_script(scenario::contract_profile profile, std::string_view body = target_offer())
        : invite(target_invite(body)), machine(invite, make_call_config(profile), 11) {}

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
    void start() { take(machine.start(now)); }
    void answer() { take(machine.answer(now, now)); }
    void in(const sip::message& m) { take(machine.on_message(m, now)); }
    void advance(std::chrono::milliseconds by) {
        now += by;
        take(machine.on_timer(now));
    }
    // Fires every deadline up to now + by, in order.
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

    // ---- the target's side of the dialog ----
    std::string phone_tag() const { return std::string(sip::to_tag(sent.back())); }
    sip::message request(sip::method m, std::uint32_t cseq, std::string_view branch) {
        auto r = sip::message::request(m, "sip:k3j4@phone.invalid;transport=ws");
        r.add(sip::header_id::via,
              "SIP/2.0/WSS target.example.com;branch=z9hG4bK" + std::string(branch));
        r.add(sip::header_id::max_forwards, "70");
        r.add(sip::header_id::from, "\"Bob Caller\" <sip:bob@example.com>;tag=tgt1");
        r.add(sip::header_id::to, "<sip:alice@example.com>;tag=" + tag);
        r.add(sip::header_id::call_id, "call-1@target");
        r.add(sip::header_id::cseq, std::to_string(cseq) + " " + std::string(sip::to_string(m)));
        r.add(sip::header_id::contact, "<sip:bob@target.example.com;transport=ws>");
        return r;
    }
    sip::message ack() { return request(sip::method::ack, 1, "ack1"); }
    sip::message cancel() {
        auto c = sip::make_cancel(invite);
        return c;
    }
    // Answers and acknowledges: the usual start of a connected call.
    void connect() {
        start();
        answer();
        tag = std::string(sip::to_tag(sent.back()));
        in(ack());
        ASSERT_EQ(machine.record().state, call_state::connected);
    }
    sip::message reply_to_last(int status, std::string_view body = {}) {
        auto r = sip::make_response(sent.back(), status, {}, "tgt1");
        if (!body.empty()) {
            r.set_body("application/sdp", body);
        }
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
    std::vector<int> statuses() const {
        std::vector<int> out;
        for (const auto& m : sent) {
            if (m.is_response()) {
                out.push_back(m.status());
            }
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
    static sdp::direction direction_in(const sip::message& m) {
        auto sd = sdp::parse(m.body());
        EXPECT_TRUE(sd) << m.body();
        if (!sd || sd->media.empty()) {
            return sdp::direction::inactive;
        }
        return sd->direction_of(sd->media.front());
    }

    core::time_point now = core::clock::time_point{} + 1000s;
    sip::message invite;
    call machine;
    std::string tag;  // the phone's To tag, once answered
    std::vector<call_action> all;
    std::vector<sip::message> sent;
};

}  // namespace ringstorm::phone::test
