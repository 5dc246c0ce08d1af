// Runs the RFC 4475-style torture corpus in tests/corpus/sip/: every file is listed in
// expectations.txt as accepted (with exactly the lint rules it breaks) or rejected (with
// exactly the error code, header and line). Accepted messages must also round-trip.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/sip/lint.hpp"
#include "engine/sip/parser.hpp"

namespace ringstorm::sip {
namespace {

const std::filesystem::path corpus_dir =
    std::filesystem::path(RINGSTORM_SOURCE_DIR) / "tests/corpus/sip";

struct expectation {
    std::string file;
    bool accept = false;
    std::set<std::string> lint;          // accept: exact set of rule ids
    std::optional<std::size_t> body;     // accept: body size
    std::optional<std::size_t> skipped;  // accept in lenient mode: lines skipped
    bool lenient = false;
    framing framing_ = framing::message;
    std::string code;                 // reject: errc name
    std::string header;               // reject: header name, empty when absent
    std::optional<std::size_t> line;  // reject
};

std::vector<expectation> load_expectations() {
    std::ifstream in(corpus_dir / "expectations.txt");
    std::vector<expectation> out;
    for (std::string text; std::getline(in, text);) {
        if (text.empty() || text[0] == '#') {
            continue;
        }
        std::istringstream words(text);
        expectation e;
        std::string verdict;
        words >> e.file >> verdict;
        e.accept = verdict == "accept";
        if (!e.accept) {
            words >> e.code;
        }
        for (std::string w; words >> w;) {
            const auto eq = w.find('=');
            const std::string key = w.substr(0, eq);
            const std::string value = eq == std::string::npos ? "" : w.substr(eq + 1);
            if (key == "lint") {
                std::istringstream rules(value);
                for (std::string r; std::getline(rules, r, ',');) {
                    e.lint.insert(r);
                }
            } else if (key == "body") {
                e.body = std::stoul(value);
            } else if (key == "skipped") {
                e.skipped = std::stoul(value);
            } else if (key == "lenient") {
                e.lenient = true;
            } else if (key == "framing") {
                e.framing_ = value == "stream" ? framing::stream : framing::message;
            } else if (key == "header") {
                e.header = value;
            } else if (key == "line") {
                e.line = std::stoul(value);
            } else {
                ADD_FAILURE() << "unknown key " << key << " in: " << text;
            }
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::string errc_name(errc c) {
    switch (c) {
        case errc::malformed_start_line:
            return "malformed_start_line";
        case errc::unsupported_version:
            return "unsupported_version";
        case errc::malformed_header:
            return "malformed_header";
        case errc::missing_header:
            return "missing_header";
        case errc::bad_content_length:
            return "bad_content_length";
        case errc::missing_content_length:
            return "missing_content_length";
        case errc::header_too_long:
            return "header_too_long";
        case errc::too_many_headers:
            return "too_many_headers";
        case errc::too_large:
            return "too_large";
        case errc::nul_byte:
            return "nul_byte";
        case errc::truncated:
            return "truncated";
    }
    return "?";
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void check_accepted(const expectation& e, const std::string& bytes) {
    std::vector<parse_error> skipped;
    parse_options opt;
    opt.framing = e.framing_;
    if (e.lenient) {
        opt.skipped_lines = &skipped;
    }
    auto r = parse(bytes, opt);
    ASSERT_TRUE(r) << r.error().to_string();
    std::set<std::string> rules;
    for (const lint_issue& i : lint(*r)) {
        rules.insert(std::string(i.rule));
    }
    EXPECT_EQ(rules, e.lint);
    if (e.body) {
        EXPECT_EQ(r->body().size(), *e.body);
    }
    EXPECT_EQ(skipped.size(), e.skipped.value_or(0));
    // Whatever was accepted serializes to something that parses back to the same message.
    auto again = parse(serialize(*r));
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_EQ(*again, *r);
}

void check_rejected(const expectation& e, const std::string& bytes) {
    parse_options opt;
    opt.framing = e.framing_;
    auto r = parse(bytes, opt);
    ASSERT_FALSE(r);
    const parse_error& err = r.error();
    EXPECT_EQ(errc_name(err.code), e.code) << err.to_string();
    EXPECT_EQ(err.header, e.header) << err.to_string();
    if (e.line) {
        EXPECT_EQ(err.line, *e.line) << err.to_string();
    }
    EXPECT_LE(err.offset, bytes.size());
    EXPECT_GE(err.line, 1u);
    EXPECT_GE(err.column, 1u);
    EXPECT_FALSE(err.detail.empty());
    // The same bytes on a stream fail too (never a silent success).
    stream_parser sp;
    sp.feed(bytes);
    message m;
    parse_error se;
    if (e.code != "bad_content_length" && e.code != "missing_content_length") {
        EXPECT_NE(sp.next(m, se), stream_parser::status::ready);
    }
}

TEST(torture, every_corpus_case_meets_its_expectation) {
    const auto cases = load_expectations();
    EXPECT_GE(cases.size(), 40u);
    std::set<std::string> listed;
    for (const expectation& e : cases) {
        SCOPED_TRACE(e.file);
        EXPECT_TRUE(listed.insert(e.file).second) << "listed twice";
        const auto path = corpus_dir / e.file;
        ASSERT_TRUE(std::filesystem::exists(path));
        const std::string bytes = read_file(path);
        if (e.accept) {
            check_accepted(e, bytes);
        } else {
            check_rejected(e, bytes);
        }
    }
    for (const auto& entry : std::filesystem::directory_iterator(corpus_dir)) {
        const std::string name = entry.path().filename().string();
        if (name != "expectations.txt") {
            EXPECT_TRUE(listed.count(name)) << name << " has no expectation";
        }
    }
}

TEST(torture, corpus_covers_accept_and_reject) {
    const auto cases = load_expectations();
    const auto accepted =
        std::count_if(cases.begin(), cases.end(), [](const expectation& e) { return e.accept; });
    EXPECT_GE(accepted, 20);
    EXPECT_GE(static_cast<long>(cases.size()) - accepted, 20);
}

}  // namespace
}  // namespace ringstorm::sip
