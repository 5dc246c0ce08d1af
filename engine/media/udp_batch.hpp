#pragma once
// The preallocated arrays behind recvmmsg and sendmmsg: one contiguous buffer of
// count × max_datagram bytes, its iovecs, mmsghdrs and peer addresses, set up once so a
// datagram in or out costs no allocation. Plain fds, no Asio: the engine decides when a
// socket is readable and when to flush.

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "media/ice/transport_address.hpp"

namespace ringstorm::media {

class receive_batch {
public:
    receive_batch(std::size_t count, std::size_t max_datagram);

    // One recvmmsg(MSG_DONTWAIT) on `fd`: the number of datagrams now held (≥ 1), 0 when
    // nothing was waiting, or -errno on any other failure.
    int receive(int fd) noexcept;

    std::span<std::uint8_t> datagram(std::size_t i) noexcept;
    const sockaddr_storage& from(std::size_t i) const noexcept { return names_[i]; }
    // Longer than max_datagram: the kernel cut it, so it is dropped rather than misread.
    bool truncated(std::size_t i) const noexcept {
        return (msgs_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    }
    std::size_t capacity() const noexcept { return msgs_.size(); }
    // SO_RXQ_OVFL (socket(7)): how many datagrams the socket has dropped since it was opened
    // because its receive buffer was full, as the kernel stamped the last datagram of the
    // last receive; nullopt when none carried it (the option is off, or nothing came).
    // Those drops are the receiver's own doing, not the network's.
    std::optional<std::uint32_t> drops() const noexcept;

private:
    // One control buffer per message, room for the SO_RXQ_OVFL counter.
    static constexpr std::size_t control_bytes = CMSG_SPACE(sizeof(std::uint32_t));

    std::size_t max_datagram_;
    std::vector<std::uint8_t> data_;
    std::vector<iovec> iov_;
    std::vector<sockaddr_storage> names_;
    std::vector<mmsghdr> msgs_;
    std::vector<std::uint64_t> control_;  // control_bytes per message, 8-byte aligned
    int received_ = 0;
};

// The socket's receive queue holds a quarter of its buffer or more (SO_MEMINFO: one
// getsockopt): the reader is falling behind and drops are near. True when it cannot tell.
bool receive_queue_filling(int fd) noexcept;

class send_batch {
public:
    send_batch(std::size_t count, std::size_t max_datagram);

    bool full() const noexcept { return size_ == msgs_.size(); }
    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }

    // Copies `bytes` for `fd` → `to`. False when the batch is full or the datagram is
    // larger than max_datagram (the caller flushes first, so only the latter happens).
    bool add(int fd, const stun::transport_address& to,
             std::span<const std::uint8_t> bytes) noexcept;

    struct outcome {
        std::size_t sent = 0;
        std::size_t dropped = 0;  // EAGAIN (socket buffer full) or an error for that datagram
        std::size_t calls = 0;    // sendmmsg calls made
    };
    // Sends everything queued, one sendmmsg per run of datagrams on the same fd, never
    // blocking: a full socket buffer (EAGAIN) drops the rest of that run, since audio sent
    // later than its 20 ms slot is worth less than the next slot's, and waiting would stall
    // every call of the worker. A datagram the kernel refuses (EPERM, EHOSTUNREACH…) is
    // skipped alone. Empties the batch.
    outcome flush() noexcept;

private:
    std::size_t max_datagram_;
    std::vector<std::uint8_t> data_;
    std::vector<iovec> iov_;
    std::vector<sockaddr_storage> names_;
    std::vector<mmsghdr> msgs_;
    std::vector<int> fds_;
    std::size_t size_ = 0;
};

}  // namespace ringstorm::media
