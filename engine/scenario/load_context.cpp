#include "engine/scenario/load_context.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "engine/scenario/suggest.hpp"

namespace ringstorm::scenario::detail {

void sink::error(source_location at, std::string message, std::string hint) {
    entries_.push_back(
        {at, diagnostic{file_, at.line, at.column, std::move(message), std::move(hint)}});
}

void sink::error_in(std::string file, std::uint32_t line, std::uint32_t column, std::string message,
                    std::string hint, source_location anchor) {
    entries_.push_back(
        {anchor, diagnostic{std::move(file), line, column, std::move(message), std::move(hint)}});
}

std::vector<diagnostic> sink::take() {
    std::stable_sort(entries_.begin(), entries_.end(), [](const entry& a, const entry& b) {
        return a.anchor.line != b.anchor.line ? a.anchor.line < b.anchor.line
                                              : a.anchor.column < b.anchor.column;
    });
    std::vector<diagnostic> out;
    out.reserve(entries_.size());
    std::set<std::tuple<std::string, std::uint32_t, std::uint32_t, std::string>> seen;
    for (entry& e : entries_) {
        // A YAML alias (*name) repeats its node wherever it is used; its error is one error.
        if (seen.emplace(e.d.file, e.d.line, e.d.column, e.d.message).second) {
            out.push_back(std::move(e.d));
        }
    }
    entries_.clear();
    return out;
}

source_location location_of(const YAML::Mark& mark) noexcept {
    if (mark.line < 0 || mark.column < 0) {
        return {};
    }
    return {static_cast<std::uint32_t>(mark.line) + 1, static_cast<std::uint32_t>(mark.column) + 1};
}

std::string describe(const YAML::Node& node) {
    if (!node.IsDefined() || node.IsNull()) {
        return "nothing";
    }
    if (node.IsMap()) {
        return "a map";
    }
    if (node.IsSequence()) {
        return "a list";
    }
    const std::string& text = node.Scalar();
    return "'" + (text.size() > 40 ? text.substr(0, 37) + "..." : text) + "'";
}

source_location field::at_offset(std::size_t offset) const noexcept {
    if (!value_at.known()) {
        return value_at;
    }
    return {value_at.line,
            value_at.column + static_cast<std::uint32_t>(offset) + (quoted ? 1U : 0U)};
}

field field_of(const YAML::Node& node, std::string path, source_location fallback) {
    field f;
    f.path = std::move(path);
    f.value = node;
    f.key_at = fallback;
    const bool empty = !node.IsDefined() || node.IsNull();
    f.value_at = empty ? fallback : location_of(node.Mark());
    if (!f.value_at.known()) {
        f.value_at = fallback;
    }
    f.quoted = node.IsDefined() && node.IsScalar() && node.Tag() == "!";
    return f;
}

field_map::field_map(sink& diags, const field& self, std::span<const std::string_view> known) {
    const std::string where = self.path.empty() ? "at the top level" : "in " + self.path;
    if (!self.value.IsDefined() || !self.value.IsMap()) {
        diags.error(self.value_at,
                    (self.path.empty() ? std::string("the scenario") : self.path) +
                        " must be a map of `key: value` lines, found " + describe(self.value),
                    "known keys " + where + ": " + one_of(known));
        return;
    }
    is_map_ = true;
    for (const auto& pair : self.value) {
        const source_location key_at = location_of(pair.first.Mark());
        if (!pair.first.IsScalar()) {
            diags.error(key_at,
                        "a key " + where + " must be a name, found " + describe(pair.first));
            continue;
        }
        const std::string& name = pair.first.Scalar();
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            diags.error(key_at, "unknown key '" + name + "' " + where + did_you_mean(name, known),
                        "known keys " + where + ": " + one_of(known));
            continue;
        }
        if (const field* first = get(name)) {
            diags.error(key_at,
                        "'" + name + "' appears twice " + where + " (first at line " +
                            std::to_string(first->key_at.line) + ")",
                        "keep one of them");
            continue;
        }
        field f = field_of(pair.second, self.path.empty() ? name : self.path + "." + name, key_at);
        fields_.push_back(std::move(f));
    }
}

const field* field_map::get(std::string_view key) const noexcept {
    for (const field& f : fields_) {
        const std::size_t dot = f.path.rfind('.');
        const std::string_view name = dot == std::string::npos
                                          ? std::string_view(f.path)
                                          : std::string_view(f.path).substr(dot + 1);
        if (name == key) {
            return &f;
        }
    }
    return nullptr;
}

