#include "engine/media/worker_media.hpp"

#include "media/rtp/opus_tone.hpp"

namespace ringstorm::media {

worker_media::worker_media(dtls::dtls_identity id, dtls::dtls_context client,
                           dtls::dtls_context server)
    : identity_(std::move(id)),
      client_(std::move(client)),
      server_(std::move(server)),
      fingerprint_(identity_.sdp_fingerprint()),
      tones_(rtp::tone_grid_size) {}

worker_media::~worker_media() = default;

core::result<std::unique_ptr<worker_media>, std::string> worker_media::create(
    boost::asio::io_context& io, const worker_media_options& options) {
    if (const std::string why = options.engine.validate(); !why.empty()) {
        return core::unexpected("media: engine: " + why);
    }
    if (const std::string why = options.dtls.validate(); !why.empty()) {
        return core::unexpected("media: dtls: " + why);
    }
    auto id = dtls::dtls_identity::generate(options.identity);
    if (!id) {
        return core::unexpected("media: dtls identity: " + id.error().to_string());
    }
    auto client = dtls::dtls_context::create(*id, dtls::dtls_role::client, options.dtls);
    if (!client) {
        return core::unexpected("media: dtls client context: " + client.error().to_string());
    }
    auto server = dtls::dtls_context::create(*id, dtls::dtls_role::server, options.dtls);
    if (!server) {
        return core::unexpected("media: dtls server context: " + server.error().to_string());
    }
    std::unique_ptr<worker_media> w(
        new worker_media(std::move(*id), std::move(*client), std::move(*server)));
    w->engine_ = std::make_unique<media_engine>(io, options.engine);
    w->sampler_ = tone_sampler::create();
    if (!w->sampler_) {
        return core::unexpected(std::string("media: opus decoder for the tone checks could not be made"));
    }
    w->rng_.seed(options.seed != 0
                     ? options.seed
                     : (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}());
    return w;
}

stream_shared worker_media::shared() noexcept {
    stream_shared s;
    s.dtls_client = &client_;
    s.dtls_server = &server_;
    s.local_fingerprint = fingerprint_;
    s.tones = &tones_;
    s.sampler = sampler_.get();
    return s;
}

core::result<port_id, std::string> worker_media::open_shared(const std::string& ip) {
    if (const auto it = shared_ports_.find(ip); it != shared_ports_.end()) {
        return it->second;
    }
    auto opened = engine_->open_port(ip, 0, port_kind::shared);
    if (opened) {
        shared_ports_.emplace(ip, *opened);
    }
    return opened;
}

}  // namespace ringstorm::media
