// Messages for the STUN codec's error codes.

#include "media/ice/stun_error.hpp"

#include <cstdio>

namespace ringstorm::stun {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "stun"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::too_short:
                return "datagram or attribute shorter than its header says";
            case errc::not_stun:
                return "first two bits are not zero: not a STUN message";
            case errc::bad_magic_cookie:
                return "magic cookie is not 0x2112A442";
            case errc::bad_length:
                return "message length is not a multiple of 4 or does not match the datagram";
            case errc::bad_attribute:
                return "attribute value does not follow its grammar";
            case errc::attribute_after_fingerprint:
                return "attribute after FINGERPRINT";
            case errc::too_many_unknown:
                return "too many unknown comprehension-required attributes";
            case errc::buffer_too_small:
                return "encode buffer too small";
            case errc::value_too_long:
                return "attribute value longer than its RFC 8489 limit";
        }
        return "unknown stun error";
    }
};

}  // namespace

const std::error_category& stun_category() noexcept {
    static const category c;
    return c;
}

std::string decode_error::to_string() const {
    char buf[48];
    std::snprintf(buf, sizeof buf, "byte %zu, attribute 0x%04x: ", offset,
                  static_cast<unsigned>(attribute));
    return buf + make_error_code(code).message();
}

}  // namespace ringstorm::stun
