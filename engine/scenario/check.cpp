// Rules that span sections. They run after loading and again after command-line
// overrides, so each names the option when a value came from the command line.
#include <algorithm>

#include "engine/scenario/load_context.hpp"

namespace ringstorm::scenario::detail {
namespace {

std::string at_text(source_location at) {
    return std::to_string(at.line) + ":" + std::to_string(at.column);
}

// Reports about a value that may come from the file (`at` known) or the command line.
void report_value(sink& diags, source_location at, std::string_view file_name,
                  std::string_view option, const std::string& message, std::string hint) {
    if (at.known()) {
        diags.error(at, std::string(file_name) + " " + message, std::move(hint));
    } else {
        diags.error_in(std::string(command_line), 0, 0, std::string(option) + " " + message,
                       std::move(hint), at);
    }
}

bool runs_until_end(const step& s) {
    const auto* loop = std::get_if<loop_step>(&s.action);
    return loop != nullptr && loop->end == loop_end::run_end;
}

// Visits every step, depth first, with the depth (0 = the top-level script).
template <class Visit>
void walk(const block& steps, int depth, const Visit& visit) {
    for (const step& s : steps) {
        visit(s, depth);
        if (const auto* r = std::get_if<repeat_step>(&s.action)) {
            walk(r->steps, depth + 1, visit);
        } else if (const auto* l = std::get_if<loop_step>(&s.action)) {
            walk(l->steps, depth + 1, visit);
        }
    }
}

// When the run ends a phone leaves every loop and repeat it is in and goes on with the
// top-level steps after them (its wind-down), where loops no longer run. So inside a
// nested block nothing after a run-long loop is ever reached, and at the top level no
// loop after one ever runs.
void check_reachability(const block& steps, bool top_level, sink& diags) {
    const step* run_long = nullptr;
    for (const step& s : steps) {
        if (run_long != nullptr && (!top_level || std::holds_alternative<loop_step>(s.action))) {
            diags.error(s.where,
                        top_level
                            ? "this loop never runs: the loop at " + at_text(run_long->where) +
                                  " runs until the run ends, and loops do not run after that"
                            : "unreachable step: the loop at " + at_text(run_long->where) +
                                  " runs until the run ends, which leaves the enclosing " +
                                  "repeat or loop",
                        "give the earlier loop an end (until: 5m or for: 1m), or move this step "
                        "after it at "
                        "the top level");
            return;  // one report per block: the rest follows from the same cause
        }
        if (const auto* r = std::get_if<repeat_step>(&s.action)) {
            check_reachability(r->steps, false, diags);
        } else if (const auto* l = std::get_if<loop_step>(&s.action)) {
            check_reachability(l->steps, false, diags);
        }
        if (runs_until_end(s) && run_long == nullptr) {
            run_long = &s;
        }
    }
}

void check_expect(const scenario& s, sink& diags, const section_validity& valid, const step& st,
                  const expect_step& expect) {
    if (valid.contract && s.contract == contract_profile::exotel_web_sdk_2_0_5 &&
        expect.event.callback != callback_kind::session_event &&
        expect.event.name == "terminated") {
        const bool call = expect.event.callback == callback_kind::call_event;
        diags.error(
            st.where,
            "expect '" + written_name(expect.event) +
                "' never passes under contract exotel-web-sdk-2.0.5: that SDK never emits it",
            call ? "expect call:callEnded instead, or use contract: documented"
                 : "expect unregistered instead, or use contract: documented");
    }
    if (valid.accounts && expect.event.callback == callback_kind::session_event &&
        s.accounts.tabs < 2) {
        diags.error(st.where,
                    "expect '" + written_name(expect.event) +
                        "' never passes with one tab: session events come from the other tabs",
                    "set accounts.tabs to 2 or more, or expect a call event");
    }
}

// Call steps against the accounts and the target.
void check_call_step(const scenario& s, sink& diags, const section_validity& valid,
                     const step& st) {
    if (const auto* close = std::get_if<close_tab_step>(&st.action)) {
        if (valid.accounts && close->tab >= s.accounts.tabs) {
            diags.error(st.where,
                        "close_tab " + std::to_string(close->tab) + ": the phones have " +
                            std::to_string(s.accounts.tabs) + " tab(s), numbered from 0",
                        "close a tab from 0 to " + std::to_string(s.accounts.tabs - 1) +
                            ", or raise accounts.tabs");
        }
    }
    if (const auto* call = std::get_if<call_step>(&st.action)) {
        if (valid.target && !s.target.url) {
            diags.error(st.where,
                        "call needs a target that routes calls between users (a proxy such as "
                        "Kamailio); the embedded target answers a phone's INVITE 405",
                        "give target.url (or --target), see call-proxy-caller.yaml");
        }
        if (valid.accounts && call->offset < 0) {
            const std::uint64_t lowest = s.accounts.source.number(0);
            if (static_cast<std::uint64_t>(-call->offset) > lowest) {
                diags.error(st.where,
                            "call offset " + std::to_string(call->offset) + " makes phone " +
                                std::to_string(lowest) + " call a negative number",
                            "raise the offset to at least -" + std::to_string(lowest));
            }
        }
    }
    if (std::holds_alternative<wait_call_step>(st.action) && valid.target && !s.target.url &&
        !s.target.calls) {
        diags.error(st.where,
                    "wait_call never passes: the embedded target places no calls without "
                    "target.calls",
                    "add e.g. target: {calls: {after: 1s, talk_time: 5s}}, or give target.url");
    }
}

void check_steps(const scenario& s, sink& diags, const section_validity& valid) {
    check_reachability(s.phone, true, diags);
    walk(s.phone, 0, [&](const step& st, int) {
        if (runs_until_end(st) && !s.load.duration && valid.load) {
            diags.error(st.where,
                        "this loop never ends: it has no until or for, and the run has no duration",
                        "add until: 5m or for: 1m to the loop, or duration: 5m under load");
        }
        if (const auto* expect = std::get_if<expect_step>(&st.action)) {
            check_expect(s, diags, valid, st, *expect);
        }
        check_call_step(s, diags, valid, st);
    });
}

void check_load(const scenario& s, sink& diags) {
    const load_profile& load = s.load;
    if (!load.stages.empty()) {
        std::uint64_t peak = 0;
        for (const stage& st : load.stages) {
            peak = std::max(peak, st.target);
        }
        if (load.phones < peak) {
            report_value(diags, load.phones_at, "load.phones", "--phones",
                         std::to_string(load.phones) + " is fewer than the stages' peak target " +
                             std::to_string(peak),
                         "raise phones to at least " + std::to_string(peak) + ", or leave it out");
        }
        if (load.duration && *load.duration < load.stages_total()) {
            report_value(
                diags, load.duration_at, "load.duration", "--duration",
                core::format_duration(*load.duration) + " is shorter than the stages (" +
                    core::format_duration(load.stages_total()) + ")",
                "leave duration out: the stages set it; a longer duration holds the last target");
        }
    }
}

void check_accounts(const scenario& s, sink& diags) {
    const auto capacity = s.accounts.source.capacity();
    if (capacity && *capacity < s.load.phones) {
        report_value(diags, s.load.phones_at, "load.phones", "--phones",
                     std::to_string(s.load.phones) + " is more than the " +
                         std::to_string(*capacity) + " accounts in " + s.accounts.source.csv_path(),
                     "add rows to the CSV, or lower phones to " + std::to_string(*capacity));
    }
}

void check_target(const scenario& s, sink& diags) {
    const target_config& t = s.target;
    if (t.insecure && !t.ca.empty()) {
        const source_location at = t.ca_at.line > t.insecure_at.line ? t.ca_at : t.insecure_at;
        report_value(
            diags, at, "target:", "--insecure/--ca:",
            "both insecure and ca are set: insecure skips verification, so the CA would be unused",
            "keep ca to verify against it, or insecure to skip verification");
    }
}

}  // namespace

void check_scenario(const scenario& s, sink& diags, const section_validity& valid) {
    if (valid.phone) {
        check_steps(s, diags, valid);
    }
    if (valid.load) {
        check_load(s, diags);
    }
    if (valid.load && valid.accounts) {
        check_accounts(s, diags);
    }
    if (valid.target) {
        check_target(s, diags);
    }
}

}  // namespace ringstorm::scenario::detail
