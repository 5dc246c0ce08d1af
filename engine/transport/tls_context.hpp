#pragma once
// TLS contexts for the WebSocket client and server. Built once at start-up (errors are
// strings for the user: a missing file, a bad key) and shared read-only by connections.
// The Asio type stays behind a pointer so phone and scenario code need not include it.

#include <memory>
#include <string>
#include <vector>

#include "engine/core/result.hpp"

namespace boost::asio::ssl {
class context;
}

namespace ringstorm::transport {

struct client_tls_options {
    bool insecure = false;  // --insecure: no certificate or hostname verification
    std::string ca_file;    // --ca FILE: trust these PEM certificates, not the system store
    std::string ca_pem;     // PEM text to trust (the embedded target's generated cert)
};

struct server_tls_options {
    std::string cert_file;  // PEM chain, leaf first
    std::string key_file;   // PEM private key
    std::string cert_pem;   // or the same as PEM text (used when cert_file is empty)
    std::string key_pem;
};

enum class key_type { ec_p256, rsa_2048 };

// A certificate and its private key, PEM-encoded.
struct pem_pair {
    std::string cert_pem;
    std::string key_pem;
};

// A self-signed server certificate made on the fly, valid from an hour ago for `days`,
// with a subjectAltName for every entry of `names` (IP literals as iPAddress, the rest
// as dNSName), so a client that trusts it (client_tls_options::ca_pem) verifies it.
core::result<pem_pair, std::string> make_self_signed(
    key_type type = key_type::ec_p256,
    const std::vector<std::string>& names = {"localhost", "127.0.0.1", "::1"}, int days = 30);

class tls_context {
public:
    // TLS 1.2 or later, verification on unless `insecure` (system store via
    // set_default_verify_paths, or only ca_file/ca_pem when given). Buffers of idle
    // connections are released (SSL_MODE_RELEASE_BUFFERS) to keep idle phones small.
    static core::result<tls_context, std::string> client(const client_tls_options& options);
    // TLS 1.2 or later with the given certificate and key (checked to match).
    static core::result<tls_context, std::string> server(const server_tls_options& options);

    tls_context(tls_context&&) noexcept;
    tls_context& operator=(tls_context&&) noexcept;
    ~tls_context();

    // Whether clients skip verification (no hostname check is installed per stream).
    bool insecure() const noexcept { return insecure_; }
    boost::asio::ssl::context& native() noexcept { return *context_; }

private:
    tls_context(std::unique_ptr<boost::asio::ssl::context> context, bool insecure);

    std::unique_ptr<boost::asio::ssl::context> context_;
    bool insecure_ = false;
};

}  // namespace ringstorm::transport
