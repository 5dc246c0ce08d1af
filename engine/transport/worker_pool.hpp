#pragma once
// One io_context per core, each run by one thread (Asio's io_context_pool, seastar's
// sharding). A worker owns what is started on it outright: no strands, no locks.
// Work is handed to a worker by posting a function to it.

#include <cstddef>
#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace ringstorm::transport {

class worker_pool {
public:
    // `workers` io_contexts, 0 = one per hardware thread. Threads start in start().
    explicit worker_pool(std::size_t workers = 0);
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;
    // Stops and joins if the owner did not.
    ~worker_pool();

    std::size_t size() const noexcept;
    // Worker i's io_context (i < size()); create its objects with it, on its thread.
    boost::asio::io_context& context(std::size_t i) noexcept;
    // The next worker, round-robin (call from one thread, e.g. the start-up thread).
    std::size_t next() noexcept;

    // Runs `fn` on worker i's thread.
    void post(std::size_t i, std::function<void()> fn);

    // One thread per io_context; each keeps running until drain() or stop().
    void start();
    // Lets each worker finish its outstanding work and return (work guards released).
    void drain() noexcept;
    // Ends each run() at once; pending handlers are not run.
    void stop() noexcept;
    // Waits for every thread (after drain() or stop()). Idempotent.
    void join() noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace ringstorm::transport
