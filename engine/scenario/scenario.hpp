#pragma once
// A compiled scenario: every field validated, durations parsed, accounts ready to expand,
// the phone script as data. Immutable once loaded and shared read-only by all workers
// (`std::shared_ptr<const scenario>`); runtime counters live in stats, never here.
// The format is documented in scenarios/README.md.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/duration.hpp"
#include "engine/core/result.hpp"
#include "engine/scenario/accounts.hpp"
#include "engine/scenario/diagnostic.hpp"
#include "engine/scenario/step.hpp"
#include "engine/scenario/target_url.hpp"
#include "engine/scenario/threshold.hpp"

namespace ringstorm::scenario {

// Which SDK behaviour the phones emulate and are judged against (sdk-callback-contract.md).
enum class contract_profile : std::uint8_t {
    documented,            // the integration guide's sequences (the default)
    exotel_web_sdk_2_0_5,  // what @exotel-npm-dev/webrtc-client-sdk 2.0.5 really emits
};

std::string_view to_string(contract_profile p) noexcept;  // "documented", "exotel-web-sdk-2.0.5"
std::optional<contract_profile> parse_contract_profile(std::string_view text) noexcept;
std::span<const std::string_view> contract_profile_names() noexcept;

// What the embedded target does with a call it places (and so which row of
// sdk-callback-contract.md it exercises); the names of engine/target's call_behaviour.
enum class target_call_behaviour : std::uint8_t {
    answered_then_target_bye,     // ACK the 2xx, talk for talk_time, then BYE
    target_cancel_while_ringing,  // CANCEL cancel_after the first provisional response
    remote_hold_then_bye,         // ACK, hold re-INVITE after hold_after, BYE at talk_time
    no_ack,                       // never ACK the 2xx
    phone_hangs_up,               // ACK and wait (up to talk_time) for the phone's BYE
};
std::string_view to_string(target_call_behaviour b) noexcept;  // "no_ack", ...
std::span<const std::string_view> target_call_behaviour_names() noexcept;

struct target_call_weight {
    target_call_behaviour behaviour = target_call_behaviour::answered_then_target_bye;
    std::uint32_t weight = 1;  // out of the sum of the mix's weights
};

// `target.calls`: the calls the embedded target places to the registered phones. Plain
// values (this library does not depend on engine/target); `ringstorm run` maps them to
// target::call_options. The defaults are the target's own.
struct target_calls_config {
    enum class mode : std::uint8_t {
        each_binding,  // `after`: each registered AOR is called `after` after it registers,
                       // and again `after` after each of its calls ended
        rate,          // `rate` calls per second over all registered bindings
    };
    mode how = mode::each_binding;
    core::duration after{std::chrono::seconds(1)};
    double rate = 0;
    bool poisson = true;                      // `spacing`: poisson (exponential gaps) or fixed
    std::vector<target_call_weight> mix{{}};  // `behaviour` is a mix of one
    core::duration talk_time{std::chrono::seconds(40)};
    core::duration cancel_after{std::chrono::seconds(2)};
    core::duration hold_after{std::chrono::seconds(3)};
    core::duration ring_timeout{std::chrono::seconds(65)};
    bool fork = true;    // an AOR with several tabs rings on all of them
    source_location at;  // the `calls` key

    bool uses(target_call_behaviour b) const noexcept;  // in the mix with a weight > 0
};

// `target.media`: what the embedded target's side of each call sends once DTLS-SRTP is up
// (`ringstorm serve --media`). The names are serve's.
enum class target_media_mode : std::uint8_t {
    echo,  // re-protect the phone's packets and send them back (two-way audio, the default)
    tone,  // send a tone of its own (a distinct frequency per call)
    none,  // offer no ICE or candidates: phones run no media for these calls
};
std::string_view to_string(target_media_mode m) noexcept;  // "echo", "tone", "none"
std::span<const std::string_view> target_media_mode_names() noexcept;

struct target_config {
    std::optional<target_url> url;             // nullopt: start the embedded target on loopback
    bool insecure = false;                     // skip TLS certificate verification
    std::string ca;                            // CA file (resolved path); empty: the system store
    std::string sipdomain;                     // AOR domain; empty: the target URL's host
    std::optional<target_calls_config> calls;  // nullopt: the embedded target places no calls
    target_media_mode media = target_media_mode::echo;  // the embedded target's media
    source_location url_at, insecure_at, ca_at, sipdomain_at, media_at;
};

// The top-level `media:` section: the phones' own media. A worker's phones get a media
// engine and answer with real ICE/DTLS-SRTP only when `enabled`; the far end's offer
// decides the rest (an offer without a=ice-ufrag gets no media, whatever this says).
// `media.encode`: how a phone makes the Opus it sends (media::opus_source).
enum class media_encode : std::uint8_t {
    replay,  // its tone's frames, encoded once per worker and replayed (the default: cheap)
    live,    // its own libopus encoder, a frame every 20 ms (real CPU-shaped load)
};
std::string_view to_string(media_encode e) noexcept;  // "replay", "live"

struct media_config {
    bool enabled = true;
    // How often a stream decodes a window of what it receives to tell the peer's tone,
    // silence or cross-talk (media::stream_config::detect_every_ms); nullopt: the stream's
    // default; zero: never decode (the tone checks then report nothing).
    std::optional<core::duration> detect_every;
    media_encode encode = media_encode::replay;
    // libopus complexity 0..10 of live encoding (media::stream_config::opus_complexity);
    // nullopt: the stream's default (WebRTC's 9). Only with encode: live.
    std::optional<std::uint32_t> complexity;
    source_location at, enabled_at, detect_every_at, encode_at, complexity_at;
};

struct accounts_config {
    account_source source;      // pattern or CSV; phone i's credentials are source.at(i)
    std::uint32_t tabs = 1;     // registrations (browser tabs) per phone, each its own Contact
    source_location source_at;  // the `pattern` or `csv` key
};

// One k6-like ramp stage: move the number of active phones linearly to `target` over
// `duration`, starting from the previous stage's target (0 before the first).
struct stage {
    core::duration duration{};
    std::uint64_t target = 0;
    source_location where;
};

struct load_profile {
    std::uint64_t phones = 1;                // phones (users) in the run, each with `tabs` tabs
    std::optional<double> rate;              // phones started per second; nullopt with stages,
                                             // or to start every phone at once
    std::optional<core::duration> duration;  // run length; nullopt: until every script ends.
                                             // With stages: at least their total
    std::vector<stage> stages;               // empty unless ramping by stages
    std::optional<std::uint32_t> threads;    // worker threads; nullopt: one per core
    source_location phones_at, rate_at, duration_at, stages_at, threads_at;

    core::duration stages_total() const noexcept;
};

struct scenario {
    std::string file;  // where it was loaded from, for messages
    std::string name;  // [a-z0-9_-]+, used in reports and metric labels
    std::string description;
    contract_profile contract = contract_profile::documented;
    target_config target;
    accounts_config accounts;
    load_profile load;
    std::vector<threshold> thresholds;
    media_config media;  // the phones' media (`media:`)
    block phone;         // the per-phone script, never empty
    source_location contract_at;
};

using load_result = core::result<scenario, std::vector<diagnostic>>;

// Reads and compiles a scenario file. CSV and CA paths in it are relative to the file's
// directory. Errors are every problem found, in file order; no exception escapes.
load_result load_scenario_file(const std::string& path);

// The same for text held in memory. `name_for_errors` names the text in diagnostics and,
// as a path, gives the directory relative paths are resolved against.
load_result load_scenario_text(std::string_view text, std::string_view name_for_errors);

}  // namespace ringstorm::scenario
