// The connection side of the target's calls: reading a frame's Call-ID without parsing it,
// and the per-connection routes of Call-IDs to the worker owning the call.

#include <gtest/gtest.h>

#include "engine/target/call_routes.hpp"

namespace ringstorm::target {
namespace {

TEST(peek_call_id, reads_the_long_and_compact_forms_in_any_case) {
    EXPECT_EQ(peek_call_id("SIP/2.0 180 Ringing\r\nVia: SIP/2.0/WSS x;branch=z9hG4bK1\r\n"
                           "Call-ID: abc@ringstorm.invalid\r\nContent-Length: 0\r\n\r\n"),
              "abc@ringstorm.invalid");
    EXPECT_EQ(peek_call_id("BYE sip:a@b SIP/2.0\r\ncall-id:   xyz  \r\n\r\n"), "xyz");
    EXPECT_EQ(peek_call_id("BYE sip:a@b SIP/2.0\ni: compact\n\n"), "compact");
}

TEST(peek_call_id, finds_nothing_outside_the_headers_or_in_a_folded_line) {
    EXPECT_FALSE(peek_call_id("BYE sip:a@b SIP/2.0\r\nVia: x\r\n\r\nCall-ID: in-body\r\n"));
    EXPECT_FALSE(peek_call_id("BYE sip:a@b SIP/2.0\r\nSubject: a\r\n Call-ID: folded\r\n\r\n"));
    EXPECT_FALSE(peek_call_id("Call-ID: on-the-start-line\r\n\r\n"));
    EXPECT_FALSE(peek_call_id("BYE sip:a@b SIP/2.0\r\nCall-ID:\r\n\r\n"));
    EXPECT_FALSE(peek_call_id(""));
}

TEST(call_routes, routes_are_per_connection_and_counted_per_leg) {
    call_routes routes;
    routes.add(7, "c1", 1);
    routes.add(7, "c1", 1);  // two tabs of one user on one connection
    routes.add(8, "c2", 0);
    EXPECT_TRUE(routes.any(7));
    EXPECT_EQ(routes.owner_of(7, "c1"), 1U);
    EXPECT_FALSE(routes.owner_of(8, "c1").has_value());  // same Call-ID, other connection
    EXPECT_EQ(routes.size(), 2U);
    routes.remove(7, "c1");
    EXPECT_EQ(routes.owner_of(7, "c1"), 1U);  // one leg still on it
    routes.remove(7, "c1");
    EXPECT_FALSE(routes.any(7));
    routes.connection_closed(8);
    EXPECT_FALSE(routes.owner_of(8, "c2").has_value());
    EXPECT_EQ(routes.size(), 0U);
    routes.remove(8, "c2");  // the owner's removal arriving after the close is harmless
    EXPECT_EQ(routes.size(), 0U);
}

}  // namespace
}  // namespace ringstorm::target
