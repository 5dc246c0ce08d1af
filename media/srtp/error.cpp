#include "media/srtp/error.hpp"

#include <string>

namespace ringstorm::srtp {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "srtp"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::init_failed:
                return "libsrtp initialisation failed";
            case errc::bad_key_length:
                return "SRTP key material has the wrong length for the profile";
            case errc::session_failed:
                return "libsrtp could not create the session";
            case errc::no_session:
                return "SRTP session was moved from";
            case errc::malformed:
                return "packet too short or not RTP version 2";
            case errc::buffer_too_small:
                return "buffer has no room for the SRTP trailer";
            case errc::auth_failed:
                return "SRTP authentication failed";
            case errc::replayed:
                return "SRTP packet replayed";
            case errc::too_old:
                return "SRTP packet older than the replay window";
            case errc::key_expired:
                return "SRTP master key expired";
            case errc::crypto_failed:
                return "SRTP crypto operation failed";
        }
        return "unknown srtp error";
    }
};

}  // namespace

const std::error_category& srtp_category() noexcept {
    static const category instance;
    return instance;
}

std::string_view rule_id(errc e) noexcept {
    switch (e) {
        case errc::init_failed:
            return "srtp.init_failed";
        case errc::bad_key_length:
            return "srtp.bad_key_length";
        case errc::session_failed:
            return "srtp.session_failed";
        case errc::no_session:
            return "srtp.no_session";
        case errc::malformed:
            return "srtp.malformed";
        case errc::buffer_too_small:
            return "srtp.buffer_too_small";
        case errc::auth_failed:
            return "srtp.auth_failed";
        case errc::replayed:
            return "srtp.replayed";
        case errc::too_old:
            return "srtp.too_old";
        case errc::key_expired:
            return "srtp.key_expired";
        case errc::crypto_failed:
            return "srtp.crypto_failed";
    }
    return "srtp.unknown";
}

}  // namespace ringstorm::srtp
