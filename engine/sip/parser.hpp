#pragma once
// Parsing SIP messages from bytes (RFC 3261 §7, §18.3, §20, §25). Sans-I/O: the caller
// owns the socket. Never throws on input and never aborts: the result is a message or a
// located error. Structurally valid but questionable messages parse, and lint.hpp says
// what is wrong with them (the protocol rules), so a lenient phone can still act on them.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.hpp"
#include "engine/sip/error.hpp"
#include "engine/sip/message.hpp"

namespace ringstorm::sip {

// How message boundaries are known.
enum class framing {
    message,  // the buffer is exactly one message (WebSocket frame, datagram):
              // Content-Length optional; when present and shorter than the rest, the
              // extra bytes are dropped (RFC 3261 §18.3); when longer, an error
    stream,   // byte stream (TCP/TLS): Content-Length required (RFC 3261 §20.14)
};

struct parse_error {
    errc code = errc::malformed_start_line;
    std::size_t offset = 0;  // byte offset in the input
    std::size_t line = 0;    // 1-based
    std::size_t column = 0;  // 1-based, in bytes
    std::string header;      // header name as written, empty for the start line or body
    std::string detail;      // human reason, e.g. "Via: missing branch"

    // "line 3, column 7 (byte 52), header Via: missing sent-by host"
    std::string to_string() const;
};

struct parse_options {
    sip::framing framing = sip::framing::message;
    // Largest message accepted, in bytes; larger input fails with errc::too_large.
    std::size_t max_size = 64 * 1024;
    // Header lines longer than this fail with errc::header_too_long.
    std::size_t max_header_line = 8 * 1024;
    std::size_t max_headers = 256;
    // The real SDK skips header lines it cannot read instead of rejecting the message;
    // when set, such lines are dropped and reported here instead of failing the parse.
    std::vector<parse_error>* skipped_lines = nullptr;
};

// Parses one complete message. Mandatory for every message: a valid start line, Via,
// From, To, Call-ID and CSeq that parse (RFC 3261 §8.1.1).
core::result<message, parse_error> parse(std::string_view bytes, const parse_options& opt = {});
// Same, taking ownership of the buffer to avoid one copy.
core::result<message, parse_error> parse(std::string&& bytes, const parse_options& opt = {});

namespace detail {
// The two halves of a parse, for stream_parser (which learns the body's size from the head
// before the body has arrived). parse_head parses a buffer holding exactly one header
// section (start line through the empty line) and reports the Content-Length it declares
// (required with framing::stream; without it, 0 under framing::message). attach_body then
// appends the body bytes. Error offsets count from the start of `head`.
core::result<message, parse_error> parse_head(std::string&& head, const parse_options& opt,
                                              std::size_t& content_length);
void attach_body(message& m, std::string_view body);
}  // namespace detail

// Incremental parser for byte streams: feed bytes as they arrive, take messages out
// as they complete. Leading CRLFs (keep-alives, RFC 5626 §4.4.1) are skipped.
class stream_parser {
public:
    explicit stream_parser(parse_options opt = {});

    void feed(std::string_view bytes);

    enum class status { need_more, ready, error };
    // Tries to take the next complete message. On `ready` it is in `out`; on `error`
    // the stream is unusable (the caller closes the connection) and `err` says why.
    status next(message& out, parse_error& err);

    std::size_t buffered() const noexcept { return buf_.size() - pos_; }

private:
    void compact();

    parse_options opt_;
    std::string buf_;
    std::size_t pos_ = 0;        // first byte not yet handed out
    message head_;               // parsed head waiting for its body
    bool have_head_ = false;     // head_ is valid and pos_ points at its body
    std::size_t body_size_ = 0;  // Content-Length of head_
    std::size_t scanned_ = 0;    // bytes after pos_ already searched for the head's end
    bool failed_ = false;        // an error was reported; the stream stays unusable
    parse_error error_;          // the error reported, repeated by later next() calls
};

// Canonical wire form: start line, headers in order (built ones with canonical names,
// parsed ones with the names as written), CRLF, body. Appends to out.
void serialize(const message& m, std::string& out);
std::string serialize(const message& m);

}  // namespace ringstorm::sip
