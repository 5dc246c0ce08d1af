#include "engine/app/events_log.hpp"

#include <cerrno>
#include <cstring>

namespace ringstorm::app {

core::result<std::unique_ptr<events_log>, std::string> events_log::open(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "w");
    if (file == nullptr) {
        return core::unexpected<std::string>("cannot write events file '" + path +
                                             "': " + std::strerror(errno));
    }
    return std::unique_ptr<events_log>(new events_log(file));
}

events_log::~events_log() {
    std::fclose(file_);
}

void events_log::write(std::string_view lines) {
    std::lock_guard lock(mutex_);
    std::fwrite(lines.data(), 1, lines.size(), file_);
}

void events_log::flush() {
    std::lock_guard lock(mutex_);
    std::fflush(file_);
}

void append_json_escaped(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
}

void events_buffer::add(core::time_point at, std::string_view phone, std::uint32_t tab,
                        std::string_view callback, std::string_view event,
                        std::string_view call_id) {
    if (log_ == nullptr) {
        return;
    }
    char t[32];
    std::snprintf(t, sizeof t, "%.6f", clock_.seconds(at));
    buffer_ += "{\"t\": ";
    buffer_ += t;
    buffer_ += ", \"phone\": \"";
    append_json_escaped(buffer_, phone);
    buffer_ += "\", \"tab\": ";
    buffer_ += std::to_string(tab);
    buffer_ += ", \"cb\": \"";
    buffer_ += callback;
    buffer_ += "\", \"event\": \"";
    append_json_escaped(buffer_, event);
    buffer_ += "\", \"call_id\": \"";
    append_json_escaped(buffer_, call_id);
    buffer_ += "\"}\n";
    if (buffer_.size() >= flush_bytes) {
        flush();
    }
}

void events_buffer::flush() {
    if (log_ != nullptr && !buffer_.empty()) {
        log_->write(buffer_);
        buffer_.clear();
    }
}

}  // namespace ringstorm::app
