#include "engine/sip/dialog.hpp"

#include <algorithm>
#include <functional>

#include "engine/sip/headers.hpp"
#include "engine/sip/uri.hpp"

namespace ringstorm::sip {

namespace {

using core::unexpected;

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        x = (x >= 'A' && x <= 'Z') ? static_cast<char>(x - 'A' + 'a') : x;
        y = (y >= 'A' && y <= 'Z') ? static_cast<char>(y - 'A' + 'a') : y;
        if (x != y) {
            return false;
        }
    }
    return true;
}

// The route set from every Record-Route line of `m`, in header order (§12.1.1) or
// reversed (§12.1.2). nullopt when an entry does not parse.
std::optional<std::vector<route_entry>> route_set_of(const message& m, bool reversed) {
    std::vector<route_entry> out;
    for (std::size_t i = 0; i < m.header_count(); ++i) {
        header_view h = m.header(i);
        if (h.id != header_id::record_route) {
            continue;
        }
        auto list = parse_name_addr_list(h.value);
        if (!list) {
            return std::nullopt;
        }
        for (const name_addr& na : *list) {
            route_entry e;
            e.uri = std::string(na.uri_text);
            e.value = "<" + e.uri + ">" + std::string(na.params.raw);
            e.loose = na.uri.param("lr").has_value();
            out.push_back(std::move(e));
        }
    }
    if (reversed) {
        std::reverse(out.begin(), out.end());
    }
    return out;
}

// The URI of the first Contact of `m`.
core::result<std::string, dialog_error> contact_uri_of(const message& m) {
    auto line = m.get(header_id::contact);
    if (!line) {
        return unexpected{dialog_error::missing_contact};
    }
    auto list = parse_name_addr_list(*line);
    if (!list || list->empty() || list->front().wildcard) {
        return unexpected{dialog_error::bad_contact};
    }
    return std::string(list->front().uri_text);
}

