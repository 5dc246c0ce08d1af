#include "engine/target/call_routes.hpp"

#include "engine/target/text.hpp"

namespace ringstorm::target {

std::optional<std::string_view> peek_call_id(std::string_view frame) noexcept {
    std::size_t pos = frame.find('\n');  // skip the start line
    while (pos != std::string_view::npos && pos + 1 < frame.size()) {
        const std::size_t begin = pos + 1;
        std::size_t end = frame.find('\n', begin);
        const std::string_view line = frame.substr(
            begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
        if (trim_line(line).empty()) {
            return std::nullopt;  // end of the headers
        }
        const std::size_t colon = line.find(':');
        if (colon != std::string_view::npos && line.front() != ' ' && line.front() != '\t') {
            const std::string_view name = trim_line(line.substr(0, colon));
            if (iequals(name, "call-id") || iequals(name, "i")) {
                const std::string_view value = trim_line(line.substr(colon + 1));
                if (value.empty()) {
                    return std::nullopt;
                }
                return value;
            }
        }
        pos = end;
    }
    return std::nullopt;
}

void call_routes::add(std::uint64_t connection_id, const std::string& call_id,
                      std::uint32_t owner) {
    auto& list = by_connection_[connection_id];
    for (route& r : list) {
        if (r.call_id == call_id) {
            ++r.count;
            return;
        }
    }
    list.push_back(route{call_id, owner, 1});
    ++routes_;
}

void call_routes::remove(std::uint64_t connection_id, const std::string& call_id) {
    auto it = by_connection_.find(connection_id);
    if (it == by_connection_.end()) {
        return;  // the connection closed first
    }
    auto& list = it->second;
    for (auto r = list.begin(); r != list.end(); ++r) {
        if (r->call_id == call_id) {
            if (--r->count == 0) {
                list.erase(r);
                --routes_;
            }
            break;
        }
    }
    if (list.empty()) {
        by_connection_.erase(it);
    }
}

void call_routes::connection_closed(std::uint64_t connection_id) {
    auto it = by_connection_.find(connection_id);
    if (it != by_connection_.end()) {
        routes_ -= it->second.size();
        by_connection_.erase(it);
    }
}

std::optional<std::uint32_t> call_routes::owner_of(std::uint64_t connection_id,
                                                   std::string_view call_id) const {
    auto it = by_connection_.find(connection_id);
    if (it == by_connection_.end()) {
        return std::nullopt;
    }
    for (const route& r : it->second) {
        if (r.call_id == call_id) {
            return r.owner;
        }
    }
    return std::nullopt;
}

}  // namespace ringstorm::target
