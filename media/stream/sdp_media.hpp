#pragma once
// Between SDP (media/sdp) and a call's stream: what our offer or answer says of our media
// (ICE credentials, our host candidate, fingerprint, lite flag, SSRC), and what the far
// end's description says of its own (remote_media). Used alike by the phone (engine/phone)
// and the embedded target (engine/target).

#include <cstdint>
#include <random>
#include <string>

#include "engine/core/result.hpp"
#include "media/sdp/session.hpp"
#include "media/sdp/webrtc.hpp"
#include "media/stream/stream.hpp"

namespace ringstorm::media {

// Fresh ICE credentials (RFC 8839 §5.4 ice-chars): 8-char ufrag, 24-char pwd, plus SSRC,
// tie-breaker and seed for the stream, from `rng`.
void fill_credentials(stream_config& config, std::mt19937_64& rng);

// The whole a=fingerprint value ("sha-256 AB:CD:…", as worker_media::fingerprint() gives
// it) into `p`'s hash name and hex; a value without a hash name is kept whole as the hex.
void set_fingerprint(std::string_view value, sdp::webrtc_audio_params& p);

// Our media in `p` from `config` and the worker's fingerprint ("sha-256 AB:CD:…"): ufrag, pwd,
// one host candidate (UDP, component 1, RFC 8445 §5.1.2 priority), end-of-candidates, the
// c=/m= address and port of that candidate, no trickle, a=ice-lite when `lite`, a=ssrc.
void describe_local(const stream_config& config, const std::string& fingerprint, bool lite,
                    sdp::webrtc_audio_params& p);

// The far end's media from its description: credentials (media level, else session level),
// a=ice-lite, candidates, fingerprint (media level, else session level) and, from its
// a=setup, the DTLS role left to us (`we_offered`: we said actpass and the answer picks;
// otherwise we answered and `our_answer_setup` is what our answer said). An error names what
// is missing ("no a=ice-ufrag", "no a=fingerprint", "a=setup:actpass in an answer").
core::result<remote_media, std::string> remote_from_sdp(const sdp::session_description& sd,
                                                        const sdp::media_description& audio,
                                                        bool we_offered,
                                                        sdp::setup_role our_answer_setup);

}  // namespace ringstorm::media
