// `serve --media` / `--media-ip` and the scenario's `target.media`: what reaches the embedded
// target, and every bad value refused with the option named (serve exits 2 on these).
#include <gtest/gtest.h>

#include "engine/app/run_target.hpp"
#include "engine/app/serve_command.hpp"
#include "tests/unit/scenario/load_helpers.hpp"

namespace ringstorm::app {
namespace {

serve_options calling(std::string media, std::string ip = {}) {
    serve_options o;
    o.call_after = "1s";
    o.media = std::move(media);
    o.media_ip = std::move(ip);
    return o;
}

TEST(serve_media, echo_is_the_default) {
    auto m = serve_media_options(calling(""), true);
    ASSERT_TRUE(m.has_value()) << m.error();
    EXPECT_EQ(m->mode, target::media_mode::echo);
    EXPECT_TRUE(m->ip.empty());  // the target picks: the listen address or 127.0.0.1
}

TEST(serve_media, each_mode_by_name) {
    for (auto [text, mode] :
         {std::pair{"echo", target::media_mode::echo}, std::pair{"tone", target::media_mode::tone},
          std::pair{"none", target::media_mode::none}}) {
        auto m = serve_media_options(calling(text), true);
        ASSERT_TRUE(m.has_value()) << text << ": " << m.error();
        EXPECT_EQ(m->mode, mode);
        EXPECT_EQ(target::to_string(mode), text);
    }
}

TEST(serve_media, media_ip_is_an_address_a_phone_can_reach) {
    auto v4 = serve_media_options(calling("echo", "192.0.2.7"), true);
    ASSERT_TRUE(v4.has_value()) << v4.error();
    EXPECT_EQ(v4->ip, "192.0.2.7");
    EXPECT_TRUE(serve_media_options(calling("tone", "::1"), true).has_value());
}

TEST(serve_media, bad_values_name_the_option) {
    struct bad_case {
        serve_options options;
        bool calls;
        const char* words;
    };
    const bad_case cases[] = {
        {calling("eko"), true, "--media eko: echo"},
        {calling("ECHO"), true, "--media ECHO"},
        {calling("echo", "media.example.com"), true, "--media-ip media.example.com"},
        {calling("echo", "0.0.0.0"), true, "wildcard"},
        {calling("tone", "::"), true, "--media-ip ::: a wildcard"},
        {calling("none", "127.0.0.1"), true, "--media-ip has nothing to bind"},
        {calling("tone"), false, "--media needs --call-rate"},
        {calling("", "127.0.0.1"), false, "--media-ip needs --call-rate"},
    };
    for (const bad_case& c : cases) {
        auto m = serve_media_options(c.options, c.calls);
        ASSERT_FALSE(m.has_value()) << c.words;
        EXPECT_NE(m.error().find(c.words), std::string::npos) << m.error();
    }
}

TEST(serve_media, media_ip_errors_are_the_targets_own) {
    // One check for serve and the embedded target (target::check_media_ip), word for word.
    for (const char* ip : {"media.example.com", "0.0.0.0", "::"}) {
        auto m = serve_media_options(calling("echo", ip), true);
        ASSERT_FALSE(m.has_value()) << ip;
        EXPECT_EQ(m.error(), target::check_media_ip(ip));
    }
}

TEST(serve_media, scenario_target_media_maps_to_the_same_modes) {
    for (std::string_view name : scenario::target_media_mode_names()) {
        const scenario::scenario s = loader_test::load_ok(
            loader_test::head + "target: {media: " + std::string(name) + "}\nphone: [register]\n");
        EXPECT_EQ(target::to_string(to_media_mode(s.target.media)), name);
        EXPECT_EQ(target::media_mode_from_string(name), to_media_mode(s.target.media));
    }
}

}  // namespace
}  // namespace ringstorm::app
