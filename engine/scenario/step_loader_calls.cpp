// The call steps' arguments (wait_call, wait_end, dtmf, call, close_tab) and the event
// names `expect` accepts.
#include <array>
#include <charconv>
#include <string>

#include "engine/scenario/step_loader.hpp"
#include "engine/scenario/suggest.hpp"

namespace ringstorm::scenario::detail {
namespace {

constexpr std::size_t max_digits = 64;
constexpr std::int64_t max_offset = 1'000'000'000'000;  // far from overflowing n + offset
constexpr std::uint64_t max_tab = 31;                   // accounts.tabs is at most 32
constexpr std::string_view dtmf_digits = "0123456789*#ABCD";

bool empty_value(const YAML::Node& n) {
    return !n.IsDefined() || n.IsNull();
}

// Every spelling `expect` accepts, for suggestions and hints: register events bare, the
// others with their callback's prefix.
std::vector<std::string> written_names() {
    std::vector<std::string> out;
    for (const event_name& e : known_events()) {
        out.push_back(written_name(e));
    }
    return out;
}

std::vector<std::string_view> views_of(const std::vector<std::string>& names) {
    return {names.begin(), names.end()};
}

// `name: {within: D}` or the bare name (within = `fallback`).
std::optional<core::duration> read_within(sink& diags, const field& args, core::duration fallback) {
    if (empty_value(args.value)) {
        return fallback;
    }
    static constexpr std::array<std::string_view, 1> keys{"within"};
    const field_map m(diags, args, keys);
    if (!m.is_map()) {
        return std::nullopt;
    }
    const field* within = m.get("within");
    if (within == nullptr) {
        if (args.value.size() == 0) {
            return fallback;
        }
        return std::nullopt;  // only unknown keys, reported already
    }
    return read_duration(diags, *within, false);
}

// A signed whole number (the call's offset).
std::optional<std::int64_t> read_offset(sink& diags, const field& f) {
    if (!f.value.IsDefined() || !f.value.IsScalar()) {
        diags.error(f.value_at, f.path + " must be a whole number, found " + describe(f.value));
        return std::nullopt;
    }
    const std::string& text = f.value.Scalar();
    std::int64_t value = 0;
    const char* begin = text.data() + (!text.empty() && text.front() == '+' ? 1 : 0);
    auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
    const std::string range = "write a whole number from -" + std::to_string(max_offset) + " to " +
                              std::to_string(max_offset) + ", e.g. offset: 1000";
    if (text.empty() || end != text.data() + text.size() ||
        (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
        diags.error(f.value_at, f.path + " must be a whole number, not '" + text + "'", range);
        return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range || value > max_offset || value < -max_offset) {
        diags.error(f.value_at, f.path + " " + text + " is out of range", range);
        return std::nullopt;
    }
    return value;
}

// Characters that cannot stand in a SIP URI as written in a scenario (RFC 3261 §25.1
// has no place for them unescaped).
bool bad_uri_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '"';
}

std::optional<name_template> read_callee(sink& diags, const field& f) {
    auto text = read_text(diags, f);
    if (!text) {
        return std::nullopt;
    }
    const bool uri = text->starts_with("sip:") || text->starts_with("sips:");
    if (uri) {
        const std::size_t scheme = text->find(':') + 1;
        if (text->size() == scheme) {
            diags.error(f.at_offset(scheme),
                        f.path + ": '" + *text + "' has nothing after the scheme",
                        "write e.g. to: \"sip:2{n:04}@example.com\"");
            return std::nullopt;
        }
        for (std::size_t i = 0; i < text->size(); ++i) {
            if (bad_uri_char((*text)[i])) {
                diags.error(f.at_offset(i),
                            f.path + ": a SIP URI cannot contain " +
                                ((*text)[i] == ' ' ? std::string("a space")
                                                   : "'" + std::string(1, (*text)[i]) + "'"),
                            "write the bare URI, e.g. sip:2{n:04}@example.com (no <>, no spaces)");
                return std::nullopt;
            }
        }
    }
    // A bare user is the user part of a URI at the phone's sipdomain (RFC 3261 §25.1).
    auto t = name_template::parse(*text, false, !uri);
    if (!t) {
        diags.error(f.at_offset(t.error().offset), f.path + ": " + t.error().message,
                    uri ? t.error().hint
                        : t.error().hint + "; or a whole URI, e.g. sip:2{n:04}@example.com");
        return std::nullopt;
    }
    return std::move(*t);
}

std::optional<std::string> read_digits(sink& diags, const field& f) {
    if (empty_value(f.value)) {
        diags.error(f.value_at, f.path + " needs digits",
                    "write e.g. dtmf: \"123#\" (quote it: YAML reads '#' after a space as a "
                    "comment and '*' at the start as an alias)");
        return std::nullopt;
    }
    auto text = read_text(diags, f);
    if (!text) {
        return std::nullopt;
    }
    if (text->empty() || text->size() > max_digits) {
        diags.error(f.value_at,
                    f.path + " must have 1 to 64 digits, found " + std::to_string(text->size()));
        return std::nullopt;
    }
    for (std::size_t i = 0; i < text->size(); ++i) {
        const char c = (*text)[i];
        if (dtmf_digits.find(c) == std::string_view::npos) {
            const bool lower = c >= 'a' && c <= 'd';
            diags.error(f.at_offset(i),
                        f.path + ": '" + std::string(1, c) + "' is not a DTMF digit",
                        lower ? std::string("write A-D in upper case")
                              : "digits are 0-9, *, # and A-D (RFC 4733 §3.2)");
            return std::nullopt;
        }
    }
    return text;
}

}  // namespace

std::optional<event_name> read_event_name(sink& diags, const field& f) {
    auto text = read_text(diags, f);
    if (!text) {
        return std::nullopt;
    }
    callback_kind kind = callback_kind::register_event;
    std::string_view name = *text;
    if (const std::size_t colon = name.find(':'); colon != std::string_view::npos) {
        const std::string_view prefix = name.substr(0, colon);
        name = name.substr(colon + 1);
        if (prefix == "call") {
            kind = callback_kind::call_event;
        } else if (prefix == "session") {
            kind = callback_kind::session_event;
        } else if (prefix != "register") {
            static constexpr std::array<std::string_view, 3> prefixes{"register", "call",
                                                                      "session"};
            diags.error(f.value_at,
                        "unknown callback '" + std::string(prefix) + "' in event '" + *text + "'" +
                            did_you_mean(prefix, prefixes),
                        "write register events bare (registered), call:NAME or session:NAME");
            return std::nullopt;
        }
    }
    for (const event_name& known : known_events()) {
        if (known.callback == kind && known.name == name) {
            return known;
        }
    }
    const std::vector<std::string> names = written_names();
    const std::vector<std::string_view> views = views_of(names);
    // A call or session event written bare: say which prefixes it takes.
    std::string elsewhere;
    for (const event_name& known : known_events()) {
        if (known.name == name && known.callback != kind) {
            elsewhere +=
                std::string(elsewhere.empty() ? "" : " or ") + "'" + written_name(known) + "'";
        }
    }
    const std::string suggestion =
        elsewhere.empty() ? did_you_mean(*text, views) : " (did you mean " + elsewhere + "?)";
    diags.error(f.value_at, "unknown event '" + *text + "'" + suggestion,
                "events: " + one_of(views));
    return std::nullopt;
}

std::optional<step_action> parse_wait_call(sink& diags, const field& args) {
    auto within = read_within(diags, args, wait_call_step{}.within);
    return within ? std::optional<step_action>(wait_call_step{*within}) : std::nullopt;
}

std::optional<step_action> parse_wait_end(sink& diags, const field& args) {
    auto within = read_within(diags, args, wait_end_step{}.within);
    return within ? std::optional<step_action>(wait_end_step{*within}) : std::nullopt;
}

std::optional<step_action> parse_dtmf(sink& diags, const field& args) {
    dtmf_step step;
    if (!args.value.IsMap()) {
        auto digits = read_digits(diags, args);
        if (!digits) {
            return std::nullopt;
        }
        step.digits = std::move(*digits);
        return step;
    }
    static constexpr std::array<std::string_view, 2> keys{"digits", "gap"};
    const field_map m(diags, args, keys);
    const field* digits = m.get("digits");
    const field* gap = m.get("gap");
    if (digits == nullptr) {
        diags.error(args.value_at, "dtmf needs digits",
                    "write e.g. dtmf: \"123#\" or dtmf: {digits: \"123#\", gap: 200ms}");
        return std::nullopt;
    }
    auto text = read_digits(diags, *digits);
    auto pause = gap != nullptr ? read_duration(diags, *gap, true) : std::optional(step.gap);
    if (!text || !pause) {
        return std::nullopt;
    }
    step.digits = std::move(*text);
    step.gap = *pause;
    return step;
}

std::optional<step_action> parse_call(sink& diags, const field& args) {
    if (!args.value.IsMap()) {
        if (empty_value(args.value)) {
            diags.error(args.value_at, "call needs whom to call",
                        "write e.g. call: \"sip:2{n:04}@example.com\" or call: {to: \"2{n:04}\", "
                        "offset: 100}");
            return std::nullopt;
        }
        auto to = read_callee(diags, field_of(args.value, "call", args.key_at));
        return to ? std::optional<step_action>(call_step{std::move(*to), 0}) : std::nullopt;
    }
    static constexpr std::array<std::string_view, 2> keys{"to", "offset"};
    const field_map m(diags, args, keys);
    const field* to = m.get("to");
    const field* offset = m.get("offset");
    if (to == nullptr) {
        diags.error(args.value_at, "call needs to",
                    "write e.g. call: {to: \"sip:2{n:04}@example.com\", offset: 100}");
    }
    auto callee = to != nullptr ? read_callee(diags, *to) : std::nullopt;
    auto shift = offset != nullptr ? read_offset(diags, *offset) : std::optional<std::int64_t>(0);
    if (!callee || !shift) {
        return std::nullopt;
    }
    return call_step{std::move(*callee), *shift};
}

std::optional<step_action> parse_close_tab(sink& diags, const field& args) {
    if (empty_value(args.value)) {
        return close_tab_step{0};  // the parent tab
    }
    auto tab = read_count(diags, args, 0, max_tab);
    return tab ? std::optional<step_action>(close_tab_step{static_cast<std::uint32_t>(*tab)})
               : std::nullopt;
}

}  // namespace ringstorm::scenario::detail
