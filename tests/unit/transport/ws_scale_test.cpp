// Many clients over a worker pool: one io_context per thread, each client owned by the
// worker it was started on, and an orderly stop that lets the threads join.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <boost/asio/detached.hpp>

#include "engine/transport/tls_context.hpp"
#include "engine/transport/worker_pool.hpp"
#include "engine/transport/ws_client.hpp"
#include "engine/transport/ws_server.hpp"
#include "tests/unit/transport/test_support.hpp"

namespace ringstorm::transport {
namespace {

using namespace test;

TEST(worker_pool, posts_run_on_the_chosen_worker_and_threads_join) {
    worker_pool pool{2};
    ASSERT_EQ(pool.size(), 2u);
    EXPECT_EQ(pool.next(), 0u);
    EXPECT_EQ(pool.next(), 1u);
    EXPECT_EQ(pool.next(), 0u);
    pool.start();
    std::atomic<int> done{0};
    std::thread::id ids[2];
    for (std::size_t i = 0; i < 2; ++i) {
        pool.post(i, [&, i] {
            ids[i] = std::this_thread::get_id();
            EXPECT_TRUE(pool.context(i).get_executor().running_in_this_thread());
            ++done;
        });
    }
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (done < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(done.load(), 2);
    EXPECT_NE(ids[0], ids[1]);
    pool.drain();
    pool.join();
}

// One phone-like client: connect, five echoes checked in order, close.
net::awaitable<void> echo_client(net::io_context& io, ws_url url, tls_context* tls, int index,
                                 std::atomic<int>& ok, std::atomic<int>& failed) {
    ws_client client{io, {}, tls};
    const auto connected = co_await client.connect(url);
    if (!connected) {
        ++failed;
        co_return;
    }
    inbox in{io.get_executor()};
    client.start(in.on_message(), in.on_close());
    bool good = true;
    for (int j = 0; j < 5 && good; ++j) {
        const auto frame = "client " + std::to_string(index) + " message " + std::to_string(j);
        good = !client.send(frame);
        const auto echoed = co_await in.next(10s);
        good = good && echoed && *echoed == frame;
    }
    const auto closed = co_await client.close();
    ++(good && closed ? ok : failed);
}

void run_many(bool secure) {
    constexpr int clients = 200;
    worker_pool pool{2};
    auto pair = make_self_signed();
    ASSERT_TRUE(pair);
    auto server_tls = tls_context::server({{}, {}, pair->cert_pem, pair->key_pem});
    auto client_tls = tls_context::client({false, {}, pair->cert_pem});
    ASSERT_TRUE(server_tls && client_tls);
    // One listener per worker on the same port (SO_REUSEPORT), as the embedded target
    // runs it; each server lives on its worker.
    echo_handler handlers[2];
    std::unique_ptr<ws_server> servers[2];
    server_options options;
    options.reuse_port = true;
    for (std::size_t w = 0; w < 2; ++w) {
        servers[w] = std::make_unique<ws_server>(pool.context(w), options, handlers[w],
                                                 secure ? &*server_tls : nullptr);
        const auto port = servers[w]->listen();
        ASSERT_TRUE(port) << port.error().message();
        options.port = *port;
        servers[w]->start();
    }
    const auto url = *parse_ws_url(std::string{secure ? "wss" : "ws"} +
                                   "://127.0.0.1:" + std::to_string(options.port) + "/");
    pool.start();
    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    for (int i = 0; i < clients; ++i) {
        const auto w = pool.next();
        pool.post(w, [&, w, i] {
            net::co_spawn(pool.context(w),
                          echo_client(pool.context(w), url, &*client_tls, i, ok, failed),
                          net::detached);
        });
    }
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (ok + failed < clients && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(ok.load(), clients);
    EXPECT_EQ(failed.load(), 0);
    std::atomic<int> stopped{0};
    for (std::size_t w = 0; w < 2; ++w) {
        pool.post(w, [&, w] {
            net::co_spawn(pool.context(w), servers[w]->stop(),
                          [&](std::exception_ptr) { ++stopped; });
        });
    }
    pool.drain();  // each worker returns once its server stopped and its clients ended
    pool.join();
    EXPECT_EQ(stopped.load(), 2);
    EXPECT_EQ(handlers[0].messages + handlers[1].messages, clients * 5);
    EXPECT_EQ(servers[0]->stats().upgraded + servers[1]->stats().upgraded,
              static_cast<std::uint64_t>(clients));
}

TEST(ws_scale, two_hundred_ws_clients_on_two_workers) {
    run_many(false);
}
TEST(ws_scale, two_hundred_wss_clients_on_two_workers) {
    run_many(true);
}

}  // namespace
}  // namespace ringstorm::transport
