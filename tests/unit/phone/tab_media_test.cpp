// A tab's calls with real media on loopback: the far end is a real media::stream on its own
// worker_media (as `serve` or another phone would be), the phone's streams run on the
// tab's worker_media. Callee (the far end offers ICE-lite, echoes) and caller (the far end
// answers with full ICE and sends its own tone); an offer without ICE runs no media; an
// offer with ICE but no fingerprint is a media.bad_sdp finding.
#include <algorithm>
#include <initializer_list>
#include <random>

#include "engine/media/worker_media.hpp"
#include "engine/phone/call_sdp.hpp"
#include "engine/phone/tab_state.hpp"
#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"
#include "media/stream/sdp_media.hpp"
#include "tests/unit/phone/tab_call_fixture.hpp"

namespace ringstorm::phone::test {
namespace {

// The far end's media: its own worker_media (engine, DTLS identity) and one stream.
struct far_media {
    explicit far_media(net::io_context& io) {
        auto made = media::worker_media::create(io);
        EXPECT_TRUE(made) << (made ? "" : made.error());
        worker = std::move(*made);
        auto p = worker->open_shared("127.0.0.1");
        EXPECT_TRUE(p);
        port = p ? *p : 0;
    }
    ~far_media() {
        if (stream) {
            worker->engine().detach(*stream);
        }
    }

    // Our description with `ice` and `setup`, ready for an offer or an answer.
    sdp::webrtc_audio_params params(media::ice_mode ice, media::send_mode mode,
                                    sdp::setup_role setup) {
        config.ice = ice;
        std::mt19937_64 rng(99);
        media::fill_credentials(config, rng);
        config.local_address = worker->engine().local_address(port);
        config.mode = mode;
        config.tone_index = 40;  // far from the phone's first tones
        auto p = target_media();
        media::describe_local(config, worker->fingerprint(), ice == media::ice_mode::lite, p);
        p.setup = setup;
        return p;
    }
    // An offer as `serve` makes it: ICE-lite, actpass.
    std::string offer(media::send_mode mode) {
        return sdp::serialize(sdp::build_webrtc_audio(
            params(media::ice_mode::lite, mode, sdp::setup_role::actpass)));
    }
    // Starts our stream from the phone's SDP (its answer when we offered, else its offer).
    void start(std::string_view phone_sdp, bool we_offered, sdp::setup_role our_setup) {
        auto sd = sdp::parse(phone_sdp);
        ASSERT_TRUE(sd) << phone_sdp;
        const auto* audio = audio_of(*sd);
        ASSERT_NE(audio, nullptr);
        auto remote = media::remote_from_sdp(*sd, *audio, we_offered, our_setup);
        ASSERT_TRUE(remote) << remote.error();
        std::string error;
        stream = media::stream::create(config, worker->shared(), error);
        ASSERT_TRUE(stream) << error;
        worker->engine().attach(port, *stream);
        stream->start(*remote, core::clock::now());
    }
    std::uint64_t received() const { return stream ? stream->stats().packets_received : 0; }

