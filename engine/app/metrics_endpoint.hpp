#pragma once
// `--prometheus HOST:PORT`: a live /metrics endpoint during a run (or `serve`), and
// `--pushgateway URL`: one push at the end. The families are built on each scrape by
// `collect`, which gathers snapshots from the workers (posting to each); the HTTP server
// (prometheus-cpp over civetweb) runs on its own thread, never on a worker.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/result.hpp"

namespace prometheus {
struct MetricFamily;
}

namespace ringstorm::app {

using collect_fn = std::function<std::vector<prometheus::MetricFamily>()>;

class metrics_endpoint {
public:
    // Listens on `host_port` ("127.0.0.1:9464", ":9464", "[::1]:9464"); the error says why not.
    static core::result<std::unique_ptr<metrics_endpoint>, std::string> start(
        const std::string& host_port, collect_fn collect);
    ~metrics_endpoint();
    int port() const;  // the port bound

    struct impl;

private:
    explicit metrics_endpoint(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> impl_;
};

// Pushes `families` to a Pushgateway (`http://host:port`) under job "ringstorm" and the
// instance label `instance`; the error names the URL and the HTTP status.
core::result<int, std::string> push_metrics(const std::string& url, const std::string& instance,
                                            std::vector<prometheus::MetricFamily> families);

}  // namespace ringstorm::app
