#pragma once
// The media engine's insides, shared by its .cpp files (ports and routing in
// media_engine.cpp, the receive path in engine_receive.cpp, pacing in engine_pacing.cpp).
// Not included outside engine/media: it pulls in Asio's socket and timer headers.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/media/address_map.hpp"
#include "engine/media/media_engine.hpp"
#include "engine/media/slot_schedule.hpp"
#include "engine/media/socket_address.hpp"
#include "engine/media/udp_batch.hpp"
#include "media/stream/endpoint.hpp"

namespace ringstorm::media {

struct member;

// Heterogeneous lookup so a ufrag seen as a string_view into a datagram finds its entry
// without building a std::string.
struct ufrag_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

// One UDP socket. Owned by the engine's table and, while a wait is pending, by that
// wait's handler too (shared_ptr), so closing it from inside a callback is safe: the
// handler sees `owner` null and leaves.
struct port final : datagram_sink {
    port(boost::asio::io_context& io, port_id i) : socket(io), id(i) {}

    bool send(const stun::transport_address& to, std::span<const std::uint8_t> bytes) override;

    media_engine::impl* owner = nullptr;  // null once closed
    boost::asio::ip::udp::socket socket;
    int fd = -1;
    port_id id;
    stun::transport_address local;
    // Remote address → endpoint: learnt from what endpoints send and from STUN routed by
    // ufrag. Grows only when a new route is learnt, never per packet.
    address_map<member*> routes;
    std::unordered_map<std::string, member*, ufrag_hash, std::equal_to<>> ufrags;
    std::vector<member*> members;  // attached here
    port_kind kind = port_kind::dedicated;
    std::uint32_t drops_seen = 0;  // the socket's SO_RXQ_OVFL count already in the stats
    // Full batches drain() may take in one turn (engine_receive.cpp): doubled each turn
    // that ends with the socket still full, back to the minimum when it ends short.
    std::uint8_t round_limit = 2;
};

// An attached endpoint. Owned by its slot's list so a detach during that slot's iteration
// only marks it (alive = false); the list is compacted once the iteration is over.
struct member {
    // Routes learnt per endpoint are capped: an endpoint that sends to ever new addresses
    // (ICE checks to many candidates) evicts its oldest route instead of growing the table.
    static constexpr std::size_t max_routes = 8;

    endpoint* e = nullptr;
    port* p = nullptr;
    std::string ufrag;
    std::array<stun::transport_address, max_routes> routes{};
    std::uint8_t route_count = 0;
    std::uint8_t route_next = 0;  // the oldest, replaced when full
    std::uint8_t slot = 0;
    std::size_t port_index = 0;  // position in p->members
    bool alive = true;
};

// Lets posted handlers and timer waits outlive the engine safely: they hold the anchor
// and find `owner` null after destruction.
struct engine_anchor {
    media_engine::impl* owner = nullptr;
};

struct media_engine::impl {
    impl(boost::asio::io_context& io, engine_options options);
    ~impl();

    // Ports (media_engine.cpp).
    core::result<port_id, std::string> open_port(const std::string& ip, std::uint16_t port_number,
                                                 port_kind kind);
    void close_port(port_id id);
    void attach(port& p, endpoint& e);
    void detach(member& m);
    // Adds `to` to m's routes (first owner of an address keeps it).
    void learn(member& m, const stun::transport_address& to);

    // Sending (media_engine.cpp).
    bool queue(port& p, const stun::transport_address& to, std::span<const std::uint8_t> bytes);
    void flush();

    // Receiving (engine_receive.cpp).
    void arm_read(const std::shared_ptr<port>& p);
    void drain(const std::shared_ptr<port>& p);
    void dispatch(port& p, const stun::transport_address& from, std::span<std::uint8_t> bytes,
                  core::time_point now);

    // Pacing (engine_pacing.cpp).
    void start_timer();
    void arm_timer();
    void on_timer();
    void compact(std::size_t slot);

    boost::asio::io_context& io;
    engine_options options;
    std::shared_ptr<engine_anchor> anchor;
    receive_batch rx;
    send_batch tx;
    std::unordered_map<port_id, std::shared_ptr<port>> ports;
    port_id next_port = 1;
    std::unordered_map<endpoint*, member*> members;
    std::array<std::vector<std::unique_ptr<member>>, slot_schedule::slots> slots;
    std::array<std::size_t, slot_schedule::slots> slot_load{};  // alive members per slot
    int iterating_slot = -1;  // the slot on_timer is walking, compacted afterwards
    // A detach during that walk left a dead member in it: compact after the walk (only
    // then, so a tick does not pass over its whole slot twice).
    std::array<bool, slot_schedule::slots> slot_dirty{};
    member* current = nullptr;  // whose callback runs: its sends teach routes
    bool in_handler = false;    // our handler flushes at its end
    bool flush_posted = false;  // a flush for sends from outside is pending
    boost::asio::steady_timer timer;
    bool timer_running = false;
    slot_schedule schedule;
    engine_stats stats;
};

}  // namespace ringstorm::media
