#pragma once
// Internal: the context attribute parsers share to build located errors.

#include <string>
#include <string_view>

#include "media/sdp/error.hpp"

namespace ringstorm::sdp::detail {

struct attr_context {
    const char* base;       // start of the buffer error offsets are relative to
    std::string_view name;  // attribute name, for the error's field

    parse_error fail(errc code, const char* where, std::string detail) const {
        parse_error e;
        e.code = code;
        e.offset = static_cast<std::size_t>(where - base);
        e.field = "a=";
        e.field.append(name);
        e.detail = std::move(detail);
        return e;
    }
};

}  // namespace ringstorm::sdp::detail
