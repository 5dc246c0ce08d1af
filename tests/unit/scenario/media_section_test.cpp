// The phones' `media:` section and the embedded target's `target.media`: defaults, values,
// and every mistake located at the value that is wrong.
#include <gtest/gtest.h>

#include "engine/scenario/scenario.hpp"
#include "tests/unit/scenario/load_helpers.hpp"

namespace rs = ringstorm::scenario;
using namespace std::chrono_literals;

namespace {

using loader_test::dump;
using loader_test::head;
using loader_test::load_bad;
using loader_test::load_ok;

// The one error `text` must give, at line:column, with `words` in its message.
void expect_error(const std::string& text, std::uint32_t line, std::uint32_t column,
                  const std::string& words) {
    const auto ds = load_bad(text);
    ASSERT_EQ(ds.size(), 1U) << dump(ds);
    EXPECT_EQ(ds[0].line, line) << dump(ds);
    EXPECT_EQ(ds[0].column, column) << dump(ds);
    EXPECT_NE(ds[0].message.find(words), std::string::npos) << dump(ds);
}

}  // namespace

TEST(media_section, absent_means_phone_media_on_and_an_echoing_target) {
    const rs::scenario s = load_ok(head + "phone: [register]\n");
    EXPECT_TRUE(s.media.enabled);
    EXPECT_FALSE(s.media.detect_every.has_value());
    EXPECT_EQ(s.target.media, rs::target_media_mode::echo);
}

TEST(media_section, enabled_false_turns_phone_media_off) {
    const rs::scenario s = load_ok(head + "media: {enabled: false}\nphone: [register]\n");
    EXPECT_FALSE(s.media.enabled);
    EXPECT_EQ(s.media.enabled_at, (rs::source_location{3, 18}));
}

TEST(media_section, a_bare_bool_is_short_for_enabled) {
    EXPECT_FALSE(load_ok(head + "media: false\nphone: [register]\n").media.enabled);
    EXPECT_TRUE(load_ok(head + "media: true\nphone: [register]\n").media.enabled);
    EXPECT_TRUE(load_ok(head + "media:\nphone: [register]\n").media.enabled);
}

TEST(media_section, detect_every_is_a_duration_and_zero_means_never) {
    const rs::scenario s =
        load_ok(head + "media:\n  enabled: true\n  detect_every: 500ms\nphone: [register]\n");
    ASSERT_TRUE(s.media.detect_every.has_value());
    EXPECT_EQ(*s.media.detect_every, 500ms);
    const rs::scenario never = load_ok(head + "media: {detect_every: 0s}\nphone: [register]\n");
    ASSERT_TRUE(never.media.detect_every.has_value());
    EXPECT_EQ(never.media.detect_every->count(), 0);
}

TEST(media_section, target_media_names_the_embedded_targets_mode) {
    for (auto [text, mode] : {std::pair{"echo", rs::target_media_mode::echo},
                              std::pair{"tone", rs::target_media_mode::tone},
                              std::pair{"none", rs::target_media_mode::none}}) {
        const rs::scenario s = load_ok(head + "target: {media: " + text + "}\nphone: [register]\n");
        EXPECT_EQ(s.target.media, mode) << text;
        EXPECT_EQ(rs::to_string(s.target.media), text);
    }
}

TEST(media_section, bad_values_are_located) {
    expect_error(head + "media: {enabled: maybe}\nphone: [register]\n", 3, 18, "true or false");
    expect_error(head + "media:\n  detect_every: soon\nphone: [register]\n", 4, 17,
                 "media.detect_every");
    expect_error(head + "media:\n  detect_every: 20ms\nphone: [register]\n", 4, 17, "too short");
    expect_error(head + "media:\n  enable: false\nphone: [register]\n", 4, 3, "enable");
    expect_error(head + "media: [on]\nphone: [register]\n", 3, 8, "media");
    expect_error(head + "target:\n  media: eco\nphone: [register]\n", 4, 10, "did you mean 'echo'");
    expect_error(head + "target: {media: [echo]}\nphone: [register]\n", 3, 17, "target.media");
}

