#include "media/srtp/library.hpp"

#include <srtp2/srtp.h>

#ifndef RINGSTORM_SRTP_BACKEND
#error "media/CMakeLists.txt defines RINGSTORM_SRTP_BACKEND for ringstorm_srtp"
#endif

namespace ringstorm::srtp {

std::error_code ensure_initialized() noexcept {
    // A function-local static is initialised once even when workers race here (C++11
    // [stmt.dcl]/4: concurrent callers wait); a failure is remembered, not retried, because
    // srtp_init is not safe to repeat after a partial failure.
    static const srtp_err_status_t status = srtp_init();
    if (status != srtp_err_status_ok) {
        return make_error_code(errc::init_failed);
    }
    return {};
}

std::string_view backend() noexcept {
    return RINGSTORM_SRTP_BACKEND;
}

std::string_view library_version() noexcept {
    const char* v = srtp_get_version_string();
    return v != nullptr ? std::string_view(v) : std::string_view("libsrtp2 (unknown)");
}

}  // namespace ringstorm::srtp
