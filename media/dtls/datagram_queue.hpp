#pragma once
// Outgoing datagrams of one session, kept with their boundaries: a memory BIO would run the
// records of a flight together, and DTLS over UDP needs to know where each datagram ends
// (RFC 6347 §4.1.1: records never span datagrams). Records written between two BIO
// flushes share a datagram while they fit the MTU, as OpenSSL expects (it sizes handshake
// fragments by the bytes already pending, BIO_CTRL_WPENDING). The storage is one byte vector
// reused for the life of the session, so no allocation per datagram once warmed up.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

struct bio_st;

namespace ringstorm::dtls::detail {

class datagram_queue {
public:
    // Bounds what a caller that never drains can make us hold (twelve retransmitted
    // flights of a few KB stay far below it).
    static constexpr std::size_t max_bytes = 256 * 1024;

    explicit datagram_queue(std::size_t mtu) : mtu_(mtu) {}

    // Appends one record; false when it would pass max_bytes.
    bool append(std::span<const std::uint8_t> record);
    // Ends the open datagram (a flush, or the end of a session call).
    void seal() noexcept { open_ = false; }
    // Bytes of the datagram still open for more records, 0 when none is.
    std::size_t open_bytes() const noexcept;

    std::size_t size() const noexcept { return ends_.size(); }
    std::span<const std::uint8_t> operator[](std::size_t i) const noexcept;
    void clear() noexcept;

private:
    std::size_t mtu_;
    std::vector<std::uint8_t> bytes_;
    std::vector<std::size_t> ends_;  // end offset of each datagram in bytes_
    bool open_ = false;
};

// A write-only BIO that appends to `q` (not owned; must outlive the BIO).
bio_st* new_datagram_bio(datagram_queue* q);

}  // namespace ringstorm::dtls::detail
