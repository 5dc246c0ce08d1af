#pragma once
// Internals shared by the digest_*.cpp files: the auth-param tokenizer and the hashing
// helpers. Not part of the public API.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.hpp"
#include "engine/sip/digest.hpp"

namespace ringstorm::sip::digest_detail {

// One auth-param as written: name, value with quotes removed and escapes resolved.
struct raw_param {
    std::string_view name;
    std::string value;
    bool quoted = false;
    std::size_t offset = 0;  // of the name, in the header value
};

// One challenge or credentials: `scheme` followed by auth-params or a token68.
struct raw_auth {
    std::string_view scheme;
    std::size_t offset = 0;
    std::string_view token68;  // RFC 7235 §2.1 form (Negotiate, Bearer); empty for params
    std::vector<raw_param> params;

    // The parameter by name (case-insensitive), nullptr when absent.
    const raw_param* find(std::string_view name) const noexcept;
};

// Tokenizes a header value holding one or more comma-separated challenges/credentials
// (RFC 7235 §2.1, RFC 3261 §25.1): schemes and names are tokens, values tokens or
// quoted strings with \-escapes, LWS (including CRLF folding) around every separator.
// Duplicate parameter names within one scheme are an error (RFC 7235 §2.1).
core::result<std::vector<raw_auth>, auth_error> tokenize(std::string_view value);

bool iequals(std::string_view a, std::string_view b) noexcept;

// Lower-case hex of the bytes.
std::string to_hex(const std::uint8_t* data, std::size_t size);

// A running hash of one algorithm, fed piece by piece ("a" ":" "b" without building the
// joined string).
class hasher {
public:
    explicit hasher(digest_algorithm a);
    ~hasher();
    hasher(const hasher&) = delete;
    hasher& operator=(const hasher&) = delete;

    hasher& add(std::string_view text);
    hasher& colon() { return add(":"); }
    std::string hex();  // finishes the hash; the hasher is spent afterwards

private:
    void* ctx_;  // EVP_MD_CTX, kept opaque so OpenSSL headers stay out of this header
};

// Compares two strings in time that does not depend on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace ringstorm::sip::digest_detail
