#pragma once
// ICE candidates and candidate pairs as the agent keeps them (RFC 8445 §5.1, §6.1.2),
// with the priority formulas, and the conversions from and to SDP's candidate lines
// (media/sdp's `candidate`, RFC 8839 §5.1).

#include <cstdint>
#include <optional>
#include <string>

#include "media/ice/transport_address.hpp"
#include "media/sdp/attributes.hpp"

namespace ringstorm::ice {

using stun::transport_address;

enum class role : std::uint8_t { controlling, controlled };

// RFC 8445 §5.1.2.2: recommended type preferences.
namespace type_preference {
inline constexpr std::uint32_t host = 126;
inline constexpr std::uint32_t peer_reflexive = 110;
inline constexpr std::uint32_t server_reflexive = 100;
inline constexpr std::uint32_t relayed = 0;
}  // namespace type_preference

// RFC 8445 §5.1.2.1: (2^24)*type pref + (2^8)*local pref + (256 - component id).
constexpr std::uint32_t candidate_priority(std::uint32_t type_pref, std::uint32_t local_pref,
                                           std::uint32_t component) noexcept {
    return (type_pref << 24) + (local_pref << 8) + (256 - component);
}

// RFC 8445 §6.1.2.3: 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0), G the controlling agent's
// candidate priority and D the controlled agent's.
constexpr std::uint64_t pair_priority(std::uint32_t g, std::uint32_t d) noexcept {
    const std::uint64_t lo = g < d ? g : d;
    const std::uint64_t hi = g < d ? d : g;
    return (lo << 32) + 2 * hi + (g > d ? 1 : 0);
}

// One stream with rtcp-mux: everything is component 1 (RTCP shares it, RFC 8445 §5.1.1.1).
inline constexpr std::uint32_t component_rtp = 1;

struct local_candidate {
    transport_address address;  // also the base: host candidates only
    std::uint32_t priority = 0;
    std::string foundation;
};

struct remote_candidate {
    transport_address address;
    std::uint32_t priority = 0;
    std::string foundation;
    bool peer_reflexive = false;  // learnt from a check's source (RFC 8445 §7.3.1.3)
};

// RFC 8445 §6.1.2.6 / §6.1.2.1 pair states.
enum class pair_state : std::uint8_t { frozen, waiting, in_progress, succeeded, failed };

struct candidate_pair {
    std::size_t local = 0;   // index into the agent's local candidates
    std::size_t remote = 0;  // index into the agent's remote candidates
    std::uint64_t priority = 0;
    pair_state state = pair_state::frozen;
    bool nominated = false;
    // Controlled agent: a USE-CANDIDATE check arrived before this pair succeeded, so it is
    // nominated once our own check succeeds (RFC 8445 §7.3.1.5).
    bool nominate_on_success = false;
    // Controlling agent with regular nomination: the next check carries USE-CANDIDATE.
    bool nominating = false;
};

// The SDP candidate a host candidate is advertised as ("candidate:<f> 1 udp <p> <ip> <port>
// typ host").
sdp::candidate to_sdp(const local_candidate& c);

// The remote candidate an SDP candidate line gives, or nullopt for one this agent cannot
// use: another component (rtcp-mux means only 1), a transport other than UDP, or an
// address that is not an IP literal (an mDNS ".local" name needs a resolver first).
std::optional<remote_candidate> from_sdp(const sdp::candidate& c);

}  // namespace ringstorm::ice
