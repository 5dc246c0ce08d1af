#pragma once
// Process-wide libsrtp state: srtp_init() once (it self-tests the crypto kernel and fills
// global tables, so it must not race), and which build of libsrtp this binary carries.

#include <string_view>

#include "media/srtp/error.hpp"

namespace ringstorm::srtp {

// Runs srtp_init() exactly once per process, whichever thread asks first; later calls
// return the first outcome. srtp_session::create calls it, so callers need not. Thread-safe.
// libsrtp is never shut down: sessions may live until exit, in any worker.
std::error_code ensure_initialized() noexcept;

// "openssl" (scripts/setup's build), "nss" (Debian's binary) or "builtin", fixed at configure
// time (media/CMakeLists.txt), for `ringstorm version` and benchmark output.
std::string_view backend() noexcept;

// libsrtp's own version string, e.g. "libsrtp2 2.5.0".
std::string_view library_version() noexcept;

}  // namespace ringstorm::srtp
