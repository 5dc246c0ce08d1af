#include "media/rtp/error.hpp"

#include <string>

namespace ringstorm::rtp {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "rtp"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::truncated:
                return "packet truncated";
            case errc::bad_version:
                return "RTP/RTCP version is not 2";
            case errc::bad_padding:
                return "bad padding count";
            case errc::bad_extension:
                return "header extension overruns the packet";
            case errc::buffer_too_small:
                return "output buffer too small";
            case errc::too_many_csrcs:
                return "more than 15 CSRCs";
            case errc::bad_extension_id:
                return "header extension id out of range";
            case errc::bad_extension_length:
                return "header extension element length out of range";
            case errc::not_rtcp:
                return "not an RTCP packet type";
            case errc::bad_length:
                return "RTCP length field does not fit";
            case errc::bad_compound:
                return "malformed RTCP compound packet";
            case errc::too_many_blocks:
                return "more than 31 report blocks or sources";
            case errc::wrong_packet_type:
                return "wrong RTCP packet type for this decoder";
            case errc::item_too_long:
                return "SDES item or BYE reason longer than 255 bytes";
            case errc::opus_error:
                return "libopus error";
        }
        return "unknown rtp error";
    }
};

}  // namespace

const std::error_category& rtp_category() noexcept {
    static const category instance;
    return instance;
}

}  // namespace ringstorm::rtp
