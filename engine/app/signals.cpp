#include "engine/app/signals.hpp"

#include <atomic>
#include <csignal>

namespace ringstorm::app {

namespace {

// Any thread may take the signal (workers do not block it), so the count is a lock-free
// atomic, which a signal handler may touch.
std::atomic<int> signal_count{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int) {
    signal_count.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

void install_stop_signals() {
    signal_count.store(0);  // a new run or serve starts uninterrupted
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    // A peer closing a socket must never kill the process (Asio reports EPIPE instead).
    std::signal(SIGPIPE, SIG_IGN);
}

int stop_signals() noexcept {
    return signal_count.load(std::memory_order_relaxed);
}

}  // namespace ringstorm::app
