#pragma once
// An in-memory "network" for ICE agent tests: datagrams between agents with a fixed
// one-way latency, an optional drop rule, and a discrete clock that jumps to the next
// delivery or agent timeout. Bounded by simulated time and by a step count.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "media/ice/agent.hpp"

namespace ringstorm::ice::test {

using namespace std::chrono_literals;

struct datagram {
    transport_address from;
    transport_address to;
    std::vector<std::uint8_t> bytes;
    core::time_point deliver_at;
};

struct sent_record {
    std::size_t agent = 0;
    transport_address to;
    std::vector<std::uint8_t> bytes;
    core::time_point at;
};

class network {
public:
    explicit network(core::time_point start) : now_(start) {}

    core::duration latency = 10ms;
    // Returns true to drop a datagram (from, to).
    std::function<bool(const transport_address&, const transport_address&)> drop;

    std::size_t attach(agent& a) {
        agents_.push_back(&a);
        return agents_.size() - 1;
    }
    core::time_point now() const { return now_; }
    const std::vector<sent_record>& sent() const { return sent_; }

    // Runs until `until`, or until `stop` says so after a step.
    void run_until(core::time_point until, const std::function<bool()>& stop = {}) {
        for (int steps = 0; steps < 200000; ++steps) {
            drain();
            if (stop && stop()) {
                return;
            }
            core::time_point next = until;
            for (agent* a : agents_) {
                next = std::min(next, a->next_timeout());
            }
            for (const datagram& d : flight_) {
                next = std::min(next, d.deliver_at);
            }
            now_ = std::max(now_, next);
            deliver();
            for (agent* a : agents_) {
                if (a->next_timeout() <= now_) {
                    a->on_timer(now_);
                }
            }
            if (now_ >= until) {
                drain();
                return;
            }
        }
    }
    void run_for(core::duration d, const std::function<bool()>& stop = {}) {
        run_until(now_ + d, stop);
    }

private:
    void drain() {
        for (std::size_t i = 0; i < agents_.size(); ++i) {
            std::array<std::uint8_t, 640> buf{};
            while (auto t = agents_[i]->poll_transmit(buf)) {
                const transport_address from = agents_[i]->local_candidates()[t->local].address;
                std::vector<std::uint8_t> bytes(buf.begin(),
                                                buf.begin() + static_cast<long>(t->size));
                sent_.push_back(sent_record{i, t->to, bytes, now_});
                if (drop && drop(from, t->to)) {
                    continue;
                }
                flight_.push_back(datagram{from, t->to, std::move(bytes), now_ + latency});
            }
        }
    }
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
        for (const datagram& d : due) {
            for (agent* a : agents_) {
                const auto& locals = a->local_candidates();
                for (std::size_t l = 0; l < locals.size(); ++l) {
                    if (locals[l].address == d.to) {
                        a->on_packet(d.from, d.bytes, now_, l);
                    }
                }
            }
        }
    }

    core::time_point now_;
    std::vector<agent*> agents_;
    std::vector<datagram> flight_;
    std::vector<sent_record> sent_;
};

inline transport_address addr(const char* ip, std::uint16_t port) {
    return *stun::parse_address(ip, port);
}

inline agent_config config(const char* ufrag, role r, std::uint64_t tie, std::uint64_t seed) {
    agent_config c;
    c.local_ufrag = ufrag;
    c.local_pwd = std::string(ufrag) + "-password-0123456789ab";
    c.initial_role = r;
    c.tie_breaker = tie;
    c.seed = seed;
    return c;
}

inline remote_description describe(const agent& a, const agent_config& c) {
    return remote_description{c.local_ufrag, c.local_pwd, c.lite, a.local_sdp_candidates()};
}

}  // namespace ringstorm::ice::test
