// The receive path: wait until a socket is readable, drain it with recvmmsg into the
// engine's one preallocated batch, route each datagram to its endpoint.

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include <boost/asio/post.hpp>

#include "engine/media/engine_impl.hpp"
#include "media/ice/demux.hpp"
#include "media/ice/stun_message.hpp"

namespace ringstorm::media {

namespace {

// Full batches drained from a socket per turn before yielding to the pacing timer and the
// other sockets, normally: a batch of 64 costs ≈0.2–0.4 ms to route and unprotect, so two
// keep a tick's send lateness under a millisecond at moderate load (16 rounds, ≈3 ms, put
// the phone's send lateness p99 at 2.1 ms with 1,000 calls). A socket whose receive buffer
// is filling up (a quarter full after its turn) doubles its limit for the next turn, up to
// max_rounds: when the worker cannot keep up, receiving wins over sending, so the overload
// shows as late and skipped ticks (ours, reported as such) rather than as datagrams the
// kernel drops from a full buffer, which the streams would report as the network's loss.
// Doubling on every full turn instead cost the 1,000-call run its 2 ms p99: bursts of
// echoes fill a batch or two without any danger to the buffer.
constexpr std::uint8_t min_rounds = 2;
constexpr std::uint8_t max_rounds = 16;

}  // namespace

void media_engine::impl::arm_read(const std::shared_ptr<port>& p) {
    p->socket.async_wait(
        boost::asio::ip::udp::socket::wait_read, [p](const boost::system::error_code& ec) {
            if (p->owner == nullptr || ec == boost::asio::error::operation_aborted) {
                return;
            }
            p->owner->drain(p);
        });
}

void media_engine::impl::drain(const std::shared_ptr<port>& p) {
    in_handler = true;
    bool rearm = true;
    bool more = false;  // the last round was a full batch: the socket may hold more
    for (int round = 0; round < p->round_limit; ++round) {
        more = false;
        const int n = rx.receive(p->fd);
        ++stats.receive_calls;
        if (const auto drops = rx.drops(); drops && *drops != p->drops_seen) {
            stats.socket_drops += static_cast<std::uint32_t>(*drops - p->drops_seen);  // mod 2^32
            p->drops_seen = *drops;
        }
        if (n < 0) {
            ++stats.receive_errors;
            // A descriptor that is no longer a socket would wake us forever; anything
            // else (ENOMEM, a stray ICMP error) is worth another wait.
            rearm = n != -EBADF && n != -ENOTSOCK;
            break;
        }
        if (n == 0) {
            break;
        }
        stats.datagrams_received += static_cast<std::uint64_t>(n);
        const core::time_point now = core::clock::now();
        for (int i = 0; i < n; ++i) {
            const auto at = static_cast<std::size_t>(i);
            const auto from = from_sockaddr(rx.from(at));
            if (rx.truncated(at) || !from) {
                ++stats.receive_errors;
                continue;
            }
            dispatch(*p, *from, rx.datagram(at), now);
            if (p->owner == nullptr) {
                break;  // an endpoint closed this port from its callback
            }
        }
        if (p->owner == nullptr || static_cast<std::size_t>(n) < rx.capacity()) {
            break;  // a short batch: the socket was empty a moment ago
        }
        more = true;
    }
    flush();
    in_handler = false;
    if (!rearm || p->owner == nullptr) {
        return;
    }
    p->round_limit = more && receive_queue_filling(p->fd)
                         ? static_cast<std::uint8_t>(std::min<int>(p->round_limit * 2, max_rounds))
                         : min_rounds;
    if (more) {
        // Posted, not waited for: the socket is known to hold more, and a wait would only
        // say so again at the price of an epoll_ctl re-arm inside Asio and a reactor pass.
        // The post comes back after the handlers already queued (the pacing timer's among
        // them): the yield the round limit is for.
        boost::asio::post(io, [p] {
            if (p->owner != nullptr) {
                p->owner->drain(p);
            }
        });
        return;
    }
    arm_read(p);
}

void media_engine::impl::dispatch(port& p, const stun::transport_address& from,
                                  std::span<std::uint8_t> bytes, core::time_point now) {
    // A dedicated port (one call's): whatever arrives is its one endpoint's business, with
    // no lookup. Not a shared port with one call left: the far end of an ended call may
    // still be sending.
    const bool dedicated = p.kind == port_kind::dedicated && p.members.size() == 1;
    member* m = dedicated ? p.members.front() : p.routes.find(from);
    if (m == nullptr) {
        // RFC 7983 §7: a first byte 0..3 is STUN. RFC 8445 §7.2.2: a check's USERNAME is
        // "<receiver's ufrag>:<sender's ufrag>", so its first part names our endpoint.
        if (!bytes.empty() && demux::classify(bytes[0]) == demux::packet_kind::stun) {
            const auto message = stun::decode(bytes);
            if (message && message->username) {
                const std::string_view username = *message->username;
                const std::string_view ufrag = username.substr(0, username.find(':'));
                if (const auto u = p.ufrags.find(ufrag); u != p.ufrags.end()) {
                    m = u->second;
                    learn(*m, from);
                }
            }
        }
    }
    if (m == nullptr) {
        ++stats.unroutable;
        return;
    }
    current = m;
    m->e->on_datagram(from, bytes, now, p);
    current = nullptr;  // m may be gone: the endpoint may have detached itself
}

}  // namespace ringstorm::media
