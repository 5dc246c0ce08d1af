#pragma once
// Typed SDP attributes (a= lines, RFC 8866 §5.13, §6) for WebRTC audio. A section's
// attributes are one ordered list of `attribute` values: known ones are parsed into their
// own struct, anything else is kept verbatim as a generic_attribute, and the list keeps
// the order of the wire so a re-offer built from an earlier one keeps its shape
// (RFC 3264 §8: change what must change, nothing else).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine/core/result.hpp"
#include "media/sdp/error.hpp"

namespace ringstorm::sdp {

// RFC 8866 §6.7: the media direction attributes; sendrecv when none is present.
enum class direction : std::uint8_t { sendrecv, sendonly, recvonly, inactive };
std::string_view to_string(direction d) noexcept;
std::optional<direction> direction_from_string(std::string_view s) noexcept;

// Property attributes without a value that WebRTC relies on.
enum class flag : std::uint8_t {
    rtcp_mux,           // RFC 5761 §5.1.1: RTP and RTCP on one port
    rtcp_rsize,         // RFC 5506 §5: reduced-size RTCP
    ice_lite,           // RFC 8839 §5.3 (session level)
    end_of_candidates,  // RFC 8840 §8.2
};
std::string_view to_string(flag f) noexcept;

// RFC 4145 §4 (DTLS-SRTP: RFC 5763 §5): who opens the DTLS association.
enum class setup_role : std::uint8_t { active, passive, actpass, holdconn };
std::string_view to_string(setup_role r) noexcept;

// An attribute the model has no struct for, kept byte for byte. `value` is absent for a
// property attribute ("a=foo") and present, possibly empty, for "a=foo:" / "a=foo:bar".
struct generic_attribute {
    std::string name;
    std::optional<std::string> value;
    bool operator==(const generic_attribute&) const = default;
};

// RFC 8866 §6.6: a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding params>]
struct rtpmap {
    std::uint8_t payload_type = 0;          // 0..127
    std::string encoding;                   // "opus", "telephone-event", "PCMU"
    std::uint32_t clock_rate = 0;           // 48000
    std::optional<std::uint32_t> channels;  // audio encoding parameter: 2 for Opus
    bool operator==(const rtpmap&) const = default;
};

// RFC 8866 §6.15: a=fmtp:<format> <format specific parameters>
struct fmtp {
    std::uint8_t payload_type = 0;
    std::string parameters;  // verbatim, e.g. "minptime=10;useinbandfec=1" or "0-16"
    bool operator==(const fmtp&) const = default;
};

// One parameter of an fmtp string: "minptime=10" -> {"minptime", "10"}; "0-16" -> {"0-16", ""}.
struct fmtp_parameter {
    std::string_view key;
    std::string_view value;
};
// Splits "k=v;k=v" (spaces around ';' and '=' tolerated); the views point into `parameters`.
std::vector<fmtp_parameter> split_fmtp(std::string_view parameters);
// Value of one key (compared ignoring case, RFC 7587 §6 parameters are case-insensitive).
std::optional<std::string_view> fmtp_value(std::string_view parameters, std::string_view key);

// RFC 4585 §4.2: a=rtcp-fb:<pt or *> <type> [<parameter>]
struct rtcp_fb {
    std::optional<std::uint8_t> payload_type;  // nullopt for "*" (every format)
    std::string type;                          // "nack", "transport-cc", "ccm"
    std::string parameter;                     // "pli", "fir"; empty when absent
    bool operator==(const rtcp_fb&) const = default;
};

// RFC 8122 §5: a=fingerprint:<hash function> <hex bytes joined by ':'>
struct fingerprint {
    std::string hash_function;  // "sha-256" as written
    std::string value;          // "AB:CD:..." as written
    bool operator==(const fingerprint&) const = default;
};
// Bytes a known hash function produces (sha-256 -> 32), 0 for an unknown one.
std::size_t fingerprint_length(std::string_view hash_function) noexcept;
// Checks the hex-pairs-with-colons shape and, for known hash functions, the length.
bool fingerprint_valid(std::string_view hash_function, std::string_view value) noexcept;

// RFC 8839 §5.4
struct ice_ufrag {
    std::string value;
    bool operator==(const ice_ufrag&) const = default;
};
struct ice_pwd {
    std::string value;
    bool operator==(const ice_pwd&) const = default;
};
// RFC 8839 §5.6: e.g. "trickle" (RFC 8840), "ice2" (RFC 8445)
struct ice_options {
    std::vector<std::string> tags;
    bool operator==(const ice_options&) const = default;
};

// RFC 8839 §5.1
enum class candidate_type : std::uint8_t { host, srflx, prflx, relay };
std::string_view to_string(candidate_type t) noexcept;

struct candidate {
    std::string foundation;         // 1*32 ice-char
    std::uint32_t component = 1;    // 1 = RTP, 2 = RTCP
    std::string transport = "udp";  // "udp", "tcp"; case as written
    std::uint32_t priority = 0;
    std::string address;  // IP address, FQDN or mDNS ".local" name
    std::uint16_t port = 0;
    candidate_type type = candidate_type::host;
    std::optional<std::string> related_address;  // raddr
    std::optional<std::uint16_t> related_port;   // rport
    // Extension pairs in order: generation, network-id, network-cost, ufrag, tcptype...
    std::vector<std::pair<std::string, std::string>> extensions;

