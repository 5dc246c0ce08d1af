// The tab's calls: every frame is read once and routed by Call-ID (a new INVITE makes an
// incoming call, a live call's messages, incoming or outgoing, go to its machine, the rest
// to the registration machine); outgoing calls are placed (the caller role); the call
// machines' actions are performed (WebSocket, ladder, events with
// callback_kind::call_event, stats, findings). The app's commands are tab_commands.cpp.

#include <algorithm>
#include <string>
#include <utility>

#include "engine/media/worker_media.hpp"
#include "engine/phone/register_request.hpp"
#include "engine/phone/tab_state.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "media/sdp/parser.hpp"
#include "media/stream/sdp_media.hpp"

namespace ringstorm::phone {

namespace {

// 32 random bytes as colon-separated hex pairs: a sha-256 fingerprint (RFC 8122 §5).
std::string random_fingerprint(std::mt19937_64& rng) {
    static constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(95);
    for (int i = 0; i < 32; ++i) {
        const auto byte = static_cast<unsigned>(rng() & 0xFFU);
        if (i > 0) {
            out += ':';
        }
        out += hex[byte >> 4];
        out += hex[byte & 0xFU];
    }
    return out;
}

// The ends calls-design.md counts as failed calls (calls_failed).
bool failed_end(call_end e) noexcept {
    switch (e) {
        case call_end::no_ack:
        case call_end::bad_offer:
        case call_end::bad_invite:
        case call_end::reinvite_timeout:
        case call_end::transport_error:
        case call_end::no_final:
        case call_end::remote_rejected:
            return true;
        default:
            return false;
    }
}

// The first line of a message, and a response's CSeq: what a finding is about.
std::string describe(const sip::message& m) {
    if (m.is_request()) {
        return std::string(m.method_text()) + " " + std::string(m.request_uri());
    }
    std::string out = "SIP/2.0 " + std::to_string(m.status()) + " " + std::string(m.reason());
    if (auto cseq = m.get(sip::header_id::cseq)) {
        out += " (CSeq: " + std::string(*cseq) + ")";
    }
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// routing

void tab_state::on_frame(std::string_view frame, core::time_point now) {
    auto in = machine.read_frame(frame, now);
    perform(std::move(in.actions));
    if (in.message && !aborted) {
        route(std::move(*in.message), now);
    }
}

void tab_state::route(sip::message m, core::time_point now) {
    if (auto* c = find_call(sip::call_id(m))) {
        const auto episode = c->episode;
        perform_call(episode,
                     c->visit([&](auto& call_machine) { return call_machine.on_message(m, now); }),
                     now, &m);
        return;
    }
    // A new call: an out-of-dialog INVITE for us (RFC 3261 §12.1: no To tag). While the
    // tab closes, the registration machine refuses it (480) like a page being unloaded.
    const bool new_call = m.is_request() && m.method() == sip::method::invite &&
                          sip::to_tag(m).empty() && !stopping && machine.addressed_to_me(m);
    if (!new_call) {
        perform(machine.on_message(std::move(m), now));
        return;
    }
    // One call at a time for the app, whichever side placed it (our outgoing call too).
    if (app_sees_a_call()) {
        refuse(m, now);
        return;
    }
    start_call(std::move(m), now);
}

void tab_state::refuse(const sip::message& invite, core::time_point now) {
    env.stats.count_sip(core::direction::received, core::sip_method::invite,
                        core::status_class::request);
    auto out =
        refuse_second_invite(invite, env.profile, machine.identity().contact_uri(), call_rng());
    for (auto& a : out) {
        if (a.type == call_action_type::sip_count) {
            env.stats.count_sip(a.direction, a.method, a.status);
        } else if (a.type == call_action_type::send) {
            machine.note(a.text, true, now);
            send_frame(std::move(a.text));
        }
    }
    settle();
}

void tab_state::start_call(sip::message invite, core::time_point now) {
    auto& t = machine.records();
    call_episode e;
    e.call_id = std::string(sip::call_id(invite));
    e.role = call_role::callee;
    e.started = now;
    e.forked = forked;
    t.calls.push_back(std::move(e));
    const auto episode = static_cast<std::uint32_t>(t.calls.size() - 1);
    // Drawn in a fixed order so a seeded tab's calls are reproducible.
    auto config = call_config_for();
    const auto seed = call_rng();
    live_call c;
    // A WebRTC offer (ICE) gets our real media in the answer. RFC 8445 §6.1.1: facing a
    // lite peer we are controlling; facing a full one the offerer controls.
    if (env.media.worker != nullptr) {
        auto offer = sdp::parse(invite.body());
        if (offer && offers_ice(*offer)) {
            const bool lite = sdp::has_flag(offer->attributes, sdp::flag::ice_lite);
            c.media = plan_media(lite ? media::ice_mode::controlling : media::ice_mode::controlled,
                                 config.media);
        }
    }
    c.incoming = std::make_unique<call>(std::move(invite), std::move(config), seed);
    c.episode = episode;
    c.invite_at = now;
    calls.push_back(std::move(c));
    auto actions = calls.back().incoming->start(now);
    perform_call(episode, std::move(actions), now, nullptr);
}

std::string tab_state::place_call(std::string_view to, core::time_point due) {
    if (aborted) {
        return "tab closed";
    }
    if (stopping) {
        return "tab closing";
    }
    if (app_sees_a_call()) {
        return "already in a call";
    }
    // An INVITE that cannot be sent would only time out 32 s later (Timer B): say so now.
    if (!client || !client->is_open()) {
        return "no WebSocket";
    }
    auto uri = callee_uri(to, env.sipdomain);
    if (!uri) {
        return uri.error();
    }
    const auto now = core::clock::now();
    // Drawn in a fixed order so a seeded tab's calls are reproducible.
    auto config = outgoing_config_for();
    const auto seed = call_rng();
    live_call c;
    // Our offer carries our media; as the offerer we are ICE controlling (RFC 8445 §6.1.1)
    // and say actpass, the answer fixes the DTLS roles.
    if (env.media.worker != nullptr) {
        c.media = plan_media(media::ice_mode::controlling, config.call.media);
        if (c.media) {
            if (auto why = c.media->prepare(config.call.media.opus_pt); !why.empty()) {
                env.stats.protocol_errors.add("media_start");
                c.media.reset();
            }
        }
    }
    c.outgoing = std::make_unique<outgoing_call>(std::move(*uri), std::move(config), seed);
    c.invite_at = now;
    auto& t = machine.records();
    call_episode e;
    e.call_id = c.outgoing->call_id();
    e.role = call_role::caller;
    e.started = due;
    t.calls.push_back(std::move(e));
    c.episode = static_cast<std::uint32_t>(t.calls.size() - 1);
    const auto episode = c.episode;
    calls.push_back(std::move(c));
    ++env.stats.calls_offered;  // calls-design.md: the caller role counts each call placed
    auto actions = calls.back().outgoing->start(due, now);
    perform_call(episode, std::move(actions), now, nullptr);
    return {};
}

outgoing_call_config tab_state::outgoing_config_for() {
    outgoing_call_config c;
    c.call = call_config_for();
    const auto& account = machine.config().account;
    // The AOR the tab registers (register_request.cpp): the proxy authenticates From.
    c.from_uri = "sip:" + account.auth_user + "@" + env.sipdomain;
    c.display_name = account.display_name;
    c.password = account.secret;
    return c;
}

call_config tab_state::call_config_for() {
    call_config c;
    c.profile = env.profile;
    const auto& id = machine.identity();
    c.contact_uri = id.contact_uri();
    c.user = machine.config().account.user_name;
    c.via_sent_by = "SIP/2.0/WSS " + id.host;  // as in the tab's REGISTER
    c.secure_transport = env.url.secure;
    // A new RTCPeerConnection per call: its own o= session id and ICE credentials (RFC 8839
    // §5.4 lengths), drawn for every call so a seeded tab's draws stay in step. A call that
    // gets a stream (plan_media) has these credentials replaced in its SDP by the stream's
    // own, with its host candidate and SSRC; one without (media off, or an offer without
    // ICE) keeps them, so its SDP stays well-formed though no ICE agent answers them.
    c.media.session_id = call_rng() >> 2;  // Chrome's o= session ids are positive 62-bit
    c.media.ice_ufrag = random_token(4, call_rng);
    c.media.ice_pwd = random_token(24, call_rng);
    // With media the worker's DTLS identity is ours (a call whose far end offers no ICE
    // still answers with it); without media no DTLS ever runs, and a random sha-256 value
    // keeps the answer well-formed.
    if (env.media.worker != nullptr) {
        media::set_fingerprint(env.media.worker->fingerprint(), c.media);
    } else {
        c.media.fingerprint = random_fingerprint(call_rng);
    }
    return c;
}

// ---------------------------------------------------------------------------------------
// the call machines' actions

std::string_view tab_state::perform_call(std::uint32_t episode, call_actions actions,
                                         core::time_point now, const sip::message* cause) {
    std::string_view refused;
    for (auto& a : actions) {
        switch (a.type) {
            case call_action_type::send:
                machine.note(a.text, true, now);
                send_frame(std::move(a.text));
                break;
            case call_action_type::emit:
                emit_call_event(episode, a.event, now);
                break;
            case call_action_type::latency:
                env.stats.record(a.step, a.latency);
                break;
            case call_action_type::sip_count:
                env.stats.count_sip(a.direction, a.method, a.status);
                break;
            case call_action_type::protocol_error:
                env.stats.protocol_errors.add(a.error_kind);
                record_finding(episode, a.error_kind, a.text, cause, now);
                break;
            case call_action_type::refused:
                refused = a.error_kind;
                break;
        }
    }
    sync(episode, now);
    settle();
    return refused;
}

void tab_state::emit_call_event(std::uint32_t episode, std::string_view name,
                                core::time_point now) {
    auto& events = machine.records().events;
    events.push_back({now, scenario::callback_kind::call_event, name, episode});
    // A copy: the listener may record events on this tab's siblings, or on this one.
    const recorded_event event = events.back();
    if (auto* c = find_call(episode)) {
        if (name == "incoming") {
            ++env.stats.calls_offered;
            env.stats.record(core::step::invite_to_incoming, core::clock::now() - c->invite_at);
        } else if (name == "connected" && !c->connected) {
            c->connected = true;
            c->active = true;
            ++env.stats.calls_answered;
            ++env.stats.active_calls;
        }
    }
    if (listener && owner) {
        listener->on_event(*owner, event);
    }
}

void tab_state::sync(std::uint32_t episode, core::time_point now) {
    auto* c = find_call(episode);
    if (c == nullptr) {
        return;
    }
    sync_media(*c, now);
    const call_record& r = c->record();
    call_episode& e = machine.records().calls[episode];
    e.answered = r.answered;
    e.acked = r.acked;
    e.final_status = r.final_status;
    e.completed_elsewhere = r.completed_elsewhere;
    if (r.state != call_state::ended || c->ended) {
        return;
    }
    c->ended = true;
    e.ended = r.ended;
    e.end =
        r.end == call_end::transport_error && closing_own_socket ? call_end::local_close : r.end;
    // The phone's own close is not judged (contract README), its media findings neither.
    end_media(*c, now, e.end != call_end::local_close);
    if (c->active) {
        c->active = false;
        --env.stats.active_calls;
    }
    const bool by_bye = r.end == call_end::remote_bye || r.end == call_end::local_hangup;
    if (c->connected && by_bye) {
        ++env.stats.calls_completed;
    } else if (failed_end(e.end)) {
        ++env.stats.calls_failed;
    }
    if (listener && owner) {
        listener->on_call_ended(*owner, episode);
    }
}

void tab_state::record_finding(std::uint32_t episode, std::string_view kind, std::string_view text,
                               const sip::message* cause, core::time_point now) {
    const finding_rule rule = finding_for(kind);
    auto& findings = machine.records().calls[episode].findings;
    if (rule.rule.empty() || findings.size() >= max_findings_per_call) {
        return;
    }
    std::string detail(rule.detail);
    if (!text.empty()) {
        detail += ": ";
        detail += text;
    }
    if (cause != nullptr) {
        detail += " [" + describe(*cause) + "]";
    }
    findings.push_back({rule.rule, std::move(detail), now});
}

live_call* tab_state::find_call(std::uint32_t episode) noexcept {
    auto it = std::find_if(calls.begin(), calls.end(),
                           [episode](const live_call& c) { return c.episode == episode; });
    return it == calls.end() ? nullptr : &*it;
}

live_call* tab_state::find_call(std::string_view call_id) noexcept {
    if (call_id.empty()) {
        return nullptr;  // a message without Call-ID belongs to no call
    }
    auto it = std::find_if(calls.begin(), calls.end(),
                           [call_id](const live_call& c) { return c.call_id() == call_id; });
    return it == calls.end() ? nullptr : &*it;
}

std::optional<std::uint32_t> tab_state::current_episode() const noexcept {
    for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
        if (!it->ended_for_app()) {
            return it->episode;
        }
    }
    return std::nullopt;
}

bool tab_state::app_sees_a_call() const noexcept {
    return current_episode().has_value() || zombie.has_value();
}

// ---------------------------------------------------------------------------------------
// the socket's loss and the page unload

void tab_state::calls_lost(core::time_point now) {
    std::vector<std::uint32_t> episodes;
    for (const auto& c : calls) {
        episodes.push_back(c.episode);
    }
    for (const auto episode : episodes) {
        auto* c = find_call(episode);
        if (c == nullptr) {
            continue;
        }
        const bool app_had_it = !c->ended_for_app();
        perform_call(episode, c->visit([now](auto& m) { return m.on_transport_lost(now); }), now,
                     nullptr);
        // 2.0.5 tells the app nothing: the call stays on its screen (sdk-callback-contract.md,
        // "WebSocket lost during a call"), while the episode records the loss.
        if (app_had_it && env.profile == scenario::contract_profile::exotel_web_sdk_2_0_5) {
            zombie = episode;
        }
    }
}

void tab_state::unload_calls(core::time_point now) {
    if (auto episode = current_episode()) {
        perform_call(*episode,
                     find_call(*episode)->visit([now](auto& m) {
                         // An incoming call's unload differs from Hangup() while ringing (480,
                         // not 486); the caller role CANCELs or BYEs either way.
                         if constexpr (requires { m.unload(now, now); }) {
                             return m.unload(now, now);
                         } else {
                             return m.hangup(now, now);
                         }
                     }),
                     now,
                     nullptr);
    }
}

}  // namespace ringstorm::phone
