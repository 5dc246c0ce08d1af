// The target's calls with real media: what the offer says of our side (ICE-lite, one host
// candidate, the worker's fingerprint), what the phone's answer starts (DTLS role, flow),
// re-INVITEs either way keeping the ICE/DTLS parameters and steering the direction, and a
// forked call having one offer and one stream that only the winning tab starts.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/response.hpp"
#include "engine/target/fork_group.hpp"
#include "engine/target/originator.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"
#include "media/sdp/webrtc.hpp"
#include "media/stream/sdp_media.hpp"

namespace ringstorm::target {
namespace {

using namespace std::chrono_literals;

const core::time_point t0 = core::time_point{} + 1000s;
const std::string worker_fp =
    "sha-256 12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:"
    "9A:BC:DE:F0";

caller_identity identity() {
    caller_identity who;
    who.fingerprint.clear();
    for (int i = 0; i < 32; ++i) {
        who.fingerprint += (i == 0 ? "" : ":") + std::string("AB");
    }
    return who;
}

sip::message parse(const std::string& text) {
    auto m = sip::parse(text);
    EXPECT_TRUE(m.has_value()) << text;
    return m ? std::move(*m) : sip::message{};
}

// Our side as target_media writes it: a lite stream on 127.0.0.1:40000.
sdp::webrtc_audio_params our_media() {
    media::stream_config config;
    config.ice = media::ice_mode::lite;
    std::mt19937_64 rng(5);
    media::fill_credentials(config, rng);
    config.local_address = *stun::parse_address("127.0.0.1", 40000);
    sdp::webrtc_audio_params p;
    media::describe_local(config, worker_fp, /*lite=*/true, p);
    return p;
}

// A phone's SDP (answer to `offer`, or a re-offer when `offer` is null) with ICE and a
// host candidate, in direction `dir`.
sdp::session_description phone_sdp(const sdp::session_description* offer, sdp::direction dir) {
    sdp::webrtc_audio_params p;
    p.ice_ufrag = "phon";
    p.ice_pwd = "phonepasswordphonepassw";
    p.ice_trickle = false;
    p.fingerprint = identity().fingerprint;
    p.direction = dir;
    sdp::candidate c;
    c.foundation = "1";
    c.priority = 2130706431;
    c.address = "127.0.0.1";
    c.port = 50000;
    p.candidates = {c};
    return offer != nullptr ? *sdp::build_webrtc_audio_answer(*offer, p)
                            : sdp::build_webrtc_audio(p);
}

struct rig {
    originated_call call;
    sip::message invite;
    sdp::session_description offer;

    rig(call_behaviour b, bool with_media) : call(make(b, with_media)) {
        auto out = call.start(t0);
        invite = parse(out.send.at(0));
        offer = *sdp::parse(invite.body());
    }

    static originated_call make(call_behaviour b, bool with_media) {
        call_plan plan;
        plan.behaviour = b;
        plan.talk_time = 10s;
        plan.hold_after = 4s;
        const sdp::webrtc_audio_params m = our_media();
        return *originated_call::create(
            plan, identity(), {"<sip:abc@x.invalid;transport=ws>", "sip:10001@example.com", {0, 7}},
            42, with_media ? &m : nullptr);
    }

    std::string response(const sip::message& request, int status,
                         const sdp::session_description* body = nullptr) {
        sip::message r = sip::make_response(request, status, {}, "phonetag");
        if (status > 100 && status < 300) {
            r.add(sip::header_id::contact, "<sip:abc@x.invalid;transport=ws>");
        }
        if (body != nullptr) {
            r.set_body("application/sdp", sdp::serialize(*body));
        }
        return sip::serialize(r);
    }

    call_actions answer(const sdp::session_description& body) {
        call.on_text(response(invite, 180), t0);
        return call.on_text(response(invite, 200, &body), t0 + 1s);
    }

