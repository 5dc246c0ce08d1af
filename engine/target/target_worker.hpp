#pragma once
// One worker of the embedded target: its WebSocket listener, the connections accepted on
// it, its intake, and the registrar shard owning the AORs that hash to it. Everything in
// it runs on its worker's thread; other workers reach it only by posting (share-nothing).
// A REGISTER that arrives here for an AOR owned elsewhere is posted to the owner, and the
// owner posts the response back here, because only this worker may send on the
// connection it came on.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/target/embedded_target.hpp"
#include "engine/target/intake.hpp"
#include "engine/target/registrar.hpp"
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
    target_worker(std::uint32_t index, transport::worker_pool& pool,
                  const std::vector<std::unique_ptr<target_worker>>& peers, registrar_config config,
                  std::shared_ptr<const account_book> accounts, intake_config intake_options);
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

    void on_open(transport::connection& conn) override;
    void on_message(transport::connection& conn, std::string frame) override;
    void on_close(transport::connection& conn, const transport::failure& why) override;

private:
    // Sends a response on connection `id` of this worker, if it is still open.
    void send(std::uint64_t id, const sip::message& response);
    void schedule_sweep();

    std::uint32_t index_;
    transport::worker_pool& pool_;
    const std::vector<std::unique_ptr<target_worker>>& peers_;
    intake intake_;
    registrar registrar_;
    std::unique_ptr<transport::ws_server> server_;
    std::unordered_map<std::uint64_t, std::weak_ptr<transport::connection>> connections_;
    struct sweeper;
    std::shared_ptr<sweeper> sweeper_;
    std::uint64_t accepted_ = 0;       // WebSocket connections opened on this worker
    std::uint64_t send_failures_ = 0;  // responses not sent (queue full, connection gone)
};

}  // namespace ringstorm::target
