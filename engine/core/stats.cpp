#include "engine/core/stats.hpp"

#include <algorithm>

namespace ringstorm::core {
namespace {

// Indexed by sip_method; wire tokens are case-sensitive (RFC 3261 §7.1).
constexpr std::array<std::string_view, sip_method_count> method_tokens{
    "REGISTER", "INVITE",    "ACK",    "BYE",   "CANCEL",  "OPTIONS", "INFO",  "UPDATE",
    "PRACK",    "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH", "other",
};

constexpr std::array<std::string_view, status_class_count> class_names{
    "request", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx",
};

constexpr std::array<std::string_view, registration_result_count> registration_names{
    "ok", "auth_failed", "rejected", "timeout", "transport_error",
};

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, Enum e) {
    auto i = static_cast<std::size_t>(e);
    return i < N ? names[i] : std::string_view{};
}

auto find_entry(std::vector<std::pair<std::string, std::uint64_t>>& entries,
                std::string_view name) {
    return std::lower_bound(entries.begin(), entries.end(), name,
                            [](const auto& e, std::string_view n) { return e.first < n; });
}

}  // namespace

std::string_view to_string(direction d) noexcept {
    return d == direction::sent ? "sent" : "received";
}

std::string_view to_string(sip_method m) noexcept {
    return name_of(method_tokens, m);
}

sip_method sip_method_from_token(std::string_view token) noexcept {
    // "other" is a label, not a token: an extension method called "other" stays other.
    for (std::size_t i = 0; i + 1 < method_tokens.size(); ++i) {
        if (method_tokens[i] == token) {
            return static_cast<sip_method>(i);
        }
    }
    return sip_method::other;
}

std::string_view to_string(status_class c) noexcept {
    return name_of(class_names, c);
}

status_class status_class_of(int status) noexcept {
    if (status < 100 || status > 699) {
        return status_class::request;
    }
    return static_cast<status_class>(status / 100);
}

std::string_view to_string(registration_result r) noexcept {
    return name_of(registration_names, r);
}

void named_counters::add(std::string_view name, std::uint64_t n) {
    auto it = find_entry(entries_, name);
    if (it != entries_.end() && it->first == name) {
        it->second += n;
        return;
    }
    entries_.emplace(it, std::string(name), n);
}

std::uint64_t named_counters::get(std::string_view name) const noexcept {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                               [](const auto& e, std::string_view n) { return e.first < n; });
    return it != entries_.end() && it->first == name ? it->second : 0;
}

std::uint64_t named_counters::total() const noexcept {
    std::uint64_t sum = 0;
    for (const auto& e : entries_) {
        sum += e.second;
    }
    return sum;
}

void named_counters::merge(const named_counters& other) {
    for (const auto& [name, n] : other.entries_) {
        add(name, n);
    }
}

std::uint64_t stats::registrations_total() const noexcept {
    std::uint64_t total = 0;
    for (std::uint64_t n : registrations) {
        total += n;
    }
    return total;
}

void stats::merge(const stats& other) {
    for (std::size_t i = 0; i < step_count; ++i) {
        latency[i].merge(other.latency[i]);
    }
    phones_planned += other.phones_planned;
    phones_started += other.phones_started;
    phones_registered += other.phones_registered;
    phones_failed += other.phones_failed;
    for (std::size_t i = 0; i < registration_result_count; ++i) {
        registrations[i] += other.registrations[i];
    }
    calls_offered += other.calls_offered;
    calls_answered += other.calls_answered;
    calls_completed += other.calls_completed;
    calls_failed += other.calls_failed;
    active_calls += other.active_calls;
    for (std::size_t d = 0; d < direction_count; ++d) {
        for (std::size_t m = 0; m < sip_method_count; ++m) {
            for (std::size_t c = 0; c < status_class_count; ++c) {
                sip_messages[d][m][c] += other.sip_messages[d][m][c];
            }
        }
    }
    protocol_errors.merge(other.protocol_errors);
    contract_checked += other.contract_checked;
    contract_passed += other.contract_passed;
    contract_violations.merge(other.contract_violations);
    media_streams += other.media_streams;
    media_packets_sent += other.media_packets_sent;
    media_packets_received += other.media_packets_received;
    media_packets_lost += other.media_packets_lost;
    media_srtp_auth_failures += other.media_srtp_auth_failures;
    media_streams_active += other.media_streams_active;
    media_jitter.merge(other.media_jitter);
    media_rtt.merge(other.media_rtt);
    media_mos.merge(other.media_mos);
    media_send_lateness.merge(other.media_send_lateness);
    media_ticks_skipped += other.media_ticks_skipped;
    media_unroutable += other.media_unroutable;
    media_send_errors += other.media_send_errors;
    media_receive_errors += other.media_receive_errors;
    media_socket_drops += other.media_socket_drops;
}

}  // namespace ringstorm::core
