#pragma once
// Common pieces of the SIP transaction layer (RFC 3261 §17): the outputs every machine
// returns, the matching keys, and the requests a client INVITE transaction derives from
// its INVITE (ACK for a non-2xx final response, CANCEL).
//
// The machines themselves live in client_transaction.hpp and server_transaction.hpp. They
// are sans-I/O: an event goes in with the current time, a short list of actions comes
// out, and next_deadline() says when on_timer() must be called next.
//
// Out of scope: RFC 2543 matching (requests whose branch lacks the z9hG4bK cookie have
// no key here; the owner answers or drops them itself).

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/sip/message.hpp"
#include "engine/sip/method.hpp"
#include "engine/sip/timers.hpp"

namespace ringstorm::sip {

enum class action_kind : unsigned char {
    send,             // hand `msg` to the transport
    deliver,          // pass `msg` (a response for clients, a request for servers) to the TU
    timeout,          // `timer` expired: B/F/H for transactions, wait_ack for the 2xx retransmitter
    transport_error,  // the transport reported a failure; the TU is told (§17.1.1.2, §17.2.4)
    terminated,       // the machine reached Terminated; the owner may destroy it
};

std::string_view to_string(action_kind k) noexcept;

struct action {
    action_kind kind = action_kind::send;
    message msg;                      // send and deliver only
    timer_id timer = timer_id::none;  // timeout only
};

// A bounded list of actions: an event produces at most a handful, so they live inline
// and an event allocates nothing beyond the messages it carries.
class action_list {
public:
    static constexpr std::size_t capacity = 6;

    void push(action_kind kind, message msg = {}, timer_id timer = timer_id::none) {
        assert(size_ < capacity);
        if (size_ < capacity) {
            items_[size_++] = action{kind, std::move(msg), timer};
        }
    }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const action& operator[](std::size_t i) const noexcept { return items_[i]; }
    action& operator[](std::size_t i) noexcept { return items_[i]; }
    const action* begin() const noexcept { return items_.data(); }
    const action* end() const noexcept { return items_.data() + size_; }
    action* begin() noexcept { return items_.data(); }
    action* end() noexcept { return items_.data() + size_; }

    // Whether any action of this kind is present (handy for owners and tests).
    bool has(action_kind kind) const noexcept;

private:
    std::array<action, capacity> items_{};
    std::size_t size_ = 0;
};

// RFC 3261 §17.1.3: a response belongs to the client transaction whose request had the
// same top-Via branch and whose method equals the CSeq method of the response.
struct client_key {
    std::string branch;
    std::string method;  // CSeq method token (extension methods keep their text)

    friend bool operator==(const client_key&, const client_key&) = default;
};

// RFC 3261 §17.2.3: a request belongs to the server transaction with the same top-Via
// branch and sent-by, and the same method, except that an ACK matches the INVITE
// transaction. CANCEL has its own transaction (its method differs).
struct server_key {
    std::string branch;
    std::string sent_by;  // host (lower-cased) and ":port" when a port is present
    std::string method;

    friend bool operator==(const server_key&, const server_key&) = default;
};

struct transaction_key_hash {
    std::size_t operator()(const client_key& k) const noexcept;
    std::size_t operator()(const server_key& k) const noexcept;
};

// Key of the client transaction a message belongs to: for a request we send, the
// transaction it creates; for a response we receive, the one it answers. nullopt when
// the top Via or CSeq is missing or unreadable, or the branch is empty.
std::optional<client_key> client_key_of(const message& m);

// Key of the server transaction a received request belongs to. nullopt when the branch
// lacks the RFC 3261 magic cookie (RFC 2543 peers; not supported) or Via/CSeq are unreadable.
std::optional<server_key> server_key_of(const message& request);

// RFC 3261 §17.1.1.3: the ACK a client INVITE transaction sends for a 3xx-6xx response.
// Same Request-URI, Call-ID, From and CSeq number as the INVITE, the To of the response
// (with its tag), only the INVITE's top Via (same branch), its Route headers, no body.
message make_ack_for_non2xx(const message& invite, const message& response);

// RFC 3261 §9.1: a CANCEL for a pending INVITE: same Request-URI, Call-ID, From, To and
// CSeq number (method CANCEL), only the top Via (same branch, so it reaches the same
// servers), the INVITE's Route headers, Max-Forwards 70. Sent in its own client
// non-INVITE transaction, and only after a provisional response arrived.
message make_cancel(const message& invite);

// A fresh RFC 3261 branch ("z9hG4bK" + 16 hex digits) from a caller-provided random or
// counter value, so tests stay deterministic.
std::string make_branch(std::uint64_t entropy);

}  // namespace ringstorm::sip
