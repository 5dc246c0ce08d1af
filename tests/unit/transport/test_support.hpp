#pragma once
// GCC 12 flags Asio's awaitable frame allocator (operator new/delete of
// awaitable_frame_base) as mismatched; a known false positive of -Wmismatched-new-delete
// with coroutines.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
// Shared by the transport tests: run a coroutine on an io_context with a hard deadline
// (a bug fails the test instead of hanging it), an inbox that a coroutine can wait on,
// and an echo handler for ws_server.

#include <chrono>
#include <deque>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/transport/connection.hpp"
#include "engine/transport/ws_server.hpp"

namespace ringstorm::transport::test {

namespace net = boost::asio;
using namespace std::chrono_literals;

// Runs `task` on `io` until it finishes or `limit` passes; nullopt on timeout.
template <class T>
std::optional<T> run(net::io_context& io, net::awaitable<T> task,
                     std::chrono::milliseconds limit = 20s) {
    std::optional<T> out;
    std::exception_ptr error;
    bool finished = false;
    net::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
        error = e;
        out = std::move(value);
        finished = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + limit;
    io.restart();
    while (!finished && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(50ms);
    }
    if (error) {
        std::rethrow_exception(error);
    }
    return finished ? out : std::nullopt;
}

// Frames and the close reason of one connection, awaitable with a deadline.
class inbox {
public:
    explicit inbox(net::any_io_executor executor) : timer_(executor) {}

    connection::message_handler on_message() {
        return [this](connection&, std::string frame) {
            frames_.push_back(std::move(frame));
            timer_.cancel();
        };
    }
    connection::close_handler on_close() {
        return [this](connection&, const failure& why) {
            closed_ = why;
            timer_.cancel();
        };
    }

    // The next frame, or nullopt when the connection closed or `limit` passed.
    net::awaitable<std::optional<std::string>> next(std::chrono::milliseconds limit = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (frames_.empty() && !closed_ && std::chrono::steady_clock::now() < deadline) {
            timer_.expires_at(deadline);
            (void)co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
        }
        if (frames_.empty()) {
            co_return std::nullopt;
        }
        auto frame = std::move(frames_.front());
        frames_.pop_front();
        co_return frame;
    }

    // The close reason, waiting up to `limit` for it.
    net::awaitable<std::optional<failure>> closed(std::chrono::milliseconds limit = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!closed_ && std::chrono::steady_clock::now() < deadline) {
            timer_.expires_at(deadline);
            (void)co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
        }
        co_return closed_;
    }

private:
    net::steady_timer timer_;
    std::deque<std::string> frames_;
    std::optional<failure> closed_;
};

// Echoes every frame; records opens, closes and peers.
struct echo_handler : server_handler {
    void on_open(connection& conn) override {
        ++opened;
        peers.push_back(conn.peer());
    }
    void on_message(connection& conn, std::string frame) override {
        ++messages;
        conn.send(std::move(frame));
    }
    void on_close(connection&, const failure& why) override { closes.push_back(why); }

    int opened = 0;
    int messages = 0;
    std::vector<std::string> peers;
    std::vector<failure> closes;
};

}  // namespace ringstorm::transport::test
