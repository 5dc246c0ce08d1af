// Ctrl-C counting: every signal counts, and each run starts from zero (so a run after an
// interrupted one in the same process is not aborted at once).
#include "engine/app/signals.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace ringstorm::app {
namespace {

TEST(signals, count_each_stop_signal_and_reset_on_install) {
    install_stop_signals();
    EXPECT_EQ(stop_signals(), 0);
    std::raise(SIGINT);
    std::raise(SIGTERM);
    EXPECT_EQ(stop_signals(), 2);
    install_stop_signals();
    EXPECT_EQ(stop_signals(), 0);
}

}  // namespace
}  // namespace ringstorm::app
