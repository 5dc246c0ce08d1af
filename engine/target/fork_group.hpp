#pragma once
// One call from the target to one user (AOR): a leg per binding when forking (the user's
// browser tabs), else one leg. Sans-I/O like originated_call, whose legs it holds: the
// frames with the call's Call-ID, timer expiries and lost connections go in; texts to
// send (each on its leg's connection), ended legs and findings come out.
//
// Legs share the Call-ID and From tag (fork()), so a message is given to the leg it
// matches (Via branch for responses, dialog for requests). The first leg to answer wins
// and every other leg is given up with `Reason: SIP;cause=200;text="Call completed
// elsewhere"`; when the caller gives up a leg (the behaviour's CANCEL, ring_timeout) every
// other leg is cancelled too, without Reason (sdk-callback-contract.md, "Multi-tab").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.hpp"
#include "engine/target/originator.hpp"
#include "engine/target/registrar.hpp"

namespace ringstorm::target {

struct leg_send {
    connection_ref via;  // the connection of the leg that sends it
    std::string text;
};

// What one event asks of the owner.
struct group_actions {
    std::vector<leg_send> send;
    std::vector<call_result> ended;  // legs that ended with this event
    std::vector<finding> findings;   // raised by this event, any leg
    std::uint32_t answered = 0;      // legs whose 2xx arrived with this event
    std::uint32_t stray = 0;         // responses that matched no leg (dropped)
    bool finished = false;           // the last leg ended with this event (once)
    // The call's one media stream (all legs share one offer, so one port and one set of
    // ICE credentials): started by the answer of the leg that wins, steered by that leg's
    // re-INVITEs; over when that leg ends (media_over) or the call does (finished).
    media_change media;
    bool media_over = false;
};

class fork_group {
public:
    // A call to `aor` over `bindings` (not empty, as registrar::bindings_of lists them):
    // every binding when `fork`, else the one `seed` picks. The error says which input is
    // unusable.
    // `our_media` as originated_call::create takes it: every leg offers the same media
    // (a forking proxy's branches carry one offer, RFC 3261 §16.6), so whichever tab
    // answers meets the one stream the owner prepared.
    static core::result<fork_group, std::string> create(
        const call_plan& plan, const caller_identity& who, const std::string& aor,
        const std::vector<binding_view>& bindings, bool fork, std::uint64_t seed,
        const sdp::webrtc_audio_params* our_media = nullptr);

    // Sends every leg's INVITE.
    group_actions start(core::time_point now);
    // A frame with this call's Call-ID that arrived on connection `from`.
    group_actions on_text(std::string_view frame, connection_ref from, core::time_point now);
    group_actions on_message(const sip::message& m, connection_ref from, core::time_point now);
    // Call once next_deadline() has passed.
    group_actions on_timer(core::time_point now);
    // Connection `connection_id` closed, or a send on it failed: its legs fail.
    group_actions on_transport_error(std::uint64_t connection_id, core::time_point now);

    std::optional<core::time_point> next_deadline() const noexcept;
    bool finished() const noexcept { return started_ && live_ == 0; }
    const std::string& call_id() const noexcept { return legs_.front().call_id(); }
    const std::string& aor() const noexcept { return aor_; }
    std::size_t legs() const noexcept { return legs_.size(); }
    const originated_call& leg(std::size_t i) const { return legs_.at(i); }
    // The leg that answered first, if any.
    std::optional<std::size_t> winner() const noexcept { return winner_; }

private:
    fork_group() = default;
    void absorb(std::size_t i, call_actions actions, group_actions& out);
    // After any event: a leg that answered becomes the winner and the others are given
    // up; a leg the caller gave up takes the others with it.
    void settle(group_actions& out, core::time_point now);
    std::optional<std::size_t> leg_on(connection_ref via) const;

    std::vector<originated_call> legs_;
    std::vector<bool> answer_seen_;  // per leg: its 2xx was counted
    std::vector<bool> ended_;        // per leg: its result was handed out
    std::size_t live_ = 0;
    std::optional<std::size_t> winner_;
    std::optional<std::size_t> media_leg_;  // the leg whose answer started the media
    bool started_ = false;
    bool gave_up_ = false;
    std::string aor_;
};

}  // namespace ringstorm::target
