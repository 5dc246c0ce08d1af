#pragma once
// Command-line options that override the scenario (interface.md: "all also settable in the
// scenario; the command line wins"). Values are the text the user typed, so they are
// checked with the same rules and messages as the file.

#include <optional>
#include <string>

#include "engine/scenario/scenario.hpp"

namespace ringstorm::scenario {

struct overrides {
    std::optional<std::string> phones;        // --phones N
    std::optional<std::string> rate;          // --rate R (replaces the scenario's stages)
    std::optional<std::string> duration;      // --duration D
    std::optional<std::string> target;        // --target URL
    std::optional<std::string> contract;      // --contract NAME
    std::optional<std::string> threads;       // --threads N
    std::optional<std::string> accounts;      // --accounts PATTERN (replaces a CSV source)
    std::optional<std::string> password;      // --password P
    std::optional<std::string> accounts_csv;  // --accounts-csv FILE, relative to the cwd
    std::optional<std::string> sipdomain;     // --sipdomain D
    bool insecure = false;                    // --insecure (drops the scenario's `ca`)
    std::optional<std::string> ca;            // --ca FILE (drops the scenario's `insecure`)
};

// The scenario with the overrides applied and every cross-field rule checked again (a
// `--duration` can make a loop finite; `--phones` can exceed a CSV). Errors about options
// name the file "command line" and the option.
load_result apply_overrides(const scenario& base, const overrides& o);

// Loads a scenario file with the overrides applied before the cross-field rules run, so a
// `--duration` can end a loop the file leaves open (`ringstorm run` uses this). Errors
// name the file and line, or "command line" and the option.
load_result load_scenario_file(const std::string& path, const overrides& o);

}  // namespace ringstorm::scenario
