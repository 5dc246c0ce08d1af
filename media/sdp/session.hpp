#pragma once
// The SDP session description model (RFC 8866 §5): a value type that owns its strings.
// Fields are the lines of the description; attributes (a=) are an ordered list of typed
// values (attributes.hpp). parse() (parser.hpp) builds it, serialize() (serializer.hpp)
// writes it back in canonical order with CRLF, and parse(serialize(x)) == x.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/sdp/attributes.hpp"

namespace ringstorm::sdp {

// RFC 8866 §5.2: o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
struct origin {
    std::string username = "-";
    std::uint64_t session_id = 0;
    std::uint64_t session_version = 0;  // incremented on every new offer (RFC 3264 §8)
    std::string nettype = "IN";
    std::string addrtype = "IP4";
    std::string address = "127.0.0.1";
    bool operator==(const origin&) const = default;
};

// RFC 8866 §5.7: c=<nettype> <addrtype> <connection-address>; a multicast address keeps
// its /ttl/count suffix verbatim.
struct connection {
    std::string nettype = "IN";
    std::string addrtype = "IP4";
    std::string address;
    bool operator==(const connection&) const = default;
};

// RFC 8866 §5.8 b=<bwtype>:<bandwidth>: "AS" and "CT" in kbit/s, "TIAS" (RFC 3890) in bit/s;
// other types are kept as written.
struct bandwidth {
    std::string type;
    std::uint64_t value = 0;
    bool operator==(const bandwidth&) const = default;
};

// RFC 8866 §5.9 t=<start> <stop> with its r= lines (§5.10) kept verbatim.
struct timing {
    std::uint64_t start = 0;
    std::uint64_t stop = 0;
    std::vector<std::string> repeats;
    bool operator==(const timing&) const = default;
};

// RFC 8866 §5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...
struct media_description {
    std::string media = "audio";
    std::uint16_t port = 9;
    std::optional<std::uint32_t> port_count;
    std::string proto = "UDP/TLS/RTP/SAVPF";
    std::vector<std::string> formats;        // payload types for RTP profiles, in preference order
    std::optional<std::string> information;  // i=
    std::vector<sdp::connection> connections;  // c= (several for layered multicast)
    std::vector<sdp::bandwidth> bandwidths;    // b=
    std::optional<std::string> key;            // k= (obsolete, RFC 8866 §5.12; kept)
    attribute_list attributes;                 // a=, in wire order

    bool operator==(const media_description&) const = default;

    // RFC 8866 §5.14: an RTP profile (RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF ...) whose
    // formats are payload types.
    bool is_rtp() const noexcept;
    // A port of 0 rejects or disables the stream (RFC 3264 §6, §8.2).
    bool rejected() const noexcept { return port == 0; }
    // Payload types of `formats` that are numbers (all of them for a valid RTP section).
    std::vector<std::uint8_t> payload_types() const;
    std::optional<std::string_view> mid_value() const noexcept;
};

struct session_description {
    std::uint32_t version = 0;  // v=, always 0 (RFC 8866 §5.1)
    sdp::origin origin;
    std::string session_name = "-";          // s=; "-" or " " when there is none
    std::optional<std::string> information;  // i=
    std::optional<std::string> uri;          // u=
    std::vector<std::string> emails;         // e=
    std::vector<std::string> phones;         // p=
    std::optional<sdp::connection> connection;
    std::vector<sdp::bandwidth> bandwidths;
    std::vector<sdp::timing> times{sdp::timing{}};  // at least one t= (RFC 8866 §5.9)
    std::optional<std::string> zone_adjustments;    // z= verbatim
    std::optional<std::string> key;                 // k=
    attribute_list attributes;
    std::vector<media_description> media;

    bool operator==(const session_description&) const = default;

    // RFC 8866 §6.7: a media direction attribute applies to its section; at session level
    // it is the default for every section; with neither, sendrecv.
    sdp::direction direction_of(const media_description& m) const noexcept;
    // The c= that applies to a section: its own first one, else the session's.
    const sdp::connection* connection_of(const media_description& m) const noexcept;
    // The section with a=mid:<mid>, or nullptr.
    const media_description* find_media(std::string_view mid) const noexcept;
    // First section of this media type ("audio"), or nullptr.
    const media_description* first_media(std::string_view type) const noexcept;
};

}  // namespace ringstorm::sdp
