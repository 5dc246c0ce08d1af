// Generic header parameters (RFC 3261 §25.1 generic-param): the one scanner behind
// param_list::get and the parameter checks of name-addr headers and Via.
#include "engine/sip/header_params.hpp"

#include <optional>

#include "engine/sip/grammar.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/uri.hpp"

namespace ringstorm::sip {

using namespace grammar;

namespace {

using core::unexpected;
using sv = std::string_view;

struct param_hit {
    sv name;
    sv value;  // empty for a flag
    bool has_value = false;
    std::size_t value_at = 0;  // offset of the value (or of its absence) in the scanned text
};

// *( SEMI generic-param ) from s[i] (RFC 3261 §25.1; SEMI = SWS ";" SWS). Calls check
// on each parameter so a header can validate its own (branch, tag, ttl…). Returns the
// end of the last parameter, or i when there is none.
template <class Check>
core::result<std::size_t, value_error> scan_params(sv s, std::size_t i, Check&& check) {
    std::size_t end = i;
    while (true) {
        std::size_t j = skip_lws(s, end);
        if (j == s.size() || s[j] != ';') {
            return end;
        }
        j = skip_lws(s, j + 1);
        param_hit hit;
        const std::size_t name_end = scan_token(s, j);
        if (name_end == j) {
            return unexpected(err(j, "expected parameter name"));
        }
        hit.name = s.substr(j, name_end - j);
        hit.value_at = name_end;  // where a missing value should have been
        end = name_end;
        std::size_t k = skip_lws(s, name_end);
        if (k < s.size() && s[k] == '=') {
            k = skip_lws(s, k + 1);
            std::size_t value_end = k;
            if (k < s.size() && s[k] == '"') {
                auto q = scan_quoted(s, k);
                if (!q) {
                    return unexpected(q.error());
                }
                value_end = *q;
            } else {
                while (value_end < s.size() && is_gen_value_char(s[value_end])) {
                    ++value_end;
                }
            }
            if (value_end == k) {
                return unexpected(err(k, "expected parameter value"));
            }
            hit.value = s.substr(k, value_end - k);
            hit.has_value = true;
            hit.value_at = k;
            end = value_end;
        }
        if (std::optional<value_error> e = check(hit)) {
            return unexpected(*e);
        }
    }
}

// Runs scan_params from pos, fills the list, and requires nothing but LWS after it.
std::optional<value_error> finish_params(sv s, std::size_t pos, param_list& out, auto&& check) {
    const std::size_t first = skip_lws(s, pos);
    auto end = scan_params(s, pos, check);
    if (!end) {
        return end.error();
    }
    if (*end > first) {
        out.raw = s.substr(first, *end - first);
    }
    const std::size_t tail = skip_lws(s, *end);
    if (tail != s.size()) {
        return err(tail, "unexpected text after value");
    }
    return std::nullopt;
}

bool all_digits(sv s) noexcept {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return true;
}

// qvalue (RFC 3261 §25.1): "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ].
bool is_qvalue(sv s) noexcept {
    if (s.empty() || (s[0] != '0' && s[0] != '1')) {
        return false;
    }
    if (s.size() == 1) {
        return true;
    }
    if (s[1] != '.' || s.size() > 5) {
        return false;
    }
    for (char c : s.substr(2)) {
        if (!is_digit(c) || (s[0] == '1' && c != '0')) {
            return false;
        }
    }
    return true;
}

// Parameter names are dispatched on length before comparing: this runs for every
// parameter of every From, To, Contact and Via.
std::optional<value_error> check_name_addr_param(const param_hit& p) {
    const std::size_t n = p.name.size();
    if (n == 3 && iequals(p.name, "tag") && (!p.has_value || !is_token(p.value))) {
        return err(p.value_at, "tag must be a token");
    }
    if (n == 1 && iequals(p.name, "q") && (!p.has_value || !is_qvalue(p.value))) {
        return err(p.value_at, "q must be a qvalue between 0 and 1");
    }
    if (n == 7 && iequals(p.name, "expires") && (!p.has_value || !all_digits(p.value))) {
        return err(p.value_at, "expires must be delta-seconds");
    }
    return std::nullopt;
}

bool is_ip_address(sv s) noexcept {
    if (s.empty()) {
        return false;
    }
    if (s[0] == '[' || is_ipv6(s)) {
        return s[0] != '[' || is_host(s);
    }
    for (char c : s) {
        if (!is_digit(c) && c != '.') {
            return false;
        }
    }
    return is_host(s);
}

// RFC 3261 §20.42 via-params and RFC 3581 rport.
std::optional<value_error> check_via_param(const param_hit& p) {
    switch (p.name.size()) {
        case 6:
            if (iequals(p.name, "branch") && (!p.has_value || !is_token(p.value))) {
                return err(p.value_at, "branch must be a token");
            }
            break;
        case 3:
            if (iequals(p.name, "ttl") && (!p.has_value || !all_digits(p.value) ||
                                           p.value.size() > 3 || !parse_number(p.value, 255))) {
                return err(p.value_at, "ttl must be 0-255");
            }
            break;
        case 5:
            if (iequals(p.name, "maddr") && (!p.has_value || !is_host(p.value))) {
                return err(p.value_at, "maddr must be a host");
            }
            if (iequals(p.name, "rport") && p.has_value &&
                (!all_digits(p.value) || !parse_port(p.value))) {
                return err(p.value_at, "rport must be a port number");
            }
            break;
        case 8:
            if (iequals(p.name, "received") && (!p.has_value || !is_ip_address(p.value))) {
                return err(p.value_at, "received must be an IP address");
            }
            break;
        default:
            break;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string_view> param_list::get(std::string_view name) const noexcept {
    std::optional<std::string_view> found;
    // raw was validated when parsed; a hand-built one that is malformed simply yields the
    // parameters before the fault.
    (void)scan_params(raw, 0, [&](const param_hit& p) -> std::optional<value_error> {
        if (!found && iequals(p.name, name)) {
            found = p.value;
        }
        return std::nullopt;
    });
    return found;
}

namespace detail {

std::optional<value_error> finish_name_addr_params(std::string_view s, std::size_t pos,
                                                   param_list& out) {
    return finish_params(s, pos, out, check_name_addr_param);
}

std::optional<value_error> finish_via_params(std::string_view s, std::size_t pos,
                                             param_list& out) {
    return finish_params(s, pos, out, check_via_param);
}

}  // namespace detail

}  // namespace ringstorm::sip
