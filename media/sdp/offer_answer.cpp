#include "media/sdp/offer_answer.hpp"

#include <algorithm>

#include "media/sdp/scan.hpp"

namespace ringstorm::sdp {

namespace {

constexpr unsigned send_bit = 1;
constexpr unsigned recv_bit = 2;

constexpr unsigned bits(direction d) noexcept {
    switch (d) {
        case direction::sendrecv:
            return send_bit | recv_bit;
        case direction::sendonly:
            return send_bit;
        case direction::recvonly:
            return recv_bit;
        case direction::inactive:
            return 0;
    }
    return 0;
}

constexpr direction from_bits(unsigned b) noexcept {
    switch (b) {
        case send_bit | recv_bit:
            return direction::sendrecv;
        case send_bit:
            return direction::sendonly;
        case recv_bit:
            return direction::recvonly;
        default:
            return direction::inactive;
    }
}

// RFC 3551 §6 static audio payload types, for sections that list them without rtpmap.
std::optional<codec> static_codec(std::uint8_t pt) {
    struct entry {
        std::uint8_t pt;
        std::string_view name;
        std::uint32_t clock;
    };
    constexpr entry table[] = {{0, "PCMU", 8000}, {3, "GSM", 8000},  {4, "G723", 8000},
                               {8, "PCMA", 8000}, {9, "G722", 8000}, {13, "CN", 8000},
                               {18, "G729", 8000}};
    for (const entry& e : table) {
        if (e.pt == pt) {
            return codec{pt, std::string(e.name), e.clock, 1, {}};
        }
    }
    return std::nullopt;
}

std::optional<codec> resolve(const media_description& m, std::uint8_t pt) {
    std::optional<codec> c;
    if (const rtpmap* r = find_rtpmap(m.attributes, pt)) {
        c = codec{pt, r->encoding, r->clock_rate, r->channels.value_or(1), {}};
    } else {
        c = static_codec(pt);
    }
    if (c) {
        if (const fmtp* f = find_fmtp(m.attributes, pt)) {
            c->fmtp = f->parameters;
        }
    }
    return c;
}

}  // namespace

direction reverse(direction d) noexcept {
    const unsigned b = bits(d);
    return from_bits(((b & send_bit) != 0 ? recv_bit : 0) | ((b & recv_bit) != 0 ? send_bit : 0));
}

direction intersect(direction a, direction b) noexcept {
    return from_bits(bits(a) & bits(b));
}

bool sends(direction d) noexcept {
    return (bits(d) & send_bit) != 0;
}
bool receives(direction d) noexcept {
    return (bits(d) & recv_bit) != 0;
}

direction offer_direction(hold_intent intent, direction current) noexcept {
    if (intent == hold_intent::resume) {
        return direction::sendrecv;
    }
    // Holding stops what we receive and keeps what we send (music on hold).
    return intersect(current, direction::sendonly);
}

direction answer_direction(direction offered, direction wish) noexcept {
    return intersect(reverse(offered), wish);
}

bool is_valid_answer(direction offer, direction answer) noexcept {
    const unsigned allowed = bits(reverse(offer));
    return (bits(answer) & ~allowed) == 0;
}

std::vector<answer_violation> check_answer(const session_description& offer,
                                           const session_description& answer) {
    std::vector<answer_violation> out;
    if (offer.media.size() != answer.media.size()) {
        out.push_back({offer.media.size(), "answer has " + std::to_string(answer.media.size()) +
                                               " m= lines, the offer " +
                                               std::to_string(offer.media.size())});
    }
    const std::size_t n = std::min(offer.media.size(), answer.media.size());
    for (std::size_t i = 0; i < n; ++i) {
        const media_description& o = offer.media[i];
        const media_description& a = answer.media[i];
        if (o.media != a.media) {
            out.push_back({i, "media type " + a.media + " answers " + o.media});
        }
        if (a.rejected()) {
            continue;
        }
        const direction od = offer.direction_of(o);
        const direction ad = answer.direction_of(a);
        if (!is_valid_answer(od, ad)) {
            out.push_back({i, std::string(to_string(ad)) + " is not a valid answer to " +
                                  std::string(to_string(od))});
        }
        if (a.is_rtp()) {
            const bool common = std::any_of(a.formats.begin(), a.formats.end(), [&](const auto& f) {
                return std::find(o.formats.begin(), o.formats.end(), f) != o.formats.end();
            });
            if (!common) {
                out.push_back({i, "accepted section lists no format of the offer"});
            }
        }
    }
    return out;
}

std::optional<codec> find_codec(const media_description& m, std::string_view encoding,
                                std::uint32_t clock_rate) {
    for (std::uint8_t pt : m.payload_types()) {
        std::optional<codec> c = resolve(m, pt);
        if (c && detail::iequals(c->encoding, encoding) &&
            (clock_rate == 0 || c->clock_rate == clock_rate)) {
            return c;
        }
    }
    return std::nullopt;
}

std::optional<audio_codecs> negotiate_opus(const media_description& m) {
    // RFC 7587 §7: Opus is always signalled as opus/48000/2, whatever the real rate.
    std::optional<codec> opus = find_codec(m, "opus", 48000);
    if (!opus || m.rejected()) {
        return std::nullopt;
    }
    audio_codecs out{std::move(*opus), find_codec(m, "telephone-event", 48000)};
    if (!out.telephone_event) {
        out.telephone_event = find_codec(m, "telephone-event", 8000);
    }
    return out;
}

}  // namespace ringstorm::sdp
