#include "engine/scenario/threshold.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <vector>

#include "engine/core/duration.hpp"
#include "engine/core/step.hpp"
#include "engine/scenario/suggest.hpp"

namespace ringstorm::scenario {
namespace {

struct metric_info {
    std::string_view name;
    metric_unit unit;
};

// Latency steps (engine/core/step.hpp, the interface's step names) times the statistics
// summary.json keeps.
constexpr std::array<std::string_view, 7> latency_stats{"count", "min",  "p50", "p90",
                                                        "p99",   "p999", "max"};

constexpr std::array<metric_info, 26> figures{{
    {"phones.planned", metric_unit::count},
    {"phones.registered", metric_unit::count},
    {"phones.failed", metric_unit::count},
    {"phones.failed_ratio", metric_unit::ratio},
    {"registrations.total", metric_unit::count},
    {"registrations.failed", metric_unit::count},
    {"registrations.failed_ratio", metric_unit::ratio},
    {"calls.offered", metric_unit::count},
    {"calls.answered", metric_unit::count},
    {"calls.completed", metric_unit::count},
    {"calls.failed", metric_unit::count},
    {"calls.failed_ratio", metric_unit::ratio},
    {"contract.checked", metric_unit::count},
    {"contract.passed", metric_unit::count},
    {"contract.violations", metric_unit::count},
    {"protocol_errors.total", metric_unit::count},
    {"media.streams", metric_unit::count},
    {"media.packets_sent", metric_unit::count},
    {"media.packets_received", metric_unit::count},
    {"media.packets_lost", metric_unit::count},
    {"media.loss_ratio", metric_unit::ratio},
    {"media.jitter_seconds_p99", metric_unit::seconds},
    {"media.rtt_seconds_p50", metric_unit::seconds},
    {"media.mos_mean", metric_unit::other},
    {"media.srtp_auth_failures", metric_unit::count},
    {"media.send_lateness_seconds_p99", metric_unit::seconds},
}};

struct metric_table {
    std::vector<std::string> storage;
    std::vector<std::string_view> names;
    std::vector<metric_unit> units;

    metric_table() {
        for (core::step s : core::all_steps) {
            std::string_view step = core::to_string(s);
            for (std::string_view stat : latency_stats) {
                storage.push_back(std::string(step) + "." + std::string(stat));
                units.push_back(stat == "count" ? metric_unit::count : metric_unit::seconds);
            }
        }
        for (const metric_info& f : figures) {
            storage.emplace_back(f.name);
            units.push_back(f.unit);
        }
        for (const std::string& s : storage) {
            names.push_back(s);
        }
    }
};

const metric_table& metrics() {
    static const metric_table table;  // built once, immutable afterwards
    return table;
}

constexpr std::array<std::pair<std::string_view, compare_op>, 6> ops{{
    {"<=", compare_op::less_equal},
    {">=", compare_op::greater_equal},
    {"==", compare_op::equal},
    {"!=", compare_op::not_equal},
    {"<", compare_op::less},
    {">", compare_op::greater},
}};

bool metric_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

std::size_t skip_spaces(std::string_view text, std::size_t i) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
        ++i;
    }
    return i;
}

// The value in the metric's base unit: "0.2", "200ms" for latencies, "1%" for ratios.
core::result<double, text_error> parse_value(std::string_view text, std::size_t at,
                                             metric_unit unit) {
    if (text.empty()) {
        return core::unexpected{
            text_error{at, "no value after the operator", "write e.g. register.p99 < 0.2"}};
    }
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    const std::string_view rest(end, static_cast<std::size_t>(text.data() + text.size() - end));
    if (ec == std::errc{} && rest.empty() && std::isfinite(value)) {
        return value;
    }
    if (ec == std::errc{} && rest == "%" && unit == metric_unit::ratio) {
        return value / 100;
    }
    if (unit == metric_unit::seconds) {
        auto d = core::parse_duration(text);
        if (d) {
            return std::chrono::duration<double>(*d).count();
        }
        return core::unexpected{text_error{at,
                                           "bad value '" + std::string(text) + "': " + d.error(),
                                           "a latency is in seconds (0.2) or a duration (200ms)"}};
    }
    return core::unexpected{text_error{at, "bad value '" + std::string(text) + "'",
                                       unit == metric_unit::ratio
                                           ? "a ratio is a number from 0 to 1, or a percentage (1%)"
                                           : "write a number, e.g. 0"}};
}

