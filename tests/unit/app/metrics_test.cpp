// --prometheus: a run serves live /metrics in the interface's names while phones run.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/app/run_options.hpp"

namespace ringstorm::app {
namespace {

namespace fs = std::filesystem;

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

// One HTTP/1.0 GET on loopback; empty when nothing answers.
std::string http_get(int port, const std::string& path) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string body;
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        if (send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size())) {
            char buf[4096];
            ssize_t n;
            while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
                body.append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    close(fd);
    return body;
}

TEST(metrics, a_run_serves_live_metrics_while_phones_run) {
    fs::path dir = fs::path(testing::TempDir()) / "ringstorm_metrics_test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "s.yaml") << R"(name: metrics-test
accounts: {pattern: "6{n:03}", password: secret}
load: {phones: 5, rate: 50, duration: 3s}
phone:
  - register
  - loop: {steps: [{think: 200ms}]}
  - unregister
)";
    int port = free_port();
    run_options o;
    o.scenario_file = (dir / "s.yaml").string();
    o.prometheus = "127.0.0.1:" + std::to_string(port);
    o.quiet = true;
    int code = -1;
    std::thread run([&] { code = run_command(o); });
    std::string scraped;
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < give_up) {
        scraped = http_get(port, "/metrics");
        if (scraped.find("ringstorm_phones{scenario=\"metrics-test\",state=\"registered\"} 5") !=
            std::string::npos) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    run.join();
    EXPECT_EQ(code, 0);
    EXPECT_NE(scraped.find("ringstorm_phones{scenario=\"metrics-test\",state=\"registered\"} 5"),
              std::string::npos)
        << scraped;
    EXPECT_NE(scraped.find("ringstorm_step_duration_seconds_bucket{scenario=\"metrics-test\",step=\"register\""),
              std::string::npos);
}

TEST(metrics, an_address_in_use_means_the_run_cannot_start) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd, 1);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    fs::path dir = fs::path(testing::TempDir()) / "ringstorm_metrics_busy";
    fs::create_directories(dir);
    std::ofstream(dir / "s.yaml") << "name: busy\naccounts: {pattern: \"6{n:03}\", password: secret}\n"
                                     "phone: [register]\n";
    run_options o;
    o.scenario_file = (dir / "s.yaml").string();
    o.prometheus = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    o.quiet = true;
    EXPECT_EQ(run_command(o), 3);
    close(fd);
}

}  // namespace
}  // namespace ringstorm::app
