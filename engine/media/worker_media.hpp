#pragma once
// What one worker needs for media, made once at start-up and shared by all its calls: the
// media engine on the worker's io_context, one DTLS identity (key + self-signed
// certificate, as a browser makes one per peer connection rather than per handshake) with
// its two SSL_CTXs (client for a=setup:active, server for passive), the a=fingerprint value,
// the cache of pre-encoded tone clips, the tone checks' decoder, an RNG for ICE
// credentials, and for phones the worker's shared port(s). Not movable: shared() hands out pointers into it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/core/result.hpp"
#include "engine/media/media_engine.hpp"
#include "media/dtls/context.hpp"
#include "media/dtls/identity.hpp"
#include "media/stream/stream.hpp"
#include "media/stream/tone_sampler.hpp"

namespace ringstorm::rtp {
class opus_tone_clip;
}

namespace ringstorm::media {

struct worker_media_options {
    engine_options engine;
    dtls::identity_options identity;
    dtls::context_options dtls;
    // Seeds the credential RNG; 0 takes one from std::random_device (two workers, or two
    // runs, must not hand out the same ufrags).
    std::uint64_t seed = 0;
};

class worker_media {
public:
    // Generates the identity and both contexts. The error names the stage:
    // "media: dtls identity: …", "media: dtls server context: …", "media: engine: …".
    static core::result<std::unique_ptr<worker_media>, std::string> create(
        boost::asio::io_context& io, const worker_media_options& options = {});

    worker_media(const worker_media&) = delete;
    worker_media& operator=(const worker_media&) = delete;
    ~worker_media();

    media_engine& engine() noexcept { return *engine_; }
    const media_engine& engine() const noexcept { return *engine_; }

    // What stream::create needs; the pointers stay valid while this object lives.
    stream_shared shared() noexcept;
    // "sha-256 AB:CD:…": the whole a=fingerprint value of every call of this worker.
    const std::string& fingerprint() const noexcept { return fingerprint_; }
    const dtls::dtls_identity& identity() const noexcept { return identity_; }

    // The shared port of the phones on local address `ip` (port chosen by the kernel),
    // opened on first use and kept until the worker ends: every call of those phones
    // offers it as its host candidate. Error text as media_engine::open_port.
    core::result<port_id, std::string> open_shared(const std::string& ip);

    // The worker's source for each call's ICE credentials, SSRC and seeds
    // (media::fill_credentials), seeded from options.seed.
    std::mt19937_64& rng() noexcept { return rng_; }

private:
    worker_media(dtls::dtls_identity id, dtls::dtls_context client, dtls::dtls_context server);

    dtls::dtls_identity identity_;
    dtls::dtls_context client_;
    dtls::dtls_context server_;
    std::string fingerprint_;
    std::vector<std::shared_ptr<const rtp::opus_tone_clip>> tones_;
    // One decoder for the tone checks of every stream, with its budget of windows per
    // second: a decoder per stream would cost ≈18 KB each and have no budget.
    std::unique_ptr<tone_sampler> sampler_;
    std::unique_ptr<media_engine> engine_;
    std::map<std::string, port_id> shared_ports_;  // local ip → its port
    std::mt19937_64 rng_;
};

}  // namespace ringstorm::media
