#pragma once
// An open WebSocket connection carrying SIP (RFC 7118), client or server side, as seen
// by its owner: frames in through a handler, frames out through a bounded queue.
// Only this small interface is visible; the Beast stream lives in the .cpp files.
//
// Threading: a connection belongs to the worker (io_context) that made it; every call
// and every handler runs on that worker's thread. No locks, no strands.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include <boost/asio/awaitable.hpp>

#include "engine/core/result.hpp"
#include "engine/transport/error.hpp"

namespace ringstorm::transport {

// Limits of one connection; every field bounds memory or a wait.
struct connection_limits {
    std::size_t queue_limit = 64;                     // frames waiting to be written (backpressure)
    std::size_t max_message_size = 64 * 1024;         // larger incoming frames end the connection
    std::chrono::milliseconds write_timeout{10'000};  // one frame's write, else ws_write timeout
    std::chrono::milliseconds close_timeout{5'000};   // the close handshake, else abort
    std::chrono::milliseconds idle_timeout{0};        // 0 = none; else pings at half, drop at full
};

class connection : public std::enable_shared_from_this<connection> {
public:
    // One whole WebSocket message = one SIP message (RFC 7118 §5.1).
    using message_handler = std::function<void(connection& from, std::string frame)>;
    // Called once when the connection ends, with why: errc::stopped after our close(),
    // errc::peer_closed after the peer's close frame, else the error and its stage.
    using close_handler = std::function<void(connection& from, const failure& why)>;

    connection() = default;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    virtual ~connection() = default;

    // Starts delivering frames. Call once, after connect or on_open.
    virtual void start(message_handler on_message, close_handler on_close) = 0;
    // Queues a text frame. errc::queue_full when queue_limit frames wait (the frame is
    // not taken: retry later or count it as a failure); errc::not_open when closed.
    virtual std::error_code send(std::string frame) = 0;
    // The close handshake (RFC 6455 §7) bounded by close_timeout; idempotent.
    virtual boost::asio::awaitable<core::result<done, failure>> close() = 0;
    // Starts the close handshake without waiting for it (for owners that are not
    // coroutines); the close handler reports the end.
    virtual void close_detached() = 0;
    // Drops the TCP connection at once; the close handler is not called any more.
    virtual void abort() noexcept = 0;

    virtual bool is_open() const noexcept = 0;
    virtual std::size_t queued() const noexcept = 0;
    // "127.0.0.1:50312" (the peer) and an id unique within the process.
    virtual const std::string& peer() const noexcept = 0;
    virtual std::uint64_t id() const noexcept = 0;
};

}  // namespace ringstorm::transport
