#include "engine/scenario/diagnostic.hpp"

namespace ringstorm::scenario {

std::string to_string(const diagnostic& d) {
    std::string out = d.file;
    if (d.line != 0) {
        out += ':' + std::to_string(d.line);
        if (d.column != 0) {
            out += ':' + std::to_string(d.column);
        }
    }
    out += ": ";
    out += d.message;
    if (!d.hint.empty()) {
        out += "\n    hint: ";
        out += d.hint;
    }
    return out;
}

}  // namespace ringstorm::scenario