    std::unique_ptr<media::worker_media> worker;
    media::port_id port = 0;
    media::stream_config config;
    std::unique_ptr<media::stream> stream;
};

// The phone's worker media, as the worker wires it (engine/app/worker.cpp).
struct phone_media_env {
    phone_media_env(call_fixture& f, bool peer_echoes) {
        auto made = media::worker_media::create(f.io);
        EXPECT_TRUE(made);
        worker = std::move(*made);
        f.env->media.worker = worker.get();
        f.env->media.registry = &registry;
        f.env->media.peer_echoes = peer_echoes;
        f.env->media.detect_every_ms = 300;
    }
    std::unique_ptr<media::worker_media> worker;
    stream_registry registry;
};

sip::message invite_with(call_fixture& f, std::string_view call_id, std::string body) {
    auto m = f.target.request(sip::method::invite, call_id, 1, "inv1");
    m.set_body("application/sdp", std::move(body));
    return m;
}

// Rings the phone with `offer`, answers, ACKs: true once connected.
bool answer_call(call_fixture& f, std::string offer) {
    f.phone->do_register(core::clock::now());
    if (!f.wait([&] { return f.phone->registered(); })) {
        return false;
    }
    f.target.send(invite_with(f, "m1", std::move(offer)));
    if (!f.wait([&] { return !f.recorder.calls().empty(); })) {
        return false;
    }
    EXPECT_EQ(f.phone->answer(core::clock::now()), "");
    if (!f.wait([&] { return !f.target.statuses("m1").empty() &&
                             f.target.statuses("m1").back() == 200; })) {
        return false;
    }
    f.target.send(f.target.request(sip::method::ack, "m1", 1, "ack1", f.phone_tag("m1")));
    return f.wait([&] { return f.phone->current_call() && f.phone->current_call()->acked; });
}

// `sdp` without the attribute lines starting with any of `prefixes`.
std::string without_lines(const std::string& sdp, std::initializer_list<std::string_view> prefixes) {
    std::string out;
    for (std::size_t at = 0; at < sdp.size();) {
        const auto end = sdp.find("\r\n", at);
        const std::string line = sdp.substr(at, end - at + 2);
        if (std::none_of(prefixes.begin(), prefixes.end(),
                         [&](std::string_view p) { return line.rfind(p, 0) == 0; })) {
            out += line;
        }
        at = end + 2;
    }
    return out;
}

const sip::message& last_response(const call_fixture& f, std::string_view call_id) {
    return *f.target.responses(call_id).back();
}

TEST(TabMedia, CalleeAnswersAnIceLiteOfferWithRealMediaBothWays) {
    call_fixture f{documented};
    phone_media_env pm(f, true);
    far_media far(f.io);
    ASSERT_TRUE(answer_call(f, far.offer(media::send_mode::echo)));
    // Our answer: the worker's fingerprint, our host candidate on 127.0.0.1, no trickle,
    // a=setup:active (we are the DTLS client facing an actpass offer).
    const auto& ok = last_response(f, "m1");
    auto answer = sdp::parse(ok.body());
    ASSERT_TRUE(answer) << ok.body();
    const auto* audio = audio_of(*answer);
    ASSERT_NE(audio, nullptr);
    const auto* fp = sdp::find<sdp::fingerprint>(audio->attributes);
    if (fp == nullptr) {
        fp = sdp::find<sdp::fingerprint>(answer->attributes);
    }
    ASSERT_NE(fp, nullptr);
    EXPECT_NE(pm.worker->fingerprint().find(fp->value), std::string::npos);
    ASSERT_FALSE(sdp::find_all<sdp::candidate>(audio->attributes).empty());
    EXPECT_EQ(sdp::find_all<sdp::candidate>(audio->attributes).front()->address, "127.0.0.1");
    EXPECT_EQ(*sdp::find<sdp::setup_role>(audio->attributes), sdp::setup_role::active);
    EXPECT_EQ(pm.registry.size(), 1U);  // the phone's stream runs from the 200

    far.start(ok.body(), true, sdp::setup_role::actpass);
    // The far end echoes: media flows both ways, the phone hears its own tone.
    ASSERT_TRUE(f.wait([&] { return far.received() > 60; }, 8s));
    f.wait([] { return false; }, 400ms);
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "");
    ASSERT_TRUE(f.wait([&] { return f.episode().media.has_value(); }));
    const media::stream_stats& m = *f.episode().media;
    EXPECT_TRUE(m.srtp_up);
    EXPECT_TRUE(m.ice && m.dtls_handshake && m.first_packet);
    EXPECT_GT(m.packets_sent, 60U);
    EXPECT_GT(m.packets_received, 40U);
    EXPECT_EQ(m.srtp_auth_failures, 0U);
    EXPECT_EQ(m.last_heard, media::heard::expected_tone);
    EXPECT_TRUE(f.episode().findings.empty()) << f.episode().findings.front().rule;
    // Folded once into the worker's stats: streams, packets, the three latencies.
    EXPECT_EQ(f.stats->media_streams, 1U);
    EXPECT_EQ(f.stats->media_streams_active, 0);
    EXPECT_EQ(f.stats->media_packets_sent, m.packets_sent);
    EXPECT_EQ(f.latencies(core::step::ice), 1U);
    EXPECT_EQ(f.latencies(core::step::dtls_handshake), 1U);
    EXPECT_EQ(f.latencies(core::step::media_first_packet), 1U);
    EXPECT_EQ(pm.registry.size(), 0U);
    EXPECT_EQ(pm.worker->engine().stats().endpoints, 0U);  // detached
}

TEST(TabMedia, CalleeEncodingLiveIsHeardAndHearsItsOwnToneBack) {
    // The scenario's media.encode: live, complexity 5: the phone's stream encodes its tone
    // every 20 ms; the far end's echo brings it back and the phone's checks recognise it.
    call_fixture f{documented};
    phone_media_env pm(f, true);
    f.env->media.live_opus = true;
    f.env->media.opus_complexity = 5;
    far_media far(f.io);
    ASSERT_TRUE(answer_call(f, far.offer(media::send_mode::echo)));
    far.start(last_response(f, "m1").body(), true, sdp::setup_role::actpass);
    ASSERT_TRUE(f.wait([&] { return far.received() > 60; }, 8s));
    f.wait([] { return false; }, 400ms);
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "");
    ASSERT_TRUE(f.wait([&] { return f.episode().media.has_value(); }));
    const media::stream_stats& m = *f.episode().media;
    EXPECT_TRUE(m.srtp_up);
    EXPECT_GT(m.packets_sent, 60U);
    EXPECT_GT(m.packets_received, 40U);
    EXPECT_EQ(m.last_heard, media::heard::expected_tone);
    EXPECT_TRUE(f.episode().findings.empty()) << f.episode().findings.front().rule;
}

