// Incremental parsing of a TCP/TLS byte stream (RFC 3261 §18.3: Content-Length frames
// each message; RFC 5626 §4.4.1: CRLF keep-alives between messages).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/sip/parser.hpp"

namespace ringstorm::sip {
namespace {

std::string msg(std::string_view call_id, std::string_view body) {
    return "MESSAGE sip:bob@example.com SIP/2.0\r\n"
           "Via: SIP/2.0/TCP a.example.com;branch=z9hG4bK" +
           std::string(call_id) +
           "\r\n"
           "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: "
           "<sip:bob@example.com>\r\n"
           "Call-ID: " +
           std::string(call_id) +
           "\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// Drains every ready message; fails the test on an error.
std::vector<message> drain(stream_parser& p) {
    std::vector<message> out;
    for (;;) {
        message m;
        parse_error e;
        const auto s = p.next(m, e);
        if (s == stream_parser::status::need_more) {
            return out;
        }
        EXPECT_EQ(s, stream_parser::status::ready) << e.to_string();
        if (s != stream_parser::status::ready) {
            return out;
        }
        out.push_back(std::move(m));
    }
}

TEST(stream_parser, several_messages_in_one_feed) {
    stream_parser p;
    p.feed(msg("one", "hello") + msg("two", "") + msg("three", "\r\n\r\nbody with blank lines"));
    const auto got = drain(p);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].get(header_id::call_id), "one");
    EXPECT_EQ(got[0].body(), "hello");
    EXPECT_EQ(got[1].body(), "");
    EXPECT_EQ(got[2].body(), "\r\n\r\nbody with blank lines");
    EXPECT_EQ(p.buffered(), 0u);
}

TEST(stream_parser, messages_split_at_every_byte_boundary) {
    const std::string wire = msg("a", "first body") + "\r\n\r\n" + msg("b", "second");
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        for (std::size_t cut2 = cut; cut2 <= wire.size(); cut2 += 37) {
            stream_parser p;
            std::vector<message> got;
            for (auto part :
                 {wire.substr(0, cut), wire.substr(cut, cut2 - cut), wire.substr(cut2)}) {
                p.feed(part);
                for (auto& m : drain(p)) {
                    got.push_back(std::move(m));
                }
            }
            ASSERT_EQ(got.size(), 2u) << "cuts " << cut << "," << cut2;
            EXPECT_EQ(got[0].body(), "first body");
            EXPECT_EQ(got[1].get(header_id::call_id), "b");
            EXPECT_EQ(got[1].body(), "second");
        }
    }
}

TEST(stream_parser, byte_by_byte_equals_whole_parse) {
    const std::string wire = msg("x", "0123456789");
    stream_parser p;
    std::vector<message> got;
    for (char c : wire) {
        p.feed(std::string_view(&c, 1));
        for (auto& m : drain(p)) {
            got.push_back(std::move(m));
        }
    }
    ASSERT_EQ(got.size(), 1u);
    auto whole = parse(wire);
    ASSERT_TRUE(whole);
    EXPECT_EQ(got[0], *whole);
}

TEST(stream_parser, keep_alives_are_skipped) {
    stream_parser p;
    p.feed("\r\n\r\n\r\n");
    EXPECT_TRUE(drain(p).empty());
    EXPECT_EQ(p.buffered(), 0u);
    p.feed(msg("k", "") + "\r\n\r\n");
    EXPECT_EQ(drain(p).size(), 1u);
    EXPECT_EQ(p.buffered(), 0u);
}

TEST(stream_parser, bare_lf_heads_are_framed) {
    stream_parser p;
    std::string wire = msg("lf", "xy");
    for (std::size_t i; (i = wire.find("\r\n")) != std::string::npos;) {
        wire.erase(i, 1);
    }
    p.feed(wire);
    const auto got = drain(p);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].body(), "xy");
}

TEST(stream_parser, missing_content_length_is_an_error_and_sticks) {
    stream_parser p;
    std::string wire = msg("m", "");
    wire.erase(wire.find("Content-Length"), 19);
    p.feed(wire + msg("n", ""));
    message m;
    parse_error e;
    EXPECT_EQ(p.next(m, e), stream_parser::status::error);
    EXPECT_EQ(e.code, errc::missing_content_length);
    EXPECT_EQ(e.header, "Content-Length");
    parse_error again;
    EXPECT_EQ(p.next(m, again), stream_parser::status::error);
    EXPECT_EQ(again.code, errc::missing_content_length);
}

TEST(stream_parser, located_errors_come_from_the_head) {
    stream_parser p;
    std::string wire = msg("e", "");
    wire.replace(wire.find("To:"), 3, "To ");
    p.feed(wire);
    message m;
    parse_error e;
    ASSERT_EQ(p.next(m, e), stream_parser::status::error);
    EXPECT_EQ(e.code, errc::malformed_header);
    EXPECT_EQ(e.line, 5u);
}

TEST(stream_parser, buffering_is_bounded) {
    parse_options opt;
    opt.max_size = 1024;
    stream_parser p(opt);
    p.feed("INVITE sip:a@b SIP/2.0\r\nX-Flood: ");
    message m;
    parse_error e;
    for (int i = 0; i < 100; ++i) {
        p.feed(std::string(100, 'a'));
        if (p.next(m, e) == stream_parser::status::error) {
            break;
        }
    }
    EXPECT_EQ(e.code, errc::too_large);
    EXPECT_EQ(e.line, 2u);
    EXPECT_LE(p.buffered(), 1200u);

    stream_parser big(opt);
    big.feed(msg("big", ""));
    std::string huge = msg("huge", std::string(2000, 'b'));
    big.feed(huge.substr(0, 400));
    EXPECT_EQ(big.next(m, e), stream_parser::status::ready);
    // The second head declares more than max_size: refused before its body is buffered.
    EXPECT_EQ(big.next(m, e), stream_parser::status::error);
    EXPECT_EQ(e.code, errc::too_large);
    EXPECT_EQ(e.line, 11u);  // the first body line: everything buffered so far is counted
    EXPECT_LT(big.buffered(), 500u);
    EXPECT_EQ(e.code, errc::too_large);
}

TEST(stream_parser, long_streams_do_not_accumulate) {
    stream_parser p;
    const std::string one = msg("loop", std::string(300, 'z'));
    std::size_t total = 0;
    for (int i = 0; i < 2000; ++i) {
        // Feed a message and a half so the parser always holds a partial one.
        p.feed(one.substr(0, one.size() / 2));
        total += drain(p).size();
        p.feed(one.substr(one.size() / 2));
        total += drain(p).size();
        EXPECT_LT(p.buffered(), one.size());
    }
    EXPECT_EQ(total, 2000u);
    EXPECT_EQ(p.buffered(), 0u);
}

}  // namespace
}  // namespace ringstorm::sip
