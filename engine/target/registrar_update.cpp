// RFC 3261 §10.3 steps 6-7: the Contacts of a REGISTER checked, then applied to the
// AOR's bindings all at once ("committed if and only if all binding updates and
// additions succeed").
#include <algorithm>
#include <limits>

#include "engine/sip/headers.hpp"
#include "engine/sip/uri.hpp"
#include "engine/target/registrar.hpp"
#include "engine/target/reply.hpp"

namespace ringstorm::target {

// One Contact of the request with the expiry the registrar settled on.
struct registrar::contact_change {
    sip::name_addr contact;
    std::string params;  // header parameters without expires
    std::uint32_t expires = 0;
};

namespace {

constexpr std::uint32_t max_delta = std::numeric_limits<std::uint32_t>::max();
// §10.3 step 7: 423 only for intervals "smaller than one hour".
constexpr std::uint32_t one_hour = 3600;

bool iequals_expires(std::string_view name) noexcept {
    constexpr std::string_view want = "expires";
    if (name.size() != want.size()) {
        return false;
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
        const char c =
            (name[i] >= 'A' && name[i] <= 'Z') ? static_cast<char>(name[i] + 32) : name[i];
        if (c != want[i]) {
            return false;
        }
    }
    return true;
}

// The parameters as written minus ";expires=…", which the 200 replaces with its own.
std::string without_expires(std::string_view raw) {
    std::string out;
    std::size_t i = 0;
    while (i < raw.size()) {
        std::size_t end = i + 1;  // raw[i] is ';'
        bool quoted = false;
        while (end < raw.size() && (quoted || raw[end] != ';')) {
            if (raw[end] == '"') {
                quoted = !quoted;
            } else if (quoted && raw[end] == '\\') {
                ++end;
            }
            ++end;
        }
        end = std::min(end, raw.size());
        std::string_view param = raw.substr(i, end - i);
        std::string_view name =
            param.substr(1, param.find('=') == std::string_view::npos ? std::string_view::npos
                                                                      : param.find('=') - 1);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
            name.remove_suffix(1);
        }
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) {
            name.remove_prefix(1);
        }
        if (!iequals_expires(name)) {
            out += param;
        }
        i = end;
    }
    return out;
}

bool same_uri(std::string_view stored, const sip::uri& incoming) {
    auto u = sip::parse_uri(stored);
    return u && sip::equivalent(*u, incoming);
}

}  // namespace

sip::message registrar::update(const sip::message& request, const std::string& aor,
                               connection_ref from, const instant& now) {
    const auto cseq = sip::cseq_of(request);
    const std::string_view call_id = sip::call_id(request);
    if (!cseq) {
        // The parser requires a readable CSeq; a hand-built request may still lack one.
        return fail(request, 400, "Bad CSeq header (RFC 3261 §20.16)", stats_.bad_requests);
    }
    std::optional<std::uint32_t> expires_header;
    if (auto e = request.get(sip::header_id::expires)) {
        auto n = sip::parse_number(*e, max_delta);
        if (!n) {
            return fail(request, 400, "Bad Expires header: not delta-seconds (RFC 3261 §20.19)",
                        stats_.bad_requests);
        }
        expires_header = *n;
    }
    std::vector<contact_change> changes;
    bool wildcard = false;
    for (std::string_view line : request.get_all(sip::header_id::contact)) {
        auto list = sip::parse_name_addr_list(line);
        if (!list) {
            return fail(request, 400,
                        std::string("Bad Contact header at byte ") +
                            std::to_string(list.error().offset) + ": " + list.error().reason,
                        stats_.bad_requests);
        }
        for (sip::name_addr& c : *list) {
            wildcard = wildcard || c.wildcard;
            changes.push_back(contact_change{c, without_expires(c.params.raw), 0});
        }
    }
    const std::vector<binding>* current = table_.find(aor);
    std::vector<binding> next;
    if (current != nullptr) {
        std::copy_if(current->begin(), current->end(), std::back_inserter(next),
                     [&](const binding& b) { return b.expires_at > now.steady; });
    }
    const std::size_t before = next.size();
    if (wildcard) {
        // Step 6: "*" only alone and with Expires: 0.
        if (changes.size() != 1 || !expires_header || *expires_header != 0) {
            return fail(request, 400,
                        "Contact * needs Expires: 0 and no other Contact (RFC 3261 §10.3 step 6)",
                        stats_.bad_requests);
        }
        for (const binding& b : next) {
            if (b.call_id == call_id && b.cseq >= cseq->number) {
                return fail(request, 500,
                            "CSeq not above the binding's for this Call-ID: out of order "
                            "(RFC 3261 §10.3 step 6, §12.2.2)",
                            stats_.bad_requests);
            }
        }
        table_.replace(aor, {});
        stats_.unregistered += before > 0 ? 1 : 0;
        return ok(request, aor, now);
    }
    // Step 7: the interval of each Contact.
    for (contact_change& c : changes) {
        std::uint32_t e = expires_header.value_or(config_.default_expires);
        if (auto p = c.contact.params.get("expires")) {
            auto n = sip::parse_number(*p, max_delta);
            if (!n) {
                return fail(request, 400,
                            "Bad Contact expires parameter: not delta-seconds (RFC 3261 §20.10)",
                            stats_.bad_requests);
            }
            e = *n;
        }
        if (e > 0 && e < one_hour && e < config_.min_expires) {
            ++stats_.interval_too_brief;
            sip::message r = reply(request, 423);
            r.add(sip::header_id::min_expires, std::to_string(config_.min_expires));
            return r;
        }
        c.expires = std::min(e, config_.max_expires);
    }
    // Step 7: add, refresh or remove each binding, all or nothing.
    std::vector<bool> touched(next.size(), false);
    bool added = false;
    bool removed = false;
    for (const contact_change& c : changes) {
        auto it = std::find_if(next.begin(), next.end(), [&](const binding& b) {
            return same_uri(b.contact_uri, c.contact.uri);
        });
        if (it == next.end()) {
            if (c.expires > 0) {
                next.push_back(binding{std::string(c.contact.uri_text), c.params,
                                       std::string(call_id), cseq->number,
                                       now.steady + std::chrono::seconds(c.expires), from});
                touched.push_back(true);
                added = true;
            }
            continue;
        }
        const auto index = static_cast<std::size_t>(it - next.begin());
        if (!touched[index] && it->call_id == call_id && cseq->number <= it->cseq) {
            return fail(request, 500,
                        "CSeq not above the binding's for this Call-ID: out of order "
                        "(RFC 3261 §10.3 step 7, §12.2.2)",
                        stats_.bad_requests);
        }
        if (c.expires == 0) {
            next.erase(it);
            touched.erase(touched.begin() + static_cast<std::ptrdiff_t>(index));
            removed = true;
            continue;
        }
        it->contact_params = c.params;
        it->call_id = std::string(call_id);
        it->cseq = cseq->number;
        it->expires_at = now.steady + std::chrono::seconds(c.expires);
        it->via = from;
        touched[index] = true;
        added = true;
    }
    if (!changes.empty()) {
        table_.replace(aor, std::move(next));
    }
    stats_.registered += added ? 1 : 0;
    stats_.unregistered += removed ? 1 : 0;
    return ok(request, aor, now);
}

}  // namespace ringstorm::target