TEST(TabMedia, HoldFollowsTheNegotiatedDirectionAndMediaWhileHeldIsAFinding) {
    call_fixture f{sdk205};
    phone_media_env pm(f, true);
    far_media far(f.io);
    ASSERT_TRUE(answer_call(f, far.offer(media::send_mode::echo)));
    far.start(last_response(f, "m1").body(), true, sdp::setup_role::actpass);
    ASSERT_TRUE(f.wait([&] { return far.received() > 30; }, 8s));
    // Hold: the fixture's far end answers recvonly, so the phone is sendonly and must not
    // be sent media (RFC 6337 §5.3); this far end echoes regardless.
    EXPECT_EQ(f.phone->hold(core::clock::now()), "");
    ASSERT_TRUE(f.wait([&] { return f.latencies(core::step::hold) == 1; }));
    const auto echoed_before = far.received();
    f.wait([] { return false; }, 1500ms);
    EXPECT_GT(far.received(), echoed_before + 20);  // the phone still sends while it holds
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "");
    ASSERT_TRUE(f.wait([&] { return f.episode().media.has_value(); }));
    const auto& findings = f.episode().findings;
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings.front().rule, "media.hold_direction");
    EXPECT_NE(findings.front().detail.find("RFC 6337"), std::string::npos);
}

TEST(TabMedia, AnOfferWithoutIceRunsNoMediaAndRecordsNothing) {
    call_fixture f{documented};
    phone_media_env pm(f, true);
    ASSERT_TRUE(answer_call(f, target_offer()));  // the fixture's offer has ICE...
    EXPECT_EQ(pm.registry.size(), 1U);
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "");
    ASSERT_TRUE(f.wait([&] { return f.episode().ended.has_value(); }));

    // ...this one has none (`serve --media none`, plain RTP): no stream, no finding.
    call_fixture g{documented};
    phone_media_env gm(g, true);
    ASSERT_TRUE(answer_call(g, without_lines(target_offer(),
                                             {"a=ice-", "a=candidate", "a=end-of-candidates"})));
    EXPECT_EQ(gm.registry.size(), 0U);
    EXPECT_EQ(gm.worker->engine().stats().endpoints, 0U);
    EXPECT_EQ(g.phone->hangup(core::clock::now()), "");
    ASSERT_TRUE(g.wait([&] { return g.episode().ended.has_value(); }));
    EXPECT_FALSE(g.episode().media.has_value());
    EXPECT_TRUE(g.episode().findings.empty());
    EXPECT_EQ(g.stats->media_streams, 0U);
}