    // Value of the first extension named `name`, e.g. extension("generation") -> "0".
    std::optional<std::string_view> extension(std::string_view name) const noexcept;
    bool operator==(const candidate&) const = default;
};
// Parses a candidate value, with or without the "candidate:" prefix (trickle ICE sends the
// prefixed form, RFC 8840 §9). The error offset is relative to `text`.
core::result<candidate, parse_error> parse_candidate(std::string_view text);
// "candidate:<foundation> <component> ..." without "a=" and without a line ending.
std::string to_string(const candidate& c);

// RFC 3605 §2.1: a=rtcp:<port> [<nettype> <addrtype> <address>]
struct rtcp_address {
    std::uint16_t port = 0;
    std::string nettype;  // all three empty when the address is absent
    std::string addrtype;
    std::string address;
    bool operator==(const rtcp_address&) const = default;
};

// RFC 5888 §5
struct mid {
    std::string value;
    bool operator==(const mid&) const = default;
};
// RFC 5888 §5, RFC 9143 (BUNDLE): a=group:<semantics> *(SP <mid>)
struct group {
    std::string semantics;  // "BUNDLE", "LS", "FID"
    std::vector<std::string> mids;
    bool operator==(const group&) const = default;
};

// RFC 8830 §2: a=msid:<id> [<appdata>]
struct msid {
    std::string id;  // stream id, "-" for none
    std::optional<std::string> appdata;
    bool operator==(const msid&) const = default;
};
// Session-level a=msid-semantic: WMS [ids] as Chrome still sends it (draft-ietf-mmusic-msid).
struct msid_semantic {
    std::string semantic;  // "WMS"
    std::vector<std::string> ids;
    bool operator==(const msid_semantic&) const = default;
};

// RFC 5576 §4.1: a=ssrc:<ssrc-id> <attribute>[:<value>]
struct ssrc {
    std::uint32_t id = 0;
    std::string attribute;             // "cname", "msid"
    std::optional<std::string> value;  // may contain spaces (msid:<stream> <track>)
    bool operator==(const ssrc&) const = default;
};
// RFC 5576 §4.2: a=ssrc-group:<semantics> *(SP <ssrc-id>)
struct ssrc_group {
    std::string semantics;  // "FID", "SIM"
    std::vector<std::uint32_t> ssrcs;
    bool operator==(const ssrc_group&) const = default;
};

// RFC 4568 §9.1 (SDES): a=crypto:<tag> <crypto-suite> <key-params> *(SP <session-param>)
struct crypto {
    std::uint32_t tag = 1;
    std::string suite;       // "AES_CM_128_HMAC_SHA1_80"
    std::string key_params;  // "inline:<base64>|2^20|1:32", ';'-joined when several
    std::vector<std::string> session_params;
    bool operator==(const crypto&) const = default;
};

// RFC 8285 §8: a=extmap:<id>[/<direction>] <URI> [<extension attributes>]
struct extmap {
    std::uint16_t id = 1;  // 1..255, or 4096..4351 (reserved for local identifiers)
    std::optional<sdp::direction> dir;
    std::string uri;
    std::string attributes;  // empty when absent
    bool operator==(const extmap&) const = default;
};

// RFC 8866 §6.4 / §6.5, whole milliseconds (a non-integer value stays a generic attribute).
struct ptime {
    std::uint32_t ms = 20;
    bool operator==(const ptime&) const = default;
};
struct maxptime {
    std::uint32_t ms = 120;
    bool operator==(const maxptime&) const = default;
};

using attribute =
    std::variant<generic_attribute, direction, flag, setup_role, rtpmap, fmtp, rtcp_fb, fingerprint,
                 ice_ufrag, ice_pwd, ice_options, candidate, rtcp_address, mid, group, msid,
                 msid_semantic, ssrc, ssrc_group, crypto, extmap, ptime, maxptime>;
using attribute_list = std::vector<attribute>;

// The attribute name as written on the wire ("rtpmap", "sendonly", "rtcp-mux"...).
std::string_view attribute_name(const attribute& a) noexcept;

// Parses one attribute from its name and its value (nullopt when the line had no ':').
// Both views must point into the same buffer as `base`, which the error offset is
// relative to. Known names with a value that breaks their grammar are errors, except a
// non-integer ptime/maxptime which is legal (RFC 8866 §6.4) and stays generic.
core::result<attribute, parse_error> parse_attribute(std::string_view name,
                                                     std::optional<std::string_view> value,
                                                     const char* base);

// Appends "a=<name>[:<value>]\r\n".
void serialize_attribute(const attribute& a, std::string& out);

// ---- lookups over an attribute list ----

template <class T>
const T* find(const attribute_list& attrs) noexcept {
    for (const attribute& a : attrs) {
        if (const T* p = std::get_if<T>(&a)) {
            return p;
        }
    }
    return nullptr;
}

template <class T>
std::vector<const T*> find_all(const attribute_list& attrs) {
    std::vector<const T*> out;
    for (const attribute& a : attrs) {
        if (const T* p = std::get_if<T>(&a)) {
            out.push_back(p);
        }
    }
    return out;
}

bool has_flag(const attribute_list& attrs, flag f) noexcept;
// First generic attribute with this name (e.g. "extmap-allow-mixed"), or nullptr.
const generic_attribute* find_generic(const attribute_list& attrs, std::string_view name) noexcept;
// First direction attribute, nullopt when none (the caller applies the default).
std::optional<direction> find_direction(const attribute_list& attrs) noexcept;
// Replaces the first direction attribute in place (keeping the line order), removes any
// other, or appends one when there was none.
void set_direction(attribute_list& attrs, direction d);
const rtpmap* find_rtpmap(const attribute_list& attrs, std::uint8_t pt) noexcept;
const fmtp* find_fmtp(const attribute_list& attrs, std::uint8_t pt) noexcept;

}  // namespace ringstorm::sdp
