#pragma once
// Streams joined by an in-memory "network": each endpoint has an address and a sink that
// queues its datagrams, delivered after a per-datagram delay on a simulated clock that
// advances 1 ms per step and ticks every endpoint every 20 ms (each in its own slot), as
// engine/media does. Drop, delay and tamper hooks shape the path; every datagram is logged.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "media/dtls/context.hpp"
#include "media/dtls/identity.hpp"
#include "media/rtp/opus_tone.hpp"
#include "media/stream/stream.hpp"

namespace ringstorm::media::test {

using namespace std::chrono_literals;
using stun::transport_address;

inline transport_address addr(const char* ip, std::uint16_t port) {
    return *stun::parse_address(ip, port);
}

template <class T, class E>
T must(core::result<T, E> r) {
    if (!r) {
        throw std::runtime_error("setup failed");
    }
    return std::move(r).value();
}

// What one worker shares: identity, DTLS contexts, tone clips.
struct worker {
    dtls::dtls_identity id;
    dtls::dtls_context client;
    dtls::dtls_context server;
    std::vector<std::shared_ptr<const rtp::opus_tone_clip>> tones;
    stream_shared shared;

    explicit worker(const dtls::context_options& o = {})
        : id(must(dtls::dtls_identity::generate())),
          client(must(dtls::dtls_context::create(id, dtls::dtls_role::client, o))),
          server(must(dtls::dtls_context::create(id, dtls::dtls_role::server, o))) {
        shared.dtls_client = &client;
        shared.dtls_server = &server;
        shared.local_fingerprint = id.sdp_fingerprint();
        shared.tones = &tones;
    }
};

inline worker& worker_a() {
    static worker w;
    return w;
}
inline worker& worker_b() {
    static worker w;
    return w;
}

enum class kind { stun, dtls, rtp, rtcp, other };
inline kind classify(const std::vector<std::uint8_t>& b) {
    if (b.empty()) {
        return kind::other;
    }
    if (b[0] <= 3) {
        return kind::stun;
    }
    if (b[0] >= 20 && b[0] <= 63) {
        return kind::dtls;
    }
    if (b[0] >= 128 && b[0] <= 191) {
        return b.size() >= 2 && b[1] >= 192 && b[1] <= 223 ? kind::rtcp : kind::rtp;
    }
    return kind::other;
}

struct datagram {
    transport_address from;
    transport_address to;
    std::vector<std::uint8_t> bytes;
    core::time_point sent;
    core::time_point deliver_at;
};

class network {
public:
    explicit network(core::time_point start = core::time_point{} + 1000s) : now_(start) {}

    std::function<core::duration(const datagram&)> delay = [](const datagram&) { return 10ms; };
    std::function<bool(const datagram&)> drop;
    std::vector<datagram> log;  // everything sent, dropped or not

    struct port final : datagram_sink {
        network* net = nullptr;
        transport_address local;
        bool send(const transport_address& to, std::span<const std::uint8_t> bytes) override {
            net->post(local, to, std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
            return true;
        }
    };

    // `phase` is the endpoint's slot within the 20 ms period.
    port& attach(endpoint& e, const transport_address& local, core::duration phase = 0ms) {
        port& p = ports_.emplace_back();
        p.net = this;
        p.local = local;
        members_.push_back(member{&e, &p, now_ + phase});
        return p;
    }
    void detach(const endpoint& e) {
        std::erase_if(members_, [&](const member& m) { return m.e == &e; });
    }

    void post(const transport_address& from, const transport_address& to,
              std::vector<std::uint8_t> bytes) {
        datagram d{from, to, std::move(bytes), now_, now_};
        d.deliver_at = now_ + delay(d);
        log.push_back(d);
        if (drop && drop(d)) {
            return;
        }
        flight_.push_back(std::move(d));
    }

    core::time_point now() const { return now_; }

    void run_for(core::duration d, const std::function<bool()>& stop = {}) {
        const core::time_point until = now_ + d;
        while (now_ < until) {
            now_ += 1ms;
            deliver();
            for (member& m : members_) {
                while (m.next_tick <= now_) {
                    m.e->on_tick(m.next_tick, now_, *m.p);
                    m.next_tick += 20ms;
                }
            }
            if (stop && stop()) {
                return;
            }
        }
    }

    // Datagrams `from` sent of one kind, from `since` on.
    std::size_t count(const transport_address& from, kind k,
                      core::time_point since = core::time_point::min()) const {
        std::size_t n = 0;
        for (const datagram& d : log) {
            if (d.from == from && d.sent >= since && classify(d.bytes) == k) {
                ++n;
            }
        }
        return n;
    }

private:
    struct member {
        endpoint* e;
        port* p;
        core::time_point next_tick;
    };
    void deliver() {
        std::vector<datagram> due;
        for (auto it = flight_.begin(); it != flight_.end();) {
            if (it->deliver_at <= now_) {
                due.push_back(std::move(*it));
                it = flight_.erase(it);
            } else {
                ++it;
            }
        }
        for (datagram& d : due) {
            for (member& m : members_) {
                if (m.p->local == d.to) {
                    m.e->on_datagram(d.from, d.bytes, now_, *m.p);
                }
            }
        }
    }

