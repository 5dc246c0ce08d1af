#pragma once
// Ctrl-C (SIGINT) and SIGTERM for a run or `serve`: the first asks for an orderly stop,
// the second for an abort. The handler only counts; the main thread polls the count.

namespace ringstorm::app {

// Installs the handlers and resets the count (each run or serve starts at zero).
void install_stop_signals();
// How many stop signals arrived since install_stop_signals().
int stop_signals() noexcept;

}  // namespace ringstorm::app
