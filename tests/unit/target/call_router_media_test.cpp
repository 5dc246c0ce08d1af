// The call router driving its worker's call media: a port opened for each call before its
// INVITE (our candidate in the offer), the stream started by the answer, steered by a
// phone's hold, closed when the call ends; a call that cannot get a port is not placed.

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "engine/sip/headers.hpp"
#include "engine/sip/response.hpp"
#include "engine/target/call_router.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"
#include "tests/unit/target/target_support.hpp"

namespace ringstorm::target {
namespace {

using namespace test;
using kind = router_item::kind;

caller_identity identity() {
    caller_identity who;
    who.fingerprint.clear();
    for (int i = 0; i < 32; ++i) {
        who.fingerprint += (i == 0 ? "" : ":") + std::string("CD");
    }
    return who;
}

// Records what the router asks of the media and answers with a fixed candidate.
struct fake_media final : call_media {
    struct call {
        bool open = true;
        std::optional<media::remote_media> remote;
        std::vector<media::flow> flows;
    };
    std::map<media_id, call> calls;
    media_id next = 1;
    bool refuse = false;

    core::result<media_id, std::string> open(sdp::webrtc_audio_params& offer,
                                             core::time_point) override {
        if (refuse) {
            return core::unexpected(std::string("media: bind 127.0.0.1:0: Too many open files"));
        }
        offer.ice_ufrag = "targ" + std::to_string(next);
        offer.ice_pwd = "targetpasswordtargetpass";
        offer.ice_lite = true;
        offer.port = static_cast<std::uint16_t>(40000 + next);
        offer.connection_address = "127.0.0.1";
        offer.fingerprint_hash = "sha-256";
        offer.fingerprint = identity().fingerprint;
        calls[next] = call{};
        return next++;
    }
    void start(media_id id, const media::remote_media& remote, media::flow f,
               core::time_point) override {
        calls.at(id).remote = remote;
        calls.at(id).flows.push_back(f);
    }
    void set_flow(media_id id, media::flow f, core::time_point) override {
        calls.at(id).flows.push_back(f);
    }
    void close(media_id id, core::time_point) override { calls.at(id).open = false; }
    void add_to(target_stats& out) const override {
        for (const auto& [id, c] : calls) {
            out.media_ports += c.open ? 1 : 0;
        }
    }
};

struct rig {
    registrar_rig reg;
    fake_media media;
    call_router router;
    router_output out;

    rig() : router(options(), identity(), reg.reg, 1, 2, reg.now.steady, &media) {}