TEST(media_section, detect_every_without_media_is_an_error) {
    expect_error(head + "media:\n  enabled: false\n  detect_every: 1s\nphone: [register]\n", 5, 3,
                 "no effect");
}

TEST(media_section, encode_defaults_to_replay_and_live_takes_a_complexity) {
    const rs::scenario d = load_ok(head + "phone: [register]\n");
    EXPECT_EQ(d.media.encode, rs::media_encode::replay);
    EXPECT_FALSE(d.media.complexity.has_value());

    const rs::scenario live = load_ok(head + "media: {encode: live}\nphone: [register]\n");
    EXPECT_EQ(live.media.encode, rs::media_encode::live);
    EXPECT_EQ(live.media.encode_at, (rs::source_location{3, 17}));
    EXPECT_FALSE(live.media.complexity.has_value());  // the stream's default (WebRTC's 9)

    const rs::scenario replay = load_ok(head + "media: {encode: replay}\nphone: [register]\n");
    EXPECT_EQ(replay.media.encode, rs::media_encode::replay);
    EXPECT_EQ(rs::to_string(replay.media.encode), "replay");
    EXPECT_EQ(rs::to_string(rs::media_encode::live), "live");

    // Both ends of libopus' range, whatever the order of the keys.
    for (const std::string c : {"0", "10"}) {
        const rs::scenario s =
            load_ok(head + "media:\n  complexity: " + c + "\n  encode: live\nphone: [register]\n");
        ASSERT_TRUE(s.media.complexity.has_value()) << c;
        EXPECT_EQ(*s.media.complexity, std::stoul(c));
        EXPECT_EQ(s.media.complexity_at, (rs::source_location{4, 15}));
    }
}

TEST(media_section, a_bad_encode_is_located_with_the_valid_names) {
    const auto ds = load_bad(head + "media:\n  encode: lvie\nphone: [register]\n");
    ASSERT_EQ(ds.size(), 1U) << dump(ds);
    EXPECT_EQ(ds[0].line, 4U);
    EXPECT_EQ(ds[0].column, 11U);
    EXPECT_NE(ds[0].message.find("unknown media.encode 'lvie'"), std::string::npos) << dump(ds);
    EXPECT_NE(ds[0].message.find("did you mean 'live'"), std::string::npos) << dump(ds);
    EXPECT_NE(ds[0].hint.find("replay"), std::string::npos) << dump(ds);
    EXPECT_NE(ds[0].hint.find("live"), std::string::npos) << dump(ds);
    expect_error(head + "media: {encode: [live]}\nphone: [register]\n", 3, 17, "media.encode");
    // The wrong encode is the one error: the complexity beside it is only range-checked.
    expect_error(head + "media: {encode: fast, complexity: 5}\nphone: [register]\n", 3, 17,
                 "unknown media.encode");
}

TEST(media_section, complexity_is_libopus_range_and_needs_live) {
    expect_error(head + "media:\n  encode: live\n  complexity: 11\nphone: [register]\n", 5, 15,
                 "out of range");
    expect_error(head + "media:\n  encode: live\n  complexity: -1\nphone: [register]\n", 5, 15,
                 "negative");
    expect_error(head + "media:\n  encode: live\n  complexity: high\nphone: [register]\n", 5, 15,
                 "whole number");
    expect_error(head + "media:\n  complexity: 5\nphone: [register]\n", 4, 3, "no effect");
    expect_error(head + "media:\n  encode: replay\n  complexity: 5\nphone: [register]\n", 5, 3,
                 "encode: replay");
}

TEST(media_section, encode_or_complexity_without_media_is_an_error) {
    expect_error(head + "media:\n  enabled: false\n  encode: live\nphone: [register]\n", 5, 3,
                 "media.encode has no effect with media.enabled: false");
    const auto ds = load_bad(head +
                             "media:\n  enabled: false\n  encode: live\n  complexity: 3\n"
                             "phone: [register]\n");
    ASSERT_EQ(ds.size(), 2U) << dump(ds);
    EXPECT_EQ(ds[1].line, 6U);
    EXPECT_NE(ds[1].message.find("media.complexity has no effect"), std::string::npos) << dump(ds);
}
