#include "media/sdp/webrtc.hpp"

namespace ringstorm::sdp {

namespace {

void add_codecs(attribute_list& a, const webrtc_audio_params& p) {
    // RFC 7587 §7: Opus is always opus/48000/2.
    a.emplace_back(rtpmap{p.opus_pt, "opus", 48000, 2});
    a.emplace_back(rtcp_fb{p.opus_pt, "transport-cc", {}});
    if (!p.opus_fmtp.empty()) {
        a.emplace_back(fmtp{p.opus_pt, p.opus_fmtp});
    }
    for (const auto& [pt, clock] : p.telephone_events) {
        a.emplace_back(rtpmap{pt, "telephone-event", clock, std::nullopt});
    }
}

// RFC 5763 §5 / RFC 4145 §4.1: actpass lets us choose (active unless told passive), an
// active offerer makes us passive and a passive one active.
setup_role answer_setup(const session_description& offer, const media_description& om,
                        setup_role wish) {
    const setup_role* offered = find<setup_role>(om.attributes);
    if (offered == nullptr) {
        offered = find<setup_role>(offer.attributes);
    }
    if (offered == nullptr || *offered == setup_role::actpass) {
        return wish == setup_role::passive ? setup_role::passive : setup_role::active;
    }
    if (*offered == setup_role::active) {
        return setup_role::passive;
    }
    if (*offered == setup_role::passive) {
        return setup_role::active;
    }
    return setup_role::holdconn;
}

// RFC 8866 §5.7: the address type names the family of the address that follows; an
// IPv6 host candidate's SDP says IP6 or a peer reads the address as a bad IPv4 literal.
std::string address_type(const std::string& address) {
    return address.find(':') == std::string::npos ? "IP4" : "IP6";
}

}  // namespace

session_description build_webrtc_audio(const webrtc_audio_params& p) {
    session_description sd;
    sd.origin = origin{"-", p.session_id, p.session_version, "IN", address_type(p.origin_address),
                       p.origin_address};
    sd.session_name = "-";
    if (p.bundle) {
        sd.attributes.emplace_back(group{"BUNDLE", {p.mid}});
    }
    if (p.ice_lite) {
        sd.attributes.emplace_back(flag::ice_lite);
    }
    sd.attributes.emplace_back(msid_semantic{"WMS", {}});
    if (!p.stream_id.empty()) {
        std::get<msid_semantic>(sd.attributes.back()).ids.push_back(p.stream_id);
    }

    media_description& m = sd.media.emplace_back();
    m.media = "audio";
    m.port = p.port;
    m.proto = "UDP/TLS/RTP/SAVPF";
    m.formats.push_back(std::to_string(p.opus_pt));
    for (const auto& te : p.telephone_events) {
        m.formats.push_back(std::to_string(te.first));
    }
    m.connections.push_back(
        connection{"IN", address_type(p.connection_address), p.connection_address});
    attribute_list& a = m.attributes;
    a.emplace_back(rtcp_address{9, "IN", "IP4", "0.0.0.0"});
    for (const candidate& c : p.candidates) {
        a.emplace_back(c);
    }
    if (p.end_of_candidates) {
        a.emplace_back(flag::end_of_candidates);
    }
    a.emplace_back(ice_ufrag{p.ice_ufrag});
    a.emplace_back(ice_pwd{p.ice_pwd});
    if (p.ice_trickle) {
        a.emplace_back(ice_options{{"trickle"}});
    }
    a.emplace_back(fingerprint{p.fingerprint_hash, p.fingerprint});
    a.emplace_back(p.setup);
    a.emplace_back(mid{p.mid});
    a.emplace_back(p.direction);
    if (!p.stream_id.empty() && !p.track_id.empty()) {
        a.emplace_back(msid{p.stream_id, p.track_id});
    }
    a.emplace_back(flag::rtcp_mux);
    add_codecs(a, p);
    if (p.ptime) {
        a.emplace_back(ptime{*p.ptime});
    }
    if (p.ssrc && !p.cname.empty()) {
        a.emplace_back(ssrc{*p.ssrc, "cname", p.cname});
    }
    return sd;
}

core::result<session_description, negotiation_error> build_webrtc_audio_answer(
    const session_description& offer, webrtc_audio_params p) {
    std::size_t audio_index = offer.media.size();
    for (std::size_t i = 0; i < offer.media.size(); ++i) {
        if (offer.media[i].media == "audio" && !offer.media[i].rejected()) {
            audio_index = i;
            break;
        }
    }
    if (audio_index == offer.media.size()) {
        return core::unexpected{negotiation_error::no_audio};
    }
    const media_description& om = offer.media[audio_index];
    const std::optional<audio_codecs> codecs = negotiate_opus(om);
    if (!codecs) {
        return core::unexpected{negotiation_error::no_opus};
    }
    p.opus_pt = codecs->opus.payload_type;
    p.telephone_events.clear();
    if (codecs->telephone_event) {
        p.telephone_events.emplace_back(codecs->telephone_event->payload_type,
                                        codecs->telephone_event->clock_rate);
    }
    if (auto m = om.mid_value()) {
        p.mid = std::string(*m);
    }
    p.bundle = p.bundle && find<group>(offer.attributes) != nullptr;
    p.direction = answer_direction(offer.direction_of(om), p.direction);
    p.setup = answer_setup(offer, om, p.setup);

    session_description sd = build_webrtc_audio(p);
    media_description built = std::move(sd.media.front());
    sd.media.clear();
    for (std::size_t i = 0; i < offer.media.size(); ++i) {
        if (i == audio_index) {
            sd.media.push_back(std::move(built));
            continue;
        }
        // RFC 3264 §6: a rejected stream keeps its m= line with port 0 and a format.
        media_description& r = sd.media.emplace_back();
        r.media = offer.media[i].media;
        r.port = 0;
        r.proto = offer.media[i].proto;
        if (!offer.media[i].formats.empty()) {
            r.formats = {offer.media[i].formats.front()};
        } else {
            r.formats = {"0"};
        }
        if (auto m = offer.media[i].mid_value()) {
            r.attributes.emplace_back(mid{std::string(*m)});
        }
    }
    return sd;
}

}  // namespace ringstorm::sdp
