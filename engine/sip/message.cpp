#include "engine/sip/message.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <functional>
#include <limits>

namespace ringstorm::sip {

namespace {

constexpr std::string_view sip_version = "SIP/2.0";

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x = static_cast<char>(x + ('a' - 'A'));
        }
        if (y >= 'A' && y <= 'Z') {
            y = static_cast<char>(y + ('a' - 'A'));
        }
        if (x != y) {
            return false;
        }
    }
    return true;
}

// A name given to get/remove matches a header line when both resolve to the same known
// id (so "f" finds "From"), or, for extension headers, when the names are equal
// ignoring case (RFC 3261 §7.3.1).
bool name_matches(header_id want_id, std::string_view want, header_id id, std::string_view name) {
    if (want_id != header_id::unknown) {
        return id == want_id;
    }
    return id == header_id::unknown && iequals(want, name);
}

}  // namespace

message::span message::append(std::string_view text) {
    // Spans are 32-bit: a SIP message is bounded far below 4 GiB by parse_options::max_size.
    assert(buf_.size() + text.size() <= std::numeric_limits<std::uint32_t>::max());
    span s{static_cast<std::uint32_t>(buf_.size()), static_cast<std::uint32_t>(text.size())};
    buf_.append(text);
    return s;
}

std::string_view message::detach(std::string_view text, std::string& scratch) const {
    const std::less_equal<const char*> le;
    const char* begin = buf_.data();
    const char* end = begin + buf_.size();
    if (text.empty() || !(le(begin, text.data()) && le(text.data(), end))) {
        return text;
    }
    scratch.assign(text);
    return scratch;
}

message message::request(sip::method m, std::string_view request_uri) {
    message msg;
    msg.buf_.reserve(512);
    msg.method_ = m;
    msg.method_text_ = msg.append(to_string(m));
    msg.uri_ = msg.append(request_uri);
    msg.version_ = msg.append(sip_version);
    return msg;
}

message message::request(std::string_view method_token, std::string_view request_uri) {
    message msg;
    msg.buf_.reserve(512);
    msg.method_ = method_from_token(method_token);
    msg.method_text_ = msg.append(method_token);
    msg.uri_ = msg.append(request_uri);
    msg.version_ = msg.append(sip_version);
    return msg;
}

message message::response(int status, std::string_view reason) {
    // RFC 3261 §7.2: status codes are three digits, 100-699; 0 would read as a request.
    assert(status >= 100 && status <= 699);
    message msg;
    msg.buf_.reserve(512);
    msg.status_ = status;
    msg.reason_ = msg.append(reason);
    msg.version_ = msg.append(sip_version);
    return msg;
}

header_view message::header(std::size_t i) const noexcept {
    assert(i < headers_.size());
    const header_slot& h = headers_[i];
    return {h.id, slice(h.name), slice(h.value)};
}

std::optional<std::string_view> message::get(header_id id) const noexcept {
    for (const header_slot& h : headers_) {
        if (h.id == id) {
            return slice(h.value);
        }
    }
    return std::nullopt;
}

std::optional<std::string_view> message::get(std::string_view name) const noexcept {
    const header_id want = header_id_from_name(name);
    for (const header_slot& h : headers_) {
        if (name_matches(want, name, h.id, slice(h.name))) {
            return slice(h.value);
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> message::get_all(header_id id) const {
    std::vector<std::string_view> out;
    for (const header_slot& h : headers_) {
        if (h.id == id) {
            out.push_back(slice(h.value));
        }
    }
    return out;
}

std::size_t message::count(header_id id) const noexcept {
    return static_cast<std::size_t>(std::count_if(
        headers_.begin(), headers_.end(), [id](const header_slot& h) { return h.id == id; }));
}

void message::add(header_id id, std::string_view value) {
    assert(id != header_id::unknown && id != header_id::count_);
    std::string scratch;
    value = detach(value, scratch);
    header_slot h{id, append(canonical_name(id)), {}};
    h.value = append(value);
    headers_.push_back(h);
}

void message::add(std::string_view name, std::string_view value) {
    std::string name_scratch;
    std::string value_scratch;
    name = detach(name, name_scratch);
    value = detach(value, value_scratch);
    header_slot h{header_id_from_name(name), append(name), {}};
    h.value = append(value);
    headers_.push_back(h);
}

void message::push_front(header_id id, std::string_view value) {
    assert(id != header_id::unknown && id != header_id::count_);
    std::string scratch;
    value = detach(value, scratch);
    header_slot h{id, append(canonical_name(id)), {}};
    h.value = append(value);
    headers_.insert(headers_.begin(), h);
}

void message::set(header_id id, std::string_view value) {
    auto first = std::find_if(headers_.begin(), headers_.end(),
                              [id](const header_slot& h) { return h.id == id; });
    if (first == headers_.end()) {
        add(id, value);
        return;
    }
    // The old value stays in buf_ as dead bytes; rewriting in place would move every
    // later span, and messages are short-lived.
    first->value = append(value);
    headers_.erase(std::remove_if(first + 1, headers_.end(),
                                  [id](const header_slot& h) { return h.id == id; }),
                   headers_.end());
}

std::size_t message::remove(header_id id) {
    const auto before = headers_.size();
    headers_.erase(std::remove_if(headers_.begin(), headers_.end(),
                                  [id](const header_slot& h) { return h.id == id; }),
                   headers_.end());
    return before - headers_.size();
}

std::size_t message::remove(std::string_view name) {
    const header_id want = header_id_from_name(name);
    const auto before = headers_.size();
    headers_.erase(std::remove_if(headers_.begin(), headers_.end(),
                                  [&](const header_slot& h) {
                                      return name_matches(want, name, h.id, slice(h.name));
                                  }),
                   headers_.end());
    return before - headers_.size();
}

bool message::remove_first(header_id id) {
    auto it = std::find_if(headers_.begin(), headers_.end(),
                           [id](const header_slot& h) { return h.id == id; });
    if (it == headers_.end()) {
        return false;
    }
    headers_.erase(it);
    return true;
}

void message::set_body(std::string_view content_type, std::string_view body) {
    // RFC 3261 §20.14/§20.15: Content-Length counts the body's octets, and a non-empty
    // body needs its Content-Type. Both are rewritten here so they can never disagree.
    std::string type_scratch;
    std::string body_scratch;
    content_type = detach(content_type, type_scratch);
    body = detach(body, body_scratch);
    if (content_type.empty()) {
        remove(header_id::content_type);
    } else {
        set(header_id::content_type, content_type);
    }
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, body.size());
    (void)ec;  // 24 digits always hold a size_t
    set(header_id::content_length,
        std::string_view(digits, static_cast<std::size_t>(end - digits)));
    body_ = append(body);
}

bool operator==(const message& a, const message& b) {
    if (a.status_ != b.status_ || a.method_ != b.method_ || a.method_text() != b.method_text() ||
        a.request_uri() != b.request_uri() || a.reason() != b.reason() ||
        a.version() != b.version() || a.body() != b.body() ||
        a.headers_.size() != b.headers_.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.headers_.size(); ++i) {
        const message::header_slot& x = a.headers_[i];
        const message::header_slot& y = b.headers_[i];
        if (x.id != y.id || a.slice(x.value) != b.slice(y.value)) {
            return false;
        }
        if (x.id == header_id::unknown && !iequals(a.slice(x.name), b.slice(y.name))) {
            return false;
        }
    }
    return true;
}

}  // namespace ringstorm::sip
