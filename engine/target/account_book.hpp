#pragma once
// Who may register at the embedded target: the digest user name of a REGISTER looked up
// in the accounts the target was given (the same pattern or CSV the phones use). Built
// once at start-up and shared read-only by every worker.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/scenario/accounts.hpp"

namespace ringstorm::target {

class account_book {
public:
    // An empty book (capacity 0) knows nobody: every REGISTER is refused.
    account_book() = default;
    // Indexes a CSV source by user name; a pattern source is matched on demand.
    explicit account_book(scenario::account_source source);

    // The account whose digest user name is `user_name`, or nullopt. For a pattern the
    // name is inverted: `1{n:04}` knows "10042" as n = 42 when n >= first.
    std::optional<scenario::account> find(std::string_view user_name) const;

private:
    std::optional<std::uint64_t> pattern_index(std::string_view user_name) const;

    scenario::account_source source_;
    std::unordered_map<std::string, std::uint64_t> by_name_;  // CSV: userName -> row
};

}  // namespace ringstorm::target
