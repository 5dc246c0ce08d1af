#pragma once
// What `ringstorm run` prints: a live progress line each second on a terminal (rewritten
// in place), a plain line every 5 s otherwise (CI logs), and the final summary. --quiet
// keeps only the verdict line.

#include <cstdio>
#include <string>

#include "engine/app/worker.hpp"
#include "reporters/run_report.hpp"

namespace ringstorm::app {

// The final table's media line ("media          streams 10, RTP sent 500 / received 490,
// loss 2.000 %, jitter p99 1.25 ms, RTT p50 0.40 ms, MOS mean 4.20, SRTP auth failures 0,
// send lateness p99 0.12 ms"), empty when no call carried media. Figures without samples
// read "n/a". Send lateness is the media engine's own (per pacing tick, worker-wide).
std::string media_line(const core::stats& s);

class console {
public:
    console(std::FILE* out, bool quiet);

    // Called about once a second with the merged live figures.
    void progress(double seconds, const worker_progress& p, bool ending);
    // Ends a progress line in place before other output.
    void break_line();
    void message(const std::string& line);
    // The final report: counts, latency table, contract, thresholds, verdict, files.
    void summary(const reporters::run_report& report, const std::string& files);

private:
    std::FILE* out_;
    bool quiet_;
    bool tty_;
    bool line_open_ = false;
    double last_plain_ = -1e9;
    double last_seconds_ = 0;
    std::uint64_t last_ok_ = 0;
};

}  // namespace ringstorm::app
