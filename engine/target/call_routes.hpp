#pragma once
// The connection side of the target's calls. A call lives on the worker that owns its
// AOR, but the phone's connection may live on another worker, the only one that may read
// and write it. That worker keeps, per connection, the Call-IDs of the calls placed over
// it and the worker owning each, so that every frame of such a call is handed to its
// owner before the intake could answer it 481/405 or count it as a stray response.
// Sans-I/O and per worker: nothing here is shared.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ringstorm::target {

// The Call-ID of a SIP frame read from its header lines (`Call-ID:` or the compact `i:`,
// RFC 3261 §7.3.3, names case-insensitive), without parsing the message; nullopt when
// there is none. Cheap enough to run on every frame of a connection that has calls.
std::optional<std::string_view> peek_call_id(std::string_view frame) noexcept;

class call_routes {
public:
    // Frames of `call_id` on connection `connection_id` go to worker `owner`. Adding one
    // twice (two bindings of a user on one connection) needs two remove()s.
    void add(std::uint64_t connection_id, const std::string& call_id, std::uint32_t owner);
    void remove(std::uint64_t connection_id, const std::string& call_id);
    // The connection closed: its routes go (the owners hear of the close separately).
    void connection_closed(std::uint64_t connection_id);

    // Whether connection `connection_id` carries any call (no Call-ID peeking otherwise).
    bool any(std::uint64_t connection_id) const noexcept {
        return by_connection_.find(connection_id) != by_connection_.end();
    }
    std::optional<std::uint32_t> owner_of(std::uint64_t connection_id,
                                          std::string_view call_id) const;
    std::size_t size() const noexcept { return routes_; }

private:
    struct route {
        std::string call_id;
        std::uint32_t owner = 0;
        std::uint32_t count = 0;
    };
    // A connection carries a handful of calls at most (a phone is in one call at a
    // time), so a short vector beats a map per connection.
    std::unordered_map<std::uint64_t, std::vector<route>> by_connection_;
    std::size_t routes_ = 0;
};

}  // namespace ringstorm::target
