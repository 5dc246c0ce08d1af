// What a call's stream config takes from its worker (engine/phone/phone_media.hpp): the
// tone replayed by default, live encoding and its complexity when the scenario asks, and a
// stream that cannot be made (a complexity libopus refuses) failing prepare with the
// stream's own text.
#include <gtest/gtest.h>

#include <memory>

#include <boost/asio/io_context.hpp>

#include "engine/core/stats.hpp"
#include "engine/media/worker_media.hpp"
#include "engine/phone/call_stream.hpp"

namespace ringstorm::phone::test {
namespace {

struct worker_env {
    boost::asio::io_context io;
    std::unique_ptr<media::worker_media> worker;
    phone_media env;
    core::stats stats;
    media::port_id port = 0;

    worker_env() {
        auto made = media::worker_media::create(io);
        EXPECT_TRUE(made) << (made ? "" : made.error());
        worker = std::move(*made);
        env.worker = worker.get();
        auto p = worker->open_shared("127.0.0.1");
        EXPECT_TRUE(p) << (p ? "" : p.error());
        port = *p;
    }
};

TEST(CallStream, ReplaysTheWorkersClipByDefault) {
    worker_env w;
    call_stream c(w.env, w.stats, w.port, media::ice_mode::controlling);
    EXPECT_EQ(c.config().opus, media::opus_source::replay);
    EXPECT_EQ(c.config().opus_complexity, rtp::webrtc_opus_complexity);
    EXPECT_EQ(c.prepare(111), "");
    EXPECT_NE(c.stream(), nullptr);
    EXPECT_EQ(w.worker->engine().stats().endpoints, 1U);
}

TEST(CallStream, LiveEncodingAndItsComplexityComeFromTheWorker) {
    worker_env w;
    w.env.live_opus = true;
    {
        call_stream c(w.env, w.stats, w.port, media::ice_mode::controlling);
        EXPECT_EQ(c.config().opus, media::opus_source::live);
        EXPECT_EQ(c.config().opus_complexity, rtp::webrtc_opus_complexity);  // not given
        EXPECT_EQ(c.prepare(111), "");
    }
    w.env.opus_complexity = 0;
    call_stream c(w.env, w.stats, w.port, media::ice_mode::controlled);
    EXPECT_EQ(c.config().opus, media::opus_source::live);
    EXPECT_EQ(c.config().opus_complexity, 0);
    EXPECT_EQ(c.prepare(111), "");
    EXPECT_NE(c.stream(), nullptr);
}

TEST(CallStream, AComplexityLibopusRefusesFailsPrepareWithTheStreamsText) {
    worker_env w;
    w.env.live_opus = true;
    w.env.opus_complexity = 12;
    call_stream c(w.env, w.stats, w.port, media::ice_mode::controlling);
    const std::string why = c.prepare(111);
    EXPECT_NE(why.find("complexity 12"), std::string::npos) << why;
    EXPECT_TRUE(c.stopped());
    EXPECT_EQ(c.stream(), nullptr);
    EXPECT_EQ(w.worker->engine().stats().endpoints, 0U);  // nothing attached
}

}  // namespace
}  // namespace ringstorm::phone::test
