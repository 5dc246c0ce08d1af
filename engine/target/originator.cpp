// Building an originated call: checking its inputs, the INVITE with its WebRTC offer and
// the hold re-INVITE. The exchanges themselves are in originator_flow.cpp.

#include "engine/target/originator.hpp"

#include <cstdio>

#include "engine/sip/headers.hpp"
#include "engine/sip/transaction.hpp"
#include "media/sdp/offer_answer.hpp"
#include "media/sdp/serializer.hpp"
#include "media/sdp/webrtc.hpp"

namespace ringstorm::target {

namespace {

// splitmix64: a seedable stream for identifiers, so a seed replays a call byte for byte.
std::uint64_t next_random(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
}

std::string hex(std::uint64_t v, int digits) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return std::string(buf + 16 - digits, static_cast<std::size_t>(digits));
}

// RFC 8839 §5.4 ice-chars are ALPHA / DIGIT / "+" / "/"; hex digits are a subset.
std::string random_hex(std::uint64_t& state, std::size_t length) {
    std::string out;
    while (out.size() < length) {
        out += hex(next_random(state), 16);
    }
    out.resize(length);
    return out;
}

}  // namespace

std::string_view to_string(call_behaviour b) noexcept {
    switch (b) {
        case call_behaviour::answered_then_target_bye:
            return "answered_then_target_bye";
        case call_behaviour::target_cancel_while_ringing:
            return "target_cancel_while_ringing";
        case call_behaviour::remote_hold_then_bye:
            return "remote_hold_then_bye";
        case call_behaviour::no_ack:
            return "no_ack";
        case call_behaviour::phone_hangs_up:
            return "phone_hangs_up";
    }
    return "?";
}

std::optional<call_behaviour> call_behaviour_from_string(std::string_view s) noexcept {
    for (auto b :
         {call_behaviour::answered_then_target_bye, call_behaviour::target_cancel_while_ringing,
          call_behaviour::remote_hold_then_bye, call_behaviour::no_ack,
          call_behaviour::phone_hangs_up}) {
        if (to_string(b) == s) {
            return b;
        }
    }
    return std::nullopt;
}

std::string_view to_string(call_outcome o) noexcept {
    switch (o) {
        case call_outcome::completed:
            return "completed";
        case call_outcome::failed:
            return "failed";
        case call_outcome::cancelled:
            return "cancelled";
        case call_outcome::rejected:
            return "rejected";
    }
    return "?";
}

std::string_view to_string(finding_kind k) noexcept {
    switch (k) {
        case finding_kind::malformed_message:
            return "malformed_message";
        case finding_kind::bad_answer_sdp:
            return "bad_answer_sdp";
        case finding_kind::hold_answer_direction:
            return "hold_answer_direction";
        case finding_kind::hold_refused:
            return "hold_refused";
        case finding_kind::phone_did_not_hang_up:
            return "phone_did_not_hang_up";
        case finding_kind::unexpected_request:
            return "unexpected_request";
    }
    return "?";
}

std::string call_plan::validate() const {
    auto ms = [](call_duration d) { return std::to_string(d.count()) + " ms"; };
    if (ring_timeout.count() <= 0 || talk_time.count() <= 0) {
        return "ring_timeout and talk_time must be positive";
    }
    if (cancel_after.count() < 0 || hold_after.count() < 0) {
        return "cancel_after and hold_after must not be negative";
    }
    if (behaviour == call_behaviour::target_cancel_while_ringing && cancel_after >= ring_timeout) {
        return "cancel_after " + ms(cancel_after) + " not below ring_timeout " + ms(ring_timeout) +
               ": the CANCEL would never be sent";
    }
    if (behaviour == call_behaviour::remote_hold_then_bye && hold_after >= talk_time) {
        return "hold_after " + ms(hold_after) + " not below talk_time " + ms(talk_time) +
               ": the hold would never be sent";
    }
    return {};
}

