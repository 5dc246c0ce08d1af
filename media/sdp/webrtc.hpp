#pragma once
// Builders for the WebRTC audio offers and answers a browser SDK phone sends (RFC 8829
// JSEP shape): one bundled audio section over UDP/TLS/RTP/SAVPF, Opus first, DTLS-SRTP
// fingerprint and setup role, ICE credentials and candidates, rtcp-mux.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/result.hpp"
#include "media/sdp/offer_answer.hpp"
#include "media/sdp/session.hpp"

namespace ringstorm::sdp {

struct webrtc_audio_params {
    std::uint64_t session_id = 1;
    std::uint64_t session_version = 2;  // bump on every new offer (RFC 3264 §8)
    std::string origin_address = "127.0.0.1";
    std::string mid = "0";
    bool bundle = true;  // a=group:BUNDLE <mid> (RFC 9143)
    // JSEP puts 9 and 0.0.0.0 when candidates trickle (RFC 8829 §5.2.1, RFC 8840 §4.1.1).
    std::uint16_t port = 9;
    std::string connection_address = "0.0.0.0";
    std::string ice_ufrag;  // RFC 8839 §5.4: 4..256 ice-chars
    std::string ice_pwd;    // 22..256 ice-chars
    bool ice_trickle = true;
    bool ice_lite = false;
    std::string fingerprint_hash = "sha-256";
    std::string fingerprint;  // "AB:CD:..."
    // RFC 5763 §5: the offerer says actpass, the answerer picks active (or passive).
    setup_role setup = setup_role::actpass;
    sdp::direction direction = sdp::direction::sendrecv;
    std::uint8_t opus_pt = 111;
    std::string opus_fmtp = "minptime=10;useinbandfec=1";
    // telephone-event payload types and clocks, in the order offered (Chrome: 110 at 48000,
    // 126 at 8000).
    std::vector<std::pair<std::uint8_t, std::uint32_t>> telephone_events{{110, 48000}, {126, 8000}};
    std::vector<candidate> candidates;
    bool end_of_candidates = false;
    std::optional<std::uint32_t> ssrc;  // with cname: a=ssrc:<id> cname:<cname>
    std::string cname;
    std::string stream_id;  // a=msid:<stream_id> <track_id> when both set
    std::string track_id;
    std::optional<std::uint32_t> ptime;
};

// An offer (or, with a chosen setup role, an answer) of exactly this shape.
session_description build_webrtc_audio(const webrtc_audio_params& p);

enum class negotiation_error {
    no_audio,  // the offer has no accepted audio section
    no_opus,   // its audio section offers no opus/48000/2
};

// An answer to `offer`'s first audio section: Opus and telephone-event at the payload types
// the offer chose (RFC 3264 §6.1: the answerer uses the offerer's numbers), the offer's mid,
// the RFC 3264 §6.1 answer direction for `p.direction` as our wish, setup active when the
// offer said actpass (RFC 5763 §5) and the opposite role otherwise. Other offered sections
// are answered rejected (port 0) so the m= line count matches (RFC 3264 §6).
core::result<session_description, negotiation_error> build_webrtc_audio_answer(
    const session_description& offer, webrtc_audio_params p);

}  // namespace ringstorm::sdp
