#pragma once
// The media of the target's calls as the call router sees it: one stream per call on a
// port of its own, opened when the call is placed (its host candidate goes in the offer),
// started by the winning leg's answer, steered by re-INVITEs, closed when the call ends.
// An interface so the router stays sans-I/O and its tests can count what it asks for;
// target_media.hpp is the real one, over the worker's media engine.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/core/clock.hpp"
#include "engine/core/result.hpp"
#include "media/sdp/webrtc.hpp"
#include "media/stream/stream.hpp"

namespace ringstorm::target {

struct target_stats;

// What the target's side of a call sends once DTLS-SRTP is up (`serve --media`).
enum class media_mode : unsigned char {
    echo,  // the phone's packets re-protected with our keys and sent back (the default)
    tone,  // a tone of our own, a distinct frequency per call (rtp::frequency_for_call)
    none,  // no media: offers carry no ICE lines, no port is opened
};
std::string_view to_string(media_mode m) noexcept;
std::optional<media_mode> media_mode_from_string(std::string_view s) noexcept;

struct media_options {
    media_mode mode = media_mode::echo;
    // The address media ports are bound on (our host candidate). Empty: the listen
    // address when it is an IP literal other than a wildcard, else 127.0.0.1.
    std::string ip;
};

using media_id = std::uint64_t;

class call_media {
public:
    virtual ~call_media() = default;

    // A call is about to be placed: opens its port and prepares its stream, and writes our
    // side into `offer` (ICE-lite credentials, host candidate, the worker's fingerprint,
    // SSRC) for originated_call::create. The error says why no port could be had
    // ("media: bind 127.0.0.1:0: Too many open files"); the call is then not placed.
    virtual core::result<media_id, std::string> open(sdp::webrtc_audio_params& offer,
                                                     core::time_point now) = 0;
    // The winning leg's answer: ICE (we are lite: the phone's checks come to us), then
    // DTLS in the role the answer left us, then SRTP with the negotiated direction.
    virtual void start(media_id id, const media::remote_media& remote, media::flow f,
                       core::time_point now) = 0;
    // A re-INVITE either way changed the direction.
    virtual void set_flow(media_id id, media::flow f, core::time_point now) = 0;
    // The call (or its winning leg) ended: stop, detach, close the port. Idempotent.
    virtual void close(media_id id, core::time_point now) = 0;
    // Media counters of this worker's calls, live ones included.
    virtual void add_to(target_stats& out) const = 0;
};

}  // namespace ringstorm::target
