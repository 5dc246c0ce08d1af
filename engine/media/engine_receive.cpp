// The receive path: wait until a socket is readable, drain it with recvmmsg into the
// engine's one preallocated batch, route each datagram to its endpoint.

#include <cerrno>

#include <boost/asio/post.hpp>

#include "engine/media/engine_impl.hpp"
#include "media/ice/demux.hpp"
#include "media/ice/stun_message.hpp"

namespace ringstorm::media {

namespace {

// Batches drained per turn before yielding to the pacing timer and the other sockets: a
// full batch of 64 costs ≈0.2–0.4 ms to route and unprotect, so two keep a tick's send
// lateness under a millisecond even while a busy shared port always has more waiting.
// (16 rounds, ≈3 ms, put the phone's send lateness p99 above 2 ms at 1,000 calls.)
constexpr int max_rounds = 2;

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
    for (int round = 0; round < max_rounds; ++round) {
        more = false;
        const int n = rx.receive(p->fd);
        ++stats.receive_calls;
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
    if (more) {
        // Not a wait: the socket is edge-triggered and may already hold the rest, which no
        // new edge would announce. Come back after the handlers already queued (the pacing
        // timer's among them): the yield the round limit is for.
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
