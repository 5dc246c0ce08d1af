// The registrar of the embedded target, sans-I/O: RFC 3261 §10.3 step by step, digest
// authentication, multi-tab bindings, expiry with an injected clock.
#include <gtest/gtest.h>

#include "engine/sip/headers.hpp"
#include "tests/unit/target/target_support.hpp"

namespace ringstorm::target {
namespace {

using namespace test;

TEST(registrar, challenges_then_registers_and_lists_the_binding) {
    registrar_rig rig;
    sip::message first = parse_or_die(register_text({}));
    sip::message challenge = rig.send(first);
    ASSERT_EQ(challenge.status(), 401);
    // RFC 8760 §2: SHA-256 offered first, MD5 too, same nonce.
    auto lines = challenge.get_all(sip::header_id::www_authenticate);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find("SHA-256"), std::string_view::npos);
    EXPECT_NE(lines[1].find("MD5"), std::string_view::npos);
    EXPECT_FALSE(sip::to_tag(challenge).empty());

    sip::message ok = rig.register_with({});
    ASSERT_EQ(ok.status(), 200) << ok.reason();
    EXPECT_EQ(contacts_of(ok),
              std::vector<std::string>{"<sip:abc@df7jal23ls0d.invalid;transport=ws>;expires=300"});
    EXPECT_TRUE(ok.get(sip::header_id::date).has_value());
    EXPECT_EQ(rig.reg.binding_count(), 1u);
    EXPECT_EQ(rig.reg.stats().registered, 1u);
    EXPECT_EQ(rig.reg.stats().challenges, 2u);  // this test's REGISTER and register_with's
    auto live = rig.reg.bindings_of("sip:10001@example.com", rig.now.steady);
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0].via, rig.conn);
}

TEST(registrar, md5_only_when_sha256_is_off) {
    registrar_config c = test_config();
    c.sha256 = false;
    registrar reg{c, std::make_shared<const account_book>(pattern_accounts())};
    registrar_rig rig;
    sip::message r = reg.on_register(parse_or_die(register_text({})), rig.conn, rig.now);
    auto lines = r.get_all(sip::header_id::www_authenticate);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("MD5"), std::string_view::npos);
}

TEST(registrar, two_tabs_of_one_account_are_both_listed) {
    registrar_rig rig;
    register_spec tab1;
    register_spec tab2;
    tab2.call_id = "call-2";
    tab2.contacts = {"<sip:xyz@q1w2e3.invalid;transport=ws>;+sip.instance=\"<urn:uuid:1>\""};
    ASSERT_EQ(rig.register_with(tab1).status(), 200);
    rig.conn = {0, 2};
    sip::message ok = rig.register_with(tab2);
    ASSERT_EQ(ok.status(), 200);
    EXPECT_EQ(
        contacts_of(ok),
        (std::vector<std::string>{
            "<sip:abc@df7jal23ls0d.invalid;transport=ws>;expires=300",
            "<sip:xyz@q1w2e3.invalid;transport=ws>;+sip.instance=\"<urn:uuid:1>\";expires=300"}));
    auto live = rig.reg.bindings_of("sip:10001@example.com", rig.now.steady);
    ASSERT_EQ(live.size(), 2u);
    EXPECT_EQ(live[0].via.id, 1u);
    EXPECT_EQ(live[1].via.id, 2u);
    // One tab's connection closes: only its binding goes (its Contact is unroutable).
    EXPECT_EQ(rig.reg.connection_closed(1), 1u);
    EXPECT_EQ(rig.reg.bindings_of("sip:10001@example.com", rig.now.steady).size(), 1u);
}

TEST(registrar, refresh_keeps_one_binding_with_the_new_interval) {
    registrar_rig rig;
    ASSERT_EQ(rig.register_with({}).status(), 200);
    rig.advance(100s);
    register_spec again;
    again.cseq = 3;
    again.expires = "600";
    sip::message ok = rig.register_with(again);
    ASSERT_EQ(ok.status(), 200);
    EXPECT_EQ(contacts_of(ok),
              std::vector<std::string>{"<sip:abc@df7jal23ls0d.invalid;transport=ws>;expires=600"});
    EXPECT_EQ(rig.reg.binding_count(), 1u);
}

