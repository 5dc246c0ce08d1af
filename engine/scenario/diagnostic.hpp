#pragma once
// Located errors of a scenario: what a compiler would print, so `ringstorm validate`
// can list every problem of a file at once and an editor can jump to each.

#include <cstdint>
#include <string>

namespace ringstorm::scenario {

// A place in the scenario file, 1-based like editors count. Line 0 means the value did
// not come from the file (a default, or the command line).
struct source_location {
    std::uint32_t line = 0;
    std::uint32_t column = 0;

    bool known() const noexcept { return line != 0; }
    friend bool operator==(const source_location&, const source_location&) = default;
};

struct diagnostic {
    std::string file;          // the scenario, a CSV it names, or "command line"
    std::uint32_t line = 0;    // 1-based; 0 when the error concerns the whole file
    std::uint32_t column = 0;  // 1-based; 0 when only the line is known
    std::string message;       // what is wrong, with the offending text quoted
    std::string hint;          // what to write instead; empty when the message says it
};

// "file:line:col: message" (line and column left out when unknown), followed by
// "\n    hint: ..." when there is a hint.
std::string to_string(const diagnostic& d);

}  // namespace ringstorm::scenario
