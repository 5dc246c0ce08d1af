// libFuzzer target for the SDP parser: whatever parses must serialize, re-parse to an
// equal value, and serialize again to the same bytes (the canonical form is a fixpoint).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "media/sdp/parser.hpp"
#include "media/sdp/serializer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    auto first = ringstorm::sdp::parse(input);
    if (!first) {
        // A located error must point inside (or just past) the input.
        if (first.error().offset > size && first.error().code != ringstorm::sdp::errc::too_large) {
            std::abort();
        }
        return 0;
    }
    const std::string wire = ringstorm::sdp::serialize(*first);
    auto second = ringstorm::sdp::parse(wire);
    if (!second) {
        std::abort();  // our own canonical output must parse
    }
    if (!(*second == *first)) {
        std::abort();  // parse(serialize(x)) == x
    }
    if (ringstorm::sdp::serialize(*second) != wire) {
        std::abort();
    }
    return 0;
}
