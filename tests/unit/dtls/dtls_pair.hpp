#pragma once
// Test harness: a DTLS client and server joined by an in-memory "network" that can drop
// datagrams, with real waits for OpenSSL's retransmission timer (its clock is its own).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "media/dtls/context.hpp"
#include "media/dtls/identity.hpp"
#include "media/dtls/session.hpp"

namespace ringstorm::dtls::test {

// The value, or an exception naming the error (gtest reports it as the test's failure).
template <class T>
T must(core::result<T, dtls_error> r) {
    if (!r) {
        throw std::runtime_error(r.error().to_string());
    }
    return std::move(r).value();
}

inline const dtls_identity& identity_a() {
    static const dtls_identity id = must(dtls_identity::generate());
    return id;
}
inline const dtls_identity& identity_b() {
    static const dtls_identity id = must(dtls_identity::generate());
    return id;
}

inline context_options fast_options() {
    context_options o;
    o.initial_retransmit = std::chrono::milliseconds(20);  // keeps loss tests short
    return o;
}

// Which datagram a drop rule sees: direction and its 0-based index in that direction.
struct hop {
    bool from_client = true;
    std::size_t index = 0;
};

struct pair {
    dtls_context client_ctx;
    dtls_context server_ctx;
    dtls_session client;
    dtls_session server;
    std::function<bool(const hop&)> drop = [](const hop&) { return false; };
    std::size_t sent_by_client = 0;
    std::size_t sent_by_server = 0;
    std::vector<std::vector<std::uint8_t>> wire;  // every datagram sent, in order

    pair(dtls_context cctx, dtls_context sctx, dtls_session c, dtls_session s)
        : client_ctx(std::move(cctx)),
          server_ctx(std::move(sctx)),
          client(std::move(c)),
          server(std::move(s)) {}

    static pair make(const context_options& client_opt = fast_options(),
                     const context_options& server_opt = fast_options(),
                     std::optional<fingerprint> client_expects = std::nullopt,
                     std::optional<fingerprint> server_expects = std::nullopt) {
        auto cctx = must(dtls_context::create(identity_a(), dtls_role::client, client_opt));
        auto sctx = must(dtls_context::create(identity_b(), dtls_role::server, server_opt));
        auto c = must(
            dtls_session::create(cctx, client_expects.value_or(identity_b().sha256_fingerprint())));
        auto s = must(
            dtls_session::create(sctx, server_expects.value_or(identity_a().sha256_fingerprint())));
        return pair{std::move(cctx), std::move(sctx), std::move(c), std::move(s)};
    }

    // Moves `from`'s queued datagrams to `to` unless dropped; true if any was sent.
    bool flush(dtls_session& from, dtls_session& to, bool from_client) {
        bool any = false;
        for (std::size_t i = 0; i < from.outgoing_count(); ++i) {
            const auto d = from.outgoing(i);
            wire.emplace_back(d.begin(), d.end());
            std::size_t& n = from_client ? sent_by_client : sent_by_server;
            const bool dropped = drop(hop{from_client, n++});
            any = true;
            if (!dropped) {
                to.on_datagram(d);
            }
        }
        from.clear_outgoing();
        return any;
    }

    static bool done(const dtls_session& s) { return s.state() != dtls_state::handshaking; }

    // Exchanges until both sides left handshaking (or the deadline), firing timers when due.
    void run(std::chrono::milliseconds deadline = std::chrono::milliseconds(3000)) {
        const auto end = std::chrono::steady_clock::now() + deadline;
        client.start();
        server.start();
        while (std::chrono::steady_clock::now() < end) {
            bool moved = flush(client, server, true);
            moved = flush(server, client, false) || moved;
            // The server finishes first; let the client's last flight land before stopping.
            if (done(client) && done(server) && client.outgoing_count() == 0 &&
                server.outgoing_count() == 0) {
                return;
            }
            if (moved) {
                continue;
            }
            auto next = std::chrono::microseconds::max();
            for (auto* s : {&client, &server}) {
                if (auto in = s->retransmit_in()) {
                    next = std::min(next, *in);
                }
            }
            if (next == std::chrono::microseconds::max()) {
                return;  // nobody waits for anything: stuck
            }
            std::this_thread::sleep_for(next + std::chrono::milliseconds(1));
            client.on_timeout();
            server.on_timeout();
        }
    }
};

}  // namespace ringstorm::dtls::test
