#pragma once
// The per-worker media engine: the UDP sockets of one worker, shared by all its calls'
// media endpoints (media/stream/endpoint.hpp), with batched receive and send
// (recvmmsg/sendmmsg), demultiplexing by remote address and, for STUN from an address not
// yet routed, by the local ICE ufrag in USERNAME; and one pacing timer for every stream
// (no timer per call): each endpoint gets one of 20 one-millisecond slots and is ticked
// every 20 ms. No allocation per packet. Runs entirely on its worker's thread.
//
// Two kinds of ports: a shared port (a phone worker: every call's host candidate is the
// same address, calls are told apart by the far end's address, which a media server or a
// browser gives each call) and a dedicated port (`serve`: one port per call, so that many
// calls from one phone worker, all from one address, stay apart).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/core/clock.hpp"
#include "engine/core/histogram.hpp"
#include "engine/core/result.hpp"
#include "media/ice/transport_address.hpp"

namespace boost::asio {
class io_context;
}

namespace ringstorm::media {

class endpoint;

struct engine_options {
    std::size_t batch = 64;             // datagrams per recvmmsg / sendmmsg call
    std::size_t max_datagram = 1500;    // receive buffer per datagram
    int socket_buffer_bytes = 4 << 20;  // SO_RCVBUF / SO_SNDBUF asked for

    // "" when usable, otherwise why not ("batch 0 is not in 1..1024").
    std::string validate() const;
};

// Counters of the engine itself (the streams count their own media).
struct engine_stats {
    std::uint64_t datagrams_received = 0;
    std::uint64_t datagrams_sent = 0;
    std::uint64_t unroutable = 0;     // from an unknown address and not STUN for a known ufrag
    std::uint64_t send_errors = 0;    // datagrams not sent: refused by sendmmsg (a full socket
                                      // buffer included) or larger than max_datagram
    std::uint64_t receive_calls = 0;  // recvmmsg calls (datagrams / calls = batching achieved)
    std::uint64_t send_calls = 0;
    std::uint64_t tick_late_max_ns = 0;  // worst timer wake-up lateness (fired - due)
    std::uint64_t tick_late_sum_ns = 0;  // with ticks: mean wake-up lateness
    std::uint64_t ticks = 0;
    // Per tick: from its due time to the moment its datagrams were handed to the kernel
    // (after the slot's walk and flush), the latest any packet of that tick left; its
    // spread is the engine's own send-time jitter. Fixed size (core::histogram), recorded
    // without allocation; wake-up lateness above is the part the timer adds.
    core::histogram send_lateness;
    std::uint64_t ticks_skipped = 0;   // slot ticks skipped after a stall of more than 20 ms
    std::uint64_t receive_errors = 0;  // recvmmsg failures and truncated datagrams (dropped)
    // Datagrams the kernel dropped because a port's receive buffer was full (SO_RXQ_OVFL):
    // this process fell behind, so that much of any loss the streams report is its own.
    std::uint64_t socket_drops = 0;
    std::size_t endpoints = 0;         // attached now
    std::size_t ports = 0;             // open now
};

using port_id = std::uint32_t;
enum class port_kind : std::uint8_t { dedicated, shared };

class media_engine {
public:
    // Throws std::invalid_argument when options.validate() says why not (start-up only).
    media_engine(boost::asio::io_context& io, engine_options options = {});
    media_engine(const media_engine&) = delete;
    media_engine& operator=(const media_engine&) = delete;
    ~media_engine();

    // Opens a UDP socket bound to `ip` (a literal; port 0 = any). Errors name the address
    // and errno text ("media: bind 127.0.0.1:0: Too many open files"). A dedicated port
    // (one call's) gives its one endpoint whatever arrives; a shared port routes only by
    // address and ufrag, so a late packet of an ended call never reaches another call.
    core::result<port_id, std::string> open_port(const std::string& ip, std::uint16_t port = 0,
                                                 port_kind kind = port_kind::dedicated);
    // The bound address (our host candidate).
    stun::transport_address local_address(port_id port) const;
    // Closes the socket; endpoints still attached to it are detached first.
    void close_port(port_id port);

    // Routes datagrams on `port` to `e` (its STUN by e.local_ufrag(), the rest by the
    // remote addresses it has sent to or had a STUN routed from) and starts ticking it.
    // `e` must stay alive until detach(). Cheap: no socket operation.
    void attach(port_id port, endpoint& e);
    // Stops routing and ticking `e`; safe to call from inside e's own callbacks.
    void detach(endpoint& e);

    // Sends from `port` outside a callback (e.g. a stream's stop()). Batched like the rest;
    // flushed by a handler the engine posts at once (or earlier, when the batch fills).
    class datagram_sink& sink(port_id port);

    const engine_stats& stats() const noexcept;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace ringstorm::media
