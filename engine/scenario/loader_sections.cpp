// The `target`, `accounts`, `load` and `thresholds` sections.
#include <algorithm>
#include <array>

#include "engine/scenario/load_context.hpp"

namespace ringstorm::scenario::detail {
namespace {

constexpr std::array<std::string_view, 6> target_keys{"url",       "insecure", "ca",
                                                      "sipdomain", "calls",    "media"};
constexpr std::array<std::string_view, 5> account_keys{"pattern", "password", "first", "tabs",
                                                       "csv"};
constexpr std::array<std::string_view, 5> load_keys{"phones", "rate", "duration", "stages",
                                                    "threads"};
constexpr std::array<std::string_view, 2> stage_keys{"duration", "target"};

constexpr std::uint64_t max_phones = 10'000'000;
constexpr std::uint64_t max_threads = 1024;
constexpr std::uint64_t max_tabs = 32;
constexpr std::uint64_t max_first = 1'000'000'000'000'000;  // n stays far from uint64 overflow

void load_url(load_state& st, const field& f) {
    auto text = read_text(st.diags, f);
    if (!text) {
        return;
    }
    auto url = parse_target_url(*text);
    if (!url) {
        st.diags.error(f.at_offset(url.error().offset), f.path + ": " + url.error().message,
                       url.error().hint);
        return;
    }
    st.out.target.url = std::move(*url);
    st.out.target.url_at = f.value_at;
}

void load_ca(load_state& st, const field& f) {
    auto text = read_text(st.diags, f);
    if (!text) {
        return;
    }
    const std::string path = resolve_path(st.base_dir, *text);
    auto contents = read_whole_file(path);
    if (!contents) {
        st.diags.error(f.value_at, "cannot read CA file '" + path + "': " + contents.error(),
                       "a relative path starts from the scenario file's directory");
        return;
    }
    st.out.target.ca = path;
    st.out.target.ca_at = f.value_at;
}

void load_sipdomain(load_state& st, const field& f) {
    auto text = read_text(st.diags, f);
    if (!text) {
        return;
    }
    auto domain = parse_sip_domain(*text);
    if (!domain) {
        st.diags.error(f.at_offset(domain.error().offset), f.path + ": " + domain.error().message,
                       domain.error().hint);
        return;
    }
    st.out.target.sipdomain = std::move(*domain);
    st.out.target.sipdomain_at = f.value_at;
}

// Reads a name template field, reporting errors at the offending character.
std::optional<name_template> read_template(load_state& st, const field& f, bool user_name) {
    auto text = read_text(st.diags, f);
    if (!text) {
        return std::nullopt;
    }
    auto t = name_template::parse(*text, user_name, user_name);
    if (!t) {
        st.diags.error(f.at_offset(t.error().offset), f.path + ": " + t.error().message,
                       t.error().hint);
        return std::nullopt;
    }
    return std::move(*t);
}

void load_pattern_source(load_state& st, const field_map& m, const field& pattern_field) {
    auto pattern = read_template(st, pattern_field, true);
    const field* password_field = m.get("password");
    if (password_field == nullptr) {
        st.diags.error(pattern_field.key_at, "accounts.pattern needs accounts.password",
                       "add e.g. password: secret (it may use {n} too)");
        return;
    }
    auto password = read_template(st, *password_field, false);
    std::uint64_t first = 1;
    if (const field* f = m.get("first")) {
        first = read_count(st.diags, *f, 0, max_first).value_or(first);
    }
    if (pattern && password) {
        st.out.accounts.source = account_source(std::move(*pattern), std::move(*password), first);
        st.out.accounts.source_at = pattern_field.key_at;
    }
}

void load_csv_source(load_state& st, const field_map& m, const field& csv_field) {
    for (std::string_view key : {"password", "first"}) {
        if (const field* f = m.get(key)) {
            st.diags.error(f->key_at,
                           "accounts." + std::string(key) + " goes with accounts.pattern, not csv",
                           "the CSV's secret column holds the passwords; remove this line");
        }
    }
    auto text = read_text(st.diags, csv_field);
    if (!text) {
        return;
    }
    auto source = load_csv_accounts(st.diags, resolve_path(st.base_dir, *text), csv_field.value_at);
    if (source) {
        st.out.accounts.source = std::move(*source);
        st.out.accounts.source_at = csv_field.key_at;
    }
}

bool load_stage(load_state& st, const YAML::Node& item, std::size_t index,
                source_location fallback) {
    const field self = field_of(item, "load.stages[" + std::to_string(index) + "]", fallback);
    const field_map m(st.diags, self, stage_keys);
    if (!m.is_map()) {
        return false;
    }
    stage s;
    s.where = self.value_at;
    const field* duration = m.get("duration");
    const field* target = m.get("target");
    if (duration == nullptr || target == nullptr) {
        st.diags.error(self.value_at, self.path + " needs both duration and target",
                       "write e.g. {duration: 30s, target: 1000}");
    }
    auto d = duration != nullptr ? read_duration(st.diags, *duration, true) : std::nullopt;
    auto t = target != nullptr ? read_count(st.diags, *target, 0, max_phones) : std::nullopt;
    if (!d || !t) {
        return false;
    }
    s.duration = *d;
    s.target = *t;
    st.out.load.stages.push_back(s);
    return true;
}

void load_stages(load_state& st, const field& f) {
    if (!f.value.IsSequence() || f.value.size() == 0) {
        st.diags.error(
            f.value_at, "load.stages must be a non-empty list, found " + describe(f.value),
            "write e.g. stages: [{duration: 30s, target: 1000}, {duration: 5m, target: 1000}]");
        return;
    }
    std::size_t index = 0;
    bool all = true;
    for (const auto& item : f.value) {
        all = load_stage(st, item, index++, f.value_at) && all;
    }
    st.out.load.stages_at = f.key_at;
    if (!all) {
        return;
    }
    std::uint64_t peak = 0;
    for (const stage& s : st.out.load.stages) {
        peak = std::max(peak, s.target);
    }
    if (peak == 0) {
        st.diags.error(f.value_at, "load.stages never start a phone: every target is 0",
                       "give a stage a target above 0");
    } else if (st.out.load.stages_total().count() == 0) {
        st.diags.error(f.value_at, "load.stages last 0s in total", "give the stages durations");
    }
}

}  // namespace

void load_target(load_state& st, const field& f) {
    if (f.value.IsScalar()) {
        load_url(st,
                 field{f.path + ".url", f.value, f.key_at, f.value_at, f.quoted});  // target: URL
        return;
    }
    const field_map m(st.diags, f, target_keys);
    if (const field* url = m.get("url")) {
        load_url(st, *url);
    }
    if (const field* insecure = m.get("insecure")) {
        st.out.target.insecure = read_bool(st.diags, *insecure).value_or(false);
        st.out.target.insecure_at = insecure->value_at;
    }
    if (const field* ca = m.get("ca")) {
        load_ca(st, *ca);
    }
    if (const field* domain = m.get("sipdomain")) {
        load_sipdomain(st, *domain);
    }
    if (const field* calls = m.get("calls")) {
        load_target_calls(st, *calls);
    }
    if (const field* media = m.get("media")) {
        load_target_media(st, *media);
    }
}

void load_accounts(load_state& st, const field& f) {
    const field_map m(st.diags, f, account_keys);
    if (!m.is_map()) {
        return;
    }
    if (const field* tabs = m.get("tabs")) {
        st.out.accounts.tabs =
            static_cast<std::uint32_t>(read_count(st.diags, *tabs, 1, max_tabs).value_or(1));
    }
    const field* pattern = m.get("pattern");
    const field* csv = m.get("csv");
    if (pattern != nullptr && csv != nullptr) {
        const field* later = pattern->key_at.line > csv->key_at.line ? pattern : csv;
        st.diags.error(
            later->key_at, "accounts has both pattern and csv",
            "keep one: pattern (with password) names accounts by number, csv lists them");
        return;
    }
    if (pattern != nullptr) {
        load_pattern_source(st, m, *pattern);
    } else if (csv != nullptr) {
        load_csv_source(st, m, *csv);
    } else {
        st.diags.error(f.key_at, "accounts has no source: give pattern and password, or csv",
                       "e.g. accounts: {pattern: \"1{n:04}\", password: secret} or accounts: {csv: "
                       "accounts.csv}");
    }
}

void load_load(load_state& st, const field& f) {
    const field_map m(st.diags, f, load_keys);
    load_profile& load = st.out.load;
    if (const field* phones = m.get("phones")) {
        load.phones = read_count(st.diags, *phones, 1, max_phones).value_or(load.phones);
        load.phones_at = phones->value_at;
    }
    if (const field* rate = m.get("rate")) {
        load.rate = read_rate(st.diags, *rate);
        load.rate_at = rate->value_at;
    }
    if (const field* duration = m.get("duration")) {
        load.duration = read_duration(st.diags, *duration, false);
        load.duration_at = duration->value_at;
    }
    if (const field* threads = m.get("threads")) {
        load.threads =
            static_cast<std::uint32_t>(read_count(st.diags, *threads, 1, max_threads).value_or(1));
        load.threads_at = threads->value_at;
    }
    const field* stages = m.get("stages");
    const field* rate = m.get("rate");
    if (stages != nullptr && rate != nullptr) {
        const field* later = stages->key_at.line > rate->key_at.line ? stages : rate;
        st.diags.error(
            later->key_at, "load has both rate and stages",
            "keep one: rate starts phones at a steady pace, stages ramp the active phones");
        return;
    }
    if (stages != nullptr) {
        load_stages(st, *stages);
        if (!load.duration && !load.stages.empty()) {
            load.duration = load.stages_total();  // the run lasts as long as its stages
        }
        if (!load.phones_at.known()) {
            for (const stage& s : load.stages) {
                load.phones = std::max(load.phones, s.target);
            }
        }
    }
}

void load_thresholds(load_state& st, const field& f) {
    if (!f.value.IsSequence()) {
        st.diags.error(
            f.value_at, "thresholds must be a list, found " + describe(f.value),
            "write e.g. thresholds: [\"register.p99 < 0.2\", \"contract.violations == 0\"]");
        return;
    }
    std::size_t index = 0;
    for (const auto& item : f.value) {
        const field entry =
            field_of(item, "thresholds[" + std::to_string(index++) + "]", f.value_at);
        auto text = read_text(st.diags, entry);
        if (!text) {
            continue;
        }
        auto t = parse_threshold(*text);
        if (!t) {
            st.diags.error(entry.at_offset(t.error().offset),
                           "threshold '" + *text + "': " + t.error().message, t.error().hint);
            continue;
        }
        t->where = entry.value_at;
        st.out.thresholds.push_back(std::move(*t));
    }
}

}  // namespace ringstorm::scenario::detail