TEST(TabMedia, AnIceOfferWithoutFingerprintIsABadSdpFinding) {
    call_fixture f{documented};
    phone_media_env pm(f, true);
    ASSERT_TRUE(answer_call(f, without_lines(target_offer(), {"a=fingerprint"})));
    EXPECT_EQ(pm.registry.size(), 0U);
    ASSERT_EQ(f.episode().findings.size(), 1U);
    EXPECT_EQ(f.episode().findings.front().rule, "media.bad_sdp");
    EXPECT_NE(f.episode().findings.front().detail.find("fingerprint"), std::string::npos);
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "");
}

TEST(TabMedia, CallerStartsItsStreamFromTheAnswerAndHearsTheCalleesTone) {
    call_fixture f{sdk205};
    phone_media_env pm(f, false);
    far_media far(f.io);
    // The proxy answers at once with the far end's full-ICE answer (setup passive: the
    // phone is the DTLS client), and starts the far end's stream from the phone's offer.
    std::optional<sip::message> invite;
    f.target.intercept = [&](transport::connection& conn, const sip::message& m) {
        if (m.method() != sip::method::invite || !sip::to_tag(m).empty()) {
            return false;
        }
        invite = m;
        auto offer = sdp::parse(m.body());
        EXPECT_TRUE(offer);
        auto answer = sdp::build_webrtc_audio_answer(
            *offer, far.params(media::ice_mode::controlled, media::send_mode::tone,
                               sdp::setup_role::passive));
        EXPECT_TRUE(answer);
        auto r = sip::make_response(m, 200, {}, "tgt1");
        r.add(sip::header_id::contact, "<sip:2002@callee.invalid;transport=ws>");
        r.set_body("application/sdp", sdp::serialize(*answer));
        conn.send(sip::serialize(r));
        far.start(m.body(), false, sdp::setup_role::passive);
        return true;
    };
    f.phone->do_register(core::clock::now());
    ASSERT_TRUE(f.wait([&] { return f.phone->registered(); }));
    ASSERT_EQ(f.phone->place_call("2002", core::clock::now()), "");
    ASSERT_TRUE(f.wait([&] { return f.recorder.calls() == ev{"connected"}; }));
    // Our offer: controlling full ICE (no a=ice-lite), actpass, our candidate.
    ASSERT_TRUE(invite);
    auto offer = sdp::parse(invite->body());
    ASSERT_TRUE(offer);
    EXPECT_FALSE(sdp::has_flag(offer->attributes, sdp::flag::ice_lite));
    EXPECT_FALSE(sdp::find_all<sdp::candidate>(audio_of(*offer)->attributes).empty());
    ASSERT_TRUE(f.wait([&] { return far.received() > 50; }, 8s));
    f.wait([] { return false; }, 400ms);
    EXPECT_EQ(f.phone->hangup(core::clock::now()), "");
    ASSERT_TRUE(f.wait([&] { return f.episode().media.has_value(); }));
    const media::stream_stats& m = *f.episode().media;
    EXPECT_TRUE(m.srtp_up);
    EXPECT_GT(m.packets_received, 30U);
    EXPECT_EQ(m.last_heard, media::heard::expected_tone);  // any grid tone: not an echo
    EXPECT_TRUE(f.episode().findings.empty()) << f.episode().findings.front().rule;
    EXPECT_EQ(f.stats->media_streams, 1U);
}

TEST(TabMedia, FindingRulesAreTheStreamsRuleIds) {
    for (int r = 0; r <= static_cast<int>(media::media_rule::srtp_auth); ++r) {
        const auto rule = static_cast<media::media_rule>(r);
        EXPECT_EQ(media_finding_for(rule).rule, media::rule_id(rule));
        EXPECT_FALSE(media_finding_for(rule).detail.empty()) << media::rule_id(rule);
    }
}

}  // namespace
}  // namespace ringstorm::phone::test
