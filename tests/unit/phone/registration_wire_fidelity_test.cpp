// Wire details where the virtual phone follows the real 2.0.5 SDK (SIP.js 0.20) as seen
// against `ringstorm serve` in tests/interop: MD5 answered when offered, credentials
// reused verbatim until a new challenge, no Allow in the de-REGISTER.
#include <gtest/gtest.h>

#include "tests/unit/phone/registration_script.hpp"

namespace ringstorm::phone {
namespace {

using namespace test;

using namespace std::chrono_literals;
constexpr auto documented = scenario::contract_profile::documented;

TEST(registration_wire_fidelity, answers_md5_when_sha256_is_offered_first) {
    script s{documented};
    sip::digest_server_config both = registrar_auth();
    both.algorithms = {sip::digest_algorithm::sha256, sip::digest_algorithm::md5};
    s.auth = sip::digest_server(both);
    s.do_register();
    s.connected();
    s.reply(s.challenge());
    ASSERT_EQ(s.sent.size(), 2u);
    auto authorization = s.sent[1].get(sip::header_id::authorization);
    ASSERT_TRUE(authorization);
    EXPECT_EQ(authorization->find("SHA-256"), std::string_view::npos) << *authorization;
    EXPECT_TRUE(s.credentials_valid(s.sent[1]));
}

TEST(registration_wire_fidelity, refresh_and_deregister_reuse_the_last_authorization) {
    script s{documented};
    s.do_register();
    s.connected();
    s.reply(s.challenge());
    s.reply(s.ok());
    const std::string first(*s.sent[1].get(sip::header_id::authorization));
    s.advance_to_deadline();  // the refresh at 80 %
    ASSERT_EQ(s.sent.size(), 3u);
    EXPECT_EQ(*s.sent[2].get(sip::header_id::authorization), first);  // same nc and response
    s.reply(s.ok());
    s.unregister();
    ASSERT_EQ(s.sent.size(), 4u);
    EXPECT_EQ(*s.sent[3].get(sip::header_id::authorization), first);
    EXPECT_FALSE(s.sent[3].get(sip::header_id::allow));
    EXPECT_TRUE(s.sent[0].get(sip::header_id::allow));
}

TEST(registration_wire_fidelity, a_new_challenge_gets_fresh_credentials) {
    script s{documented};
    s.do_register();
    s.connected();
    s.reply(s.challenge());
    s.reply(s.ok());
    const std::string first(*s.sent[1].get(sip::header_id::authorization));
    s.advance_to_deadline();
    s.reply(s.challenge());  // the registrar refuses the replayed nonce count
    ASSERT_EQ(s.sent.size(), 4u);
    const std::string fresh(*s.sent[3].get(sip::header_id::authorization));
    EXPECT_NE(fresh, first);
    EXPECT_TRUE(s.credentials_valid(s.sent[3]));
    s.reply(s.ok());
    EXPECT_TRUE(s.machine.registered());
}

}  // namespace
}  // namespace ringstorm::phone
