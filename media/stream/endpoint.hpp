#pragma once
// What the per-worker media engine (engine/media/media_engine.hpp) needs from one call's
// media: datagrams and time in, datagrams out through a sink. Kept free of Asio and
// sockets so media/stream stays sans-I/O; the engine owns the sockets and the clock.

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/core/clock.hpp"
#include "media/ice/transport_address.hpp"

namespace ringstorm::media {

// Where an endpoint puts the datagrams it wants sent. The engine copies `bytes` into its
// send batch at once (no allocation), so the endpoint may reuse its buffer right after.
// Returns false when the batch could not take it (counted by the engine as a send drop).
class datagram_sink {
public:
    virtual bool send(const stun::transport_address& to, std::span<const std::uint8_t> bytes) = 0;

protected:
    ~datagram_sink() = default;
};

// One call's media as the engine drives it. Every call runs on the engine's worker thread.
class endpoint {
public:
    virtual ~endpoint() = default;

    // A datagram from `from` that the engine routed to this endpoint (by remote address,
    // or for STUN by the local ICE ufrag). `bytes` is the engine's receive buffer: the
    // endpoint may decrypt in place; it is reused after the call returns.
    virtual void on_datagram(const stun::transport_address& from, std::span<std::uint8_t> bytes,
                             core::time_point now, datagram_sink& out) = 0;

    // The engine's pacing: called once per 20 ms period for this endpoint, in the slot it
    // was given when attached. `due` is when the slot was due and `now` when it ran, so
    // (now - due) is the engine's own send lateness (the send-time jitter).
    virtual void on_tick(core::time_point due, core::time_point now, datagram_sink& out) = 0;

    // The local ICE username fragment: STUN from an address the engine has not routed yet
    // is given to the endpoint whose ufrag is the USERNAME's first part (RFC 8445 §7.2.2).
    virtual std::string_view local_ufrag() const noexcept = 0;
};

}  // namespace ringstorm::media
