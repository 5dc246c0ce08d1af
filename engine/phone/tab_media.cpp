// The tab's side of its calls' real media (README.md, "Media"): a stream is planned when
// our SDP is made (callee: at the INVITE, when its offer has ICE; caller: before our
// INVITE), started once the far end's SDP fixes the roles (callee: our 200 went out;
// caller: the 2xx answer arrived), kept in step with the negotiated direction and the
// app's mute after every batch of the call's actions, and stopped at the call's end, its
// figures copied into the episode and its findings turned into call findings.

#include <string>
#include <utility>

#include "engine/media/worker_media.hpp"
#include "engine/phone/call_sdp.hpp"
#include "engine/phone/tab_state.hpp"
#include "media/sdp/parser.hpp"
#include "media/stream/sdp_media.hpp"

namespace ringstorm::phone {

const std::string& tab_state::media_ip() const noexcept {
    // --source-ips: the tab's WebSocket binds its own address (start_connect); its media
    // goes from the same one, so the far end sees one host per phone.
    if (!env.source_ips.empty()) {
        return env.source_ips[(phone + index) % env.source_ips.size()];
    }
    return env.media.local_ip;
}

std::unique_ptr<call_stream> tab_state::plan_media(media::ice_mode ice,
                                                   sdp::webrtc_audio_params& params) {
    auto port = env.media.worker->open_shared(media_ip());
    if (!port) {
        // Not the target's doing: no finding, the call goes on without media.
        env.stats.protocol_errors.add("media_port");
        return nullptr;
    }
    auto s = std::make_unique<call_stream>(env.media, env.stats, *port, ice);
    s->describe(params);
    return s;
}

namespace {

// What the far end's description says of its media, from the SDP text of its offer
// (callee) or answer (caller). nullopt with an empty error when it asks for no ICE (no
// WebRTC media: no stream, no finding); an error when it asks for ICE but lacks what
// DTLS-SRTP needs.
struct far_end {
    std::optional<media::remote_media> remote;
    std::string error;
};

far_end read_far_end(std::string_view text, bool we_offered, sdp::setup_role our_answer_setup) {
    far_end out;
    auto sd = sdp::parse(text);
    const sdp::media_description* audio = sd ? audio_of(*sd) : nullptr;
    if (audio == nullptr || !offers_ice(*sd)) {
        return out;
    }
    auto remote = media::remote_from_sdp(*sd, *audio, we_offered, our_answer_setup);
    if (!remote) {
        out.error = remote.error();
        return out;
    }
    out.remote = std::move(*remote);
    return out;
}

}  // namespace

void tab_state::sync_media(live_call& c, core::time_point now) {
    if (!c.media || c.media->stopped()) {
        return;
    }
    const call_record& r = c.record();
    if (r.state == call_state::ended) {
        return;  // sync() ends it with the episode
    }
    if (!c.media->started()) {
        far_end far;
        std::uint8_t opus_pt = 111;
        if (c.incoming) {
            if (!r.answered) {
                return;  // still ringing: the stream starts with our 200
            }
            // Our answer's a=setup fixed our DTLS role (active: we are the client).
            far = read_far_end(c.incoming->invite().body(), false,
                               c.incoming->negotiated().setup);
            opus_pt = c.incoming->negotiated().opus_pt;
        } else {
            if (c.outgoing->state() != outgoing_state::connected) {
                return;
            }
            // The answer's a=setup picks our role (RFC 5763 §5); the payload type is ours
            // (RFC 3264 §6.1: the answerer uses the offerer's numbers).
            far = read_far_end(c.outgoing->remote_answer(), true, sdp::setup_role::actpass);
            opus_pt = c.outgoing->media().opus_pt;
        }
        if (!far.remote) {
            if (!far.error.empty()) {
                add_finding(c.episode, media_bad_sdp_rule,
                            std::string(media_finding_bad_sdp_detail) + ": " + far.error, now);
            }
            c.media.reset();  // never started: nothing to fold
            return;
        }
        if (auto why = c.media->start(*far.remote, opus_pt, now); !why.empty()) {
            env.stats.protocol_errors.add("media_start");
            c.media.reset();
            return;
        }
    }
    const sdp::direction d = c.visit([](const auto& m) { return m.local_direction(); });
    c.media->apply(flow_of(d), r.muted, now);
}

void tab_state::end_media(live_call& c, core::time_point now, bool judge) {
    if (!c.media) {
        return;
    }
    auto figures = c.media->stop(now);
    c.media.reset();
    if (!figures) {
        return;
    }
    if (judge) {
        for (const media::media_finding& f : figures->findings) {
            const finding_rule rule = media_finding_for(f.rule);
            std::string detail(rule.detail);
            if (f.count > 1) {
                detail += " (" + std::to_string(f.count) + " times)";
            }
            detail += " [sent " + std::to_string(figures->packets_sent) + ", received " +
                      std::to_string(figures->packets_received) + " RTP]";
            add_finding(c.episode, rule.rule, std::move(detail), f.at);
        }
    }
    machine.records().calls[c.episode].media = std::move(*figures);
}

void tab_state::add_finding(std::uint32_t episode, std::string_view rule, std::string detail,
                            core::time_point at) {
    auto& findings = machine.records().calls[episode].findings;
    if (findings.size() < max_findings_per_call) {
        findings.push_back({rule, std::move(detail), at});
    }
}

}  // namespace ringstorm::phone
