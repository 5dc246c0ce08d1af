#pragma once
// Offer/answer rules (RFC 3264) for directions and hold (RFC 3264 §8.4, RFC 6337 §5),
// and audio codec negotiation over parsed descriptions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/sdp/session.hpp"

namespace ringstorm::sdp {

// sendonly <-> recvonly; sendrecv and inactive unchanged: the same stream seen by the peer.
direction reverse(direction d) noexcept;
// What both allow: intersect(sendrecv, recvonly) = recvonly, intersect(sendonly, recvonly) =
// inactive.
direction intersect(direction a, direction b) noexcept;
bool sends(direction d) noexcept;
bool receives(direction d) noexcept;

enum class hold_intent { hold, resume };

// The direction to put in a new offer (re-INVITE). `current` is our direction as last
// negotiated, from our side. RFC 3264 §8.4 / RFC 6337 §5.3: hold marks a sendrecv stream
// sendonly and a recvonly one (the peer holds us) inactive; an already held stream stays as
// it is. Resume offers sendrecv; an answer from a peer that still holds us restricts it.
direction offer_direction(hold_intent intent, direction current) noexcept;

// RFC 3264 §6.1: the answer's direction for an offered one and what we are willing to do
// (`wish`, sendrecv by default): sendonly -> recvonly, recvonly -> sendonly,
// inactive -> inactive, sendrecv -> `wish`; in general intersect(reverse(offer), wish).
direction answer_direction(direction offered, direction wish = direction::sendrecv) noexcept;

// Whether `answer` is a legal answer to `offer` (RFC 3264 §6.1, RFC 6337 §5.2): the
// answer may only remove directions, never add one. A sendrecv answer to a sendonly
// offer is a violation; an inactive answer is always legal.
bool is_valid_answer(direction offer, direction answer) noexcept;

// One breach of RFC 3264 §6 by a whole answer.
struct answer_violation {
    std::size_t media_index = 0;  // which m= section (0-based); offer's count when global
    std::string reason;
};
// RFC 3264 §6: same number of m= lines in the same order and of the same media type, a
// direction each that is a legal answer (rejected sections, port 0, are exempt), and for an
// accepted RTP section at least one format that the offer listed.
std::vector<answer_violation> check_answer(const session_description& offer,
                                           const session_description& answer);

// A codec resolved from a section's formats and rtpmap/fmtp lines.
struct codec {
    std::uint8_t payload_type = 0;
    std::string encoding;
    std::uint32_t clock_rate = 0;
    std::uint32_t channels = 1;
    std::string fmtp;  // parameters, empty when none
    bool operator==(const codec&) const = default;
};

// The first format of `m` (offer order is preference order, RFC 3264 §5.1) whose encoding
// matches case-insensitively and, when `clock_rate` is not 0, whose clock does. Static
// payload types without an rtpmap resolve through RFC 3551 §6 (0 PCMU, 8 PCMA, 9 G722...).
std::optional<codec> find_codec(const media_description& m, std::string_view encoding,
                                std::uint32_t clock_rate = 0);

struct audio_codecs {
    codec opus;
    // RFC 4733 §2.1: telephone-event at the clock of the voice codec (48000 with Opus),
    // else the 8000 Hz one that most SIP peers offer.
    std::optional<codec> telephone_event;
};
// Opus (RFC 7587: opus/48000/2) and the matching telephone-event from an offered section;
// nullopt when it offers no Opus.
std::optional<audio_codecs> negotiate_opus(const media_description& m);

}  // namespace ringstorm::sdp
