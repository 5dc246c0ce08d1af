// The scenario file as a whole: YAML syntax, the top-level keys, metadata.
#include <array>
#include <cstdint>

#include "engine/scenario/load_context.hpp"
#include "engine/scenario/overrides.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/scenario/suggest.hpp"

namespace ringstorm::scenario {
namespace {

using detail::field;
using detail::field_map;
using detail::load_state;
using detail::sink;

constexpr std::array<std::string_view, 9> top_keys{"name",       "description", "contract",
                                                   "target",     "accounts",    "load",
                                                   "thresholds", "media",       "phone"};
constexpr std::array<std::string_view, 2> profile_names{"documented", "exotel-web-sdk-2.0.5"};
constexpr std::size_t max_name_length = 64;

// yaml-cpp's messages say what the parser expected; these say what to write.
std::string syntax_hint(const std::string& msg) {
    if (msg.find("illegal map value") != std::string::npos) {
        return "a value containing ': ' needs quotes, e.g. description: \"phase: one\"";
    }
    if (msg.find("flow not found") != std::string::npos) {
        return "a '[' or '{' is not closed";
    }
    if (msg.find("tab") != std::string::npos) {
        return "YAML indents with spaces, not tabs";
    }
    if (msg.find("end of map not found") != std::string::npos) {
        return "check the indentation of the lines above";
    }
    return {};
}

void load_name(load_state& st, const field& f) {
    auto text = detail::read_text(st.diags, f);
    if (!text) {
        return;
    }
    if (text->empty() || text->size() > max_name_length) {
        st.diags.error(f.value_at, "name must have 1 to 64 characters", "e.g. name: register-soak");
        return;
    }
    for (std::size_t i = 0; i < text->size(); ++i) {
        const char c = (*text)[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            st.diags.error(f.at_offset(i),
                           "name '" + *text + "' may only use a-z, 0-9, '-' and '_'",
                           "it labels reports and metrics; e.g. name: register-soak");
            return;
        }
    }
    st.out.name = std::move(*text);
}

void load_contract(load_state& st, const field& f) {
    auto text = detail::read_text(st.diags, f);
    if (!text) {
        return;
    }
    auto profile = parse_contract_profile(*text);
    if (!profile) {
        st.diags.error(f.value_at,
                       "unknown contract '" + *text + "'" + did_you_mean(*text, profile_names),
                       "write documented or exotel-web-sdk-2.0.5");
        return;
    }
    st.out.contract = *profile;
    st.out.contract_at = f.value_at;
}

void load_section(load_state& st, const field& f) {
    const std::string& key = f.path;
    if (key == "name") {
        load_name(st, f);
    } else if (key == "description") {
        if (auto text = detail::read_text(st.diags, f)) {
            st.out.description = std::move(*text);
        }
    } else if (key == "contract") {
        load_contract(st, f);
    } else if (key == "target") {
        detail::load_target(st, f);
    } else if (key == "accounts") {
        detail::load_accounts(st, f);
    } else if (key == "load") {
        detail::load_load(st, f);
    } else if (key == "thresholds") {
        detail::load_thresholds(st, f);
    } else if (key == "media") {
        detail::load_media(st, f);
    } else if (key == "phone") {
        detail::load_phone(st, f);
    }
}

// Loads one top-level key, noting whether its section came out clean.
void dispatch(load_state& st, const field& f) {
    const std::size_t errors_before = st.diags.count();
    load_section(st, f);
    const bool clean = st.diags.count() == errors_before;
    const std::string& key = f.path;
    bool* valid = key == "target"     ? &st.valid.target
                  : key == "accounts" ? &st.valid.accounts
                  : key == "load"     ? &st.valid.load
                  : key == "contract" ? &st.valid.contract
                  : key == "phone"    ? &st.valid.phone
                                      : nullptr;
    if (valid != nullptr) {
        *valid = clean;
    }
}

// Parses the YAML text into one document, reporting syntax errors where they are.
std::optional<YAML::Node> parse_yaml(std::string_view text, sink& diags) {
    try {
        std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
        if (docs.size() > 1) {
            diags.error(
                detail::location_of(docs[1].Mark()),
                "a scenario file holds one YAML document; found " + std::to_string(docs.size()),
                "remove the '---' separating them, or split them into files");
            return std::nullopt;
        }
        if (docs.empty() || docs[0].IsNull()) {
            diags.error({}, "the scenario is empty",
                        "start with name:, accounts: and phone: (see scenarios/README.md)");
            return std::nullopt;
        }
        return docs[0];
    } catch (const YAML::Exception& e) {
        // ParserException and yaml-cpp's other errors carry the mark of the offending text.
        diags.error(detail::location_of(e.mark), "YAML syntax error: " + e.msg, syntax_hint(e.msg));
        return std::nullopt;
    }
}

// A missing key belongs to no line; like a compiler's "expected X at end of input" it is
// listed after the located errors.
void require(const field_map& top, sink& diags, std::string_view key, std::string hint) {
    if (top.get(key) == nullptr) {
        diags.error_in(diags.file(), 0, 0, "missing '" + std::string(key) + "'", std::move(hint),
                       {UINT32_MAX, 0});
    }
}

load_result compile(std::string_view text, std::string file, const overrides* o) {
    sink diags(file);
    scenario s;
    s.file = file;
    std::optional<YAML::Node> root = parse_yaml(text, diags);
    if (!root) {
        return core::unexpected{diags.take()};
    }
    load_state st{diags, detail::parent_dir(file), s, {}};
    const field_map top(diags, detail::field_of(*root, "", {1, 1}), top_keys);
    if (!top.is_map()) {
        return core::unexpected{diags.take()};
    }
    for (const field& f : top.fields()) {
        dispatch(st, f);
    }
    require(top, diags, "name", "add e.g. name: register-soak");
    require(
        top, diags, "accounts",
        "add accounts: {pattern: \"1{n:04}\", password: secret} or accounts: {csv: accounts.csv}");
    require(top, diags, "phone",
            "add the per-phone script, e.g. phone: [register, {think: 30s}, unregister]");
    st.valid.accounts = st.valid.accounts && top.get("accounts") != nullptr;
    if (o != nullptr && !diags.has_errors()) {
        detail::apply_override_values(s, *o, diags);
    }
    detail::check_scenario(s, diags, st.valid);
    if (diags.has_errors()) {
        return core::unexpected{diags.take()};
    }
    return s;
}

}  // namespace

std::string_view to_string(contract_profile p) noexcept {
    return profile_names[static_cast<std::size_t>(p)];
}

std::optional<contract_profile> parse_contract_profile(std::string_view text) noexcept {
    for (std::size_t i = 0; i < profile_names.size(); ++i) {
        if (profile_names[i] == text) {
            return static_cast<contract_profile>(i);
        }
    }
    return std::nullopt;
}

std::span<const std::string_view> contract_profile_names() noexcept {
    return profile_names;
}

core::duration load_profile::stages_total() const noexcept {
    core::duration total{};
    for (const stage& s : stages) {
        total += s.duration;
    }
    return total;
}

namespace {

load_result load_file(const std::string& path, const overrides* o) {
    auto text = detail::read_whole_file(path);
    if (!text) {
        return core::unexpected{std::vector<diagnostic>{
            diagnostic{path, 0, 0, "cannot read the scenario: " + text.error(), "check the path"}}};
    }
    return compile(*text, path, o);
}

}  // namespace

load_result load_scenario_file(const std::string& path) {
    return load_file(path, nullptr);
}

load_result load_scenario_file(const std::string& path, const overrides& o) {
    return load_file(path, &o);
}

load_result load_scenario_text(std::string_view text, std::string_view name_for_errors) {
    return compile(text, std::string(name_for_errors), nullptr);
}

}  // namespace ringstorm::scenario
