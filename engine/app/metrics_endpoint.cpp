#include "engine/app/metrics_endpoint.hpp"

#include <exception>

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/gateway.h>
#include <prometheus/metric_family.h>

namespace ringstorm::app {

namespace {

class function_collectable final : public prometheus::Collectable {
public:
    explicit function_collectable(collect_fn fn) : fn_(std::move(fn)) {}
    std::vector<prometheus::MetricFamily> Collect() const override { return fn_(); }

private:
    collect_fn fn_;
};

}  // namespace

struct metrics_endpoint::impl {
    std::shared_ptr<function_collectable> collectable;
    std::unique_ptr<prometheus::Exposer> exposer;
};

metrics_endpoint::metrics_endpoint(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

metrics_endpoint::~metrics_endpoint() = default;

core::result<std::unique_ptr<metrics_endpoint>, std::string> metrics_endpoint::start(
    const std::string& host_port, collect_fn collect) {
    auto i = std::make_unique<impl>();
    i->collectable = std::make_shared<function_collectable>(std::move(collect));
    try {
        // One server thread is plenty for a scrape every few seconds.
        i->exposer = std::make_unique<prometheus::Exposer>(host_port, 1);
    } catch (const std::exception& e) {
        return core::unexpected<std::string>("--prometheus " + host_port +
                                             ": cannot listen: " + e.what());
    }
    i->exposer->RegisterCollectable(i->collectable);
    return std::unique_ptr<metrics_endpoint>(new metrics_endpoint(std::move(i)));
}

int metrics_endpoint::port() const {
    auto ports = impl_->exposer->GetListeningPorts();
    return ports.empty() ? 0 : ports.front();
}

core::result<int, std::string> push_metrics(const std::string& url, const std::string& instance,
                                            std::vector<prometheus::MetricFamily> families) {
    using error = core::unexpected<std::string>;
    std::string rest = url;
    if (rest.rfind("http://", 0) == 0) {
        rest = rest.substr(7);
    } else if (rest.find("://") != std::string::npos) {
        return error("--pushgateway " + url + ": only http:// URLs are supported");
    }
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        rest = rest.substr(0, slash);
    }
    auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon + 1 == rest.size()) {
        return error("--pushgateway " + url + ": write http://host:port");
    }
    std::string host = rest.substr(0, colon);
    std::string port = rest.substr(colon + 1);
    try {
        prometheus::Gateway gateway(host, port, "ringstorm", {{"instance", instance}});
        auto snapshot = std::make_shared<function_collectable>(
            [f = std::move(families)] { return f; });
        gateway.RegisterCollectable(snapshot);
        int status = gateway.Push();
        if (status < 200 || status >= 300) {
            return error("--pushgateway " + url + ": push failed (HTTP status " +
                         std::to_string(status) + ")");
        }
        return status;
    } catch (const std::exception& e) {
        return error("--pushgateway " + url + ": " + e.what());
    }
}

}  // namespace ringstorm::app
