// Whole-message parsing (RFC 3261 §7, §18.3, §20): start lines, header lines, framing,
// mandatory headers and located errors.

#include "engine/sip/parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "engine/sip/headers.hpp"

namespace ringstorm::sip {
namespace {

// Test texts are written with "\n"; the wire wants CRLF.
std::string crlf(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') {
            out += "\r\n";
        } else {
            out += c;
        }
    }
    return out;
}

const std::string invite_head =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
    "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK776asdhds\n"
    "Max-Forwards: 70\n"
    "To: Bob <sip:bob@biloxi.example.com>\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\n"
    "CSeq: 314159 INVITE\n"
    "Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>\n";

std::string invite(std::string_view extra_headers = "", std::string_view body = "") {
    std::string head = invite_head;
    head += extra_headers;
    return crlf(head + "\n") + std::string(body);
}

parse_error parse_fails(std::string_view text, const parse_options& opt = {}) {
    auto r = parse(text, opt);
    EXPECT_FALSE(r.has_value()) << "parsed: " << text;
    return r ? parse_error{} : r.error();
}

TEST(parser, parses_a_request_line_headers_and_body) {
    auto r = parse(invite("Content-Type: application/sdp\nContent-Length: 4\n", "v=0\n"));
    ASSERT_TRUE(r) << r.error().to_string();
    const message& m = *r;
    EXPECT_TRUE(m.is_request());
    EXPECT_EQ(m.method(), method::invite);
    EXPECT_EQ(m.method_text(), "INVITE");
    EXPECT_EQ(m.request_uri(), "sip:bob@biloxi.example.com");
    EXPECT_EQ(m.version(), "SIP/2.0");
    ASSERT_EQ(m.header_count(), 9u);
    EXPECT_EQ(m.header(0).id, header_id::via);
    EXPECT_EQ(m.header(0).name, "Via");
    EXPECT_EQ(m.header(0).value, "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK776asdhds");
    EXPECT_EQ(m.get(header_id::cseq), "314159 INVITE");
    EXPECT_EQ(m.body(), "v=0\n");
}

TEST(parser, parses_a_status_line) {
    auto r = parse(
        crlf("SIP/2.0 180 Ringing Now\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@b>;tag=1\n"
             "To: <sip:c@d>;tag=2\nCall-ID: x\nCSeq: 1 INVITE\n\n"));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_TRUE(r->is_response());
    EXPECT_EQ(r->status(), 180);
    EXPECT_EQ(r->reason(), "Ringing Now");
    EXPECT_EQ(r->version(), "SIP/2.0");
}

TEST(parser, accepts_an_empty_or_absent_reason_phrase) {
    const std::string rest =
        "Via: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@b>;tag=1\nTo: <sip:c@d>\nCall-ID: "
        "x\nCSeq: 1 OPTIONS\n\n";
    auto empty = parse(crlf("SIP/2.0 100 \n" + rest));
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->reason(), "");
    auto absent = parse(crlf("SIP/2.0 100\n" + rest));
    ASSERT_TRUE(absent);
    EXPECT_EQ(absent->status(), 100);
    EXPECT_EQ(absent->reason(), "");
}

TEST(parser, rejects_bad_status_codes) {
    const std::string rest =
        "Via: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@b>\nTo: <sip:c@d>\nCall-ID: x\nCSeq: 1 "
        "A\n\n";
    for (const char* line :
         {"SIP/2.0 099 Low\n", "SIP/2.0 700 High\n", "SIP/2.0 2000 Long\n", "SIP/2.0 20 Short\n",
          "SIP/2.0 2x0 Letters\n", "SIP/2.0  200 Space\n"}) {
        const parse_error e = parse_fails(crlf(line + rest));
        EXPECT_EQ(e.code, errc::malformed_start_line) << line;
        EXPECT_EQ(e.line, 1u);
    }
}