// Reads the comparison at text[i]; returns it and the index past it. "=<", "=" and "<<"
// are reported whole, so the message quotes what was written.
core::result<std::pair<compare_op, std::size_t>, text_error> parse_op(std::string_view text,
                                                                      std::size_t i) {
    constexpr std::string_view op_chars = "<>=!~";
    for (const auto& [op_text, op] : ops) {
        const std::size_t end = i + op_text.size();
        if (text.substr(i, op_text.size()) == op_text &&
            (end >= text.size() || op_chars.find(text[end]) == std::string_view::npos)) {
            return std::pair{op, end};
        }
    }
    std::size_t end = i;
    while (end < text.size() && op_chars.find(text[end]) != std::string_view::npos) {
        ++end;
    }
    const std::string seen(text.substr(i, std::max<std::size_t>(end - i, 1)));
    return core::unexpected{
        text_error{i, "unknown operator '" + seen + "'", "use one of <, <=, >, >=, ==, !="}};
}

}  // namespace

std::string_view to_string(compare_op op) noexcept {
    for (const auto& [text, value] : ops) {
        if (value == op) {
            return text;
        }
    }
    return "?";
}

bool threshold::passes(double observed) const noexcept {
    switch (op) {
        case compare_op::less:
            return observed < value;
        case compare_op::less_equal:
            return observed <= value;
        case compare_op::greater:
            return observed > value;
        case compare_op::greater_equal:
            return observed >= value;
        case compare_op::equal:
            return observed == value;
        case compare_op::not_equal:
            return !std::isnan(observed) && observed != value;
    }
    return false;
}

std::span<const std::string_view> threshold_metrics() noexcept {
    return metrics().names;
}

core::result<threshold, text_error> parse_threshold(std::string_view text) {
    std::size_t i = skip_spaces(text, 0);
    const std::size_t metric_start = i;
    while (i < text.size() && metric_char(text[i])) {
        ++i;
    }
    threshold t;
    t.metric = std::string(text.substr(metric_start, i - metric_start));
    if (t.metric.empty()) {
        return core::unexpected{
            text_error{metric_start, "expected a metric name",
                       "write <metric> <op> <number>, e.g. register.p99 < 0.2"}};
    }
    const auto& table = metrics();
    const auto found = std::find(table.names.begin(), table.names.end(), t.metric);
    if (found == table.names.end()) {
        return core::unexpected{text_error{
            metric_start, "unknown metric '" + t.metric + "'" + did_you_mean(t.metric, table.names),
            "metrics are <step>.<stat> (register.p99, ws_connect.max, ...) "
            "or counters such as contract.violations, phones.failed, "
            "registrations.failed_ratio; see scenarios/README.md"}};
    }
    t.unit = table.units[static_cast<std::size_t>(found - table.names.begin())];
    i = skip_spaces(text, i);
    auto op = parse_op(text, i);
    if (!op) {
        return core::unexpected{std::move(op).error()};
    }
    t.op = op->first;
    i = op->second;
    const std::size_t value_start = skip_spaces(text, i);
    std::string_view value_text = text.substr(value_start);
    while (!value_text.empty() && (value_text.back() == ' ' || value_text.back() == '\t')) {
        value_text.remove_suffix(1);
    }
    auto value = parse_value(value_text, value_start, t.unit);
    if (!value) {
        return core::unexpected{std::move(value).error()};
    }
    t.value = *value;
    if (t.value < 0 && t.unit != metric_unit::other) {
        return core::unexpected{text_error{value_start, "negative value for " + t.metric,
                                           "this figure is never negative"}};
    }
    t.condition = std::string(to_string(t.op)) + " " + std::string(value_text);
    return t;
}

}  // namespace ringstorm::scenario