TEST(registrar, expires_zero_removes_and_star_removes_all) {
    registrar_rig rig;
    ASSERT_EQ(rig.register_with({}).status(), 200);
    register_spec other;
    other.contacts = {"<sip:second@x.invalid;transport=ws>"};
    other.cseq = 3;
    ASSERT_EQ(rig.register_with(other).status(), 200);
    ASSERT_EQ(rig.reg.binding_count(), 2u);

    register_spec remove_one;
    remove_one.contacts = {"<sip:second@x.invalid;transport=ws>;expires=0"};
    remove_one.cseq = 5;
    sip::message ok = rig.register_with(remove_one);
    ASSERT_EQ(ok.status(), 200);
    EXPECT_EQ(contacts_of(ok).size(), 1u);

    register_spec star;
    star.contacts = {"*"};
    star.expires = "0";
    star.cseq = 7;
    ok = rig.register_with(star);
    ASSERT_EQ(ok.status(), 200);
    EXPECT_TRUE(contacts_of(ok).empty());
    EXPECT_EQ(rig.reg.binding_count(), 0u);
    EXPECT_EQ(rig.reg.stats().unregistered, 2u);
}

TEST(registrar, star_needs_expires_zero_and_no_other_contact) {
    registrar_rig rig;
    register_spec star;
    star.contacts = {"*"};
    star.expires = "300";
    EXPECT_EQ(rig.register_with(star).status(), 400);
    star.contacts = {"*", "<sip:a@b.invalid>"};
    star.expires = "0";
    EXPECT_EQ(rig.register_with(star).status(), 400);
    star.contacts = {"*"};
    star.expires = "";
    EXPECT_EQ(rig.register_with(star).status(), 400);
}

TEST(registrar, a_query_lists_without_changing) {
    registrar_rig rig;
    ASSERT_EQ(rig.register_with({}).status(), 200);
    rig.advance(40s);
    register_spec query;
    query.contacts = {};
    query.cseq = 3;
    sip::message ok = rig.register_with(query);
    ASSERT_EQ(ok.status(), 200);
    EXPECT_EQ(contacts_of(ok),
              std::vector<std::string>{"<sip:abc@df7jal23ls0d.invalid;transport=ws>;expires=260"});
}

TEST(registrar, interval_too_brief_and_the_cap) {
    registrar_rig rig;
    register_spec brief;
    brief.expires = "30";
    sip::message r = rig.register_with(brief);
    ASSERT_EQ(r.status(), 423);
    EXPECT_EQ(r.get(sip::header_id::min_expires), std::optional<std::string_view>("60"));
    EXPECT_EQ(rig.reg.binding_count(), 0u);

    register_spec param;
    param.contacts = {"<sip:abc@df7jal23ls0d.invalid;transport=ws>;expires=10"};
    EXPECT_EQ(rig.register_with(param).status(), 423);

    register_spec huge;
    huge.expires = "86400";
    sip::message ok = rig.register_with(huge);
    ASSERT_EQ(ok.status(), 200);
    EXPECT_NE(contacts_of(ok).at(0).find(";expires=3600"), std::string::npos);
}

TEST(registrar, contact_parameter_wins_over_the_header) {
    registrar_rig rig;
    register_spec spec;
    spec.expires = "900";
    spec.contacts = {"<sip:abc@df7jal23ls0d.invalid;transport=ws>;expires=120"};
    sip::message ok = rig.register_with(spec);
    ASSERT_EQ(ok.status(), 200);
    EXPECT_EQ(contacts_of(ok).at(0), "<sip:abc@df7jal23ls0d.invalid;transport=ws>;expires=120");
}

TEST(registrar, wrong_password_unknown_user_and_other_aor_are_forbidden) {
    registrar_rig rig;
    EXPECT_EQ(rig.register_with({}, "", "wrong").status(), 403);
    register_spec nobody;
    nobody.user = "nobody";
    EXPECT_EQ(rig.register_with(nobody, "nobody").status(), 403);
    // Good credentials of 10002 on a REGISTER for 10001's AOR (§10.3 step 4).
    sip::message r = rig.register_with({}, "10002");
    EXPECT_EQ(r.status(), 403);
    EXPECT_NE(r.reason().find("10002"), std::string_view::npos);
    EXPECT_EQ(rig.reg.stats().auth_failures, 3u);
    EXPECT_EQ(rig.reg.binding_count(), 0u);
}

