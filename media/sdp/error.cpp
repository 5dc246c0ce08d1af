#include "media/sdp/error.hpp"

namespace ringstorm::sdp {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "sdp"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::too_large:
                return "session description too large";
            case errc::nul_byte:
                return "NUL or bare CR inside a line";
            case errc::bad_line:
                return "line is not <type>=<value>";
            case errc::unknown_line_type:
                return "unknown line type";
            case errc::misplaced_line:
                return "line not allowed here";
            case errc::duplicate_line:
                return "line may appear only once";
            case errc::missing_version:
                return "missing v= line";
            case errc::bad_version:
                return "unsupported SDP version";
            case errc::missing_origin:
                return "missing o= line";
            case errc::bad_origin:
                return "malformed o= line";
            case errc::missing_session_name:
                return "missing s= line";
            case errc::missing_timing:
                return "missing t= line";
            case errc::bad_timing:
                return "malformed t= or r= line";
            case errc::bad_connection:
                return "malformed c= line";
            case errc::bad_bandwidth:
                return "malformed b= line";
            case errc::bad_media:
                return "malformed m= line";
            case errc::bad_port:
                return "bad port";
            case errc::bad_payload_type:
                return "bad payload type";
            case errc::bad_number:
                return "bad number";
            case errc::bad_attribute:
                return "malformed attribute";
        }
        return "unknown sdp error";
    }
};

}  // namespace

const std::error_category& sdp_category() noexcept {
    static const category instance;
    return instance;
}

std::string parse_error::to_string() const {
    std::string out = "line " + std::to_string(line) + ", column " + std::to_string(column) +
                      " (byte " + std::to_string(offset) + ")";
    if (!field.empty()) {
        out += ", ";
        out += field;
    }
    out += ": ";
    out += detail.empty() ? make_error_code(code).message() : detail;
    return out;
}

}  // namespace ringstorm::sdp
