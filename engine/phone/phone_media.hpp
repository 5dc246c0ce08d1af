#pragma once
// What a phone worker gives its calls' media (engine/phone/call_stream.hpp holds one call's):
// the worker's media (engine, DTLS identity, shared ports), what the far end is expected to
// send back, the run's tone numbering, and the registry of running streams whose counters
// the worker folds into its stats once a second. Light on purpose: worker_env (tab.hpp)
// holds it by value.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ringstorm::media {
class worker_media;
}

namespace ringstorm::phone {

class call_stream;

// The streams of one worker that are running now, for the periodic fold of their counters
// (record_media_live). Owned by the worker; every call_stream leaves it when it stops.
class stream_registry {
public:
    // Adds what each running stream's counters grew by since the last fold to its
    // worker's stats (record_media_live).
    void fold() noexcept;
    std::size_t size() const noexcept { return live_.size(); }

private:
    friend class call_stream;
    void add(call_stream& c);
    void remove(call_stream& c) noexcept;
    std::vector<call_stream*> live_;
};

// What a phone's worker gives its calls' media. `worker` null: media off (the scenario's
// `media: {enabled: false}`, or a test without media): answers keep the SDP they had
// before real media (random fingerprint, no candidates) and no stream runs.
struct phone_media {
    media::worker_media* worker = nullptr;
    stream_registry* registry = nullptr;  // null: no live folding, everything at the end
    // The local address of the shared port when the tab binds no source address
    // (--source-ips): the address this host reaches the target from (127.0.0.1 for a
    // loopback target). With --source-ips each tab's port is on its own source address.
    std::string local_ip = "127.0.0.1";
    // The far end echoes what we send (the embedded target's `target.media: echo`): our
    // streams expect to hear their own tone, and silence while muted.
    bool peer_echoes = false;
    // media::stream_config::detect_every_ms; nullopt keeps the stream's default.
    std::optional<std::uint32_t> detect_every_ms;
    // The scenario's `media.encode: live`: each call encodes its tone with its own libopus
    // encoder (media::opus_source::live) instead of replaying the worker's clips.
    bool live_opus = false;
    // media::stream_config::opus_complexity (live only); nullopt keeps the stream's default.
    std::optional<int> opus_complexity;
    // tone_index of this worker's next call, then + tone_stride: with start = the worker's
    // index and stride = the number of workers, the run's calls get consecutive indices
    // across workers, so two calls running together send different grid tones.
    std::uint64_t next_tone = 0;
    std::uint64_t tone_stride = 1;
};

}  // namespace ringstorm::phone
