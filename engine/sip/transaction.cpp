#include "engine/sip/transaction.hpp"

#include <cstdio>
#include <functional>

#include "engine/sip/headers.hpp"

namespace ringstorm::sip {

namespace {

std::size_t hash_combine(std::size_t seed, std::string_view text) noexcept {
    // boost::hash_combine's mixing; good enough for a per-worker table.
    return seed ^ (std::hash<std::string_view>{}(text) + 0x9e3779b97f4a7c15ULL + (seed << 6) +
                   (seed >> 2));
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

// The first Via entry of a message: the first line may hold several, comma separated.
std::string_view first_via_entry(const message& m) {
    auto line = m.get(header_id::via);
    if (!line) {
        return {};
    }
    auto entries = split_list(*line);
    return entries.empty() ? std::string_view{} : entries.front();
}

void copy_all(const message& from, message& to, header_id id) {
    for (std::size_t i = 0; i < from.header_count(); ++i) {
        header_view h = from.header(i);
        if (h.id == id) {
            to.add(id, h.value);
        }
    }
}

std::string cseq_text(std::uint32_t number, std::string_view method) {
    std::string out = std::to_string(number);
    out += ' ';
    out += method;
    return out;
}

}  // namespace

std::string_view to_string(action_kind k) noexcept {
    switch (k) {
        case action_kind::send:
            return "send";
        case action_kind::deliver:
            return "deliver";
        case action_kind::timeout:
            return "timeout";
        case action_kind::transport_error:
            return "transport_error";
        case action_kind::terminated:
            return "terminated";
    }
    return "?";
}

std::string_view to_string(timer_id t) noexcept {
    switch (t) {
        case timer_id::none:
            return "none";
        case timer_id::a:
            return "A";
        case timer_id::b:
            return "B";
        case timer_id::d:
            return "D";
        case timer_id::e:
            return "E";
        case timer_id::f:
            return "F";
        case timer_id::k:
            return "K";
        case timer_id::g:
            return "G";
        case timer_id::h:
            return "H";
        case timer_id::i:
            return "I";
        case timer_id::j:
            return "J";
        case timer_id::l:
            return "L";
        case timer_id::m:
            return "M";
        case timer_id::trying:
            return "100-trying";
        case timer_id::wait_ack:
            return "wait-ack";
    }
    return "?";
}

bool action_list::has(action_kind kind) const noexcept {
    for (const action& a : *this) {
        if (a.kind == kind) {
            return true;
        }
    }
    return false;
}

std::size_t transaction_key_hash::operator()(const client_key& k) const noexcept {
    return hash_combine(hash_combine(0, k.branch), k.method);
}

std::size_t transaction_key_hash::operator()(const server_key& k) const noexcept {
    return hash_combine(hash_combine(hash_combine(0, k.branch), k.sent_by), k.method);
}

std::optional<client_key> client_key_of(const message& m) {
    auto v = top_via(m);
    auto cs = cseq_of(m);
    if (!v || !cs || v->branch().empty()) {
        return std::nullopt;
    }
    return client_key{std::string(v->branch()), std::string(cs->method_text)};
}

std::optional<server_key> server_key_of(const message& request) {
    if (!request.is_request()) {
        return std::nullopt;
    }
    auto v = top_via(request);
    if (!v || !v->rfc3261_branch()) {
        return std::nullopt;
    }
    server_key key;
    key.branch = std::string(v->branch());
    key.sent_by = lower(v->host);
    if (v->port) {
        key.sent_by += ':';
        key.sent_by += std::to_string(*v->port);
    }
    // RFC 3261 §17.2.3: ACK matches the INVITE it acknowledges (3xx-6xx case).
    key.method = request.method() == method::ack ? std::string("INVITE")
                                                 : std::string(request.method_text());
    return key;
}

message make_ack_for_non2xx(const message& invite, const message& response) {
    message ack = message::request(method::ack, invite.request_uri());
    ack.add(header_id::via, first_via_entry(invite));
    copy_all(invite, ack, header_id::route);
    ack.add(header_id::max_forwards, "70");
    if (auto from = invite.get(header_id::from)) {
        ack.add(header_id::from, *from);
    }
    // The To carries the tag the UAS put in its response (§17.1.1.3).
    if (auto to = response.get(header_id::to)) {
        ack.add(header_id::to, *to);
    } else if (auto to_req = invite.get(header_id::to)) {
        ack.add(header_id::to, *to_req);
    }
    ack.add(header_id::call_id, call_id(invite));
    auto cs = cseq_of(invite);
    ack.add(header_id::cseq, cseq_text(cs ? cs->number : 0, "ACK"));
    ack.add(header_id::content_length, "0");
    return ack;
}

message make_cancel(const message& invite) {
    message cancel = message::request(method::cancel, invite.request_uri());
    cancel.add(header_id::via, first_via_entry(invite));
    copy_all(invite, cancel, header_id::route);
    cancel.add(header_id::max_forwards, "70");
    if (auto from = invite.get(header_id::from)) {
        cancel.add(header_id::from, *from);
    }
    if (auto to = invite.get(header_id::to)) {
        cancel.add(header_id::to, *to);
    }
    cancel.add(header_id::call_id, call_id(invite));
    auto cs = cseq_of(invite);
    cancel.add(header_id::cseq, cseq_text(cs ? cs->number : 0, "CANCEL"));
    cancel.add(header_id::content_length, "0");
    return cancel;
}

std::string make_branch(std::uint64_t entropy) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(entropy));
    std::string out = "z9hG4bK";
    out += hex;
    return out;
}

}  // namespace ringstorm::sip
