// The `phone` script: a list of steps, each a bare name or a one-key map.
#include <array>

#include "engine/scenario/load_context.hpp"
#include "engine/scenario/step_loader.hpp"
#include "engine/scenario/suggest.hpp"

namespace ringstorm::scenario::detail {
namespace {

constexpr int max_depth = 8;  // repeat/loop nesting; deeper is surely a mistake
constexpr std::uint64_t max_repeat = 1'000'000;
// YAML aliases can repeat a subtree many times over; a script this long is a mistake or an
// attack on memory, never a test plan.
constexpr std::size_t max_steps = 10'000;

class step_reader;
using step_parser = std::optional<step_action> (*)(step_reader&, const field& args);

struct step_kind {
    std::string_view name;
    bool needs_args;  // a bare name is not enough
    step_parser parse;
    std::string_view usage;  // shown in hints
};

class step_reader {
public:
    explicit step_reader(sink& diags) : diags_(diags) {}

    sink& diags() { return diags_; }
    // Reads a list of steps; reports a non-list or an empty one.
    block read_block(const field& list);
    std::optional<step> read_step(const YAML::Node& item, const std::string& path,
                                  source_location fallback);

private:
    sink& diags_;
    int depth_ = 0;
    std::size_t steps_ = 0;  // steps read so far, against max_steps
};

std::optional<step_action> parse_no_args(step_reader& r, const field& args, step_action value) {
    if (args.value.IsDefined() && !args.value.IsNull() &&
        !(args.value.IsMap() && args.value.size() == 0)) {
        r.diags().error(args.value_at,
                        args.path + " takes no arguments, found " + describe(args.value),
                        "write `- " + args.path + "`");
        return std::nullopt;
    }
    return value;
}

// A step without arguments: `- answer`.
template <class Step>
std::optional<step_action> parse_bare(step_reader& r, const field& args) {
    return parse_no_args(r, args, Step{});
}

// A step whose arguments need only the diagnostics (the call steps, step_loader_calls.cpp).
template <std::optional<step_action> (*Parse)(sink&, const field&)>
std::optional<step_action> with_diags(step_reader& r, const field& args) {
    return Parse(r.diags(), args);
}

std::optional<delay> parse_uniform(step_reader& r, const field& f) {
    if (!f.value.IsSequence() || f.value.size() != 2) {
        r.diags().error(f.value_at,
                        "think.uniform must be a list of two durations, found " + describe(f.value),
                        "write e.g. think: {uniform: [1s, 5s]}");
        return std::nullopt;
    }
    auto low = read_duration(r.diags(), field_of(f.value[0], "think.uniform", f.value_at), true);
    auto high = read_duration(r.diags(), field_of(f.value[1], "think.uniform", f.value_at), true);
    if (!low || !high) {
        return std::nullopt;
    }
    if (*low > *high) {
        r.diags().error(f.value_at,
                        "think.uniform range is reversed: " + core::format_duration(*low) + " > " +
                            core::format_duration(*high),
                        "write the shorter duration first");
        return std::nullopt;
    }
    return uniform_delay{*low, *high};
}

std::optional<step_action> parse_think(step_reader& r, const field& args) {
    if (args.value.IsScalar()) {
        auto d = read_duration(r.diags(), args, true);
        return d ? std::optional<step_action>(think_step{fixed_delay{*d}}) : std::nullopt;
    }
    static constexpr std::array<std::string_view, 3> keys{"fixed", "uniform", "exponential"};
    const field_map m(r.diags(), args, keys);
    if (!m.is_map()) {
        return std::nullopt;
    }
    if (m.fields().empty() && args.value.size() != 0) {
        return std::nullopt;  // only unknown keys, reported already
    }
    if (m.fields().size() != 1) {
        r.diags().error(
            args.value_at, "think takes one distribution: fixed, uniform or exponential",
            "write e.g. think: 30s, think: {uniform: [1s, 5s]} or think: {exponential: 10s}");
        return std::nullopt;
    }
    const field& f = m.fields().front();
    std::optional<delay> how;
    if (f.path == "think.fixed") {
        if (auto d = read_duration(r.diags(), f, true)) {
            how = fixed_delay{*d};
        }
    } else if (f.path == "think.uniform") {
        how = parse_uniform(r, f);
    } else if (auto d = read_duration(r.diags(), f, false)) {
        how = exponential_delay{*d};
    }
    return how ? std::optional<step_action>(think_step{*how}) : std::nullopt;
}

std::optional<step_action> parse_expect(step_reader& r, const field& args) {
    static constexpr std::array<std::string_view, 2> keys{"event", "within"};
    const field_map m(r.diags(), args, keys);
    if (!m.is_map()) {
        return std::nullopt;
    }
    const field* event = m.get("event");
    const field* within = m.get("within");
    if (event == nullptr || within == nullptr) {
        r.diags().error(
            args.value_at,
            std::string("expect needs ") + (event == nullptr ? "an event" : "a deadline (within)"),
            "write e.g. expect: {event: registered, within: 5s}");
    }
    auto name = event != nullptr ? read_event_name(r.diags(), *event) : std::nullopt;
    auto deadline = within != nullptr ? read_duration(r.diags(), *within, false) : std::nullopt;
    if (!name || !deadline) {
        return std::nullopt;
    }
    return expect_step{*name, *deadline};
}

std::optional<step_action> parse_repeat(step_reader& r, const field& args) {
    static constexpr std::array<std::string_view, 2> keys{"count", "steps"};
    const field_map m(r.diags(), args, keys);
    if (!m.is_map()) {
        return std::nullopt;
    }
    const field* count = m.get("count");
    const field* steps = m.get("steps");
    if (count == nullptr || steps == nullptr) {
        r.diags().error(
            args.value_at, std::string("repeat needs ") + (count == nullptr ? "a count" : "steps"),
            "write e.g. repeat: {count: 3, steps: [register, {think: 5s}, unregister]}");
    }
    auto n = count != nullptr ? read_count(r.diags(), *count, 0, max_repeat) : std::nullopt;
    block body = steps != nullptr ? r.read_block(*steps) : block{};
    if (!n || body.empty()) {
        return std::nullopt;
    }
    return repeat_step{static_cast<std::uint32_t>(*n), std::move(body)};
}

std::optional<step_action> parse_loop(step_reader& r, const field& args) {
    static constexpr std::array<std::string_view, 3> keys{"steps", "until", "for"};
    const field_map m(r.diags(), args, keys);
    if (!m.is_map()) {
        return std::nullopt;
    }
    const field* steps = m.get("steps");
    const field* until = m.get("until");
    const field* for_ = m.get("for");
    bool ok = true;
    if (steps == nullptr) {
        r.diags().error(args.value_at, "loop needs steps",
                        "write e.g. loop: {steps: [{think: 30s}]}");
        ok = false;
    }
    if (until != nullptr && for_ != nullptr) {
        r.diags().error(
            for_->key_at, "loop has both until and for",
            "until is a time on the run clock, for is a time since the loop began; keep one");
        ok = false;
    }
    loop_step loop;
    if (const field* limit = until != nullptr ? until : for_) {
        auto d = read_duration(r.diags(), *limit, false);
        ok = ok && d.has_value();
        loop.end = limit == until ? loop_end::run_clock : loop_end::loop_clock;
        loop.limit = d.value_or(core::duration{});
    }
    loop.steps = steps != nullptr ? r.read_block(*steps) : block{};
    if (!ok || loop.steps.empty()) {
        return std::nullopt;
    }
    return loop;
}

constexpr std::array<step_kind, 18> step_kinds{{
    {"register", false, parse_bare<register_step>, "- register"},
    {"unregister", false, parse_bare<unregister_step>, "- unregister"},
    {"think", true, parse_think, "- think: 30s   or   - think: {uniform: [1s, 5s]}"},
    {"expect", true, parse_expect,
     "- expect: {event: registered, within: 5s}   or   {event: call:connected, within: 5s}"},
    {"repeat", true, parse_repeat, "- repeat: {count: 3, steps: [...]}"},
    {"loop", true, parse_loop, "- loop: {steps: [...]}   or   - loop: {until: 5m, steps: [...]}"},
    {"wait_call", false, with_diags<parse_wait_call>,
     "- wait_call   or   - wait_call: {within: 30s}"},
    {"answer", false, parse_bare<answer_step>, "- answer"},
    {"reject", false, parse_bare<reject_step>, "- reject"},
    {"hangup", false, parse_bare<hangup_step>, "- hangup"},
    {"hold", false, parse_bare<hold_step>, "- hold"},
    {"unhold", false, parse_bare<unhold_step>, "- unhold"},
    {"mute", false, parse_bare<mute_step>, "- mute"},
    {"unmute", false, parse_bare<unmute_step>, "- unmute"},
    {"dtmf", true, with_diags<parse_dtmf>,
     "- dtmf: \"123#\"   or   - dtmf: {digits: \"123#\", gap: 200ms}"},
    {"call", true, with_diags<parse_call>,
     "- call: \"sip:2{n:04}@example.com\"   or   - call: {to: \"2{n:04}\", offset: 100}"},
    {"wait_end", false, with_diags<parse_wait_end>, "- wait_end   or   - wait_end: {within: 60s}"},
    {"close_tab", false, with_diags<parse_close_tab>, "- close_tab: 1   (0, or bare: the parent)"},
}};

const step_kind* find_kind(std::string_view name) {
    for (const step_kind& k : step_kinds) {
        if (k.name == name) {
            return &k;
        }
    }
    return nullptr;
}

std::array<std::string_view, step_kinds.size()> kind_names() {
    std::array<std::string_view, step_kinds.size()> names{};
    for (std::size_t i = 0; i < step_kinds.size(); ++i) {
        names[i] = step_kinds[i].name;
    }
    return names;
}

block step_reader::read_block(const field& list) {
    block out;
    if (!list.value.IsDefined() || !list.value.IsSequence() || list.value.size() == 0) {
        diags_.error(
            list.value_at,
            list.path + " must be a non-empty list of steps, found " + describe(list.value),
            "write one step per line, e.g.\n      - register\n      - think: 30s");
        return out;
    }
    if (depth_ >= max_depth) {
        diags_.error(list.value_at, "steps nested more than " + std::to_string(max_depth) + " deep",
                     "flatten the repeats and loops");
        return out;
    }
    ++depth_;
    bool all = true;
    for (const auto& item : list.value) {
        if (++steps_ > max_steps) {
            if (steps_ == max_steps + 1) {  // once: every later block hits the same limit
                diags_.error(
                    location_of(item.Mark()),
                    "the script has more than " + std::to_string(max_steps) + " steps",
                    "use repeat or loop instead of writing steps out (or expanding aliases)");
            }
            all = false;
            break;
        }
        auto s = read_step(item, list.path, list.value_at);
        all = all && s.has_value();
        if (s) {
            out.push_back(std::move(*s));
        }
    }
    --depth_;
    if (!all) {
        out.clear();  // a block with a bad step is not a block; callers treat it as absent
    }
    return out;
}

std::optional<step> step_reader::read_step(const YAML::Node& item, const std::string& path,
                                           source_location fallback) {
    const source_location at = item.IsNull() ? fallback : location_of(item.Mark());
    const auto names = kind_names();
    if (item.IsScalar()) {
        const std::string& name = item.Scalar();
        const step_kind* kind = find_kind(name);
        if (kind == nullptr) {
            diags_.error(at, "unknown step '" + name + "'" + did_you_mean(name, names),
                         "steps: " + one_of(names));
            return std::nullopt;
        }
        if (kind->needs_args) {
            diags_.error(at, "step '" + name + "' needs arguments",
                         "write " + std::string(kind->usage));
            return std::nullopt;
        }
        auto action = kind->parse(*this, field_of(YAML::Node(), name, at));
        return action ? std::optional<step>(step{std::move(*action), at}) : std::nullopt;
    }
    if (!item.IsMap() || item.size() != 1) {
        std::string found = describe(item);
        std::string hint = "a step is a name (- register) or a one-key map (- think: 30s)";
        if (item.IsMap() && item.size() > 1) {
            auto second = std::next(item.begin());
            found = "a map with " + std::to_string(item.size()) + " keys";
            hint = "is a '-' missing before '" +
                   (second->first.IsScalar() ? second->first.Scalar() : "") +
                   "'? each step is its own list item";
        }
        diags_.error(at, "a step in " + path + " must be a name or a one-key map, found " + found,
                     hint);
        return std::nullopt;
    }
    const auto entry = *item.begin();
    const source_location key_at = location_of(entry.first.Mark());
    const std::string name = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
    const step_kind* kind = find_kind(name);
    if (kind == nullptr) {
        diags_.error(key_at, "unknown step '" + name + "'" + did_you_mean(name, names),
                     "steps: " + one_of(names));
        return std::nullopt;
    }
    auto action = kind->parse(*this, field_of(entry.second, name, key_at));
    return action ? std::optional<step>(step{std::move(*action), key_at}) : std::nullopt;
}

}  // namespace

void load_phone(load_state& st, const field& f) {
    step_reader reader(st.diags);
    st.out.phone = reader.read_block(f);
}

}  // namespace ringstorm::scenario::detail