std::string caller_identity::validate() const {
    for (const auto* uri : {&this->uri, &contact}) {
        auto parsed = sip::parse_name_addr(*uri);
        if (!parsed || (parsed->uri.scheme != "sip" && parsed->uri.scheme != "sips")) {
            return "caller identity: '" + *uri + "' is not a SIP URI";
        }
    }
    if (via_host.empty()) {
        return "caller identity: via_host is empty";
    }
    if (!sdp::fingerprint_valid(fingerprint_hash, fingerprint)) {
        return "caller identity: fingerprint '" + fingerprint + "' is not a " + fingerprint_hash +
               " fingerprint (RFC 8122 §5)";
    }
    return {};
}

namespace {

// The binding's Contact as a Request-URI and its AOR, checked.
core::result<call_target, std::string> checked_target(const call_target& to) {
    auto contact = sip::parse_name_addr(to.contact);
    if (!contact || (contact->uri.scheme != "sip" && contact->uri.scheme != "sips")) {
        return core::unexpected("binding contact '" + to.contact + "' is not a SIP URI");
    }
    auto aor = sip::parse_name_addr(to.aor);
    if (!aor || aor->uri.user.empty()) {
        return core::unexpected("AOR '" + to.aor + "' is not a SIP URI with a user");
    }
    call_target out = to;
    out.contact = std::string(contact->uri_text);
    return out;
}

}  // namespace

core::result<originated_call, std::string> originated_call::create(
    call_plan plan, const caller_identity& who, const call_target& to, std::uint64_t seed,
    const sdp::webrtc_audio_params* our_media) {
    if (auto why = plan.validate(); !why.empty()) {
        return core::unexpected(std::move(why));
    }
    if (auto why = who.validate(); !why.empty()) {
        return core::unexpected(std::move(why));
    }
    auto target = checked_target(to);
    if (!target) {
        return core::unexpected(target.error());
    }
    if (our_media != nullptr) {
        // What the stream will check against: an offer without them would fail ICE or
        // DTLS at the phone for a reason of ours.
        if (our_media->ice_ufrag.size() < 4 || our_media->ice_pwd.size() < 22) {
            return core::unexpected(std::string(
                "our media: ICE credentials too short (RFC 8839 §5.4: ufrag 4+, pwd 22+)"));
        }
        if (!sdp::fingerprint_valid(our_media->fingerprint_hash, our_media->fingerprint)) {
            return core::unexpected("our media: fingerprint '" + our_media->fingerprint +
                                    "' is not a " + our_media->fingerprint_hash +
                                    " fingerprint (RFC 8122 §5)");
        }
    }
    originated_call c;
    c.plan_ = plan;
    c.to_ = std::move(*target);
    c.rng_ = seed;
    c.call_id_ = random_hex(c.rng_, 24) + "@" + who.via_host;
    c.from_ = sip::quote(who.display_name) + " <" + who.uri + ">;tag=" + random_hex(c.rng_, 10);
    c.contact_ = "<" + who.contact + ">";
    c.via_host_ = who.via_host;
    c.call_sid_ = random_hex(c.rng_, 32);
    c.make_offer(who, our_media);
    c.invite_ = c.build_invite();
    return c;
}

core::result<originated_call, std::string> originated_call::fork(const call_target& to,
                                                                 std::uint64_t seed) const {
    if (state_ != call_state::idle) {
        return core::unexpected(std::string("a call forks only before it starts"));
    }
    auto target = checked_target(to);
    if (!target) {
        return core::unexpected(target.error());
    }
    originated_call leg = *this;
    leg.to_ = std::move(*target);
    leg.rng_ = seed;
    leg.invite_ = leg.build_invite();
    return leg;
}

std::string originated_call::next_branch() {
    return sip::make_branch(next_random(rng_));
}

call_duration originated_call::since_invite(core::time_point now) const {
    return std::chrono::duration_cast<call_duration>(now - invite_at_);
}

