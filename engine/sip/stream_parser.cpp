#include <algorithm>
#include <cstring>

#include "engine/sip/parser.hpp"

namespace ringstorm::sip {

namespace {

// Below this many consumed bytes the buffer is not worth moving; above it, and once the
// consumed part is the larger half, the tail is moved to the front. Each byte is thus
// moved a bounded number of times and the buffer never grows past about twice the
// largest message plus one feed.
constexpr std::size_t compact_threshold = 4096;

}  // namespace

stream_parser::stream_parser(parse_options opt) : opt_(std::move(opt)) {
    // A byte stream has no frames: Content-Length is what delimits messages (RFC 3261 §18.3).
    opt_.framing = framing::stream;
}

void stream_parser::feed(std::string_view bytes) {
    buf_.append(bytes);
}

void stream_parser::compact() {
    if (pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    } else if (pos_ >= compact_threshold && pos_ * 2 >= buf_.size()) {
        buf_.erase(0, pos_);
        pos_ = 0;
    }
}

stream_parser::status stream_parser::next(message& out, parse_error& err) {
    if (failed_) {
        err = error_;
        return status::error;
    }
    auto fail = [&](parse_error e) {
        failed_ = true;
        error_ = std::move(e);
        err = error_;
        return status::error;
    };
    auto too_large = [&] {
        // Located where the message crossed the limit, or at the end of its head when the
        // head's Content-Length is what pushes it over.
        const std::size_t avail = buf_.size() - pos_;
        const std::size_t at = std::min(opt_.max_size, avail);
        parse_error e{errc::too_large,
                      at,
                      1,
                      1,
                      {},
                      "message larger than " + std::to_string(opt_.max_size) + " bytes"};
        for (std::size_t i = 0; i < at; ++i) {
            if (buf_[pos_ + i] == '\n') {
                ++e.line;
                e.column = 1;
            } else {
                ++e.column;
            }
        }
        return fail(std::move(e));
    };
    if (!have_head_) {
        // RFC 5626 §4.4.1 / RFC 3261 §7.5: CRLFs between messages are keep-alives.
        const std::size_t before = pos_;
        while (pos_ < buf_.size() && (buf_[pos_] == '\r' || buf_[pos_] == '\n')) {
            ++pos_;
        }
        if (pos_ != before) {
            scanned_ = 0;
        }
        // The head ends at LF LF or LF CR LF; resume the search a little before where the
        // last call stopped so a terminator split across feeds is still seen.
        const char* base = buf_.data() + pos_;
        const std::size_t avail = buf_.size() - pos_;
        std::size_t i = scanned_ > 2 ? scanned_ - 2 : 0;
        std::size_t head = 0;
        while (i < avail) {
            const void* lf = std::memchr(base + i, '\n', avail - i);
            if (lf == nullptr) {
                break;
            }
            i = static_cast<std::size_t>(static_cast<const char*>(lf) - base) + 1;
            if (i < avail && base[i] == '\n') {
                head = i + 1;
                break;
            }
            if (i + 1 < avail && base[i] == '\r' && base[i + 1] == '\n') {
                head = i + 2;
                break;
            }
        }
        if (head == 0) {
            scanned_ = avail;
            if (avail > opt_.max_size) {
                return too_large();
            }
            compact();
            return status::need_more;
        }
        if (head > opt_.max_size) {
            return too_large();
        }
        std::size_t content_length = 0;
        auto r = detail::parse_head(std::string(base, head), opt_, content_length);
        if (!r) {
            return fail(std::move(r).error());
        }
        if (head + content_length > opt_.max_size) {
            return too_large();
        }
        head_ = std::move(r).value();
        body_size_ = content_length;
        have_head_ = true;
        pos_ += head;
        scanned_ = 0;
    }
    if (buf_.size() - pos_ < body_size_) {
        compact();
        return status::need_more;
    }
    detail::attach_body(head_, std::string_view(buf_.data() + pos_, body_size_));
    pos_ += body_size_;
    out = std::move(head_);
    head_ = message();
    have_head_ = false;
    compact();
    return status::ready;
}

}  // namespace ringstorm::sip
