#include "engine/app/media_address.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

namespace ringstorm::app {

namespace net = boost::asio;

core::result<std::string, std::string> local_route_to(const std::string& host, std::uint16_t port) {
    using error = core::unexpected<std::string>;
    net::io_context io;
    boost::system::error_code ec;
    net::ip::udp::resolver resolver(io);
    auto found = resolver.resolve(host, std::to_string(port), ec);
    if (ec) {
        return error("resolve: " + ec.message());
    }
    if (found.empty()) {
        return error("resolve: no address");
    }
    const auto to = found.begin()->endpoint();
    net::ip::udp::socket probe(io);
    probe.open(to.protocol(), ec);
    if (ec) {
        return error("UDP socket: " + ec.message());
    }
    probe.connect(to, ec);  // a UDP connect only picks the route: nothing is sent
    if (ec) {
        return error("route to " + to.address().to_string() + ": " + ec.message());
    }
    const auto local = probe.local_endpoint(ec);
    if (ec) {
        return error("local address: " + ec.message());
    }
    return local.address().to_string();
}

media_address find_media_address(const transport::ws_url& target, const route_lookup& lookup) {
    const std::string& host = target.host;
    if (host == "localhost" || host.rfind("127.", 0) == 0) {
        return {"127.0.0.1", {}};
    }
    if (host == "::1") {
        return {"::1", {}};
    }
    auto route = lookup(host, target.port);
    if (route) {
        return {std::move(*route), {}};
    }
    // Not fatal: the signalling may still be worth testing, and calls whose far end
    // offers no ICE need no media address at all.
    return {"127.0.0.1", "media: no local address reaches " + host + " (" + route.error() +
                             "); the phones' media binds 127.0.0.1, so their calls to " + host +
                             " will likely fail ICE (media.ice_failed)"};
}

}  // namespace ringstorm::app
