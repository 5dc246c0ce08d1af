#include "engine/sip/response.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include "engine/sip/headers.hpp"

namespace ringstorm::sip {

namespace {

void copy_all(const message& from, message& to, header_id id) {
    for (std::size_t i = 0; i < from.header_count(); ++i) {
        header_view h = from.header(i);
        if (h.id == id) {
            to.add(id, h.value);
        }
    }
}

void copy_first(const message& from, message& to, header_id id) {
    if (auto v = from.get(id)) {
        to.add(id, *v);
    }
}

// RFC 3261 §21 reason phrases, sorted by code for the binary search.
struct reason_entry {
    int status;
    std::string_view text;
};
constexpr reason_entry reasons[] = {
    {100, "Trying"},
    {180, "Ringing"},
    {181, "Call Is Being Forwarded"},
    {182, "Queued"},
    {183, "Session Progress"},
    {200, "OK"},
    {202, "Accepted"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Moved Temporarily"},
    {305, "Use Proxy"},
    {380, "Alternative Service"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {410, "Gone"},
    {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"},
    {420, "Bad Extension"},
    {421, "Extension Required"},
    {423, "Interval Too Brief"},
    {480, "Temporarily Unavailable"},
    {481, "Call/Transaction Does Not Exist"},
    {482, "Loop Detected"},
    {483, "Too Many Hops"},
    {484, "Address Incomplete"},
    {485, "Ambiguous"},
    {486, "Busy Here"},
    {487, "Request Terminated"},
    {488, "Not Acceptable Here"},
    {491, "Request Pending"},
    {493, "Undecipherable"},
    {500, "Server Internal Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Server Time-out"},
    {505, "Version Not Supported"},
    {513, "Message Too Large"},
    {600, "Busy Everywhere"},
    {603, "Decline"},
    {604, "Does Not Exist Anywhere"},
    {606, "Not Acceptable"},
};

}  // namespace

message make_response(const message& request, int status, std::string_view reason,
                      std::string_view to_tag) {
    message rsp = message::response(status, reason.empty() ? default_reason(status) : reason);
    copy_all(request, rsp, header_id::via);
    const bool had_tag = !sip::to_tag(request).empty();
    if (status > 100 && status < 300 && !had_tag) {
        copy_all(request, rsp, header_id::record_route);
    }
    copy_first(request, rsp, header_id::from);
    if (auto to = request.get(header_id::to)) {
        if (!had_tag && !to_tag.empty() && status != 100) {
            std::string with_tag(*to);
            with_tag += ";tag=";
            with_tag += to_tag;
            rsp.add(header_id::to, with_tag);
        } else {
            rsp.add(header_id::to, *to);
        }
    }
    copy_first(request, rsp, header_id::call_id);
    copy_first(request, rsp, header_id::cseq);
    if (status == 100) {
        copy_first(request, rsp, header_id::timestamp);
    }
    rsp.add(header_id::content_length, "0");
    return rsp;
}

std::string_view default_reason(int status) noexcept {
    const auto* it = std::lower_bound(std::begin(reasons), std::end(reasons), status,
                                      [](const reason_entry& e, int s) { return e.status < s; });
    if (it != std::end(reasons) && it->status == status) {
        return it->text;
    }
    return "Unknown";
}

}  // namespace ringstorm::sip
