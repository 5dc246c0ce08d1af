// The engine's ports, attachments and send path. Receiving is in engine_receive.cpp,
// pacing in engine_pacing.cpp.

#include "engine/media/media_engine.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <boost/asio/post.hpp>

#include "engine/media/engine_impl.hpp"

namespace ringstorm::media {

namespace {

std::string errno_text(int err) {
    std::string text = std::error_code(err, std::system_category()).message();
    if (err == EMFILE || err == ENFILE) {
        // Each port is one descriptor; `serve` opens one per concurrent call's media.
        text +=
            " (each media port is one file descriptor: raise `ulimit -n` or run fewer "
            "concurrent calls per process)";
    }
    return text;
}

// Best effort: SO_*BUFFORCE passes the rmem_max/wmem_max caps when we may (CAP_NET_ADMIN),
// otherwise the plain option gets what the caps allow. A small buffer costs loss under
// bursts, not correctness, so failure is not an error.
void size_buffers(int fd, int bytes) {
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    }
    if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes) != 0) {
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
    }
}

// sink() for a port that is not (or no longer) open: takes nothing.
struct closed_sink final : datagram_sink {
    bool send(const stun::transport_address&, std::span<const std::uint8_t>) override {
        return false;
    }
};
closed_sink closed_port_sink;

}  // namespace

std::string engine_options::validate() const {
    if (batch == 0 || batch > 1024) {
        // UIO_MAXIOV: the kernel takes at most 1024 messages per recvmmsg/sendmmsg.
        return "batch " + std::to_string(batch) + " is not in 1..1024";
    }
    if (max_datagram < 64 || max_datagram > 65535) {
        return "max_datagram " + std::to_string(max_datagram) + " is not in 64..65535";
    }
    if (socket_buffer_bytes < 0) {
        return "socket_buffer_bytes is negative";
    }
    return {};
}

bool port::send(const stun::transport_address& to, std::span<const std::uint8_t> bytes) {
    if (owner == nullptr) {
        return false;
    }
    return owner->queue(*this, to, bytes);
}

media_engine::impl::impl(boost::asio::io_context& io_context, engine_options opts)
    : io(io_context),
      options(opts),
      anchor(std::make_shared<engine_anchor>(engine_anchor{this})),
      rx(opts.batch, opts.max_datagram),
      tx(opts.batch, opts.max_datagram),
      timer(io_context) {}

media_engine::impl::~impl() {
    anchor->owner = nullptr;
    flush();
    for (auto& [id, p] : ports) {
        p->owner = nullptr;
        boost::system::error_code ignored;
        p->socket.close(ignored);
    }
    // Members are owned by `slots` and go with it; nothing routes to them any more.
}

