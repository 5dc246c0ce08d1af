#include "media/stream/sdp_media.hpp"

#include <algorithm>

#include "media/ice/candidate.hpp"

namespace ringstorm::media {

namespace {

// RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/".
constexpr std::string_view ice_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string random_ice_string(std::size_t n, std::mt19937_64& rng) {
    std::string s(n, 'a');
    for (char& c : s) {
        c = ice_chars[rng() % ice_chars.size()];
    }
    return s;
}

// An attribute of the media section, else of the session (RFC 8839 §5.4 and RFC 8122 §5
// allow both levels).
template <class T>
const T* media_or_session(const sdp::session_description& sd, const sdp::media_description& m) {
    if (const T* a = sdp::find<T>(m.attributes)) {
        return a;
    }
    return sdp::find<T>(sd.attributes);
}

// RFC 8839 §5.1: without candidate lines the c=/m= address is the default candidate.
std::optional<sdp::candidate> default_candidate(const sdp::session_description& sd,
                                                const sdp::media_description& m) {
    const sdp::connection* c = sd.connection_of(m);
    if (c == nullptr || m.port == 0 || m.port == 9) {
        return std::nullopt;  // 9 with 0.0.0.0 is JSEP's "candidates trickle" placeholder
    }
    auto address = stun::parse_address(c->address, m.port);
    if (!address) {
        return std::nullopt;
    }
    const bool unspecified = std::all_of(
        address->ip.begin(), address->ip.begin() + static_cast<std::ptrdiff_t>(address->ip_size()),
        [](std::uint8_t b) { return b == 0; });
    if (unspecified) {
        return std::nullopt;
    }
    ice::local_candidate lc{
        *address, ice::candidate_priority(ice::type_preference::host, 65535, ice::component_rtp),
        "default"};
    return ice::to_sdp(lc);
}

}  // namespace

void fill_credentials(stream_config& config, std::mt19937_64& rng) {
    config.local_ufrag = random_ice_string(8, rng);
    config.local_pwd = random_ice_string(24, rng);
    config.ssrc = static_cast<std::uint32_t>(rng());
    if (config.ssrc == 0) {
        config.ssrc = 1;
    }
    config.tie_breaker = rng();
    config.seed = rng();
}

void set_fingerprint(std::string_view value, sdp::webrtc_audio_params& p) {
    const auto space = value.find(' ');
    if (space == std::string_view::npos) {
        p.fingerprint = std::string(value);
        return;
    }
    p.fingerprint_hash = std::string(value.substr(0, space));
    p.fingerprint = std::string(value.substr(space + 1));
}

void describe_local(const stream_config& config, const std::string& fingerprint, bool lite,
                    sdp::webrtc_audio_params& p) {
    p.ice_ufrag = config.local_ufrag;
    p.ice_pwd = config.local_pwd;
    p.ice_lite = lite;
    p.ice_trickle = false;  // gathered before the offer/answer: one host candidate
    // The agent's first (only) host candidate, with the priority and foundation it uses.
    const ice::local_candidate lc{
        config.local_address,
        ice::candidate_priority(ice::type_preference::host, 65535, ice::component_rtp), "1"};
    p.candidates = {ice::to_sdp(lc)};
    p.end_of_candidates = true;
    p.connection_address = stun::ip_to_string(config.local_address);
    p.port = config.local_address.port;
    set_fingerprint(fingerprint, p);
    p.opus_pt = config.opus_pt;
    p.ssrc = config.ssrc;
    // RFC 7022: a per-call random CNAME; the ufrag is one, and the RTCP SDES says the same.
    p.cname = config.local_ufrag;
}

core::result<remote_media, std::string> remote_from_sdp(const sdp::session_description& sd,
                                                        const sdp::media_description& audio,
                                                        bool we_offered,
                                                        sdp::setup_role our_answer_setup) {
    using core::unexpected;
    remote_media r;
    const auto* ufrag = media_or_session<sdp::ice_ufrag>(sd, audio);
    if (ufrag == nullptr || ufrag->value.empty()) {
        return unexpected(std::string("no a=ice-ufrag"));
    }
    const auto* pwd = media_or_session<sdp::ice_pwd>(sd, audio);
    if (pwd == nullptr || pwd->value.empty()) {
        return unexpected(std::string("no a=ice-pwd"));
    }
    r.ufrag = ufrag->value;
    r.pwd = pwd->value;
    // RFC 8839 §5.3: a=ice-lite is a session-level attribute; some stacks put it in the section.
    r.ice_lite = sdp::has_flag(sd.attributes, sdp::flag::ice_lite) ||
                 sdp::has_flag(audio.attributes, sdp::flag::ice_lite);
    for (const sdp::candidate* c : sdp::find_all<sdp::candidate>(audio.attributes)) {
        r.candidates.push_back(*c);
    }
    if (r.candidates.empty()) {
        if (auto c = default_candidate(sd, audio)) {
            r.candidates.push_back(std::move(*c));
        }
    }
    const auto* fp = media_or_session<sdp::fingerprint>(sd, audio);
    if (fp == nullptr) {
        return unexpected(std::string("no a=fingerprint"));
    }
    if (!sdp::fingerprint_valid(fp->hash_function, fp->value)) {
        return unexpected("bad a=fingerprint " + fp->hash_function + " " + fp->value);
    }
    r.fingerprint = fp->hash_function + " " + fp->value;

    if (we_offered) {
        // We offered actpass (RFC 5763 §5): the answer's role leaves us the other one.
        // RFC 4145 §4: an answer without a=setup means active.
        const auto* setup = media_or_session<sdp::setup_role>(sd, audio);
        const sdp::setup_role theirs = setup != nullptr ? *setup : sdp::setup_role::active;
        switch (theirs) {
            case sdp::setup_role::active:
                r.our_dtls = dtls_side::server;
                break;
            case sdp::setup_role::passive:
                r.our_dtls = dtls_side::client;
                break;
            case sdp::setup_role::actpass:
                return unexpected(std::string("a=setup:actpass in an answer"));
            case sdp::setup_role::holdconn:
                return unexpected(std::string("a=setup:holdconn: no DTLS connection"));
        }
    } else {
        switch (our_answer_setup) {
            case sdp::setup_role::active:
                r.our_dtls = dtls_side::client;
                break;
            case sdp::setup_role::passive:
                r.our_dtls = dtls_side::server;
                break;
            default:
                return unexpected(
                    "our answer says a=setup:" + std::string(sdp::to_string(our_answer_setup)) +
                    ": an answer must be active or passive");
        }
    }
    return r;
}

}  // namespace ringstorm::media