TEST(parser, rejects_malformed_request_lines) {
    const std::string rest = invite().substr(invite().find('\n') + 1);
    struct bad {
        const char* line;
        errc code;
        std::size_t column;
    };
    for (const bad& b : {bad{" INVITE sip:a@b SIP/2.0\r\n", errc::malformed_start_line, 1},
                         bad{"INVITE  sip:a@b SIP/2.0\r\n", errc::malformed_start_line, 8},
                         bad{"INVITE sip:a@b  SIP/2.0\r\n", errc::malformed_start_line, 16},
                         bad{"INVITE sip:a@b SIP/2.0 \r\n", errc::malformed_start_line, 16},
                         bad{"INV@TE sip:a@b SIP/2.0\r\n", errc::malformed_start_line, 4},
                         bad{"INVITE sip:a@b HTTP/1.1\r\n", errc::unsupported_version, 16},
                         bad{"INVITE sip:a@b SIP/2.x\r\n", errc::malformed_start_line, 16},
                         bad{"INVITE <sip:a@b> SIP/2.0\r\n", errc::malformed_start_line, 8},
                         bad{"INVITE sip:a@b\r\n", errc::malformed_start_line, 15}}) {
        const parse_error e = parse_fails(b.line + rest);
        EXPECT_EQ(e.code, b.code) << b.line << e.to_string();
        EXPECT_EQ(e.line, 1u) << b.line;
        EXPECT_EQ(e.column, b.column) << b.line << e.to_string();
    }
}

TEST(parser, other_sip_versions_parse) {
    std::string text = invite();
    text.replace(text.find("SIP/2.0\r\n"), 7, "SIP/7.0");
    auto r = parse(text);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->version(), "SIP/7.0");
}

TEST(parser, header_names_are_case_insensitive_and_compact_forms_known) {
    auto r =
        parse(crlf("OPTIONS sip:x@y SIP/2.0\nv: SIP/2.0/TCP h;branch=z9hG4bKa\nf: "
                   "<sip:a@b>;tag=1\nt: <sip:c@d>\n"
                   "i: abc\nCSEQ: 2 OPTIONS\nl: 0\nX-Custom : kept  as is \n\n"));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->header(0).id, header_id::via);
    EXPECT_EQ(r->header(0).name, "v");
    EXPECT_EQ(r->get(header_id::call_id), "abc");
    EXPECT_EQ(r->get(header_id::cseq), "2 OPTIONS");
    EXPECT_EQ(r->header(6).id, header_id::unknown);
    EXPECT_EQ(r->header(6).name, "X-Custom");
    EXPECT_EQ(r->header(6).value, "kept  as is");
}

TEST(parser, line_folding_becomes_spaces_and_keeps_positions) {
    const std::string text = invite("Subject: first\n  second\n\tthird\nX-Bad\n");
    const parse_error e = parse_fails(text);
    // The error line counts the folded lines as received.
    EXPECT_EQ(e.code, errc::malformed_header);
    EXPECT_EQ(e.line, 12u);
    EXPECT_EQ(e.column, 6u);  // where the colon should be
    EXPECT_EQ(e.header, "X-Bad");
    EXPECT_EQ(text.substr(e.offset - 5, 5), "X-Bad");

    auto r = parse(invite("Subject: first\n  second\n\tthird\n"));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->get(header_id::subject), "first    second  \tthird");
}

TEST(parser, bare_lf_line_endings_are_tolerated) {
    std::string text = invite_head + "Content-Length: 2\n\nhi";
    auto r = parse(text);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->get(header_id::max_forwards), "70");
    EXPECT_EQ(r->body(), "hi");
}

TEST(parser, leading_crlf_is_skipped) {
    auto r = parse("\r\n\r\n" + invite());
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->method(), method::invite);
}

TEST(parser, content_length_frames_the_body_in_message_framing) {
    auto absent = parse(invite("", "whole rest"));
    ASSERT_TRUE(absent);
    EXPECT_EQ(absent->body(), "whole rest");

    auto shorter = parse(invite("Content-Length: 5\n", "whole rest"));
    ASSERT_TRUE(shorter);
    EXPECT_EQ(shorter->body(), "whole");

    const std::string text = invite("Content-Length: 50\n", "whole rest");
    const parse_error e = parse_fails(text);
    EXPECT_EQ(e.code, errc::bad_content_length);
    EXPECT_EQ(e.header, "Content-Length");
    EXPECT_EQ(e.line, 9u);
    EXPECT_EQ(e.column, 17u);
}

