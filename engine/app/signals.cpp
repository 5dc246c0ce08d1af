#include "engine/app/signals.hpp"

#include <csignal>

namespace ringstorm::app {

namespace {

volatile std::sig_atomic_t signal_count = 0;

extern "C" void on_stop_signal(int) {
    signal_count = signal_count + 1;
}

}  // namespace

void install_stop_signals() {
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
    return signal_count;
}

}  // namespace ringstorm::app
