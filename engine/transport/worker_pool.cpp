#include "engine/transport/worker_pool.hpp"

#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace ringstorm::transport {

namespace net = boost::asio;

struct worker_pool::impl {
    using guard = net::executor_work_guard<net::io_context::executor_type>;

    struct worker {
        // concurrency hint 1: this context is run by exactly one thread, so Asio can
        // skip its internal locking.
        net::io_context io{1};
        std::optional<guard> work{io.get_executor()};  // keeps run() alive while idle
        std::thread thread;
    };

    std::vector<std::unique_ptr<worker>> workers;
    std::size_t next = 0;
};

worker_pool::worker_pool(std::size_t workers) : impl_(std::make_unique<impl>()) {
    if (workers == 0) {
        workers = std::max<std::size_t>(1, std::thread::hardware_concurrency());
    }
    for (std::size_t i = 0; i < workers; ++i) {
        impl_->workers.push_back(std::make_unique<impl::worker>());
    }
}

worker_pool::~worker_pool() {
    stop();
    join();
}

std::size_t worker_pool::size() const noexcept {
    return impl_->workers.size();
}

net::io_context& worker_pool::context(std::size_t i) noexcept {
    return impl_->workers[i]->io;
}

std::size_t worker_pool::next() noexcept {
    const auto i = impl_->next;
    impl_->next = (impl_->next + 1) % impl_->workers.size();
    return i;
}

void worker_pool::post(std::size_t i, std::function<void()> fn) {
    net::post(impl_->workers[i]->io, std::move(fn));
}

void worker_pool::start() {
    for (auto& w : impl_->workers) {
        if (!w->thread.joinable()) {
            w->thread = std::thread([io = &w->io] { io->run(); });
        }
    }
}

void worker_pool::drain() noexcept {
    for (auto& w : impl_->workers) {
        w->work.reset();
    }
}

void worker_pool::stop() noexcept {
    for (auto& w : impl_->workers) {
        w->work.reset();
        w->io.stop();
    }
}

void worker_pool::join() noexcept {
    for (auto& w : impl_->workers) {
        if (w->thread.joinable()) {
            w->thread.join();
        }
    }
}

}  // namespace ringstorm::transport
