#include "engine/sip/header_id.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace ringstorm::sip {

namespace {

struct header_names {
    std::string_view canonical;
    std::string_view lower;  // lower-cased long form, compared against the wire name
};

// Indexed by header_id; the order must follow the enum.
constexpr std::array<header_names, static_cast<std::size_t>(header_id::count_)> names{{
    {"", ""},
    {"Accept", "accept"},
    {"Allow", "allow"},
    {"Allow-Events", "allow-events"},
    {"Authorization", "authorization"},
    {"Call-ID", "call-id"},
    {"Contact", "contact"},
    {"Content-Disposition", "content-disposition"},
    {"Content-Encoding", "content-encoding"},
    {"Content-Length", "content-length"},
    {"Content-Type", "content-type"},
    {"CSeq", "cseq"},
    {"Date", "date"},
    {"Event", "event"},
    {"Expires", "expires"},
    {"From", "from"},
    {"Max-Forwards", "max-forwards"},
    {"Min-Expires", "min-expires"},
    {"Path", "path"},
    {"Proxy-Authenticate", "proxy-authenticate"},
    {"Proxy-Authorization", "proxy-authorization"},
    {"Proxy-Require", "proxy-require"},
    {"Reason", "reason"},
    {"Record-Route", "record-route"},
    {"Refer-To", "refer-to"},
    {"Require", "require"},
    {"Route", "route"},
    {"Server", "server"},
    {"Session-Expires", "session-expires"},
    {"Subject", "subject"},
    {"Supported", "supported"},
    {"Timestamp", "timestamp"},
    {"To", "to"},
    {"Unsupported", "unsupported"},
    {"User-Agent", "user-agent"},
    {"Via", "via"},
    {"Warning", "warning"},
    {"WWW-Authenticate", "www-authenticate"},
}};

constexpr char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

// Names of 8 bytes or more are compared as 8-byte windows at offsets 0, 8 (when the name
// has 16 bytes) and size-8, each lower-cased with a mask that has 0x20 at the letter
// positions. `(wire | mask) == lower` then folds case on letters only: an upper-case
// letter is the only byte that ORs into a lower-case one, while '-' is compared exactly
// (a plain `| 0x20` everywhere would make "\r" equal "-").
struct folded_name {
    std::array<std::uint64_t, 3> lower{};
    std::array<std::uint64_t, 3> mask{};
};

constexpr std::uint64_t window(std::string_view n, std::size_t at, bool want_mask) {
    std::uint64_t w = 0;
    for (std::size_t k = 0; k < 8 && at + k < n.size(); ++k) {
        const char c = n[at + k];
        const bool letter = c >= 'a' && c <= 'z';
        const std::uint64_t byte = want_mask
                                       ? (letter ? 0x20 : 0)
                                       : static_cast<std::uint64_t>(static_cast<unsigned char>(c));
        w |= byte << (8 * k);
    }
    return w;
}

constexpr std::array<folded_name, names.size()> make_folded() {
    std::array<folded_name, names.size()> out{};
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string_view n = names[i].lower;
        if (n.size() < 8) {
            continue;
        }
        const std::size_t at[3] = {0, n.size() >= 16 ? std::size_t{8} : std::size_t{0},
                                   n.size() - 8};
        for (std::size_t w = 0; w < 3; ++w) {
            out[i].lower[w] = window(n, at[w], false);
            out[i].mask[w] = window(n, at[w], true);
        }
    }
    return out;
}
constexpr std::array<folded_name, names.size()> folded = make_folded();

std::uint64_t load_le(const char* p) noexcept {
    std::uint64_t w = 0;
    std::memcpy(&w, p, 8);
    if constexpr (std::endian::native == std::endian::big) {
        w = __builtin_bswap64(w);
    }
    return w;
}

// The caller has checked that name has the length of id's name.
bool matches(std::string_view name, header_id id) noexcept {
    const std::size_t n = name.size();
    if (n < 8) {
        const std::string_view want = names[static_cast<std::size_t>(id)].lower;
        for (std::size_t i = 0; i < n; ++i) {
            if (lower(name[i]) != want[i]) {
                return false;
            }
        }
        return true;
    }
    const folded_name& f = folded[static_cast<std::size_t>(id)];
    const std::size_t at[3] = {0, n >= 16 ? std::size_t{8} : std::size_t{0}, n - 8};
    for (std::size_t w = 0; w < 3; ++w) {
        if ((load_le(name.data() + at[w]) | f.mask[w]) != f.lower[w]) {
            return false;
        }
    }
    return true;
}

// RFC 3261 §7.3.3 and §20 compact forms (plus u, o, r, x from RFC 6665, 3515, 4028).
// Compact forms of headers without an id here (a, b, d, j, n, y) stay unknown.
header_id compact(char c) noexcept {
    switch (lower(c)) {
        case 'i':
            return header_id::call_id;
        case 'm':
            return header_id::contact;
        case 'e':
            return header_id::content_encoding;
        case 'l':
            return header_id::content_length;
        case 'c':
            return header_id::content_type;
        case 'o':
            return header_id::event;
        case 'f':
            return header_id::from;
        case 'r':
            return header_id::refer_to;
        case 'x':
            return header_id::session_expires;
        case 's':
            return header_id::subject;
        case 'k':
            return header_id::supported;
        case 't':
            return header_id::to;
        case 'u':
            return header_id::allow_events;
        case 'v':
            return header_id::via;
        default:
            return header_id::unknown;
    }
}

// Names are looked up by (length, first letter): one table read, then one compare. Only
// Call-ID and Contact share a slot (7, 'c'); the second candidate lives in `alt`. This
// runs for every header line the parser meets, so no hashing of the whole name and no
// allocation.
constexpr std::size_t max_len = 19;

struct slot_table {
    std::array<std::array<header_id, 26>, max_len + 1> first{};
    std::array<std::array<header_id, 26>, max_len + 1> alt{};
};

constexpr slot_table make_slots() {
    slot_table t{};
    for (std::size_t i = 1; i < names.size(); ++i) {
        const std::string_view n = names[i].lower;
        auto& a = t.first[n.size()][static_cast<std::size_t>(n[0] - 'a')];
        auto& b = t.alt[n.size()][static_cast<std::size_t>(n[0] - 'a')];
        if (a == header_id::unknown) {
            a = static_cast<header_id>(i);
        } else if (b == header_id::unknown) {
            b = static_cast<header_id>(i);
        } else {
            throw "three header names share a slot";  // fails constant evaluation
        }
    }
    return t;
}
constexpr slot_table slots = make_slots();

}  // namespace

std::string_view canonical_name(header_id id) noexcept {
    const auto i = static_cast<std::size_t>(id);
    return i < names.size() ? names[i].canonical : std::string_view{};
}

header_id header_id_from_name(std::string_view n) noexcept {
    if (n.size() == 1) {
        return compact(n[0]);
    }
    if (n.empty() || n.size() > max_len) {
        return header_id::unknown;
    }
    const char first = lower(n[0]);
    if (first < 'a' || first > 'z') {
        return header_id::unknown;
    }
    const auto col = static_cast<std::size_t>(first - 'a');
    if (const header_id id = slots.first[n.size()][col];
        id != header_id::unknown && matches(n, id)) {
        return id;
    }
    if (const header_id id = slots.alt[n.size()][col]; id != header_id::unknown && matches(n, id)) {
        return id;
    }
    return header_id::unknown;
}

}  // namespace ringstorm::sip