core::result<port_id, std::string> media_engine::impl::open_port(const std::string& ip,
                                                                 std::uint16_t port_number,
                                                                 port_kind kind) {
    const auto address = stun::parse_address(ip, port_number);
    if (!address) {
        return core::unexpected("media: bind " + ip + ":" + std::to_string(port_number) +
                                ": not an IP address literal");
    }
    const std::string where = stun::to_string(*address);
    auto p = std::make_shared<port>(io, next_port);
    boost::system::error_code ec;
    p->socket.open(address->family == stun::address_family::ipv4 ? boost::asio::ip::udp::v4()
                                                                 : boost::asio::ip::udp::v6(),
                   ec);
    if (ec) {
        return core::unexpected("media: socket " + where + ": " + errno_text(ec.value()));
    }
    p->fd = p->socket.native_handle();
    if (address->family == stun::address_family::ipv6) {
        const int on = 1;
        ::setsockopt(p->fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    }
    size_buffers(p->fd, options.socket_buffer_bytes);
    // The kernel stamps each datagram with the socket's count of datagrams dropped for a
    // full receive buffer: loss that is ours (an overloaded worker), told apart from the
    // network's. Best effort, like the buffer sizes.
    const int on = 1;
    ::setsockopt(p->fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
    sockaddr_storage name{};
    const socklen_t length = to_sockaddr(*address, name);
    if (::bind(p->fd, reinterpret_cast<const sockaddr*>(&name), length) != 0) {
        return core::unexpected("media: bind " + where + ": " + errno_text(errno));
    }
    p->socket.non_blocking(true, ec);
    socklen_t bound_length = sizeof name;
    if (ec || ::getsockname(p->fd, reinterpret_cast<sockaddr*>(&name), &bound_length) != 0) {
        return core::unexpected("media: bind " + where + ": " +
                                errno_text(ec ? ec.value() : errno));
    }
    p->local = from_sockaddr(name).value_or(*address);
    p->owner = this;
    p->kind = kind;
    ports.emplace(p->id, p);
    ++next_port;
    stats.ports = ports.size();
    arm_read(p);
    return p->id;
}

void media_engine::impl::close_port(port_id id) {
    const auto it = ports.find(id);
    if (it == ports.end()) {
        return;
    }
    const std::shared_ptr<port> p = it->second;
    // What is queued for this socket goes out now: after close() its fd number may be
    // reused by the next socket, and a queued datagram must not leave from that one.
    flush();
    while (!p->members.empty()) {
        detach(*p->members.back());
    }
    p->owner = nullptr;
    boost::system::error_code ignored;
    p->socket.close(ignored);  // the pending wait completes aborted and finds owner null
    ports.erase(it);
    stats.ports = ports.size();
}

void media_engine::impl::attach(port& p, endpoint& e) {
    if (const auto it = members.find(&e); it != members.end()) {
        detach(*it->second);
    }
    auto m = std::make_unique<member>();
    m->e = &e;
    m->p = &p;
    m->ufrag = std::string(e.local_ufrag());
    // The least loaded slot, so the tick work (and the datagrams it sends) spreads evenly
    // over the 20 ms period; sequential attaches fill the slots round-robin.
    const auto least = std::min_element(slot_load.begin(), slot_load.end());
    m->slot = static_cast<std::uint8_t>(least - slot_load.begin());
    ++*least;
    if (!m->ufrag.empty()) {
        p.ufrags.try_emplace(m->ufrag, m.get());  // a clash keeps the first (ufrags are random)
    }
    m->port_index = p.members.size();
    p.members.push_back(m.get());
    members.emplace(&e, m.get());
    slots[m->slot].push_back(std::move(m));
    stats.endpoints = members.size();
    start_timer();
}

void media_engine::impl::detach(member& m) {
    if (!m.alive) {
        return;
    }
    m.alive = false;
    port& p = *m.p;
    for (std::size_t i = 0; i < m.route_count; ++i) {
        p.routes.erase(m.routes[i], &m);
    }
    if (!m.ufrag.empty()) {
        const auto it = p.ufrags.find(m.ufrag);
        if (it != p.ufrags.end() && it->second == &m) {
            p.ufrags.erase(it);
        }
    }
    member* last = p.members.back();
    p.members[m.port_index] = last;
    last->port_index = m.port_index;
    p.members.pop_back();
    members.erase(m.e);
    --slot_load[m.slot];
    stats.endpoints = members.size();
    if (current == &m) {
        current = nullptr;
    }
    const std::size_t slot = m.slot;
    if (iterating_slot != static_cast<int>(slot)) {
        compact(slot);  // frees m
    } else {
        slot_dirty[slot] = true;
    }
}

void media_engine::impl::learn(member& m, const stun::transport_address& to) {
    for (std::size_t i = 0; i < m.route_count; ++i) {
        if (m.routes[i] == to) {
            return;
        }
    }
    // The first endpoint to claim an address keeps it: two calls of one shared port
    // talking to the same remote address cannot be told apart by address anyway.
    if (m.p->routes.insert(to, &m) != &m) {
        return;
    }
    if (m.route_count < member::max_routes) {
        m.routes[m.route_count++] = to;
        return;
    }
    m.p->routes.erase(m.routes[m.route_next], &m);
    m.routes[m.route_next] = to;
    m.route_next = static_cast<std::uint8_t>((m.route_next + 1) % member::max_routes);
}

bool media_engine::impl::queue(port& p, const stun::transport_address& to,
                               std::span<const std::uint8_t> bytes) {
    if (current != nullptr && current->p == &p && p.kind == port_kind::shared) {
        learn(*current, to);  // so the reply from `to` comes back to this endpoint
    }
    if (tx.full()) {
        flush();
    }
    if (!tx.add(p.fd, to, bytes)) {
        ++stats.send_errors;  // larger than max_datagram
        return false;
    }
    if (!in_handler && !flush_posted) {
        flush_posted = true;
        boost::asio::post(io, [a = anchor] {
            if (a->owner != nullptr) {
                a->owner->flush_posted = false;
                a->owner->flush();
            }
        });
    }
    return true;
}

void media_engine::impl::flush() {
    if (tx.empty()) {
        return;
    }
    const auto out = tx.flush();
    stats.datagrams_sent += out.sent;
    stats.send_errors += out.dropped;
    stats.send_calls += out.calls;
}

media_engine::media_engine(boost::asio::io_context& io, engine_options options) {
    if (const std::string why = options.validate(); !why.empty()) {
        throw std::invalid_argument("media engine: " + why);
    }
    impl_ = std::make_unique<impl>(io, options);
}

media_engine::~media_engine() = default;

core::result<port_id, std::string> media_engine::open_port(const std::string& ip,
                                                           std::uint16_t port, port_kind kind) {
    return impl_->open_port(ip, port, kind);
}

stun::transport_address media_engine::local_address(port_id port) const {
    const auto it = impl_->ports.find(port);
    return it == impl_->ports.end() ? stun::transport_address{} : it->second->local;
}

void media_engine::close_port(port_id port) {
    impl_->close_port(port);
}

void media_engine::attach(port_id port, endpoint& e) {
    const auto it = impl_->ports.find(port);
    if (it == impl_->ports.end()) {
        return;  // a closed port routes nothing; the endpoint simply gets no traffic
    }
    impl_->attach(*it->second, e);
}

void media_engine::detach(endpoint& e) {
    const auto it = impl_->members.find(&e);
    if (it != impl_->members.end()) {
        impl_->detach(*it->second);
    }
}

datagram_sink& media_engine::sink(port_id port) {
    const auto it = impl_->ports.find(port);
    if (it == impl_->ports.end()) {
        return closed_port_sink;
    }
    return *it->second;
}

const engine_stats& media_engine::stats() const noexcept {
    return impl_->stats;
}

}  // namespace ringstorm::media
