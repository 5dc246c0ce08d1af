#pragma once
// One worker of the embedded target: its WebSocket listener, the connections accepted on
// it, its intake, and the registrar shard owning the AORs that hash to it. Everything in
// it runs on its worker's thread; other workers reach it only by posting (share-nothing).
// A REGISTER that arrives here for an AOR owned elsewhere is posted to the owner, and the
// owner posts the response back here, because only this worker may send on the
// connection it came on.
//
// Calls follow the same split: a call lives on the worker owning its AOR (call_router),
// its sends are posted to the worker of each leg's connection, and that worker keeps the
// call's Call-ID in call_routes so every frame of the call comes back to the owner.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/target/call_router.hpp"
#include "engine/target/call_routes.hpp"
#include "engine/target/embedded_target.hpp"
#include "engine/target/intake.hpp"
#include "engine/target/registrar.hpp"
#include "engine/target/target_media.hpp"
#include "engine/transport/ws_server.hpp"

namespace boost::asio {
class io_context;
}

namespace ringstorm::transport {
class worker_pool;
}

namespace ringstorm::target {

// The worker that owns an AOR's bindings (AOR keys from aor_key()).
inline std::size_t owner_of(const std::string& aor, std::size_t workers) noexcept {
    return std::hash<std::string>{}(aor) % workers;
}

class target_worker final : public transport::server_handler {
public:
    // `peers` holds every worker (this one included, at `index`) and outlives them all.
    // `calls` must validate() clean (mode off: no calls); `who` is the caller of every
    // call and `call_seed` this worker's identifiers (distinct per worker).
    // `media` (made on this worker's io_context; null: calls without media) carries the
    // calls' streams, each on a port of its own bound on `media_ip`, in `media_mode`.
    target_worker(std::uint32_t index, transport::worker_pool& pool,
                  const std::vector<std::unique_ptr<target_worker>>& peers, registrar_config config,
                  std::shared_ptr<const account_book> accounts, intake_config intake_options,
                  const call_options& calls = {}, const caller_identity& who = {},
                  std::uint64_t call_seed = 0, std::unique_ptr<media::worker_media> media = nullptr,
                  media_mode mode = media_mode::echo, std::string media_ip = "127.0.0.1");
    ~target_worker() override;

    // Builds the listener (call before the pool runs). `tls` null for ws://.
    core::result<std::uint16_t, transport::failure> listen(transport::server_options options,
                                                           transport::tls_context* tls);
    // Starts accepting and the expiry sweep (before the pool runs, or on this worker).
    void start();
    // Orderly stop on this worker's thread: close handshakes (bounded by the connection
    // limits), then `done` is called (on this thread).
    void stop(std::function<void()> done);

    // This worker's counters (call on its thread); merged by embedded_target::snapshot.
    void add_to(target_stats& out) const;

    registrar& registrar_shard() noexcept { return registrar_; }
    // The first findings of this worker's calls (call on its thread); empty without calls.
    std::vector<std::string> call_notes() const;

    void on_open(transport::connection& conn) override;
    void on_message(transport::connection& conn, std::string frame) override;
    void on_close(transport::connection& conn, const transport::failure& why) override;

private:
    // Sends a response on connection `id` of this worker, if it is still open.
    void send(std::uint64_t id, const sip::message& response);
    // The same for a text; false (and counted) when it could not be queued.
    bool send_text(std::uint64_t id, std::string text);
    void schedule_sweep();
    // On the AOR's owner: the REGISTER, its answer back to `from`, then the calls.
    void handle_register(const sip::message& request, connection_ref from, const std::string& aor);
    // A frame of a call owned by worker `owner` (perhaps this one).
    void route_frame(std::uint32_t owner, std::string call_id, std::string frame,
                     connection_ref from);
    // On the owner: carries what the router asked to each connection's worker.
    void dispatch(router_output out);
    // On a connection's worker: routes and sends for calls owned by `owner`.
    void carry(std::uint32_t owner, router_output items);
    // Rate mode: this worker's share of the target's rate from every worker's AOR count.
    void refresh_share();
    // Arms the worker's one call timer at the router's next deadline.
    void arm_calls();

    std::uint32_t index_;
    transport::worker_pool& pool_;
    const std::vector<std::unique_ptr<target_worker>>& peers_;
    intake intake_;
    registrar registrar_;
    std::unique_ptr<transport::ws_server> server_;
    std::unordered_map<std::uint64_t, std::weak_ptr<transport::connection>> connections_;
    struct sweeper;
    std::shared_ptr<sweeper> sweeper_;
    call_routes routes_;                   // calls over this worker's connections
    // Declared before the router, which uses them: the media engine and the calls' streams.
    std::unique_ptr<media::worker_media> media_;
    std::unique_ptr<target_media> call_media_;
    std::unique_ptr<call_router> router_;  // calls to this worker's AORs; null: calls off
    std::vector<std::size_t> aor_counts_;  // per worker, as last heard (rate mode)
    struct call_clock;
    std::shared_ptr<call_clock> call_clock_;
    std::uint64_t accepted_ = 0;       // WebSocket connections opened on this worker
    std::uint64_t send_failures_ = 0;  // responses not sent (queue full, connection gone)
};

}  // namespace ringstorm::target
