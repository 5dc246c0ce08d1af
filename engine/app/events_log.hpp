#pragma once
// `--events FILE`: every SDK callback of every phone as one JSON line (interface.md):
//   {"t": 1.234, "phone": "10001", "tab": 0, "cb": "register", "event": "registered", "call_id": ""}
// Workers format lines into their own buffer (no lock per event) and hand a full buffer
// to the shared file under a mutex, so the file sees whole lines in roughly time order.

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/core/clock.hpp"
#include "engine/core/result.hpp"

namespace ringstorm::app {

class events_log {
public:
    // Opens (truncates) `path`; the error says why it could not.
    static core::result<std::unique_ptr<events_log>, std::string> open(const std::string& path);
    events_log(const events_log&) = delete;
    events_log& operator=(const events_log&) = delete;
    ~events_log();

    // Appends `lines` (whole lines) to the file. Thread-safe.
    void write(std::string_view lines);
    void flush();

private:
    explicit events_log(std::FILE* file) : file_(file) {}
    std::mutex mutex_;
    std::FILE* file_;
};

// A worker's buffer in front of the shared log.
class events_buffer {
public:
    events_buffer(events_log* log, const core::run_clock& clock) : log_(log), clock_(clock) {}
    events_buffer(const events_buffer&) = delete;
    events_buffer& operator=(const events_buffer&) = delete;
    ~events_buffer() { flush(); }

    bool enabled() const noexcept { return log_ != nullptr; }
    void add(core::time_point at, std::string_view phone, std::uint32_t tab,
             std::string_view callback, std::string_view event, std::string_view call_id);
    void flush();

private:
    static constexpr std::size_t flush_bytes = 64 * 1024;
    events_log* log_;
    const core::run_clock& clock_;
    std::string buffer_;
};

// Appends `text` to `out` as the inside of a JSON string (RFC 8259 §7 escapes).
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace ringstorm::app
