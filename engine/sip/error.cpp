#include "engine/sip/error.hpp"

#include <string>

namespace ringstorm::sip {

namespace {

class sip_error_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "ringstorm.sip"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::malformed_start_line:
                return "malformed start line";
            case errc::unsupported_version:
                return "unsupported SIP version";
            case errc::malformed_header:
                return "malformed header";
            case errc::missing_header:
                return "mandatory header missing";
            case errc::bad_content_length:
                return "bad Content-Length";
            case errc::missing_content_length:
                return "Content-Length required on a stream transport";
            case errc::header_too_long:
                return "header line too long";
            case errc::too_many_headers:
                return "too many header lines";
            case errc::too_large:
                return "message too large";
            case errc::nul_byte:
                return "NUL byte in the message head";
            case errc::truncated:
                return "message ends inside the header section";
        }
        return "unknown SIP error";
    }
};

}  // namespace

const std::error_category& sip_category() noexcept {
    static const sip_error_category category;
    return category;
}

}  // namespace ringstorm::sip
