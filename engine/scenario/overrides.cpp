// Command-line options over a loaded scenario: the command line wins (interface.md).
#include "engine/scenario/overrides.hpp"

#include "engine/scenario/load_context.hpp"
#include "engine/scenario/suggest.hpp"

namespace ringstorm::scenario {
namespace {

using detail::command_line;
using detail::sink;

void option_error(sink& diags, std::string_view option, const std::string& message,
                  std::string hint = {}) {
    diags.error_in(std::string(command_line), 0, 0, std::string(option) + ": " + message,
                   std::move(hint), {});
}

template <class T>
std::optional<T> take(sink& diags, std::string_view option, core::result<T, detail::problem> r) {
    if (!r) {
        option_error(diags, option, r.error().message, r.error().hint);
        return std::nullopt;
    }
    return std::move(*r);
}

void apply_load(scenario& s, const overrides& o, sink& diags) {
    load_profile& load = s.load;
    if (o.phones) {
        if (auto n = take(diags, "--phones",
                          detail::parse_count(*o.phones, "the count", 1, 10'000'000))) {
            load.phones = *n;
            load.phones_at = {};
        }
    }
    if (o.rate) {
        if (auto r = take(diags, "--rate", detail::parse_rate(*o.rate, "the rate"))) {
            load.rate = *r;
            load.rate_at = {};
            load.stages.clear();  // a steady rate replaces the scenario's ramp
        }
    }
    if (o.duration) {
        if (auto d = take(diags, "--duration",
                          detail::parse_duration_value(*o.duration, "the run", false))) {
            load.duration = *d;
            load.duration_at = {};
        }
    }
    if (o.threads) {
        if (auto n =
                take(diags, "--threads", detail::parse_count(*o.threads, "the count", 1, 1024))) {
            load.threads = static_cast<std::uint32_t>(*n);
            load.threads_at = {};
        }
    }
}

void apply_accounts(scenario& s, const overrides& o, sink& diags) {
    if (o.accounts && o.accounts_csv) {
        option_error(diags, "--accounts",
                     "give either --accounts (with --password) or --accounts-csv, not both");
        return;
    }
    account_source& source = s.accounts.source;
    if (o.accounts_csv) {
        if (o.password) {
            option_error(diags, "--password",
                         "goes with --accounts; the CSV's secret column holds passwords");
        }
        if (auto csv = detail::load_csv_accounts(diags, *o.accounts_csv, {})) {
            source = std::move(*csv);
            s.accounts.source_at = {};
        }
        return;
    }
    if (!o.accounts && !o.password) {
        return;
    }
    if (!o.accounts && !source.is_pattern()) {
        option_error(diags, "--password",
                     "goes with --accounts; this scenario's accounts come from a CSV");
        return;
    }
    if (!o.password && !source.is_pattern()) {
        option_error(diags, "--accounts",
                     "needs --password (this scenario's accounts come from a CSV)");
        return;
    }
    std::optional<name_template> user = source.user_pattern();
    std::optional<name_template> password = source.password_pattern();
    if (o.accounts) {
        auto t = name_template::parse(*o.accounts, true, true);
        user = t ? std::optional(*t) : std::nullopt;
        if (!t) {
            option_error(diags, "--accounts",
                         t.error().message + " at position " + std::to_string(t.error().offset + 1),
                         t.error().hint);
        }
    }
    if (o.password) {
        auto t = name_template::parse(*o.password, false, false);
        password = t ? std::optional(*t) : std::nullopt;
        if (!t) {
            option_error(diags, "--password", t.error().message, t.error().hint);
        }
    }
    if (user && password) {
        source = account_source(*user, *password, source.is_pattern() ? source.first() : 1);
        s.accounts.source_at = {};
    }
}

void apply_target(scenario& s, const overrides& o, sink& diags) {
    target_config& t = s.target;
    if (o.target) {
        auto url = parse_target_url(*o.target);
        if (url) {
            t.url = std::move(*url);
            t.url_at = {};
        } else {
            option_error(diags, "--target", url.error().message, url.error().hint);
        }
    }
    if (o.sipdomain) {
        auto domain = parse_sip_domain(*o.sipdomain);
        if (domain) {
            t.sipdomain = std::move(*domain);
            t.sipdomain_at = {};
        } else {
            option_error(diags, "--sipdomain", domain.error().message, domain.error().hint);
        }
    }
    if (o.insecure && o.ca) {
        option_error(diags, "--insecure",
                     "and --ca contradict each other: --insecure skips verification",
                     "keep --ca to verify against it, or --insecure to skip verification");
        return;
    }
    if (o.insecure) {
        t.insecure = true;
        t.insecure_at = {};
        t.ca.clear();  // the command line wins over the scenario's CA
    }
    if (o.ca) {
        auto contents = detail::read_whole_file(*o.ca);
        if (!contents) {
            option_error(diags, "--ca", "cannot read '" + *o.ca + "': " + contents.error());
            return;
        }
        t.ca = *o.ca;
        t.ca_at = {};
        t.insecure = false;
    }
}

}  // namespace

namespace detail {

void apply_override_values(scenario& s, const overrides& o, sink& diags) {
    apply_load(s, o, diags);
    apply_accounts(s, o, diags);
    apply_target(s, o, diags);
    if (o.contract) {
        if (auto profile = parse_contract_profile(*o.contract)) {
            s.contract = *profile;
            s.contract_at = {};
        } else {
            option_error(diags, "--contract",
                         "unknown contract '" + *o.contract + "'" +
                             did_you_mean(*o.contract, contract_profile_names()),
                         "write documented or exotel-web-sdk-2.0.5");
        }
    }
}

}  // namespace detail

load_result apply_overrides(const scenario& base, const overrides& o) {
    scenario s = base;
    sink diags(s.file);
    detail::apply_override_values(s, o, diags);
    if (diags.has_errors()) {
        return core::unexpected{diags.take()};
    }
    detail::check_scenario(s, diags, detail::section_validity{});
    if (diags.has_errors()) {
        return core::unexpected{diags.take()};
    }
    return s;
}

}  // namespace ringstorm::scenario
