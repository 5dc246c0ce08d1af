// The parts of a client connect that do not depend on the stream type.
#include <netinet/in.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/transport/detail/ws_connect.hpp"

namespace ringstorm::transport::detail {

// IP literals skip DNS; hostnames resolve within the connect deadline.
net::awaitable<step<std::vector<tcp::endpoint>>> resolve(const ws_url& url,
                                                         clock::time_point deadline,
                                                         const std::string& target) {
    const auto executor = co_await net::this_coro::executor;
    if (url.is_ip()) {
        boost::system::error_code ec;
        const auto address = net::ip::make_address(url.host, ec);
        if (ec) {
            co_return unexpected{failure{stage::resolve, errc::bad_address, url.host, target}};
        }
        co_return std::vector<tcp::endpoint>{tcp::endpoint{address, url.port}};
    }
    tcp::resolver resolver{executor};
    net::steady_timer timer{executor, deadline};
    bool timed_out = false;
    timer.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) {
            timed_out = true;
            resolver.cancel();
        }
    });
    auto [ec, results] = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                         tcp::resolver::numeric_service, use_tuple);
    timer.cancel();
    if (ec || results.empty()) {
        const std::error_code code = timed_out ? std::error_code{errc::timeout} : translate(ec);
        co_return unexpected{failure{stage::resolve, code, url.host, target}};
    }
    std::vector<tcp::endpoint> endpoints;
    for (const auto& entry : results) {
        endpoints.push_back(entry.endpoint());
    }
    co_return endpoints;
}

namespace {

// Opens the socket for `endpoint` and binds the --source-ips address. Binding with
// IP_BIND_ADDRESS_NO_PORT lets the kernel pick the port at connect() by the whole
// 4-tuple, so each source address gets its own ephemeral port range.
step<done> open_socket(tcp::socket& socket, const tcp::endpoint& endpoint,
                       const std::string& source, const std::string& target) {
    boost::system::error_code ec;
    socket.close(ec);
    socket.open(endpoint.protocol(), ec);
    if (ec) {
        return unexpected{failure{stage::tcp_connect, ec, "socket", target}};
    }
    socket.set_option(tcp::no_delay{true}, ec);  // SIP requests are small and latency-bound
    if (source.empty()) {
        return done{};
    }
    const auto address = net::ip::make_address(source, ec);
    if (ec || address.is_v4() != endpoint.address().is_v4()) {
        return unexpected{failure{stage::tcp_connect, errc::bad_address,
                                  "source address " + source + " (family must match)", target}};
    }
    using no_port = net::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;
    socket.set_option(no_port{true}, ec);
    socket.bind(tcp::endpoint{address, 0}, ec);
    if (ec) {
        return unexpected{failure{stage::tcp_connect, ec, "bind " + source, target}};
    }
    return done{};
}

}  // namespace

net::awaitable<step<done>> tcp_connect(beast::tcp_stream& stream,
                                       const std::vector<tcp::endpoint>& endpoints,
                                       const std::string& source, clock::time_point deadline,
                                       const std::string& target) {
    boost::system::error_code last = net::error::host_not_found;
    for (const auto& endpoint : endpoints) {
        if (auto opened = open_socket(stream.socket(), endpoint, source, target); !opened) {
            co_return unexpected{std::move(opened).error()};
        }
        stream.expires_at(deadline);
        auto [ec] = co_await stream.async_connect(endpoint, use_tuple);
        if (!ec) {
            stream.expires_never();
            co_return done{};
        }
        last = ec;
        if (ec == beast::error::timeout) {
            break;
        }
    }
    co_return unexpected{failure{stage::tcp_connect, translate(last), {}, target}};
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace ringstorm::transport::detail
