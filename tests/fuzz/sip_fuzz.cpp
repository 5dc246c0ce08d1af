// libFuzzer target for the SIP message parser: both framings and lenient mode must never
// crash; whatever parses must serialize to bytes that parse back to an equal message
// (abort otherwise); lint must run on it; and a stream_parser fed the same bytes in
// arbitrary chunks must agree with a whole-buffer stream parse.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sip/lint.hpp"
#include "engine/sip/parser.hpp"

namespace {

using namespace ringstorm::sip;

[[noreturn]] void fail(const char* what, const std::string& wire) {
    std::fprintf(stderr, "sip_fuzz: %s\n--- serialized ---\n%s\n---\n", what, wire.c_str());
    std::abort();
}

void check_error(const parse_error& e, std::size_t size) {
    if (e.line == 0 || e.column == 0 || e.detail.empty() || e.offset > size + 1) {
        std::fprintf(stderr, "sip_fuzz: unlocated error: %s\n", e.to_string().c_str());
        std::abort();
    }
}

void round_trip(const message& m) {
    const std::string wire = serialize(m);
    auto again = parse(wire);
    if (!again) {
        fail(("serialized message does not parse: " + again.error().to_string()).c_str(), wire);
    }
    if (!(*again == m)) {
        fail("re-parsed message differs", wire);
    }
    if (serialize(*again) != wire) {
        fail("serialization is not canonical", wire);
    }
    for (const lint_issue& i : lint(m)) {
        if (i.rule.empty() || i.detail.empty()) {
            fail("lint issue without rule or detail", wire);
        }
    }
}

// Feeds the bytes in chunks whose sizes come from the input itself and collects what the
// stream parser produces; a whole-buffer feed must produce the same messages.
std::vector<message> stream_all(std::string_view bytes, std::size_t seed, bool chunked,
                                bool& errored) {
    parse_options opt;
    opt.max_size = 4096;
    stream_parser p(opt);
    std::vector<message> out;
    errored = false;
    std::size_t pos = 0;
    while (pos < bytes.size() && !errored) {
        std::size_t n = chunked ? 1 + (seed = seed * 1103515245 + 12345) % 61 : bytes.size();
        n = std::min(n, bytes.size() - pos);
        p.feed(bytes.substr(pos, n));
        pos += n;
        for (;;) {
            message m;
            parse_error e;
            const auto s = p.next(m, e);
            if (s == stream_parser::status::ready) {
                out.push_back(std::move(m));
                continue;
            }
            if (s == stream_parser::status::error) {
                check_error(e, bytes.size());
                errored = true;
            }
            break;
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    auto whole = parse(bytes);
    if (whole) {
        round_trip(*whole);
    } else {
        check_error(whole.error(), size);
    }

    parse_options stream_opt;
    stream_opt.framing = framing::stream;
    auto framed = parse(std::string(bytes), stream_opt);
    if (framed) {
        round_trip(*framed);
    } else {
        check_error(framed.error(), size);
    }

    std::vector<parse_error> skipped;
    parse_options lenient;
    lenient.skipped_lines = &skipped;
    auto loose = parse(bytes, lenient);
    if (loose) {
        round_trip(*loose);
        if (whole && !(*whole == *loose)) {
            std::abort();  // lenient mode may only add messages, never change one
        }
    } else {
        check_error(loose.error(), size);
    }
    for (const parse_error& e : skipped) {
        check_error(e, size);
    }

    bool chunk_error = false;
    bool whole_error = false;
    const auto chunked = stream_all(bytes, size, true, chunk_error);
    const auto at_once = stream_all(bytes, size, false, whole_error);
    if (chunked.size() != at_once.size() || chunk_error != whole_error) {
        std::abort();
    }
    for (std::size_t i = 0; i < chunked.size(); ++i) {
        if (!(chunked[i] == at_once[i])) {
            std::abort();
        }
        round_trip(chunked[i]);
    }
    return 0;
}
