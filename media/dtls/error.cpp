#include "media/dtls/error.hpp"

namespace ringstorm::dtls {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "dtls"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::identity_failed:
                return "could not make the DTLS key and certificate";
            case errc::context_failed:
                return "could not configure the DTLS context";
            case errc::session_failed:
                return "could not make the DTLS session";
            case errc::bad_fingerprint:
                return "malformed certificate fingerprint";
            case errc::unsupported_hash:
                return "unsupported fingerprint hash function";
            case errc::fingerprint_mismatch:
                return "peer certificate does not match the SDP fingerprint";
            case errc::no_srtp_profile:
                return "peer negotiated no SRTP protection profile (use_srtp)";
            case errc::handshake_failed:
                return "DTLS handshake failed";
            case errc::timeout:
                return "DTLS retransmissions exhausted";
            case errc::keying_export_failed:
                return "could not export DTLS-SRTP keying material";
            case errc::peer_closed:
                return "peer closed the DTLS association";
        }
        return "unknown dtls error";
    }
};

}  // namespace

const std::error_category& dtls_category() noexcept {
    static const category instance;
    return instance;
}

std::string_view rule_id(errc e) noexcept {
    switch (e) {
        case errc::identity_failed:
            return "dtls.identity_failed";
        case errc::context_failed:
            return "dtls.context_failed";
        case errc::session_failed:
            return "dtls.session_failed";
        case errc::bad_fingerprint:
            return "dtls.bad_fingerprint";
        case errc::unsupported_hash:
            return "dtls.unsupported_hash";
        case errc::fingerprint_mismatch:
            return "dtls.fingerprint_mismatch";
        case errc::no_srtp_profile:
            return "dtls.no_srtp_profile";
        case errc::handshake_failed:
            return "dtls.handshake_failed";
        case errc::timeout:
            return "dtls.timeout";
        case errc::keying_export_failed:
            return "dtls.keying_export_failed";
        case errc::peer_closed:
            return "dtls.peer_closed";
    }
    return "dtls.unknown";
}

std::string dtls_error::to_string() const {
    std::string out(rule());
    out += ": ";
    out += detail.empty() ? make_error_code(code).message() : detail;
    return out;
}

}  // namespace ringstorm::dtls