TEST(parser, stream_framing_requires_content_length) {
    parse_options opt;
    opt.framing = framing::stream;
    const parse_error e = parse_fails(invite(), opt);
    EXPECT_EQ(e.code, errc::missing_content_length);
    EXPECT_EQ(e.header, "Content-Length");
    auto ok = parse(invite("l: 0\n"), opt);
    ASSERT_TRUE(ok) << ok.error().to_string();
}

TEST(parser, absurd_and_conflicting_content_lengths_are_rejected) {
    for (const char* v : {"99999999999999999999", "4294967296", "-1", "12a", "", "0x10", "1 2"}) {
        const parse_error e = parse_fails(invite(std::string("Content-Length: ") + v + "\n"));
        EXPECT_EQ(e.code, errc::bad_content_length) << v;
    }
    const parse_error dup = parse_fails(invite("Content-Length: 0\nl: 3\n", "abc"));
    EXPECT_EQ(dup.code, errc::bad_content_length);
    EXPECT_EQ(dup.header, "l");
    EXPECT_EQ(dup.line, 10u);
    auto same = parse(invite("Content-Length: 3\nl: 003\n", "abc"));
    ASSERT_TRUE(same);
    EXPECT_EQ(same->body(), "abc");
}

TEST(parser, nul_bytes_in_the_head_are_located) {
    std::string text = invite("X-Nul: a");
    text.insert(text.find("X-Nul: a") + 8, std::string(1, '\0'));
    const parse_error e = parse_fails(text);
    EXPECT_EQ(e.code, errc::nul_byte);
    EXPECT_EQ(text[e.offset], '\0');
    EXPECT_EQ(e.line, 9u);
    EXPECT_EQ(e.column, 9u);

    std::string name_nul = invite();
    name_nul[name_nul.find("Max-") + 2] = '\0';
    EXPECT_EQ(parse_fails(name_nul).code, errc::nul_byte);

    std::string body_nul = invite("Content-Length: 3\n") + std::string("a\0b", 3);
    auto r = parse(body_nul);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body(), std::string_view("a\0b", 3));
}