// Splits ";a=b;lr" into {"a=b", "lr"}; used for URI parameters only.
std::vector<std::string_view> split_params(std::string_view params) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < params.size()) {
        if (params[pos] == ';') {
            ++pos;
            continue;
        }
        std::size_t end = params.find(';', pos);
        if (end == std::string_view::npos) {
            end = params.size();
        }
        out.push_back(params.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

// RFC 3261 §12.2.1.1 strict routing puts a route's URI in the Request-URI "stripping any
// parameters that are not allowed in a Request-URI": per §19.1.1 that is the method
// parameter and the URI headers.
std::string strip_for_request_uri(std::string_view text) {
    auto parsed = parse_uri(text);
    if (!parsed || !parsed->is_sip()) {
        return std::string(text);
    }
    const uri& u = *parsed;
    std::string out;
    const char* params_at = u.params.empty() ? nullptr : u.params.data();
    const char* headers_at = u.headers.empty() ? nullptr : u.headers.data() - 1;  // the '?'
    const char* cut = params_at ? params_at : (headers_at ? headers_at : text.data() + text.size());
    out.assign(text.data(), static_cast<std::size_t>(cut - text.data()));
    for (std::string_view p : split_params(u.params)) {
        std::string_view name = p.substr(0, p.find('='));
        if (!iequals(name, "method")) {
            out += ';';
            out += p;
        }
    }
    return out;
}

std::string via_sent_by_of(const message& m) {
    auto v = top_via(m);
    if (!v) {
        return {};
    }
    std::string out(v->protocol);
    out += '/';
    out += v->transport;
    out += ' ';
    out += v->host;
    if (v->port) {
        out += ':';
        out += std::to_string(*v->port);
    }
    return out;
}

bool is_sips_request(const message& m) {
    auto u = parse_uri(m.request_uri());
    return u && u->is_sips();
}

}  // namespace

std::size_t dialog_id_hash::operator()(const dialog_id& id) const noexcept {
    std::hash<std::string_view> h;
    std::size_t seed = h(id.call_id);
    seed ^= h(id.local_tag) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
    seed ^= h(id.remote_tag) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
    return seed;
}

dialog_id dialog_id_of_response(const message& response) {
    return {std::string(call_id(response)), std::string(from_tag(response)),
            std::string(to_tag(response))};
}

dialog_id dialog_id_of_request(const message& request) {
    return {std::string(call_id(request)), std::string(to_tag(request)),
            std::string(from_tag(request))};
}

std::string_view to_string(dialog_state s) noexcept {
    switch (s) {
        case dialog_state::early:
            return "early";
        case dialog_state::confirmed:
            return "confirmed";
        case dialog_state::terminated:
            return "terminated";
    }
    return "?";
}

std::string_view to_string(dialog_error e) noexcept {
    switch (e) {
        case dialog_error::not_dialog_creating:
            return "not a dialog-creating response";
        case dialog_error::missing_to_tag:
            return "response has no To tag";
        case dialog_error::missing_from_tag:
            return "request has no From tag";
        case dialog_error::missing_call_id:
            return "missing Call-ID";
        case dialog_error::missing_contact:
            return "missing Contact";
        case dialog_error::bad_contact:
            return "unreadable Contact";
        case dialog_error::bad_record_route:
            return "unreadable Record-Route";
        case dialog_error::bad_cseq:
            return "unreadable CSeq";
    }
    return "?";
}

bool is_target_refresh(sip::method m) noexcept {
    return m == method::invite || m == method::update || m == method::subscribe ||
           m == method::notify || m == method::refer;
}

core::result<dialog, dialog_error> dialog::create_uac(const message& invite,
                                                      const message& response,
                                                      bool secure_transport) {
    const int status = response.status();
    if (status <= 100 || status >= 300) {
        return unexpected{dialog_error::not_dialog_creating};
    }
    dialog d;
    d.role_ = dialog_role::uac;
    d.state_ = status < 200 ? dialog_state::early : dialog_state::confirmed;
    d.id_ = dialog_id_of_response(response);
    if (d.id_.remote_tag.empty()) {
        return unexpected{dialog_error::missing_to_tag};
    }
    if (d.id_.local_tag.empty()) {
        return unexpected{dialog_error::missing_from_tag};
    }
    if (d.id_.call_id.empty()) {
        return unexpected{dialog_error::missing_call_id};
    }
    auto cs = cseq_of(invite);
    if (!cs) {
        return unexpected{dialog_error::bad_cseq};
    }
    if (auto bad = d.take_routing(response, /*reversed=*/true, response)) {
        return unexpected{*bad};
    }
    d.local_cseq_ = cs->number;  // §12.1.2: the CSeq of the request
    d.local_party_ = std::string(invite.get(header_id::from).value_or(""));
    d.remote_party_ = std::string(response.get(header_id::to).value_or(""));
    d.local_contact_ = std::string(invite.get(header_id::contact).value_or(""));
    d.via_sent_by_ = via_sent_by_of(invite);
    d.secure_ = secure_transport && is_sips_request(invite);
    return d;
}

core::result<dialog, dialog_error> dialog::create_uas(const message& invite,
                                                      const message& response,
                                                      std::string_view via_sent_by,
                                                      bool secure_transport) {
    const int status = response.status();
    if (status <= 100 || status >= 300) {
        return unexpected{dialog_error::not_dialog_creating};
    }
    dialog d;
    d.role_ = dialog_role::uas;
    d.state_ = status < 200 ? dialog_state::early : dialog_state::confirmed;
    d.id_ = dialog_id{std::string(call_id(invite)), std::string(to_tag(response)),
                      std::string(from_tag(invite))};
    if (d.id_.local_tag.empty()) {
        return unexpected{dialog_error::missing_to_tag};
    }
    if (d.id_.remote_tag.empty()) {
        // RFC 2543 peers may omit it; the dialog id then has an empty remote tag (§12.1.1),
        // which this engine does not support.
        return unexpected{dialog_error::missing_from_tag};
    }
    if (d.id_.call_id.empty()) {
        return unexpected{dialog_error::missing_call_id};
    }
    auto cs = cseq_of(invite);
    if (!cs) {
        return unexpected{dialog_error::bad_cseq};
    }
    if (auto bad = d.take_routing(invite, /*reversed=*/false, invite)) {
        return unexpected{*bad};
    }
    d.remote_cseq_ = cs->number;  // §12.1.1; the local sequence number stays empty
    d.local_party_ = std::string(response.get(header_id::to).value_or(""));
    d.remote_party_ = std::string(invite.get(header_id::from).value_or(""));
    d.local_contact_ = std::string(response.get(header_id::contact).value_or(""));
    d.via_sent_by_ = std::string(via_sent_by);
    d.secure_ = secure_transport && is_sips_request(invite);
    return d;
}

std::optional<dialog_error> dialog::take_routing(const message& record_routes, bool reversed,
                                                 const message& peer) {
    auto routes = route_set_of(record_routes, reversed);
    if (!routes) {
        return dialog_error::bad_record_route;
    }
    auto target = contact_uri_of(peer);
    if (!target) {
        return target.error();
    }
    route_set_ = std::move(*routes);
    remote_target_ = std::move(*target);
    return std::nullopt;
}

std::string dialog::build_request_uri() const {
    // RFC 3261 §12.2.1.1: with no route set or a loose first route, the Request-URI is
    // the remote target; a strict first route becomes the Request-URI instead.
    if (route_set_.empty() || route_set_.front().loose) {
        return remote_target_;
    }
    return strip_for_request_uri(route_set_.front().uri);
}

void dialog::add_common_headers(message& m, std::string_view branch) const {
    std::string via = via_sent_by_;
    via += ";branch=";
    via += branch;
    m.add(header_id::via, via);
    if (!route_set_.empty()) {
        if (route_set_.front().loose) {
            for (const route_entry& r : route_set_) {
                m.add(header_id::route, r.value);
            }
        } else {
            // Strict routing: the rest of the route set, then the remote target last.
            for (std::size_t i = 1; i < route_set_.size(); ++i) {
                m.add(header_id::route, route_set_[i].value);
            }
            m.add(header_id::route, "<" + remote_target_ + ">");
        }
    }
    m.add(header_id::max_forwards, "70");
    m.add(header_id::from, local_party_);
    m.add(header_id::to, remote_party_);
    m.add(header_id::call_id, id_.call_id);
}

message dialog::make_request(sip::method m, std::string_view branch) {
    return make_request(to_string(m), branch);
}

message dialog::make_request(std::string_view method_token, std::string_view branch) {
    // §12.2.1.1: the local sequence number increments by one per request (ACK and CANCEL
    // excepted); an empty one (UAS side) starts at 1, which §8.1.1.5 allows.
    const std::uint32_t number = local_cseq_ ? *local_cseq_ + 1 : 1;
    local_cseq_ = number;
    const std::string uri = build_request_uri();
    message req = message::request(method_token, uri);
    add_common_headers(req, branch);
    req.add(header_id::cseq, std::to_string(number) + " " + std::string(method_token));
    // §8.1.1.8: Contact is needed in requests that can refresh the target.
    if (is_target_refresh(req.method()) && !local_contact_.empty()) {
        req.add(header_id::contact, local_contact_);
    }
    req.add(header_id::content_length, "0");
    return req;
}

message dialog::make_ack(const message& invite, std::string_view branch) const {
    message ack = message::request(method::ack, build_request_uri());
    add_common_headers(ack, branch);
    auto cs = cseq_of(invite);
    ack.add(header_id::cseq, std::to_string(cs ? cs->number : local_cseq_.value_or(1)) + " ACK");
    // §13.2.2.4: the ACK carries the credentials the INVITE did.
    for (std::size_t i = 0; i < invite.header_count(); ++i) {
        header_view h = invite.header(i);
        if (h.id == header_id::authorization || h.id == header_id::proxy_authorization) {
            ack.add(h.id, h.value);
        }
    }
    if (!local_contact_.empty()) {
        ack.add(header_id::contact, local_contact_);
    }
    ack.add(header_id::content_length, "0");
    return ack;
}

request_verdict dialog::on_request(const message& request) {
    const sip::method m = request.method();
    if (m == method::ack || m == method::cancel) {
        return request_verdict::accept;  // §12.2.2: they carry the INVITE's CSeq number
    }
    auto cs = cseq_of(request);
    if (!cs) {
        return request_verdict::reject_bad_cseq;
    }
    if (remote_cseq_ && cs->number < *remote_cseq_) {
        return request_verdict::reject_out_of_order;  // §12.2.2: answer 500
    }
    remote_cseq_ = cs->number;
    if (is_target_refresh(m)) {
        set_remote_target_from(request);
    }
    if (m == method::bye) {
        state_ = dialog_state::terminated;
    }
    return request_verdict::accept;
}

bool dialog::set_remote_target_from(const message& m) {
    auto target = contact_uri_of(m);
    if (!target) {
        return false;
    }
    remote_target_ = std::move(*target);
    return true;
}

void dialog::on_response(const message& request, const message& response) {
    const int status = response.status();
    if (status < 200 || state_ == dialog_state::terminated) {
        return;
    }
    const sip::method m = request.method();
    if (status == 481 || status == 408) {
        state_ = dialog_state::terminated;  // §12.2.1.2
        return;
    }
    if (state_ == dialog_state::early && role_ == dialog_role::uac && m == method::invite) {
        if (status >= 300) {
            state_ = dialog_state::terminated;  // §12.3
            return;
        }
        // §13.2.2.4: the 2xx confirms the dialog and its Record-Route decides the route set.
        if (auto routes = route_set_of(response, /*reversed=*/true)) {
            route_set_ = std::move(*routes);
        }
        state_ = dialog_state::confirmed;
    }
    if (status < 300 && is_target_refresh(m)) {
        set_remote_target_from(response);  // §12.2.1.2
    }
}

void dialog::on_local_response(const message& request, const message& response) {
    const int status = response.status();
    if (state_ != dialog_state::early || request.method() != method::invite || status < 200) {
        return;
    }
    state_ = status < 300 ? dialog_state::confirmed : dialog_state::terminated;
}

}  // namespace ringstorm::sip
