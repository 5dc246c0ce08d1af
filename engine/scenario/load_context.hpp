#pragma once
// Internal to the loader (not included by public headers, so yaml-cpp stays out of them):
// collecting located diagnostics and reading typed values out of yaml-cpp nodes.

#include <yaml-cpp/yaml.h>

#include "engine/scenario/overrides.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/duration.hpp"
#include "engine/core/result.hpp"
#include "engine/scenario/diagnostic.hpp"
#include "engine/scenario/scenario.hpp"

namespace ringstorm::scenario::detail {

inline constexpr std::string_view command_line = "command line";

// Collects diagnostics like a compiler: all of them, reported in file order.
class sink {
public:
    explicit sink(std::string file) : file_(std::move(file)) {}

    const std::string& file() const noexcept { return file_; }
    // An error at `at` in the scenario file; at line 0 it concerns the file as a whole.
    void error(source_location at, std::string message, std::string hint = {});
    // An error in another file (a CSV) or on the command line, ordered as if at `anchor`.
    void error_in(std::string file, std::uint32_t line, std::uint32_t column, std::string message,
                  std::string hint, source_location anchor);
    bool has_errors() const noexcept { return !entries_.empty(); }
    std::size_t count() const noexcept { return entries_.size(); }
    // The diagnostics, stably sorted by where they were anchored in the scenario.
    std::vector<diagnostic> take();

private:
    struct entry {
        source_location anchor;
        diagnostic d;
    };
    std::string file_;
    std::vector<entry> entries_;
};

source_location location_of(const YAML::Mark& mark) noexcept;
// "a map", "a list", "nothing", or the scalar quoted: for "expected X, found Y".
std::string describe(const YAML::Node& node);

// One `key: value` of a mapping, with where both were written.
struct field {
    std::string path;  // "load.phones": how messages name it
    YAML::Node value;
    source_location key_at;
    source_location value_at;  // key_at when the value is empty (yaml-cpp gives no mark)
    bool quoted = false;       // a quoted scalar: text offsets start one column later

    // Where byte `offset` of the scalar value is (for errors inside URLs, patterns, ...).
    source_location at_offset(std::size_t offset) const noexcept;
};

// A mapping whose keys are checked against the known ones: unknown keys (with the closest
// known one), repeated keys, and a non-map value are reported once, here.
class field_map {
public:
    field_map(sink& diags, const field& self, std::span<const std::string_view> known);
    bool is_map() const noexcept { return is_map_; }
    const field* get(std::string_view key) const noexcept;
    const std::vector<field>& fields() const noexcept { return fields_; }

private:
    std::vector<field> fields_;
    bool is_map_ = false;
};

// A field for a whole document or a list item (no key).
field field_of(const YAML::Node& node, std::string path, source_location fallback);

// Problems with a value as text, shared by the file and the command-line overrides.
struct problem {
    std::string message;
    std::string hint;
};
core::result<std::uint64_t, problem> parse_count(std::string_view text, std::string_view what,
                                                 std::uint64_t min, std::uint64_t max);
core::result<double, problem> parse_rate(std::string_view text, std::string_view what);
core::result<core::duration, problem> parse_duration_value(std::string_view text,
                                                           std::string_view what, bool allow_zero);

// Typed readers: on a wrong type or value they report at the value and return nullopt.
std::optional<std::string> read_text(sink& diags, const field& f);
std::optional<std::uint64_t> read_count(sink& diags, const field& f, std::uint64_t min,
                                        std::uint64_t max);
std::optional<double> read_rate(sink& diags, const field& f);
std::optional<core::duration> read_duration(sink& diags, const field& f, bool allow_zero);
std::optional<bool> read_bool(sink& diags, const field& f);

// `path` relative to `base_dir` unless absolute or base_dir is empty.
std::string resolve_path(const std::string& base_dir, const std::string& path);
// The directory part of a path ("" for a bare name).
std::string parent_dir(std::string_view path);
// The whole file, or why it cannot be read.
core::result<std::string, std::string> read_whole_file(const std::string& path);

// Loads a CSV account file; reports its errors located in the CSV, anchored at `anchor`.
std::optional<account_source> load_csv_accounts(sink& diags, const std::string& path,
                                                source_location anchor);

// Which sections loaded cleanly: rules across sections only look at those, so one
// mistake is not reported again as a consequence elsewhere.
struct section_validity {
    bool target = true;
    bool accounts = true;
    bool load = true;
    bool contract = true;
    bool phone = true;
};

// The sections of a scenario file (loader_sections.cpp, step_loader.cpp).
struct load_state {
    sink& diags;
    std::string base_dir;  // relative paths in the file start here
    scenario& out;
    section_validity valid;
};
void load_target(load_state& st, const field& f);
void load_target_calls(load_state& st, const field& f);  // target.calls (target_calls.cpp)
void load_target_media(load_state& st, const field& f);  // target.media (media_section.cpp)
void load_media(load_state& st, const field& f);         // media (media_section.cpp)
void load_accounts(load_state& st, const field& f);
void load_load(load_state& st, const field& f);
void load_thresholds(load_state& st, const field& f);
void load_phone(load_state& st, const field& f);

// Rules across sections, run after loading and again after overrides (check.cpp).
// Applies command-line overrides to `s`, reporting bad option values into `diags`.
void apply_override_values(scenario& s, const overrides& o, sink& diags);

void check_scenario(const scenario& s, sink& diags, const section_validity& valid);

}  // namespace ringstorm::scenario::detail