core::result<std::uint64_t, problem> parse_count(std::string_view text, std::string_view what,
                                                 std::uint64_t min, std::uint64_t max) {
    const std::string range =
        "write a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    std::uint64_t value = 0;
    const bool negative = !text.empty() && text.front() == '-';
    const std::string_view digits = negative ? text.substr(1) : text;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    const bool whole = !digits.empty() && end == digits.data() + digits.size();
    if (whole && negative) {
        return core::unexpected{
            problem{std::string(what) + " is negative (" + std::string(text) + ")", range}};
    }
    if (!whole || (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
        return core::unexpected{problem{
            std::string(what) + " must be a whole number, not '" + std::string(text) + "'", range}};
    }
    if (ec == std::errc::result_out_of_range || value < min || value > max) {
        return core::unexpected{
            problem{std::string(what) + " " + std::string(text) + " is out of range", range}};
    }
    return value;
}

core::result<double, problem> parse_rate(std::string_view text, std::string_view what) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    const std::string hint = "write a number of phones per second greater than 0, e.g. 200 or 0.5";
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
        !std::isfinite(value)) {
        return core::unexpected{problem{
            std::string(what) + " must be a number, not '" + std::string(text) + "'", hint}};
    }
    if (value <= 0 || value > 1e6) {
        return core::unexpected{problem{std::string(what) + " " + std::string(text) +
                                            (value < 0 ? " is negative" : " is out of range"),
                                        hint}};
    }
    return value;
}

core::result<core::duration, problem> parse_duration_value(std::string_view text,
                                                           std::string_view what, bool allow_zero) {
    auto d = core::parse_duration(text);
    if (!d) {
        return core::unexpected{problem{
            "bad duration '" + std::string(text) + "' for " + std::string(what) + ": " + d.error(),
            "write e.g. 90s, 5m, 1h30m or 250ms"}};
    }
    if (!allow_zero && d->count() == 0) {
        return core::unexpected{
            problem{std::string(what) + " must be longer than 0", "write e.g. 5s"}};
    }
    return *d;
}

namespace {

// The scalar text of `f`, or a report that it is not one.
const std::string* scalar_of(sink& diags, const field& f, std::string_view expected) {
    if (!f.value.IsDefined() || !f.value.IsScalar()) {
        diags.error(f.value_at,
                    f.path + " must be " + std::string(expected) + ", found " + describe(f.value));
        return nullptr;
    }
    return &f.value.Scalar();
}

template <class T>
std::optional<T> report(sink& diags, const field& f, core::result<T, problem> r) {
    if (!r) {
        diags.error(f.value_at, r.error().message, r.error().hint);
        return std::nullopt;
    }
    return *r;
}

}  // namespace

std::optional<std::string> read_text(sink& diags, const field& f) {
    const std::string* text = scalar_of(diags, f, "text");
    return text == nullptr ? std::nullopt : std::optional<std::string>(*text);
}

std::optional<std::uint64_t> read_count(sink& diags, const field& f, std::uint64_t min,
                                        std::uint64_t max) {
    const std::string* text = scalar_of(diags, f, "a whole number");
    return text == nullptr ? std::nullopt : report(diags, f, parse_count(*text, f.path, min, max));
}

std::optional<double> read_rate(sink& diags, const field& f) {
    const std::string* text = scalar_of(diags, f, "a number");
    return text == nullptr ? std::nullopt : report(diags, f, parse_rate(*text, f.path));
}

std::optional<core::duration> read_duration(sink& diags, const field& f, bool allow_zero) {
    const std::string* text = scalar_of(diags, f, "a duration such as 30s or 5m");
    return text == nullptr ? std::nullopt
                           : report(diags, f, parse_duration_value(*text, f.path, allow_zero));
}

std::optional<bool> read_bool(sink& diags, const field& f) {
    const std::string* text = scalar_of(diags, f, "true or false");
    bool value = false;
    if (text != nullptr && !YAML::convert<bool>::decode(f.value, value)) {
        diags.error(f.value_at, f.path + " must be true or false, not '" + *text + "'");
        return std::nullopt;
    }
    return text == nullptr ? std::nullopt : std::optional<bool>(value);
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
    if (base_dir.empty() || path.empty() || path.front() == '/') {
        return path;
    }
    return base_dir + "/" + path;
}

std::string parent_dir(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string_view::npos) {
        return {};
    }
    return slash == 0 ? "/" : std::string(path.substr(0, slash));
}

core::result<std::string, std::string> read_whole_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        return core::unexpected{std::string("it is a directory")};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return core::unexpected{std::string(std::strerror(errno))};
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return core::unexpected{std::string("read error")};
    }
    return std::move(text).str();
}

std::optional<account_source> load_csv_accounts(sink& diags, const std::string& path,
                                                source_location anchor) {
    auto text = read_whole_file(path);
    if (!text) {
        const std::string message = "cannot read accounts CSV '" + path + "': " + text.error();
        const std::string hint = "a relative path starts from the scenario file's directory";
        if (anchor.known()) {
            diags.error(anchor, message, hint);
        } else {
            diags.error_in(std::string(command_line), 0, 0, "--accounts-csv: " + message, {},
                           anchor);
        }
        return std::nullopt;
    }
    auto rows = parse_accounts_csv(*text);
    if (!rows) {
        for (const csv_error& e : rows.error()) {
            diags.error_in(path, e.line, e.column, e.message, {}, anchor);
        }
        return std::nullopt;
    }
    return account_source(std::make_shared<const std::vector<account>>(std::move(*rows)), path);
}

}  // namespace ringstorm::scenario::detail
