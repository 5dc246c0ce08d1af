// `target.calls`: the embedded target's calls to the phones, checked field by field and
// against each other (a CANCEL that could never be sent is an error here, not a silent
// no-op at run time).
#include <algorithm>
#include <array>

#include "engine/scenario/load_context.hpp"
#include "engine/scenario/suggest.hpp"

namespace ringstorm::scenario {
namespace {

constexpr std::array<std::string_view, 5> behaviour_names{
    "answered_then_target_bye", "target_cancel_while_ringing", "remote_hold_then_bye", "no_ack",
    "phone_hangs_up"};

}  // namespace

std::string_view to_string(target_call_behaviour b) noexcept {
    return behaviour_names[static_cast<std::size_t>(b)];
}

std::span<const std::string_view> target_call_behaviour_names() noexcept {
    return behaviour_names;
}

bool target_calls_config::uses(target_call_behaviour b) const noexcept {
    return std::any_of(mix.begin(), mix.end(), [b](const target_call_weight& w) {
        return w.behaviour == b && w.weight > 0;
    });
}

namespace detail {
namespace {

constexpr std::array<std::string_view, 10> call_keys{
    "after",     "rate",         "spacing",    "behaviour",    "mix",
    "talk_time", "cancel_after", "hold_after", "ring_timeout", "fork"};
constexpr std::array<std::string_view, 2> spacing_names{"poisson", "fixed"};
constexpr std::uint64_t max_weight = 1'000'000;

// `name` as a behaviour; an unknown one is reported at `at`.
std::optional<target_call_behaviour> read_behaviour(sink& diags, source_location at,
                                                    const std::string& name) {
    for (std::size_t i = 0; i < behaviour_names.size(); ++i) {
        if (behaviour_names[i] == name) {
            return static_cast<target_call_behaviour>(i);
        }
    }
    diags.error(at, "unknown call behaviour '" + name + "'" + did_you_mean(name, behaviour_names),
                "behaviours: " + one_of(behaviour_names));
    return std::nullopt;
}

std::optional<std::vector<target_call_weight>> read_mix(sink& diags, const field& f) {
    if (!f.value.IsDefined() || !f.value.IsMap()) {
        diags.error(
            f.value_at, f.path + " must be a map of behaviour: weight, found " + describe(f.value),
            "write e.g. mix: {answered_then_target_bye: 3, target_cancel_while_ringing: 1}");
        return std::nullopt;
    }
    std::vector<target_call_weight> mix;
    bool ok = true;
    std::uint64_t total = 0;
    for (const auto& pair : f.value) {
        const source_location key_at = location_of(pair.first.Mark());
        const std::string name = pair.first.IsScalar() ? pair.first.Scalar() : std::string();
        const field entry = field_of(pair.second, f.path + "." + name, key_at);
        auto behaviour = read_behaviour(diags, key_at, name);
        auto weight = read_count(diags, entry, 0, max_weight);
        if (!behaviour || !weight) {
            ok = false;
            continue;
        }
        const bool repeated = std::any_of(mix.begin(), mix.end(), [&](const target_call_weight& w) {
            return w.behaviour == *behaviour;
        });
        if (repeated) {
            diags.error(key_at, "'" + name + "' appears twice in " + f.path, "keep one of them");
            ok = false;
            continue;
        }
        total += *weight;
        mix.push_back({*behaviour, static_cast<std::uint32_t>(*weight)});
    }
    if (ok && (mix.empty() || total == 0)) {
        diags.error(
            f.value_at, f.path + " has no behaviour with a weight above 0",
            "write e.g. mix: {answered_then_target_bye: 3, target_cancel_while_ringing: 1}");
        return std::nullopt;
    }
    return ok ? std::optional(std::move(mix)) : std::nullopt;
}

// Calls per second: load.rate's rules, in words about calls.
std::optional<double> read_call_rate(sink& diags, const field& f) {
    auto text = read_text(diags, f);
    if (!text) {
        return std::nullopt;
    }
    auto r = parse_rate(*text, f.path);
    if (!r) {
        diags.error(f.value_at, r.error().message,
                    "write a number of calls per second greater than 0, e.g. 5 or 0.5");
        return std::nullopt;
    }
    return *r;
}

// Reads a duration field into `out`, leaving the default when absent; false on an error.
bool read_plan_duration(sink& diags, const field_map& m, std::string_view key, bool allow_zero,
                        core::duration& out) {
    const field* f = m.get(key);
    if (f == nullptr) {
        return true;
    }
    auto d = read_duration(diags, *f, allow_zero);
    if (d) {
        out = *d;
    }
    return d.has_value();
}

// Which of two fields was written later in the file (the one to blame for a conflict).
const field* later_of(const field* a, const field* b) {
    return a->key_at.line > b->key_at.line ||
                   (a->key_at.line == b->key_at.line && a->key_at.column > b->key_at.column)
               ? a
               : b;
}

// The pacing: `after` (each binding) or `rate` with its `spacing`.
bool read_pacing(sink& diags, const field_map& m, target_calls_config& c) {
    const field* after = m.get("after");
    const field* rate = m.get("rate");
    const field* spacing = m.get("spacing");
    bool ok = true;
    if (after != nullptr && rate != nullptr) {
        diags.error(later_of(after, rate)->key_at, "target.calls has both after and rate",
                    "keep one: after calls each registered phone again after each call, rate "
                    "places calls per second over all phones");
        ok = false;
    }
    if (spacing != nullptr && rate == nullptr) {
        diags.error(spacing->key_at, "target.calls.spacing goes with rate",
                    "add e.g. rate: 5, or remove spacing");
        ok = false;
    }
    if (after != nullptr) {
        auto d = read_duration(diags, *after, true);
        ok = ok && d.has_value();
        c.after = d.value_or(c.after);
    }
    if (rate != nullptr) {
        c.how = target_calls_config::mode::rate;
        auto r = read_call_rate(diags, *rate);
        ok = ok && r.has_value();
        c.rate = r.value_or(0);
    }
    if (spacing != nullptr) {
        auto text = read_text(diags, *spacing);
        if (text && *text != "poisson" && *text != "fixed") {
            diags.error(spacing->value_at,
                        "unknown spacing '" + *text + "'" + did_you_mean(*text, spacing_names),
                        "write poisson (random gaps) or fixed (even gaps)");
            text.reset();
        }
        ok = ok && text.has_value();
        c.poisson = !text || *text == "poisson";
    }
    return ok;
}

// What each call does: one `behaviour` or a weighted `mix`.
bool read_behaviours(sink& diags, const field_map& m, target_calls_config& c) {
    const field* behaviour = m.get("behaviour");
    const field* mix = m.get("mix");
    if (behaviour != nullptr && mix != nullptr) {
        diags.error(later_of(behaviour, mix)->key_at, "target.calls has both behaviour and mix",
                    "keep one: behaviour for every call, or mix for weighted shares");
        return false;
    }
    if (behaviour != nullptr) {
        auto text = read_text(diags, *behaviour);
        auto b = text ? read_behaviour(diags, behaviour->value_at, *text) : std::nullopt;
        if (!b) {
            return false;
        }
        c.mix = {{*b, 1}};
    }
    if (mix != nullptr) {
        auto weights = read_mix(diags, *mix);
        if (!weights) {
            return false;
        }
        c.mix = std::move(*weights);
    }
    return true;
}

// The plan's durations against each other, for the behaviours that use them.
void check_plan(sink& diags, const field_map& m, const target_calls_config& c, source_location at) {
    auto where = [&](std::string_view key) {
        const field* f = m.get(key);
        return f != nullptr ? f->value_at : at;
    };
    if (c.uses(target_call_behaviour::target_cancel_while_ringing) &&
        c.cancel_after >= c.ring_timeout) {
        diags.error(where("cancel_after"),
                    "target.calls.cancel_after " + core::format_duration(c.cancel_after) +
                        " is not below ring_timeout " + core::format_duration(c.ring_timeout) +
                        ": the CANCEL would never be sent",
                    "shorten cancel_after or lengthen ring_timeout");
    }
    if (c.uses(target_call_behaviour::remote_hold_then_bye) && c.hold_after >= c.talk_time) {
        diags.error(where("hold_after"),
                    "target.calls.hold_after " + core::format_duration(c.hold_after) +
                        " is not below talk_time " + core::format_duration(c.talk_time) +
                        ": the hold would never be sent",
                    "shorten hold_after or lengthen talk_time");
    }
}

}  // namespace

void load_target_calls(load_state& st, const field& f) {
    target_calls_config c;
    c.at = f.key_at;
    if (!f.value.IsDefined() || f.value.IsNull()) {
        st.out.target.calls = c;  // `calls:` alone: every default
        return;
    }
    const field_map m(st.diags, f, call_keys);
    if (!m.is_map()) {
        return;
    }
    bool ok = read_pacing(st.diags, m, c);
    ok = read_behaviours(st.diags, m, c) && ok;
    ok = read_plan_duration(st.diags, m, "talk_time", false, c.talk_time) && ok;
    ok = read_plan_duration(st.diags, m, "ring_timeout", false, c.ring_timeout) && ok;
    ok = read_plan_duration(st.diags, m, "cancel_after", true, c.cancel_after) && ok;
    ok = read_plan_duration(st.diags, m, "hold_after", true, c.hold_after) && ok;
    if (const field* fork = m.get("fork")) {
        auto b = read_bool(st.diags, *fork);
        ok = ok && b.has_value();
        c.fork = b.value_or(true);
    }
    if (!ok) {
        return;
    }
    check_plan(st.diags, m, c, f.value_at);
    st.out.target.calls = std::move(c);
}

}  // namespace detail
}  // namespace ringstorm::scenario