    core::time_point now_;
    std::deque<port> ports_;
    std::vector<member> members_;
    std::deque<datagram> flight_;
};

struct side {
    ice_mode ice = ice_mode::controlled;
    dtls_side dtls = dtls_side::client;
    send_mode mode = send_mode::tone;
    std::uint64_t tone = 0;
    opus_source opus = opus_source::replay;
    int opus_complexity = rtp::webrtc_opus_complexity;
    std::optional<std::uint64_t> expected_tone;
    bool peer_echoes = false;
    std::uint32_t detect_every_ms = 500;
};

// The pair most tests run: a browser-like phone (full controlling ICE, DTLS client) sending
// grid tone `tone`, against a serve-like target (ICE-lite, DTLS server) in `mode`.
inline side phone(std::uint64_t tone) {
    side s;
    s.ice = ice_mode::controlling;
    s.dtls = dtls_side::client;
    s.tone = tone;
    return s;
}

inline side target(send_mode mode, std::uint64_t tone = 0) {
    side s;
    s.ice = ice_mode::lite;
    s.dtls = dtls_side::server;
    s.mode = mode;
    s.tone = tone;
    return s;
}

inline stream_config make_config(const side& s, const char* ufrag, const transport_address& local,
                                 std::uint64_t seed) {
    stream_config c;
    c.ice = s.ice;
    c.local_ufrag = ufrag;
    c.local_pwd = std::string(ufrag) + "-pwd-0123456789abcdefgh";
    c.tie_breaker = seed * 7919;
    c.seed = seed;
    c.local_address = local;
    c.mode = s.mode;
    c.tone_index = s.tone;
    c.opus = s.opus;
    c.opus_complexity = s.opus_complexity;
    c.ssrc = static_cast<std::uint32_t>(0x1000 + seed);
    c.expected_tone = s.expected_tone;
    c.peer_echoes = s.peer_echoes;
    c.detect_every_ms = s.detect_every_ms;
    c.ice_timeout = 5s;
    c.dtls_timeout = 5s;
    c.media_timeout = 2s;
    return c;
}

inline std::unique_ptr<stream> make_stream(const stream_config& c, const worker& w) {
    std::string error;
    auto s = stream::create(c, w.shared, error);
    if (!s) {
        throw std::runtime_error(error);
    }
    return s;
}

// What `of` says of itself to its peer, as its SDP would (our role given by the peer's).
inline remote_media describe(const stream& of, bool lite, const worker& w, dtls_side peer_role) {
    remote_media r;
    r.ufrag = of.config().local_ufrag;
    r.pwd = of.config().local_pwd;
    r.ice_lite = lite;
    sdp::candidate c;
    c.foundation = "1";
    c.priority = 2130706431;
    c.address = stun::ip_to_string(of.config().local_address);
    c.port = of.config().local_address.port;
    r.candidates.push_back(c);
    r.fingerprint = w.shared.local_fingerprint;
    r.our_dtls = peer_role;
    return r;
}

// A phone-like and a target-like stream on one network, started together.
struct call {
    network net;
    transport_address a_addr = addr("10.0.0.1", 40000);
    transport_address b_addr = addr("10.0.0.2", 50000);
    std::unique_ptr<stream> a;
    std::unique_ptr<stream> b;
    network::port* a_port = nullptr;
    network::port* b_port = nullptr;

    call(const side& sa, const side& sb, std::uint64_t seed = 1, worker& wa = worker_a(),
         worker& wb = worker_b())
        : wa_(&wa), wb_(&wb) {
        a = make_stream(make_config(sa, "phoneufrag", a_addr, seed), wa);
        b = make_stream(make_config(sb, "targetufrag", b_addr, seed + 100), wb);
        role_a = sa.dtls;
        a_port = &net.attach(*a, a_addr, 3ms);
        b_port = &net.attach(*b, b_addr, 11ms);
    }
    // Each learns the other's description; `a` takes the DTLS role its side asked for.
    void start() {
        const dtls_side b_role =
            role_a == dtls_side::client ? dtls_side::server : dtls_side::client;
        b->start(describe(*a, a->config().ice == ice_mode::lite, *wa_, b_role), net.now());
        a->start(describe(*b, b->config().ice == ice_mode::lite, *wb_, role_a), net.now());
    }
    dtls_side role_a = dtls_side::client;

private:
    worker* wa_;
    worker* wb_;
};

inline bool has(const stream_stats& s, media_rule r) {
    for (const auto& f : s.findings) {
        if (f.rule == r) {
            return true;
        }
    }
    return false;
}
inline std::uint64_t count_of(const stream_stats& s, media_rule r) {
    for (const auto& f : s.findings) {
        if (f.rule == r) {
            return f.count;
        }
    }
    return 0;
}
inline std::string findings(const stream_stats& s) {
    std::string out;
    for (const auto& f : s.findings) {
        out += std::string(rule_id(f.rule)) + "x" + std::to_string(f.count) + " ";
    }
    return out;
}

}  // namespace ringstorm::media::test