    // The phone's re-INVITE with `body` as its offer.
    call_actions reinvite(const sdp::session_description& body, std::uint32_t cseq,
                          core::time_point at, sip::message& ok) {
        std::string t = "INVITE sip:ringstorm@ringstorm.invalid;transport=ws SIP/2.0\r\n";
        t += "Via: SIP/2.0/WSS x.invalid;branch=z9hG4bKphone" + std::to_string(cseq) + "\r\n";
        t += "Max-Forwards: 70\r\nFrom: <sip:10001@example.com>;tag=phonetag\r\n";
        t += "To: " + std::string(*invite.get(sip::header_id::from)) + "\r\n";
        t += "Call-ID: " + call.call_id() + "\r\nCSeq: " + std::to_string(cseq) + " INVITE\r\n";
        t += "Contact: <sip:abc@x.invalid;transport=ws>\r\nContent-Length: 0\r\n\r\n";
        sip::message m = parse(t);
        m.set_body("application/sdp", sdp::serialize(body));
        auto out = call.on_message(m, at);
        EXPECT_EQ(out.send.size(), 1U);
        ok = parse(out.send.at(0));
        return out;
    }
};

std::string attr_value(const sdp::session_description& sd, std::string_view name) {
    const std::string text = sdp::serialize(sd);
    const std::string key = "a=" + std::string(name) + ":";
    const auto at = text.find(key);
    return at == std::string::npos
               ? std::string()
               : text.substr(at + key.size(), text.find("\r\n", at) - at - key.size());
}

TEST(originator_media, offer_carries_ice_lite_our_candidate_and_the_worker_fingerprint) {
    rig r(call_behaviour::answered_then_target_bye, true);
    const std::string body(r.invite.body());
    const sdp::webrtc_audio_params m = our_media();
    for (const std::string& line :
         {std::string("a=ice-lite"), "a=ice-ufrag:" + m.ice_ufrag, "a=ice-pwd:" + m.ice_pwd,
          std::string(" 127.0.0.1 40000 typ host"), std::string("a=end-of-candidates"),
          std::string("m=audio 40000 UDP/TLS/RTP/SAVPF"), std::string("c=IN IP4 127.0.0.1"),
          "a=fingerprint:" + worker_fp, std::string("a=setup:actpass")}) {
        EXPECT_NE(body.find(line), std::string::npos) << line << "\n" << body;
    }
    EXPECT_EQ(body.find("a=ice-options:trickle"), std::string::npos);  // all gathered
    EXPECT_TRUE(r.call.real_media());
}

TEST(originator_media, our_media_without_credentials_or_fingerprint_is_refused) {
    sdp::webrtc_audio_params m = our_media();
    m.fingerprint.clear();
    const call_target to{"<sip:abc@x.invalid;transport=ws>", "sip:10001@example.com", {0, 7}};
    auto no_fp = originated_call::create({}, identity(), to, 1, &m);
    ASSERT_FALSE(no_fp.has_value());
    EXPECT_NE(no_fp.error().find("fingerprint"), std::string::npos);
    m = our_media();
    m.ice_pwd = "short";
    auto no_pwd = originated_call::create({}, identity(), to, 1, &m);
    ASSERT_FALSE(no_pwd.has_value());
    EXPECT_NE(no_pwd.error().find("RFC 8839"), std::string::npos);
}

TEST(originator_media, active_answer_starts_the_stream_with_us_as_dtls_server) {
    rig r(call_behaviour::answered_then_target_bye, true);
    const auto answer = phone_sdp(&r.offer, sdp::direction::sendrecv);
    ASSERT_EQ(*sdp::find<sdp::setup_role>(answer.media.at(0).attributes), sdp::setup_role::active);
    auto out = r.answer(answer);
    ASSERT_TRUE(out.media.start.has_value());
    EXPECT_EQ(out.media.start->ufrag, "phon");
    EXPECT_EQ(out.media.start->pwd, "phonepasswordphonepassw");
    EXPECT_EQ(out.media.start->our_dtls, media::dtls_side::server);
    ASSERT_EQ(out.media.start->candidates.size(), 1U);
    EXPECT_EQ(out.media.start->candidates[0].port, 50000);
    ASSERT_TRUE(out.media.flow.has_value());
    EXPECT_TRUE(out.media.flow->send);
    EXPECT_TRUE(out.media.flow->receive);
    EXPECT_TRUE(out.media.unusable.empty());
}

TEST(originator_media, passive_answer_makes_us_the_dtls_client) {
    rig r(call_behaviour::answered_then_target_bye, true);
    auto answer = phone_sdp(&r.offer, sdp::direction::sendrecv);
    for (auto& a : answer.media.at(0).attributes) {
        if (std::holds_alternative<sdp::setup_role>(a)) {
            a = sdp::setup_role::passive;
        }
    }
    auto out = r.answer(answer);
    ASSERT_TRUE(out.media.start.has_value());
    EXPECT_EQ(out.media.start->our_dtls, media::dtls_side::client);
}

TEST(originator_media, answer_without_ice_starts_nothing_and_the_call_goes_on) {
    rig r(call_behaviour::answered_then_target_bye, true);
    auto answer = phone_sdp(&r.offer, sdp::direction::sendrecv);
    strip_ice(answer);
    auto out = r.answer(answer);
    EXPECT_FALSE(out.media.start.has_value());
    EXPECT_NE(out.media.unusable.find("ice-ufrag"), std::string::npos) << out.media.unusable;
    EXPECT_EQ(r.call.state(), call_state::talking);
}

TEST(originator_media, without_media_no_change_is_ever_reported) {
    rig r(call_behaviour::answered_then_target_bye, false);
    auto out = r.answer(phone_sdp(&r.offer, sdp::direction::sendrecv));
    EXPECT_TRUE(out.media.empty());
    sip::message ok;
    auto held = r.reinvite(phone_sdp(nullptr, sdp::direction::sendonly), 2, t0 + 2s, ok);
    EXPECT_TRUE(held.media.empty());
    EXPECT_EQ(std::string(ok.body()).find("a=ice-ufrag"), std::string::npos);
}

TEST(originator_media, phone_hold_keeps_ice_and_dtls_and_leaves_us_receive_only) {
    rig r(call_behaviour::phone_hangs_up, true);
    r.answer(phone_sdp(&r.offer, sdp::direction::sendrecv));
    sip::message ok;
    auto held = r.reinvite(phone_sdp(nullptr, sdp::direction::sendonly), 2, t0 + 2s, ok);
    ASSERT_EQ(ok.status(), 200);
    auto answer = *sdp::parse(ok.body());
    EXPECT_EQ(answer.direction_of(answer.media.at(0)), sdp::direction::recvonly);
    // RFC 8839: the same credentials, candidate and fingerprint (no ICE restart).
    for (const char* name : {"ice-ufrag", "ice-pwd", "candidate", "fingerprint"}) {
        EXPECT_EQ(attr_value(answer, name), attr_value(r.offer, name)) << name;
    }
    EXPECT_TRUE(sdp::has_flag(answer.attributes, sdp::flag::ice_lite));
    EXPECT_EQ(answer.media.at(0).port, r.offer.media.at(0).port);
    ASSERT_TRUE(held.media.flow.has_value());
    EXPECT_FALSE(held.media.flow->send);
    EXPECT_TRUE(held.media.flow->receive);
    EXPECT_FALSE(held.media.start.has_value());

    auto resumed = r.reinvite(phone_sdp(nullptr, sdp::direction::sendrecv), 3, t0 + 4s, ok);
    ASSERT_TRUE(resumed.media.flow.has_value());
    EXPECT_TRUE(resumed.media.flow->send);
    EXPECT_TRUE(resumed.media.flow->receive);
}

TEST(originator_media, target_hold_answered_recvonly_leaves_us_send_only) {
    rig r(call_behaviour::remote_hold_then_bye, true);
    r.answer(phone_sdp(&r.offer, sdp::direction::sendrecv));
    auto out = r.call.on_timer(t0 + 1s + 4s);  // hold_after from the 2xx
    ASSERT_EQ(out.send.size(), 1U);
    sip::message hold = parse(out.send[0]);
    auto hold_offer = *sdp::parse(hold.body());
    EXPECT_EQ(hold_offer.direction_of(hold_offer.media.at(0)), sdp::direction::sendonly);
    EXPECT_EQ(attr_value(hold_offer, "ice-ufrag"), attr_value(r.offer, "ice-ufrag"));
    auto answer = phone_sdp(&hold_offer, sdp::direction::sendrecv);  // answers recvonly
    auto done = r.call.on_text(r.response(hold, 200, &answer), t0 + 6s);
    ASSERT_TRUE(done.media.flow.has_value());
    EXPECT_TRUE(done.media.flow->send);
    EXPECT_FALSE(done.media.flow->receive);
}

TEST(originator_media, a_leg_given_up_never_starts_media) {
    rig r(call_behaviour::answered_then_target_bye, true);
    r.call.on_text(r.response(r.invite, 180), t0);
    r.call.cancel(t0 + 1s);
    auto out = r.call.on_text(r.response(r.invite, 200, &r.offer), t0 + 1s);
    EXPECT_FALSE(out.media.start.has_value());
}

TEST(originator_media, a_forked_call_offers_one_stream_that_only_the_winner_starts) {
    call_plan plan;
    plan.talk_time = 10s;
    const sdp::webrtc_audio_params m = our_media();
    auto g = *fork_group::create(plan, identity(), "sip:10001@example.com",
                                 {binding_view{"<sip:a@a.invalid;transport=ws>", 300, {0, 11}},
                                  binding_view{"<sip:b@b.invalid;transport=ws>", 300, {0, 22}}},
                                 true, 7, &m);
    auto started = g.start(t0);
    ASSERT_EQ(started.send.size(), 2U);
    const sip::message ia = parse(started.send[0].text);
    const sip::message ib = parse(started.send[1].text);
    EXPECT_EQ(ia.body(), ib.body());  // one offer, one port, one set of credentials
    const auto offer = *sdp::parse(ia.body());
    rig helper(call_behaviour::answered_then_target_bye, false);
    g.on_text(helper.response(ia, 180), {0, 11}, t0);
    g.on_text(helper.response(ib, 180), {0, 22}, t0);
    const auto answer = phone_sdp(&offer, sdp::direction::sendrecv);
    auto won = g.on_text(helper.response(ib, 200, &answer), {0, 22}, t0 + 1s);
    ASSERT_TRUE(won.media.start.has_value());
    EXPECT_FALSE(won.media_over);
    // The other tab's 2xx crossing the CANCEL is ACKed and BYEd, and starts nothing.
    auto raced = g.on_text(helper.response(ia, 200, &answer), {0, 11}, t0 + 1s);
    EXPECT_FALSE(raced.media.start.has_value());
    EXPECT_FALSE(raced.media_over);
    // The winner's end is the media's end.
    auto bye = g.on_timer(t0 + 11s);
    ASSERT_FALSE(bye.send.empty());
    sip::message bye_request = parse(bye.send.back().text);
    ASSERT_EQ(bye_request.method(), sip::method::bye);
    auto ended = g.on_text(helper.response(bye_request, 200), {0, 22}, t0 + 11s);
    EXPECT_TRUE(ended.media_over);
}

}  // namespace
}  // namespace ringstorm::target
