#pragma once
// Packet and key builders shared by the SRTP tests.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "media/srtp/keys.hpp"

namespace ringstorm::srtp::test {

// Decodes "a0 b1c2 ..." (spaces ignored) into bytes.
inline std::vector<std::uint8_t> hex(std::string_view text) {
    auto nibble = [](char c) -> std::uint8_t {
        if (c >= '0' && c <= '9') {
            return static_cast<std::uint8_t>(c - '0');
        }
        return static_cast<std::uint8_t>(c - 'a' + 10);
    };
    std::vector<std::uint8_t> out;
    std::uint8_t high = 0;
    bool half = false;
    for (char c : text) {
        if (c == ' ') {
            continue;
        }
        if (half) {
            out.push_back(static_cast<std::uint8_t>(high << 4 | nibble(c)));
        } else {
            high = nibble(c);
        }
        half = !half;
    }
    return out;
}

// Room left after every packet the tests build: more than any SRTP/SRTCP trailer.
inline constexpr std::size_t slack = 64;

// An RTP packet (RFC 3550 §5.1, PT 111 = Opus in WebRTC offers) with `payload` bytes of a
// pattern that depends on the sequence number, followed by `slack` spare bytes.
inline std::vector<std::uint8_t> rtp_packet(std::uint16_t seq, std::uint32_t ssrc,
                                            std::size_t payload = 160) {
    std::vector<std::uint8_t> p(12 + payload + slack, 0);
    const std::uint32_t ts = 960u * seq;
    p[0] = 0x80;
    p[1] = 111;
    p[2] = static_cast<std::uint8_t>(seq >> 8);
    p[3] = static_cast<std::uint8_t>(seq);
    for (int i = 0; i < 4; ++i) {
        p[4 + i] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
        p[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    }
    for (std::size_t i = 0; i < payload; ++i) {
        p[12 + i] = static_cast<std::uint8_t>(seq * 7 + i);
    }
    return p;
}

// A receiver report without report blocks (RFC 3550 §6.4.2): 8 bytes, then `slack`.
inline std::vector<std::uint8_t> rtcp_rr(std::uint32_t ssrc) {
    std::vector<std::uint8_t> p(8 + slack, 0);
    p[0] = 0x80;
    p[1] = 201;
    p[3] = 1;  // length in 32-bit words minus one
    for (int i = 0; i < 4; ++i) {
        p[4 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    }
    return p;
}

// Distinct keying material for association `n`, as a DTLS exporter would hand it over.
inline srtp_keys keys_for(srtp_profile profile, std::uint32_t n) {
    std::vector<std::uint8_t> material(keying_material_length(profile));
    for (std::size_t i = 0; i < material.size(); ++i) {
        material[i] = static_cast<std::uint8_t>(n * 131 + i * 17 + (n >> 8));
    }
    return split_keying_material(profile, material).value();
}

}  // namespace ringstorm::srtp::test