void originated_call::make_offer(const caller_identity& who,
                                 const sdp::webrtc_audio_params* our_media) {
    sdp::webrtc_audio_params p;
    p.session_id = next_random(rng_) >> 2U;  // RFC 8866 §5.2: fits a 63-bit NTP-style value
    p.session_version = 2;
    p.fingerprint_hash = who.fingerprint_hash;
    p.fingerprint = who.fingerprint;
    p.setup = sdp::setup_role::actpass;  // RFC 5763 §5: the offerer lets the answerer choose
    p.cname = random_hex(rng_, 16);
    p.ssrc = static_cast<std::uint32_t>(next_random(rng_));
    real_media_ = our_media != nullptr;
    if (real_media_) {
        // Our media as the stream will run it: ICE-lite (RFC 8445 §2.5: the phone, a full
        // agent, controls), every candidate gathered (no trickle), the certificate the
        // worker's DTLS contexts present.
        p.ice_ufrag = our_media->ice_ufrag;
        p.ice_pwd = our_media->ice_pwd;
        p.ice_lite = our_media->ice_lite;
        p.ice_trickle = our_media->ice_trickle;
        p.candidates = our_media->candidates;
        p.end_of_candidates = our_media->end_of_candidates;
        p.port = our_media->port;
        p.connection_address = our_media->connection_address;
        p.origin_address = our_media->connection_address;
        p.fingerprint_hash = our_media->fingerprint_hash;
        p.fingerprint = our_media->fingerprint;
        if (our_media->ssrc) {
            p.ssrc = our_media->ssrc;
        }
        if (!our_media->cname.empty()) {
            p.cname = our_media->cname;
        }
    }
    media_ = p;
    offer_ = sdp::build_webrtc_audio(p);
    if (!real_media_) {
        strip_ice(offer_);
    }
}

const sdp::media_description* first_audio(const sdp::session_description& sd) noexcept {
    for (const auto& m : sd.media) {
        if (m.media == "audio" && !m.rejected()) {
            return &m;
        }
    }
    return nullptr;
}

void strip_ice(sdp::session_description& sd) {
    // RFC 8839 §4.2: without a=ice-ufrag and a=ice-pwd there is no ICE, so no WebRTC media.
    for (auto& m : sd.media) {
        std::erase_if(m.attributes, [](const sdp::attribute& a) {
            return std::holds_alternative<sdp::ice_ufrag>(a) ||
                   std::holds_alternative<sdp::ice_pwd>(a) ||
                   std::holds_alternative<sdp::ice_options>(a);
        });
    }
}

sip::message originated_call::build_invite() {
    sip::message m = sip::message::request(sip::method::invite, to_.contact);
    m.add(sip::header_id::via, "SIP/2.0/WSS " + via_host_ + ";branch=" + next_branch() + ";rport");
    m.add(sip::header_id::max_forwards, "70");
    m.add(sip::header_id::to, "<" + std::string(to_.aor) + ">");
    m.add(sip::header_id::from, from_);
    m.add(sip::header_id::call_id, call_id_);
    m.add(sip::header_id::cseq, "1 INVITE");
    m.add(sip::header_id::contact, contact_);
    m.add(sip::header_id::allow, "INVITE, ACK, CANCEL, BYE, OPTIONS");
    // The platform tags every call it places and each of its legs; the SDK hands these
    // to the app.
    m.add("X-Exotel-CallSid", call_sid_);
    m.add("X-Exotel-LegSid", random_hex(rng_, 32));
    m.set_body("application/sdp", sdp::serialize(offer_));
    return m;
}

sip::message originated_call::build_hold() {
    // RFC 3264 §8: a new offer keeps the origin and bumps its version; RFC 3264 §8.4 and
    // RFC 6337 §5.3: holding a sendrecv stream offers sendonly.
    hold_offer_ = offer_;
    hold_offer_.origin.session_version = ++media_.session_version;
    for (auto& media : hold_offer_.media) {
        sdp::set_direction(media.attributes,
                           sdp::offer_direction(sdp::hold_intent::hold, sdp::direction::sendrecv));
    }
    sip::message m = dialog_->make_request(sip::method::invite, next_branch());
    m.add(sip::header_id::allow, "INVITE, ACK, CANCEL, BYE, OPTIONS");
    m.set_body("application/sdp", sdp::serialize(hold_offer_));
    return m;
}

}  // namespace ringstorm::target
