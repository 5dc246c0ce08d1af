#include "media/dtls/datagram_queue.hpp"

#include <openssl/bio.h>

namespace ringstorm::dtls::detail {

bool datagram_queue::append(std::span<const std::uint8_t> record) {
    if (bytes_.size() + record.size() > max_bytes) {
        return false;
    }
    if (!open_ || open_bytes() + record.size() > mtu_) {
        ends_.push_back(bytes_.size());
        open_ = true;
    }
    bytes_.insert(bytes_.end(), record.begin(), record.end());
    ends_.back() = bytes_.size();
    return true;
}

std::size_t datagram_queue::open_bytes() const noexcept {
    if (!open_) {
        return 0;
    }
    const std::size_t begin = ends_.size() > 1 ? ends_[ends_.size() - 2] : 0;
    return bytes_.size() - begin;
}

std::span<const std::uint8_t> datagram_queue::operator[](std::size_t i) const noexcept {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return {bytes_.data() + begin, ends_[i] - begin};
}

void datagram_queue::clear() noexcept {
    bytes_.clear();
    ends_.clear();
    open_ = false;
}

namespace {

int bio_write(BIO* b, const char* data, int len) {
    auto* q = static_cast<datagram_queue*>(BIO_get_data(b));
    if (len < 0 || q == nullptr) {
        return -1;
    }
    const auto* p = reinterpret_cast<const std::uint8_t*>(data);
    return q->append({p, static_cast<std::size_t>(len)}) ? len : -1;
}

long bio_ctrl(BIO* b, int cmd, long, void*) {
    auto* q = static_cast<datagram_queue*>(BIO_get_data(b));
    switch (cmd) {
        case BIO_CTRL_FLUSH:
            // OpenSSL flushes at the end of each flight and when a datagram is full.
            q->seal();
            return 1;
        case BIO_CTRL_WPENDING:
            return static_cast<long>(q->open_bytes());
        case BIO_CTRL_PENDING:
        case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:  // the MTU we set is the UDP payload already
        case BIO_CTRL_DGRAM_QUERY_MTU:         // never: SSL_OP_NO_QUERY_MTU
        case BIO_CTRL_DGRAM_MTU_EXCEEDED:
            return 0;
        default:
            return 0;
    }
}

int bio_create(BIO* b) {
    BIO_set_init(b, 1);
    return 1;
}

const BIO_METHOD* method() {
    // Made once per process; OpenSSL only reads it afterwards, so threads may share it.
    static BIO_METHOD* m = [] {
        BIO_METHOD* made =
            BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "ringstorm dtls datagrams");
        if (made != nullptr) {
            BIO_meth_set_write(made, bio_write);
            BIO_meth_set_ctrl(made, bio_ctrl);
            BIO_meth_set_create(made, bio_create);
        }
        return made;
    }();
    return m;
}

}  // namespace

bio_st* new_datagram_bio(datagram_queue* q) {
    const BIO_METHOD* m = method();
    if (m == nullptr) {
        return nullptr;
    }
    BIO* b = BIO_new(m);
    if (b != nullptr) {
        BIO_set_data(b, q);
    }
    return b;
}

}  // namespace ringstorm::dtls::detail
