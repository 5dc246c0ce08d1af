#pragma once
// "Did you mean ...?" for misspelt keys, steps, events and metrics.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ringstorm::scenario {

// The candidate closest to `word` by edit distance (insertions, deletions, substitutions
// and adjacent transpositions, case-insensitive), if it is close enough to be a likely
// typo: at most 1 edit for short words, about a third of the length for longer ones.
std::optional<std::string_view> closest_name(std::string_view word,
                                             std::span<const std::string_view> candidates);

// " (did you mean 'x'?)" or "" when nothing is close: ready to append to a message.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

// "a, b or c": the candidates for a hint.
std::string one_of(std::span<const std::string_view> candidates);

}  // namespace ringstorm::scenario
