#pragma once
// The registrar's location service (RFC 3261 §10.3): address-of-record -> contacts, held
// in memory by the worker that owns the AOR. Several bindings per AOR are normal: every
// browser tab of one account registers its own Contact (multi-tab).
//
// Web-phone Contacts are unroutable (`sip:x@abc.invalid;transport=ws`, RFC 7118 §5.2), so a
// binding also records the WebSocket connection it arrived on: a request to the phone must
// be sent over that connection, and the binding dies with it (RFC 7118 §5.2 leaves the
// flow as the only route back; RFC 5626 §5.3 does the same for outbound flows).

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/core/clock.hpp"

namespace ringstorm::target {

// Which connection something arrived on: the worker that owns the connection (the only
// thread that may send on it) and its id, unique within the process.
struct connection_ref {
    std::uint32_t worker = 0;
    std::uint64_t id = 0;

    friend bool operator==(const connection_ref&, const connection_ref&) = default;
};

struct binding {
    std::string contact_uri;     // the Contact URI as sent, without <>
    std::string contact_params;  // its header parameters but expires (";+sip.instance=…")
    std::string call_id;         // of the REGISTER that made or last refreshed it (§10.3 7)
    std::uint32_t cseq = 0;      // of that REGISTER
    core::time_point expires_at;
    connection_ref via;  // where requests for this contact go; it closes, the binding goes
};

class binding_table {
public:
    // The bindings of `aor` (expired ones too until the next sweep; filter with
    // expires_at); null when there are none.
    const std::vector<binding>* find(const std::string& aor) const;
    // Replaces every binding of `aor` at once (RFC 3261 §10.3: a REGISTER's changes are
    // committed all or nothing); an empty list forgets the AOR.
    void replace(const std::string& aor, std::vector<binding> list);
    // Drops every binding that arrived on connection `id` (it closed); returns how many.
    std::size_t remove_connection(std::uint64_t id);
    // Drops every binding whose expires_at <= now; returns how many.
    std::size_t sweep(core::time_point now);

    std::size_t size() const noexcept { return count_; }  // bindings held
    std::size_t aors() const noexcept { return by_aor_.size(); }

private:
    std::unordered_map<std::string, std::vector<binding>> by_aor_;
    // connection id -> AORs that had a binding on it (may name AORs whose binding has since
    // moved; remove_connection checks), so a close costs its own bindings, not a scan.
    std::unordered_map<std::uint64_t, std::vector<std::string>> by_connection_;
    std::size_t count_ = 0;
};

}  // namespace ringstorm::target
