#include "engine/media/udp_batch.hpp"

#include <linux/sock_diag.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "engine/media/socket_address.hpp"

namespace ringstorm::media {

receive_batch::receive_batch(std::size_t count, std::size_t max_datagram)
    : max_datagram_(max_datagram),
      data_(count * max_datagram),
      iov_(count),
      names_(count),
      msgs_(count),
      control_(count * (control_bytes + 7) / 8) {
    const std::size_t words = (control_bytes + 7) / 8;
    for (std::size_t i = 0; i < count; ++i) {
        iov_[i].iov_base = data_.data() + i * max_datagram;
        iov_[i].iov_len = max_datagram;
        std::memset(&msgs_[i], 0, sizeof msgs_[i]);
        msgs_[i].msg_hdr.msg_iov = &iov_[i];
        msgs_[i].msg_hdr.msg_iovlen = 1;
        msgs_[i].msg_hdr.msg_name = &names_[i];
        msgs_[i].msg_hdr.msg_control = control_.data() + i * words;
    }
}

int receive_batch::receive(int fd) noexcept {
    // recvmmsg writes back the name and control lengths: restore them for this call.
    for (auto& m : msgs_) {
        m.msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        m.msg_hdr.msg_controllen = control_bytes;
        m.msg_hdr.msg_flags = 0;
    }
    received_ = 0;
    for (;;) {
        const int n = ::recvmmsg(fd, msgs_.data(), static_cast<unsigned>(msgs_.size()),
                                 MSG_DONTWAIT, nullptr);
        if (n >= 0) {
            received_ = n;
            return n;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return 0;
        }
        return -errno;
    }
}

std::optional<std::uint32_t> receive_batch::drops() const noexcept {
    if (received_ <= 0) {
        return std::nullopt;
    }
    // The counter only grows: the last datagram's stamp is the newest.
    msghdr h = msgs_[static_cast<std::size_t>(received_ - 1)].msg_hdr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
            c->cmsg_len >= CMSG_LEN(sizeof(std::uint32_t))) {
            std::uint32_t count = 0;
            std::memcpy(&count, CMSG_DATA(c), sizeof count);
            return count;
        }
    }
    return std::nullopt;
}

std::span<std::uint8_t> receive_batch::datagram(std::size_t i) noexcept {
    return {data_.data() + i * max_datagram_, msgs_[i].msg_len};
}

bool receive_queue_filling(int fd) noexcept {
    std::array<std::uint32_t, SK_MEMINFO_VARS> info{};
    socklen_t length = sizeof info;
    if (::getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info.data(), &length) != 0 ||
        length < sizeof(std::uint32_t) * (SK_MEMINFO_RCVBUF + 1)) {
        return true;
    }
    return std::uint64_t{info[SK_MEMINFO_RMEM_ALLOC]} * 4 >= info[SK_MEMINFO_RCVBUF];
}

send_batch::send_batch(std::size_t count, std::size_t max_datagram)
    : max_datagram_(max_datagram),
      data_(count * max_datagram),
      iov_(count),
      names_(count),
      msgs_(count),
      fds_(count, -1) {
    for (std::size_t i = 0; i < count; ++i) {
        iov_[i].iov_base = data_.data() + i * max_datagram;
        std::memset(&msgs_[i], 0, sizeof msgs_[i]);
        msgs_[i].msg_hdr.msg_iov = &iov_[i];
        msgs_[i].msg_hdr.msg_iovlen = 1;
        msgs_[i].msg_hdr.msg_name = &names_[i];
    }
}

bool send_batch::add(int fd, const stun::transport_address& to,
                     std::span<const std::uint8_t> bytes) noexcept {
    if (full() || bytes.size() > max_datagram_) {
        return false;
    }
    const std::size_t i = size_++;
    std::memcpy(iov_[i].iov_base, bytes.data(), bytes.size());
    iov_[i].iov_len = bytes.size();
    msgs_[i].msg_hdr.msg_namelen = to_sockaddr(to, names_[i]);
    fds_[i] = fd;
    return true;
}

send_batch::outcome send_batch::flush() noexcept {
    outcome out;
    std::size_t run = 0;
    while (run < size_) {
        const int fd = fds_[run];
        std::size_t end = run + 1;
        while (end < size_ && fds_[end] == fd) {
            ++end;
        }
        std::size_t at = run;
        while (at < end) {
            const int n = ::sendmmsg(fd, &msgs_[at], static_cast<unsigned>(end - at), MSG_DONTWAIT);
            ++out.calls;
            if (n > 0) {
                at += static_cast<std::size_t>(n);
                out.sent += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                out.dropped += end - at;
                break;
            }
            // The first datagram of the rest failed on its own (sendmmsg reports an error
            // only for the first message): skip it and send the others.
            ++out.dropped;
            ++at;
        }
        run = end;
    }
    size_ = 0;
    return out;
}

}  // namespace ringstorm::media
