// What an idle WebSocket connection costs in resident memory (issue 3: the goal is
// <= 40 KB per idle WSS phone). The server runs in a forked child so the client side
// (what a Ringstorm phone holds) and the target side are measured separately.
//
//   ./build/release/benchmarks/micro_bench --benchmark_filter=idle_connection_rss
//
// Counters: client_kib_per_conn, server_kib_per_conn (RSS growth / connections). Run the
// binary afresh for each figure: within one process, memory freed by an earlier run is
// reused, so repetitions under-count.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/transport/tls_context.hpp"
#include "engine/transport/ws_client.hpp"
#include "engine/transport/ws_server.hpp"

namespace {

namespace net = boost::asio;
using namespace ringstorm::transport;

double rss_kib(pid_t pid) {
    std::ifstream statm("/proc/" + (pid == 0 ? std::string{"self"} : std::to_string(pid)) +
                        "/statm");
    long size = 0;
    long resident = 0;
    statm >> size >> resident;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1024.0;
}

struct idle_handler : server_handler {
    void on_open(connection&) override {}
    void on_message(connection& conn, std::string frame) override { conn.send(std::move(frame)); }
    void on_close(connection&, const failure&) override {}
};

// The child: a server on a free port, written to `fd`, serving until killed.
[[noreturn]] void serve(bool secure, int fd) {
    net::io_context io{1};
    auto pair = make_self_signed();
    auto tls = tls_context::server({{}, {}, pair->cert_pem, pair->key_pem});
    idle_handler handler;
    ws_server server{io, {}, handler, secure ? &*tls : nullptr};
    const auto port = server.listen();
    const std::uint16_t value = port ? *port : 0;
    (void)!write(fd, &value, sizeof value);
    server.start();
    io.run();
    _exit(0);
}

net::awaitable<void> open_idle(ws_client& client, ws_url url, int& open, int& failed) {
    const auto connected = co_await client.connect(url);
    if (!connected) {
        ++failed;
        co_return;
    }
    client.start([](connection&, std::string) {}, [](connection&, const failure&) {});
    ++open;
}

void BM_idle_connection_rss(benchmark::State& state) {
    const auto connections = static_cast<int>(state.range(0));
    const bool secure = state.range(1) != 0;
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) {
        state.SkipWithError("pipe");
        return;
    }
    const pid_t child = fork();
    if (child == 0) {
        serve(secure, pipe_fds[1]);
    }
    std::uint16_t port = 0;
    (void)!read(pipe_fds[0], &port, sizeof port);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    auto tls = tls_context::client({true, {}, {}});
    const auto url = *parse_ws_url(std::string{secure ? "wss" : "ws"} +
                                   "://127.0.0.1:" + std::to_string(port) + "/ws");
    for (auto _ : state) {
        net::io_context io{1};
        std::vector<std::unique_ptr<ws_client>> clients;
        int open = 0;
        int failed = 0;
        const double client_before = rss_kib(0);
        const double server_before = rss_kib(child);
        for (int i = 0; i < connections; ++i) {
            clients.push_back(std::make_unique<ws_client>(io, client_options{}, &*tls));
            net::co_spawn(io, open_idle(*clients.back(), url, open, failed), net::detached);
            if (i % 50 == 49) {
                while (open + failed <= i - 25) {
                    io.run_one();  // at most ~75 handshakes in flight
                }
            }
        }
        while (open + failed < connections) {
            io.run_one();
        }
        io.run_for(std::chrono::milliseconds{500});  // let both sides go idle
        state.counters["client_kib_per_conn"] = (rss_kib(0) - client_before) / connections;
        state.counters["server_kib_per_conn"] = (rss_kib(child) - server_before) / connections;
        state.counters["failed"] = failed;
        clients.clear();
    }
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
}

}  // namespace

BENCHMARK(BM_idle_connection_rss)
    ->ArgsProduct({{2000}, {0, 1}})
    ->ArgNames({"conns", "tls"})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
