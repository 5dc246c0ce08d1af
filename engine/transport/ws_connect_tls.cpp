// The wss:// connect: TLS handshake with SNI and verification, then the upgrade.
#include <openssl/ssl.h>

#include "engine/transport/detail/ws_connect.hpp"

namespace ringstorm::transport::detail {

net::awaitable<step<done>> tls_handshake(tls_stream& stream, const ws_url& url, bool insecure,
                                         std::chrono::milliseconds timeout,
                                         const std::string& target) {
    SSL* ssl = stream.native_handle();
    if (!url.is_ip()) {
        // RFC 6066 §3: SNI carries host names only, never literal addresses.
        SSL_set_tlsext_host_name(ssl, url.host.c_str());
    }
    if (!insecure) {
        // RFC 2818 §3.1 / RFC 6125: the certificate must name the host we dialled;
        // OpenSSL checks it during the handshake and reports a named verify error.
        if (url.is_ip()) {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str());
        } else {
            SSL_set1_host(ssl, url.host.c_str());
        }
    }
    beast::get_lowest_layer(stream).expires_after(timeout);
    auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::client, use_tuple);
    beast::get_lowest_layer(stream).expires_never();
    if (ec) {
        co_return unexpected{
            failure{stage::tls_handshake, translate(ec), verify_detail(ssl), target}};
    }
    co_return done{};
}

net::awaitable<step<connect_timings>> connect_tls(
    std::shared_ptr<ws_stream_connection<tls_stream>> conn, ws_url url, client_options options,
    bool insecure) {
    return run_connect(std::move(conn), std::move(url), std::move(options), insecure);
}

}  // namespace ringstorm::transport::detail