    static call_options options() {
        call_options o;
        o.how = call_options::mode::each_binding;
        o.after = 1s;
        o.plan.behaviour = call_behaviour::phone_hangs_up;
        o.schedule.mix = {{call_behaviour::phone_hangs_up, 1}};
        o.plan.talk_time = 5s;
        return o;
    }
    core::time_point now() const { return reg.now.steady; }
    void advance(std::chrono::milliseconds d) {
        reg.now.steady += d;
        reg.now.wall += d;
    }
    void add_phone() {
        reg.conn = connection_ref{0, 5};
        register_spec spec;
        spec.user = "10001";
        spec.call_id = "reg10001";
        ASSERT_EQ(reg.register_with(spec).status(), 200);
        router.on_registered("sip:10001@example.com", now(), out);
    }
    router_output timer() {
        out.clear();
        router.on_timer(now(), out);
        return out;
    }
    router_output frame(const std::string& text) {
        out.clear();
        auto m = parse_or_die(text);
        router.on_frame(std::string(sip::call_id(m)), text, {0, 5}, now(), out);
        return out;
    }
    target_stats stats() const {
        target_stats s;
        router.add_to(s);
        return s;
    }
};

// The phone's response; a 2xx carries an answer with ICE in direction `dir`.
std::string respond(const sip::message& request, int status,
                    sdp::direction dir = sdp::direction::sendrecv) {
    sip::message r = sip::make_response(request, status, {}, "phonetag");
    r.add(sip::header_id::contact, "<sip:abc@df7jal23ls0d.invalid;transport=ws>");
    if (status == 200 && request.method() == sip::method::invite) {
        auto offer = sdp::parse(request.body());
        EXPECT_TRUE(offer.has_value()) << (offer ? "" : offer.error().to_string()) << "\n"
                                       << request.body();
        if (!offer) {
            return sip::serialize(r);
        }
        sdp::webrtc_audio_params p;
        p.ice_ufrag = "phon";
        p.ice_pwd = "phonepasswordphonepassw";
        p.fingerprint = identity().fingerprint;
        p.direction = dir;
        r.set_body("application/sdp", sdp::serialize(*sdp::build_webrtc_audio_answer(*offer, p)));
    }
    return sip::serialize(r);
}

TEST(call_router_media, a_call_gets_a_port_its_answer_starts_it_and_its_end_closes_it) {
    rig r;
    r.add_phone();
    r.advance(1s);
    router_output placed = r.timer();
    ASSERT_EQ(placed.size(), 2U);
    ASSERT_EQ(r.media.calls.size(), 1U);
    const sip::message invite = parse_or_die(placed[1].text);
    const std::string body(invite.body());
    EXPECT_NE(body.find("a=ice-ufrag:targ1"), std::string::npos) << body;
    EXPECT_NE(body.find("a=ice-lite"), std::string::npos);
    EXPECT_NE(body.find("m=audio 40001 "), std::string::npos);
    EXPECT_EQ(r.stats().media_ports, 1U);

    r.frame(respond(invite, 180));
    EXPECT_FALSE(r.media.calls.at(1).remote.has_value());  // ringing: nothing to start yet
    r.frame(respond(invite, 200));
    ASSERT_TRUE(r.media.calls.at(1).remote.has_value());
    EXPECT_EQ(r.media.calls.at(1).remote->ufrag, "phon");
    EXPECT_EQ(r.media.calls.at(1).remote->our_dtls, media::dtls_side::server);
    ASSERT_EQ(r.media.calls.at(1).flows.size(), 1U);
    EXPECT_TRUE(r.media.calls.at(1).flows[0].send);

    // The phone's BYE ends the call and its media.
    std::string bye = "BYE sip:ringstorm@ringstorm.invalid;transport=ws SIP/2.0\r\n";
    bye += "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKbye1\r\nMax-Forwards: 70\r\n";
    bye += "From: <sip:10001@example.com>;tag=phonetag\r\n";
    bye += "To: " + std::string(*invite.get(sip::header_id::from)) + "\r\n";
    bye += "Call-ID: " + std::string(sip::call_id(invite)) + "\r\nCSeq: 2 BYE\r\n";
    bye += "Content-Length: 0\r\n\r\n";
    r.frame(bye);
    EXPECT_FALSE(r.media.calls.at(1).open);
    EXPECT_EQ(r.stats().media_ports, 0U);
    EXPECT_EQ(r.stats().calls_completed, 1U);
}

TEST(call_router_media, an_unanswered_call_closes_its_port_without_starting) {
    rig r;
    r.add_phone();
    r.advance(1s);
    router_output placed = r.timer();
    const sip::message invite = parse_or_die(placed[1].text);
    r.frame(respond(invite, 486));
    ASSERT_EQ(r.media.calls.size(), 1U);
    EXPECT_FALSE(r.media.calls.at(1).open);
    EXPECT_FALSE(r.media.calls.at(1).remote.has_value());
    EXPECT_EQ(r.stats().calls_rejected, 1U);
}

TEST(call_router_media, an_answer_without_ice_is_counted_and_noted) {
    rig r;
    r.add_phone();
    r.advance(1s);
    const sip::message invite = parse_or_die(r.timer()[1].text);
    sip::message ok = parse_or_die(respond(invite, 200));
    auto answer = *sdp::parse(ok.body());
    strip_ice(answer);
    ok.set_body("application/sdp", sdp::serialize(answer));
    r.frame(sip::serialize(ok));
    EXPECT_FALSE(r.media.calls.at(1).remote.has_value());
    EXPECT_EQ(r.stats().media_unusable, 1U);
    ASSERT_FALSE(r.router.notes().empty());
    EXPECT_NE(r.router.notes().back().find("media not started: no a=ice-ufrag"), std::string::npos)
        << r.router.notes().back();
}

TEST(call_router_media, no_port_means_no_call_and_a_note) {
    rig r;
    r.media.refuse = true;
    r.add_phone();
    r.advance(1s);
    EXPECT_TRUE(r.timer().empty());
    EXPECT_FALSE(r.router.in_call("sip:10001@example.com"));
    const target_stats s = r.stats();
    EXPECT_EQ(s.calls_placed, 0U);
    EXPECT_EQ(s.media_port_failures, 1U);
    ASSERT_EQ(r.router.notes().size(), 1U);
    EXPECT_NE(r.router.notes()[0].find("Too many open files"), std::string::npos);
}

}  // namespace
}  // namespace ringstorm::target
