#pragma once
// The SIP message model (RFC 3261 §7): a start line, an ordered list of headers and a
// body. A message owns one text buffer; every name and value is a slice of it, so a
// parsed message costs two allocations (the buffer and the header table) whatever its
// size, and building one appends to the same buffer. Header values are kept verbatim
// (unknown headers too); typed views (Via, CSeq, name-addr…) live in headers.hpp and are
// parsed on demand.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sip/method.hpp"
#include "engine/sip/header_id.hpp"

namespace ringstorm::sip {

// One header line as seen through the message: the name as written (or the canonical
// name for built headers), its id, and the value with surrounding whitespace trimmed
// and any line folding replaced by spaces.
struct header_view {
    header_id id;
    std::string_view name;
    std::string_view value;
};

class message {
public:
    message() = default;

    // Builders. The start line is fixed here; headers and body are added afterwards.
    static message request(sip::method m, std::string_view request_uri);
    // Request with a method that has no enum value (extension methods, RFC 3261 §27.4).
    static message request(std::string_view method_token, std::string_view request_uri);
    static message response(int status, std::string_view reason);

    // ---- start line ----
    bool is_request() const noexcept { return status_ == 0; }
    bool is_response() const noexcept { return status_ != 0; }
    sip::method method() const noexcept { return method_; }
    std::string_view method_text() const noexcept { return slice(method_text_); }
    std::string_view request_uri() const noexcept { return slice(uri_); }
    int status() const noexcept { return status_; }
    std::string_view reason() const noexcept { return slice(reason_); }
    std::string_view version() const noexcept { return slice(version_); }

    // ---- headers, in wire order ----
    std::size_t header_count() const noexcept { return headers_.size(); }
    header_view header(std::size_t i) const noexcept;

    // First value of a known header; nullopt when absent. Use header_id::unknown only with
    // the string overload.
    std::optional<std::string_view> get(header_id id) const noexcept;
    // First value of a header by name, compared case-insensitively; compact forms and
    // long names both match a known header.
    std::optional<std::string_view> get(std::string_view name) const noexcept;
    // Every header line with this id, in order (a header may repeat, RFC 3261 §7.3.1).
    std::vector<std::string_view> get_all(header_id id) const;
    std::size_t count(header_id id) const noexcept;

    // Appends a header line. The value is stored verbatim.
    void add(header_id id, std::string_view value);
    void add(std::string_view name, std::string_view value);
    // Inserts a header line before every other (a proxy's new top Via, a Route).
    void push_front(header_id id, std::string_view value);
    // Replaces the first value of id (or appends one) and removes any later lines of it.
    void set(header_id id, std::string_view value);
    // Removes every line of id; returns how many were removed.
    std::size_t remove(header_id id);
    // Removes only the first line of id (a proxy popping its Via); returns whether one was.
    bool remove_first(header_id id);
    // Removes every line whose name matches (case-insensitively, compact and long forms
    // alike); the way to drop an extension header. Returns how many were removed.
    std::size_t remove(std::string_view name);

    // ---- body ----
    std::string_view body() const noexcept { return slice(body_); }
    // Sets the body and keeps Content-Type/Content-Length consistent with it. An empty
    // content_type removes Content-Type.
    void set_body(std::string_view content_type, std::string_view body);

    // Bytes held by the message's buffer (slices that were overwritten still count until
    // the message is rebuilt); used by memory accounting in benchmarks.
    std::size_t buffer_size() const noexcept { return buf_.size(); }

    // Semantic equality: same start line, same headers in the same order (names compared
    // by id, or case-insensitively for unknown ones; values byte for byte), same body.
    friend bool operator==(const message& a, const message& b);

private:
    friend class parser_access;  // the parser fills the fields directly (parser.cpp)

    struct span {
        std::uint32_t off = 0;
        std::uint32_t len = 0;
    };
    struct header_slot {
        header_id id;
        span name;
        span value;
    };

    std::string_view slice(span s) const noexcept { return {buf_.data() + s.off, s.len}; }
    span append(std::string_view text);
    // Text that points into buf_ (a value taken from this very message) would dangle once
    // an append reallocates; such text is copied to scratch first and the copy returned.
    std::string_view detach(std::string_view text, std::string& scratch) const;

    std::string buf_;
    std::vector<header_slot> headers_;
    sip::method method_ = sip::method::unknown;
    int status_ = 0;
    span method_text_;
    span uri_;
    span reason_;
    span version_;
    span body_;
};

}  // namespace ringstorm::sip