TEST(registrar, expired_nonce_is_rechallenged_as_stale) {
    registrar_rig rig;
    sip::message first = parse_or_die(register_text({}));
    sip::message challenge = rig.send(first);
    sip::digest_client client("10001", "secret");
    client.on_challenge(challenge, first);
    rig.advance(301s);  // nonce_lifetime is 300 s
    register_spec spec;
    spec.cseq = 2;
    sip::message second = parse_or_die(register_text(spec));
    client.authorize(second);
    sip::message stale = rig.send(second);
    ASSERT_EQ(stale.status(), 401);
    auto parsed = sip::parse_challenge(*stale.get(sip::header_id::www_authenticate));
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->stale);
    EXPECT_EQ(client.on_challenge(stale, second).action, sip::challenge_action::answer_stale);
}

TEST(registrar, other_domains_are_not_found) {
    registrar_rig rig;
    register_spec elsewhere;
    elsewhere.domain = "elsewhere.org";
    sip::message r = rig.send(parse_or_die(register_text(elsewhere)));
    EXPECT_EQ(r.status(), 404);
    EXPECT_EQ(rig.reg.stats().not_found, 1u);
}

TEST(registrar, required_extensions_get_420_with_unsupported) {
    registrar_rig rig;
    register_spec spec;
    spec.extra = "Require: gruu, outbound\r\n";
    sip::message r = rig.send(parse_or_die(register_text(spec)));
    ASSERT_EQ(r.status(), 420);
    EXPECT_EQ(r.get(sip::header_id::unsupported),
              std::optional<std::string_view>("gruu, outbound"));
}

TEST(registrar, out_of_order_cseq_on_one_call_id_fails) {
    registrar_rig rig;
    register_spec spec;
    spec.cseq = 10;
    ASSERT_EQ(rig.register_with(spec).status(), 200);  // binding at CSeq 11
    spec.cseq = 4;                                     // authenticated at CSeq 5
    sip::message r = rig.register_with(spec);
    EXPECT_EQ(r.status(), 500);
    // Another Call-ID (a reloaded tab) may replace it whatever its CSeq.
    spec.call_id = "call-new";
    EXPECT_EQ(rig.register_with(spec).status(), 200);
    EXPECT_EQ(rig.reg.binding_count(), 1u);
}

TEST(registrar, sweep_removes_what_expired) {
    registrar_rig rig;
    register_spec short_one;
    short_one.expires = "60";
    ASSERT_EQ(rig.register_with(short_one).status(), 200);
    register_spec long_one;
    long_one.call_id = "call-2";
    long_one.contacts = {"<sip:long@y.invalid;transport=ws>"};
    ASSERT_EQ(rig.register_with(long_one).status(), 200);
    rig.advance(59s);
    EXPECT_EQ(rig.reg.sweep(rig.now.steady), 0u);
    rig.advance(1s);
    EXPECT_EQ(rig.reg.bindings_of("sip:10001@example.com", rig.now.steady).size(), 1u);
    EXPECT_EQ(rig.reg.sweep(rig.now.steady), 1u);
    EXPECT_EQ(rig.reg.binding_count(), 1u);
    EXPECT_EQ(rig.reg.stats().expired, 1u);
}

TEST(registrar, aor_key_is_canonical) {
    EXPECT_EQ(*aor_key("\"Bob\" <sips:b%6Fb@EXAMPLE.com;transport=ws>;tag=1"),
              "sip:bob@example.com");
    EXPECT_FALSE(aor_key("<tel:+1555>"));
    EXPECT_FALSE(aor_key("<sip:example.com>"));
}

TEST(registrar, config_is_validated) {
    registrar_config c = test_config();
    EXPECT_EQ(c.validate(), "");
    c.min_expires = 7200;
    EXPECT_NE(c.validate(), "");
    c = test_config();
    c.nonce_secret = "short";
    EXPECT_NE(c.validate(), "");
}

}  // namespace
}  // namespace ringstorm::target