TEST(parser, non_utf8_values_are_kept_verbatim) {
    auto r = parse(invite("Subject: caf\xe9 \xff\xfe\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get(header_id::subject), "caf\xe9 \xff\xfe");
}

TEST(parser, header_names_must_be_tokens_followed_by_a_colon) {
    const std::string text = invite("Bad Name: x\n");
    parse_error e = parse_fails(text);
    EXPECT_EQ(e.code, errc::malformed_header);
    EXPECT_EQ(e.header, "Bad");
    EXPECT_EQ(e.line, 9u);
    e = parse_fails(invite("NoColonHere\n"));
    EXPECT_EQ(e.code, errc::malformed_header);
    EXPECT_NE(e.detail.find("colon"), std::string::npos);
    e = parse_fails(invite(": empty name\n"));
    EXPECT_EQ(e.code, errc::malformed_header);
    auto ws = parse(invite("X-Spaced \t:\tv\n"));
    ASSERT_TRUE(ws);
    EXPECT_EQ(ws->get("x-spaced"), "v");
}

TEST(parser, lenient_mode_skips_unreadable_lines) {
    std::vector<parse_error> skipped;
    parse_options opt;
    opt.skipped_lines = &skipped;
    auto r = parse(invite("NoColonHere\nX-Ok: 1\nBad Name: 2\n"), opt);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->get("X-Ok"), "1");
    ASSERT_EQ(skipped.size(), 2u);
    EXPECT_EQ(skipped[0].line, 9u);
    EXPECT_EQ(skipped[1].line, 11u);
    EXPECT_EQ(skipped[1].header, "Bad");
}

TEST(parser, bare_cr_is_rejected) {
    std::string text = invite("X-Cr: a\rb\n");
    const parse_error e = parse_fails(text);
    EXPECT_EQ(e.code, errc::malformed_header);
    EXPECT_EQ(text[e.offset], '\r');
}

TEST(parser, limits_are_enforced) {
    parse_options opt;
    opt.max_size = 200;
    EXPECT_EQ(parse_fails(invite(), opt).code, errc::too_large);
    EXPECT_EQ(parse_fails(std::string(invite()), opt).code, errc::too_large);

    opt = {};
    opt.max_header_line = 50;
    parse_error e = parse_fails(invite("X-Long: " + std::string(40, 'a') + "\n"), opt);
    // The start line fits; the Via line is already longer than 50 bytes.
    EXPECT_EQ(e.code, errc::header_too_long);
    EXPECT_EQ(e.header, "Via");

    opt = {};
    opt.max_headers = 8;
    e = parse_fails(invite("X-One: 1\nX-Two: 2\n"), opt);
    EXPECT_EQ(e.code, errc::too_many_headers);
    EXPECT_EQ(e.header, "X-Two");
}

TEST(parser, missing_mandatory_headers_are_named) {
    for (const char* name : {"Via", "To", "From", "Call-ID", "CSeq"}) {
        std::string head = invite_head;
        const std::size_t at = head.find(std::string("\n") + name + ":") + 1;
        head.erase(at, head.find('\n', at) - at + 1);
        const parse_error e = parse_fails(crlf(head + "\n"));
        EXPECT_EQ(e.code, errc::missing_header) << name;
        EXPECT_EQ(e.header, name);
    }
}

TEST(parser, unparseable_mandatory_headers_are_located) {
    std::string text = crlf(
        "REGISTER sip:example.com SIP/2.0\nVia: SIP/2.0/UDP ;branch=z9hG4bK1\nFrom: "
        "<sip:a@example.com>;tag=1\n"
        "To: <sip:a@example.com>\nCall-ID: c\nCSeq: 1 REGISTER\n\n");
    parse_error e = parse_fails(text);
    EXPECT_EQ(e.code, errc::malformed_header);
    EXPECT_EQ(e.header, "Via");
    EXPECT_EQ(e.line, 2u);
    EXPECT_GE(e.column, 6u);

    e = parse_fails(invite().replace(invite().find("CSeq: 314159"), 12, "CSeq: 99999999999"));
    EXPECT_EQ(e.header, "CSeq");
    e = parse_fails(invite().replace(invite().find("To: Bob <sip:"), 13,
                                     "To: Bob <sip:"
                                     "\"unterminated"));
    EXPECT_EQ(e.header, "To");
    e = parse_fails(invite().replace(invite().find("Max-Forwards: 70"), 16, "Max-Forwards: 256"));
    EXPECT_EQ(e.header, "Max-Forwards");
}

TEST(parser, truncated_heads_are_reported) {
    std::string text = invite();
    text.resize(text.size() - 2);
    const parse_error e = parse_fails(text);
    EXPECT_EQ(e.code, errc::truncated);
    EXPECT_EQ(e.offset, text.size());
    EXPECT_EQ(parse_fails("").code, errc::truncated);
    EXPECT_EQ(parse_fails("INVITE sip:a@b SIP/2.0").code, errc::truncated);
}

TEST(parser, owned_and_viewed_input_parse_the_same) {
    const std::string text = invite("Subject: a\n b\nContent-Length: 2\n", "hi");
    auto a = parse(std::string_view(text));
    auto b = parse(std::string(text));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
}

TEST(parser, error_to_string_names_the_place) {
    const parse_error e{errc::malformed_header, 52, 3, 7, "Via", "Via: missing sent-by host"};
    EXPECT_EQ(e.to_string(), "line 3, column 7 (byte 52), header Via: Via: missing sent-by host");
    const parse_error s{errc::malformed_start_line, 0, 1, 1, "", "bad"};
    EXPECT_EQ(s.to_string(), "line 1, column 1 (byte 0): bad");
}

TEST(parser, error_codes_have_a_category) {
    const std::error_code ec = errc::nul_byte;
    EXPECT_EQ(ec.category().name(), std::string("ringstorm.sip"));
    EXPECT_EQ(ec.message(), "NUL byte in the message head");
    EXPECT_NE(std::error_code(errc::truncated).message(),
              std::error_code(errc::too_large).message());
}

}  // namespace
}  // namespace ringstorm::sip
